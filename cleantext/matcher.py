"""Combined line matchers: many whole-line patterns answered by one pass per line.

The ``lines`` stage asks, for every line, "which is the first rule (in rule order) whose
pattern matches this whole line?". Trying each rule on each line would make the cost grow with
the number of rules, so the patterns are compiled into one alternation whose named groups tell
which alternative matched; a backtracking engine tries alternatives left to right, so the
first rule in order wins, exactly as if the rules were tried one by one.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex

_LEADING_FLAGS = regex.compile(r"^\(\?([aiLmsux]+)\)")
_BACKREFERENCE = regex.compile(r"\\[1-9]|\(\?P=")


def scoped(source: str) -> str:
    """Rewrite a leading ``(?i)`` into ``(?i:...)`` so the pattern can sit inside an alternation.

    >>> scoped("(?i)share this")
    '(?i:share this)'
    """
    match = _LEADING_FLAGS.match(source)
    if match:
        return f"(?{match.group(1)}:{source[match.end() :]})"
    return f"(?:{source})"


class LineMatcher:
    """Find the first of several patterns that matches a whole line.

    >>> m = LineMatcher(["Share this", "(?i)advertisement"])
    >>> m.first("ADVERTISEMENT"), m.first("Shares rose"), m.first("Share this")
    (1, None, 0)
    """

    __slots__ = ("_combined", "_order", "_sources", "_standalone")

    def __init__(self, sources: Sequence[str]) -> None:
        self._sources = tuple(sources)
        combinable = [i for i, s in enumerate(sources) if not _BACKREFERENCE.search(s)]
        self._standalone = tuple(
            (i, regex.compile(s)) for i, s in enumerate(sources) if _BACKREFERENCE.search(s)
        )
        self._order = tuple(combinable)
        self._combined: regex.Pattern[str] | None = None
        if combinable:
            alternation = "|".join(f"(?P<r{i}>{scoped(sources[i])})" for i in combinable)
            self._combined = regex.compile(alternation)

    def __reduce__(self) -> tuple[type[LineMatcher], tuple[tuple[str, ...]]]:
        return (LineMatcher, (self._sources,))

    def first(self, line: str) -> int | None:
        """Index of the first pattern that matches all of ``line``, or ``None``."""
        found: int | None = None
        if self._combined is not None:
            match = self._combined.fullmatch(line)
            if match is not None:
                found = int(match.lastgroup[1:])
        for index, pattern in self._standalone:
            if found is not None and index > found:
                break
            if pattern.fullmatch(line):
                return index
        return found
