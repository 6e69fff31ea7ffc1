"""Which rule matches each line of a document, and on which lines a pattern may match: one
RE2 scan of the whole text names the candidate lines, ``regex`` confirms them."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import regex

from .budget import Budgets
from .compiled import CompiledOnDemand
from .re2_syntax import ascii_exact, re2, re2_options, scoped, standalone, translate
from .text import encoded, match_spans, matched_lines


class LineMatcher:
    """Find the first of several patterns that matches a whole line.

    :meth:`first` answers for one line with a ``regex`` alternation; :meth:`scan` answers for
    every line of a document at once: one RE2 scan of the whole text finds the few lines a
    relaxed form of some pattern matches (never missing one), and only those lines are
    checked with the exact patterns, in rule order. Patterns RE2 cannot relax (backreferences)
    are tried on every line.

    >>> m = LineMatcher(["Share this", "(?i)advertisement"])
    >>> m.first("ADVERTISEMENT"), m.first("Shares rose"), m.first("Share this")
    (1, None, 0)
    >>> m.scan(["Text.", "Share this", "", "advertisement"])
    [(1, 0), (3, 1)]
    """

    __slots__ = (
        "_ascii",
        "_combined",
        "_combined_built",
        "_exact",
        "_fast",
        "_rest",
        "_sources",
        "_standalone",
        "presence",
    )

    def __init__(self, sources: Sequence[str]) -> None:
        self._sources = tuple(sources)
        self._standalone = tuple(
            (i, regex.compile(s)) for i, s in enumerate(sources) if standalone(s)
        )
        # The alternation :meth:`first` uses is compiled on first use: with RE2 it serves only
        # texts RE2 cannot read, and it costs more to compile than everything else here.
        self._combined: regex.Pattern[str] | None = None
        self._combined_built = False
        self._exact = CompiledOnDemand(self._sources)
        relaxed = [translate(s, relaxed=True) for s in sources]
        fast = [i for i, t in enumerate(relaxed) if t is not None]
        self._fast = None
        #: an RE2 pattern (multi-line) found in every text where some pattern matches a line,
        #: or ``None`` when some pattern cannot be relaxed: a gate can then skip :meth:`scan`
        self.presence: str | None = None
        if fast:
            try:
                anywhere = "|".join(f"(?:{relaxed[i]})" for i in fast)
                which = _full_match_set([relaxed[i] or "" for i in fast])
                prefilter = re2.compile(f"(?m)^(?:{anywhere})$".encode(), re2_options())
                self._fast = (prefilter, which, tuple(fast))
            except re2.error:
                fast = []
        self._rest = tuple(i for i in range(len(sources)) if i not in set(fast))
        if fast and not self._rest:
            self.presence = f"^(?:{anywhere})$"
        self._ascii: tuple[Any, frozenset[int]] | None = None  # built when a scan needs it

    def _ascii_set(self) -> tuple[Any, frozenset[int]]:
        """:func:`_ascii_set` of this matcher, built on first use (two threads may both build
        it: the same set)."""
        found = self._ascii
        if found is None:
            assert self._fast is not None
            relaxed = [translate(s, relaxed=True) for s in self._sources]
            found = self._ascii = _ascii_set(self._sources, relaxed, self._fast[2])
        return found

    def __reduce__(self) -> tuple[type[LineMatcher], tuple[tuple[str, ...]]]:
        return (LineMatcher, (self._sources,))

    def _build_combined(self) -> None:
        """The alternation :meth:`first` tries (two threads may both build it: the same)."""
        combinable = [i for i, s in enumerate(self._sources) if not standalone(s)]
        try:
            self._combined = _alternation(self._sources, combinable)
        except regex.error:  # patterns that only compile alone: try each on its own
            self._combined = None
            self._standalone = tuple(enumerate(map(regex.compile, self._sources)))
        self._combined_built = True

    def first(self, line: str, budgets: Budgets | None = None, offset: int = 0) -> int | None:
        """Index of the first pattern that matches all of ``line``, or ``None``.

        With ``budgets`` (indexed from ``offset``) each pattern's time on this document is
        bounded; a pattern that runs out counts as not matching, and stays in
        ``budgets.spent``.
        """
        if not self._combined_built:
            self._build_combined()
        if budgets is not None:
            return self._first_timed(line, budgets, offset)
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

    def _first_timed(self, line: str, budgets: Budgets, offset: int) -> int | None:
        combined = self._combined
        alone = {index for index, _ in self._standalone}
        together = [i + offset for i in range(len(self._sources)) if i not in alone]
        if combined is not None and budgets.spent.isdisjoint(together):
            try:
                match = combined.fullmatch(line, timeout=budgets.least(together))
            except TimeoutError:  # which pattern it was, only the patterns one by one tell
                match = False
            if match is not False:
                found = None if match is None else int(match.lastgroup[1:])
                for index, pattern in self._standalone:
                    if found is not None and index > found:
                        break
                    if budgets.fullmatch(pattern, index + offset, line):
                        return index
                return found
        for index in range(len(self._sources)):
            if budgets.fullmatch(self._exact[index], index + offset, line):
                return index
        return None

    def scan(self, lines: Sequence[str], budgets: Budgets | None = None) -> list[tuple[int, int]]:
        """``(line index, pattern index)`` of every non-empty line some pattern matches.

        The same answer as calling :meth:`first` on each line; with ``budgets``, as if the
        patterns that ran out on this document were not there.
        """
        text = encoded(lines) if self._fast is not None else None
        return self.scan_encoded(lines, text, budgets)

    def scan_encoded(
        self,
        lines: Sequence[str],
        text: bytes | None,
        budgets: Budgets | None = None,
        offset: int = 0,
    ) -> list[tuple[int, int]]:
        """:meth:`scan` with the lines already joined and UTF-8 encoded (``None``: cannot be);
        ``budgets`` counts patterns from ``offset`` (see :class:`LineMatchers`)."""
        while True:
            spent = len(budgets.spent) if budgets is not None else 0
            hits = self._scan_once(lines, text, budgets, offset)
            if budgets is None or len(budgets.spent) == spent:
                return hits
            # A pattern ran out: the lines it took may hold a later pattern's match.

    def _scan_once(
        self, lines: Sequence[str], text: bytes | None, budgets: Budgets | None, offset: int
    ) -> list[tuple[int, int]]:
        if text is None or self._fast is None:
            return self._scan_each(lines, budgets, offset)
        prefilter, which, fast = self._fast
        ascii_which, sure = self._ascii or self._ascii_set()
        # Candidate line -> its UTF-8 bytes (a prefilter match spans the whole line), which the
        # set reads without encoding the line again; ``None`` for lines tried for ``_rest`` only.
        candidates: dict[int, bytes | None] = self._candidate_lines(prefilter, text)
        rest = self._rest
        if rest:
            candidates.update(
                (i, None) for i, line in enumerate(lines) if line and i not in candidates
            )
        exact = self._exact
        hits: list[tuple[int, int]] = []
        # A line's answer depends on its text alone: a line repeated down the document (a
        # label under every item, a page of nothing else) is matched once.
        answers: dict[str, int | None] = {}
        # The scan names the candidates in line order; only lines added for ``rest`` need a
        # sort. Nine candidates in ten are matched (dev's pages): the loop asks the set and
        # confirms, with little else a line.
        for i, data in sorted(candidates.items()) if rest else candidates.items():
            line = lines[i]
            found = answers.get(line, _UNSEEN)
            if found != _UNSEEN:
                if found is not None:
                    hits.append((i, found))
                continue
            if ascii_which is not None and data is not None and data.isascii():
                # On an ASCII line the set's answer is final for the patterns in ``sure``.
                tried = ascii_which.Match(data)
                final = sure
            else:
                tried = which.Match(line if data is None else data)
                final = _NONE
            answers[line] = None
            # The sets number the patterns of ``fast``; without ``rest`` that is every pattern
            # in order, and their numbers are the patterns'.
            if rest:
                tried = [*map(fast.__getitem__, tried or ()), *rest]
            elif tried is None:
                continue
            for index in sorted(tried):
                if budgets is not None and index + offset in budgets.spent:
                    continue  # left out of this document, or out of time on it
                if index in final:
                    matched = True
                elif budgets is None:
                    matched = exact[index].fullmatch(line) is not None
                else:
                    matched = budgets.fullmatch(exact[index], index + offset, line)
                if matched:
                    hits.append((i, index))
                    answers[line] = index
                    break
        return hits

    def _scan_each(
        self, lines: Sequence[str], budgets: Budgets | None, offset: int
    ) -> list[tuple[int, int]]:
        """:meth:`scan` by :meth:`first` on every line (no RE2, or text it cannot read); a
        method of its own, as the names its comprehension reads would be cells made on every
        call of :meth:`_scan_once`."""
        return [
            (i, found)
            for i, line in enumerate(lines)
            if line and (found := self.first(line, budgets, offset)) is not None
        ]

    @staticmethod
    def _candidate_lines(prefilter: re2._Regexp, encoded: bytes) -> dict[int, bytes | None]:
        found: dict[int, bytes | None] = {}
        line = 0
        position = 0
        for start, end in match_spans(prefilter, encoded):
            if start == end:
                continue
            line += encoded.count(b"\n", position, start)
            position = start
            found[line] = encoded[start:end]
        return found


_NONE: frozenset[int] = frozenset()
_UNSEEN = -1  # not a pattern index: a line not matched yet in this scan


def _full_match_set(patterns: Sequence[str]) -> Any:
    """An RE2 set telling which of ``patterns`` match all of a line."""
    which = re2.Set.FullMatchSet(re2_options())
    for pattern in patterns:
        which.Add(pattern)
    which.Compile()
    return which


def _ascii_set(
    sources: Sequence[str], relaxed: Sequence[str | None], fast: Sequence[int]
) -> tuple[Any, frozenset[int]]:
    """The set asked about ASCII lines, and the patterns (indexes) whose answer there is
    final: those with an :func:`ascii_exact` form, which then need no confirmation by the
    backtracking engine (no time budget either); most boilerplate lines are ASCII.
    ``(None, {})`` when no pattern has such a form or the set does not fit RE2's memory."""
    forms = {i: form for i in fast if (form := ascii_exact(sources[i])) is not None}
    if not forms:
        return None, _NONE
    try:
        which = _full_match_set([forms.get(i) or relaxed[i] or "" for i in fast])
    except re2.error:
        return None, _NONE
    return which, frozenset(forms)


@lru_cache(maxsize=1024)
def line_matcher(sources: tuple[str, ...]) -> LineMatcher:
    """A shared :class:`LineMatcher` for these patterns (plans of many sites reuse the generic
    part instead of compiling it again)."""
    return LineMatcher(sources)


class LineMatchers:
    """Several :class:`LineMatcher` in rule order, answering as one matcher over all patterns.

    A plan keeps the generic rules' matcher shared between sites and compiles only the site
    part; the first part with a hit on a line holds the first rule in order.

    >>> chain = LineMatchers([("Share this",), ("(?i)share this", "Advertisement")])
    >>> chain.scan(["Share this", "SHARE THIS", "Advertisement", "Text."])
    [(0, 0), (1, 1), (2, 2)]
    """

    __slots__ = ("_parts",)

    def __init__(self, parts: Sequence[tuple[str, ...]]) -> None:
        offsets = [0]
        for part in parts:
            offsets.append(offsets[-1] + len(part))
        self._parts = tuple(
            (line_matcher(tuple(part)), offset)
            for part, offset in zip(parts, offsets, strict=False)
        )

    @property
    def presence(self) -> str | None:
        """:attr:`LineMatcher.presence` of the one part (``None`` for several)."""
        return self._parts[0][0].presence if len(self._parts) == 1 else None

    def scan(self, lines: Sequence[str], budgets: Budgets | None = None) -> list[tuple[int, int]]:
        """``(line index, pattern index)`` for every non-empty line some pattern matches (see
        :meth:`LineMatcher.scan`; ``budgets`` counts the patterns of all parts in order)."""
        text = encoded(lines) if re2 is not None else None
        if len(self._parts) == 1:
            return self._parts[0][0].scan_encoded(lines, text, budgets)
        found: dict[int, int] = {}
        for matcher, offset in self._parts:
            for line, index in matcher.scan_encoded(lines, text, budgets, offset):
                found.setdefault(line, index + offset)
        return sorted(found.items())


def _alternation(sources: Sequence[str], indexes: Sequence[int]) -> regex.Pattern[str] | None:
    if not indexes:
        return None
    return regex.compile("|".join(f"(?P<r{i}>{scoped(sources[i])})" for i in indexes))


# Whitespace as str.strip() sees it (regex's \s leaves out \x1c-\x1f), at either end of a
# line. Every such character lies below U+3001.
_SPACE = "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace() and c != 10)
OUTER_SPACE = f"^[{_SPACE}]|[{_SPACE}]$"


class LineFilter:
    """The lines of a document where a pattern may match: one RE2 scan.

    Never misses a line the pattern matches, inside the line or, with ``whole_line``, as all
    of it (for actions that ``fullmatch``: the scan then names fewer lines); ``outer_space``
    adds the lines with whitespace at either end. :meth:`lines` answers ``None`` when it
    cannot tell (no RE2, a pattern it cannot relax, one that matches the empty string): then
    every line must be tried.

    >>> LineFilter(r"\\?{2,}").lines(["a ?? b", "plain", "", "??"])
    [0, 3]
    >>> LineFilter(r"\\?{2,}", whole_line=True).lines(["a ?? b", "plain", "", "??"])
    [3]
    """

    __slots__ = ("_pattern", "_source")

    def __init__(self, source: str, *, outer_space: bool = False, whole_line: bool = False) -> None:
        self._source = (source, outer_space, whole_line)
        relaxed = translate(source, relaxed=True)
        self._pattern = None
        if relaxed is not None and not re2.fullmatch(relaxed, ""):
            if whole_line:
                relaxed = f"^(?:{relaxed})$"
            if outer_space:
                relaxed = f"{relaxed}|{translate(OUTER_SPACE, relaxed=True)}"
            self._pattern = re2.compile(f"(?m:{relaxed})".encode(), re2_options())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_line_filter, self._source)

    def lines(self, lines: Sequence[str]) -> list[int] | None:
        """Sorted indexes of the lines that may match, or ``None`` for "try them all"."""
        if self._pattern is None:
            return None
        text = encoded(lines)
        if text is None:
            return None
        return matched_lines(self._pattern, text)


def _line_filter(source: str, outer_space: bool, whole_line: bool) -> LineFilter:
    return LineFilter(source, outer_space=outer_space, whole_line=whole_line)
