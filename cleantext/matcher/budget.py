"""Time budgets for rule patterns on the backtracking engine, per rule and per document.

``regex`` can backtrack for minutes on a line a pattern almost matches (``(a+)+(?=b)`` on a
line of ``a``), and no static check catches every such pattern. So every call of a rule's
pattern passes ``regex``'s ``timeout``, and a rule gets at most its budget, summed over all its
calls, on one document; past it ``regex`` (or this module) raises ``TimeoutError``, and the
pipeline leaves that rule out for that document and says so. RE2 scans run in linear time
and need no budget.

A budget costs little where rules behave: one clock read per call (the budget of the document
is measured from the rule's first call on it) and ``regex``'s own timing, about a microsecond
per call, on the few lines the RE2 scans leave to ``regex``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from time import monotonic
from typing import Any, Protocol

import regex

#: seconds of matching a rule may spend on one document unless its ``max_seconds`` says
#: otherwise: a thousand times what a shipped rule needs on a large page
DEFAULT_SECONDS = 1.0


class PatternLike(Protocol):
    """What actions call on a rule pattern: a ``regex`` pattern or its :class:`Timed` view."""

    @property
    def pattern(self) -> str: ...

    def fullmatch(self, string: str) -> Any: ...

    def search(self, string: str) -> Any: ...

    def finditer(self, string: str) -> Iterator[Any]: ...

    def sub(self, repl: str, string: str) -> str: ...


class OutOfTime(TimeoutError):
    """A pattern used up its rule's time budget on one document."""


class UserPattern:
    """A rule's pattern: ``regex`` syntax, compiled on first use, with a time budget.

    Call :meth:`timed` once per document and match through what it returns; calling the
    pattern's own methods (``fullmatch``...) gives each call the whole budget.

    >>> p = UserPattern(r"Share (this|that)", 0.5)
    >>> p.timed().fullmatch("Share this") is not None, p.pattern
    (True, 'Share (this|that)')
    """

    __slots__ = ("_compiled", "pattern", "seconds")

    def __init__(self, source: str, seconds: float = DEFAULT_SECONDS) -> None:
        self.pattern = source
        self.seconds = seconds
        self._compiled: regex.Pattern[str] | None = None

    @property
    def compiled(self) -> regex.Pattern[str]:
        """The ``regex`` pattern (two threads may compile it twice: the same pattern)."""
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = regex.compile(self.pattern)
        return compiled

    def timed(self) -> Timed:
        """A view of this pattern for one document: all its calls share :attr:`seconds`."""
        return Timed(self.compiled, self.seconds)

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.compiled, name)
        if name in Timed.METHODS:
            return getattr(Timed(self.compiled, self.seconds), name)
        return method

    def __reduce__(self) -> tuple[Any, ...]:
        return (UserPattern, (self.pattern, self.seconds))

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r}, {self.seconds})"


class Timed:
    """A compiled pattern whose calls together may take ``seconds`` from the first of them."""

    __slots__ = ("_deadline", "_pattern", "_seconds")

    METHODS = frozenset({"fullmatch", "match", "search", "finditer", "sub"})

    def __init__(self, compiled: regex.Pattern[str], seconds: float) -> None:
        self._pattern = compiled
        self._seconds = seconds
        self._deadline = 0.0  # set by the first call

    @property
    def pattern(self) -> str:
        return str(self._pattern.pattern)

    def left(self) -> float:
        """Seconds left; raises :class:`OutOfTime` when there are none."""
        now = monotonic()
        if not self._deadline:
            self._deadline = now + self._seconds
        left = self._deadline - now
        if left <= 0:  # regex reads a timeout of 0 or less as "none"
            raise OutOfTime(f"pattern {self.pattern!r} ran out of its {self._seconds} s")
        return left

    def fullmatch(self, string: str) -> Any:
        return self._pattern.fullmatch(string, timeout=self.left())

    def match(self, string: str) -> Any:
        return self._pattern.match(string, timeout=self.left())

    def search(self, string: str) -> Any:
        return self._pattern.search(string, timeout=self.left())

    def sub(self, repl: str | Callable[[Any], str], string: str) -> str:
        return str(self._pattern.sub(repl, string, timeout=self.left()))

    def finditer(self, string: str) -> Iterator[Any]:
        for match in self._pattern.finditer(string, timeout=self.left()):
            yield match
            self.left()  # each step of the iteration may have had the whole time left


_NOTHING: frozenset[int] = frozenset()


class Indexed(Protocol):
    """Seconds by pattern index: a sequence, or an object answering only when asked."""

    def __getitem__(self, index: int, /) -> float: ...


class Budgets:
    """Seconds left to each pattern of a combined scan on one document (by pattern index),
    and the patterns that ran out: the scan then goes on without them.

    ``seconds`` gives each pattern's budget by index (a sequence, or anything indexable that
    answers lazily: only the patterns called on the document are looked up).
    """

    __slots__ = ("_left", "_seconds", "left_out", "spent")

    #: indexes of the patterns that used up their budget (a set of its own from the first)
    spent: AbstractSet[int]

    def __init__(self, seconds: Indexed, left_out: AbstractSet[int] = _NOTHING) -> None:
        self._seconds = seconds
        self._left: dict[int, float] | None = None  # only patterns called on this document
        #: patterns left out of this document from the start (a rule held back for what it
        #: would remove): the scan goes on without them, as without those out of time
        self.left_out = left_out
        self.spent = set(left_out) if left_out else _NOTHING

    def fullmatch(self, compiled: regex.Pattern[str], index: int, line: str) -> bool:
        """Whether ``compiled`` (pattern ``index``) matches all of ``line`` within its budget;
        ``False`` for a pattern that ran out (now, or before)."""
        if index in self.spent:
            return False
        if self._left is None:
            self._left = {}
        left = self._left.get(index)
        if left is None:
            left = self._seconds[index]
        start = monotonic()
        try:
            return compiled.fullmatch(line, timeout=left) is not None
        except TimeoutError:
            left = 0.0
            return False
        finally:
            left -= monotonic() - start
            self._left[index] = left
            if left <= 0:
                self._spend(index)

    def ran_out(self) -> list[int]:
        """Indexes of the patterns that used up their budget on this document, in order."""
        return sorted(self.spent - self.left_out) if self.spent else []

    def _spend(self, index: int) -> None:
        if self.spent is _NOTHING:
            self.spent = set()
        self.spent.add(index)  # type: ignore[attr-defined]

    def least(self, indexes: Sequence[int]) -> float:
        """The smallest budget left among ``indexes`` (for one call made for all of them)."""
        left = self._left or {}
        return min(left.get(i, self._seconds[i]) for i in indexes)
