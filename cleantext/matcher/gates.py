"""Which patterns may occur in a text, for gates and site detection: one RE2 set scan, and
one scan shared by several gates and the detection markers (:class:`JointScan`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import regex

from .budget import DEFAULT_SECONDS
from .compiled import CompiledOnDemand
from .re2_syntax import Mode, re2, re2_options, translate
from .text import encode_text, encoded, joined


class PatternGate:
    """Which patterns may match somewhere in a text: one scan, never a false "no".

    Args:
        sources: ``(pattern, whole_line)`` pairs; ``whole_line`` patterns must match a line
            from start to end, the others anywhere inside a line.
        raw: RE2 patterns searched as they are in the UTF-8 text (an action's own fixed scan,
            see ``ActionSpec.presence``); their indexes follow those of ``sources``.

    >>> gate = PatternGate([(r"\\?{2,}", False), (r"By \\w+", True)])
    >>> sorted(gate.possible("x ?? y\\nBy Ann"))
    [0, 1]
    >>> sorted(gate.possible("By Ann Lee, Reuters"))
    []
    """

    __slots__ = ("_always", "_raw", "_set", "_sources", "set_patterns")

    def __init__(self, sources: Sequence[tuple[str, bool]], raw: Sequence[str] = ()) -> None:
        self._sources = tuple(sources)
        self._raw = tuple(raw)
        translated = [translate(source, relaxed=True) for source, _ in sources]
        if re2 is None:  # pragma: no cover - raw patterns need RE2 too
            translated += [None] * len(raw)
        else:
            translated += list(raw)
        self._always = frozenset(i for i, t in enumerate(translated) if t is None)
        self._set = None
        wholes = [whole_line for _, whole_line in sources] + [False] * len(raw)
        #: the RE2 set's patterns, in the order of ``indexes`` (see :class:`JointScan`)
        self.set_patterns = [
            f"(?m)^(?:{source})$" if whole_line else f"(?m:{source})"
            for source, whole_line in zip(translated, wholes, strict=True)
            if source is not None
        ]
        if self.set_patterns:
            pattern_set = re2.Set.SearchSet(re2_options())
            for pattern in self.set_patterns:
                pattern_set.Add(pattern)
            pattern_set.Compile()
            self._set = (pattern_set, [i for i, t in enumerate(translated) if t is not None])

    def __reduce__(self) -> tuple[Any, ...]:
        return (PatternGate, (self._sources, self._raw))

    def possible(self, text: str | Sequence[str]) -> frozenset[int]:
        """Indexes of the patterns that can match in ``text`` (a superset of those that do);
        ``text`` may be given as its lines (their joined bytes are cached on :class:`Lines`)."""
        if self._set is None:
            return self._always
        data = encode_text(text) if isinstance(text, str) else encoded(text)
        if data is None:
            return frozenset(range(len(self._sources) + len(self._raw)))
        return self.from_hits(self._set[0].Match(data) or ())

    def from_hits(self, hits: Iterable[int]) -> frozenset[int]:
        """:meth:`possible` from the hits of a set built from :attr:`set_patterns`."""
        if self._set is None:
            return self._always
        indexes = self._set[1]
        return self._always.union(indexes[h] for h in hits)


@lru_cache(maxsize=1024)
def pattern_gate(sources: tuple[tuple[str, bool], ...], raw: tuple[str, ...] = ()) -> PatternGate:
    """A shared :class:`PatternGate` for these patterns (plans with the same rules reuse it)."""
    return PatternGate(sources, raw)


class MarkerScan:
    """Which patterns are found in a text searched with ``regex.MULTILINE``: one scan, exact.

    One RE2 set scan of the text with relaxed forms of all patterns names the few that may
    occur; only those are confirmed with ``regex``.

    >>> scan = MarkerScan([r"^Post a Comment$", r"(?<=x)y", r"Newspapers in \\p{Lu}\\p{Ll}+"])
    >>> sorted(scan.found("Text.\\nPost a Comment\\nxy"))
    [0, 1]
    """

    __slots__ = ("_always", "_compiled", "_set", "_sources", "set_patterns")

    def __init__(self, sources: Sequence[str]) -> None:
        self._sources = tuple(sources)
        #: thousands of markers cost nothing until they are candidates
        self._compiled = CompiledOnDemand(self._sources, regex.MULTILINE)
        translated = [translate(source, Mode.TEXT, relaxed=True) for source in sources]
        self._always = tuple(i for i, t in enumerate(translated) if t is None)
        self._set = None
        fast = [i for i, t in enumerate(translated) if t is not None]
        #: the RE2 set's patterns, in the order of ``fast`` (see :class:`JointScan`)
        self.set_patterns = [f"(?m:{translated[i]})" for i in fast]
        if fast:
            pattern_set = re2.Set.SearchSet(re2_options())
            for pattern in self.set_patterns:
                pattern_set.Add(pattern)
            pattern_set.Compile()
            self._set = (pattern_set, fast)

    def __reduce__(self) -> tuple[type[MarkerScan], tuple[tuple[str, ...]]]:
        return (MarkerScan, (self._sources,))

    def found(self, text: str | Sequence[str], late: list[int] | None = None) -> set[int]:
        """Indexes of the patterns that occur in ``text``; ``text`` may be given as its lines
        (their joined text and bytes are cached on :class:`Lines`, so the scan reuses them).

        A pattern still searching after :data:`~cleantext.matcher.budget.DEFAULT_SECONDS`
        counts as absent, and is added to ``late`` when given.
        """
        data: bytes | None = None
        if self._set is not None:
            data = encode_text(text) if isinstance(text, str) else encoded(text)
        if not isinstance(text, str):
            text = joined(text)
        if data is None:
            return self._confirm(range(len(self._sources)), text, late)
        pattern_set = self._set[0]  # type: ignore[index]
        return self.from_hits(pattern_set.Match(data) or (), text, late)

    def from_hits(self, hits: Iterable[int], text: str, late: list[int] | None = None) -> set[int]:
        """:meth:`found` from the hits of a set built from :attr:`set_patterns` on ``text``."""
        indexes = self._set[1] if self._set is not None else []
        return self._confirm([*self._always, *(indexes[h] for h in hits)], text, late)

    def _confirm(self, candidates: Iterable[int], text: str, late: list[int] | None) -> set[int]:
        found = set()
        for i in candidates:
            try:
                if self._compiled[i].search(text, timeout=DEFAULT_SECONDS):
                    found.add(i)
            except TimeoutError:
                if late is not None:
                    late.append(i)
        return found


class JointScan:
    """Several :class:`PatternGate` and a :class:`MarkerScan` answered by one RE2 set scan.

    Unicode repair's gate, site detection and the generic rules' gate read the same normalized
    text (unless a repair changed it), and each RE2 scan costs about the same whatever its
    patterns: one scan for all of them costs about one third. The answers are those of
    ``gate.possible(lines)`` for each gate and ``markers.found(joined(lines))``.
    """

    __slots__ = ("_bounds", "_set", "gates", "markers")

    def __init__(self, gates: Sequence[PatternGate], markers: MarkerScan) -> None:
        self.gates = tuple(gates)
        self.markers = markers
        patterns = [pattern for gate in self.gates for pattern in gate.set_patterns]
        bounds = [0]
        for gate in self.gates:
            bounds.append(bounds[-1] + len(gate.set_patterns))
        self._bounds = bounds
        self._set = None
        if patterns and markers.set_patterns and re2 is not None:
            pattern_set = re2.Set.SearchSet(re2_options())
            for pattern in [*patterns, *markers.set_patterns]:
                pattern_set.Add(pattern)
            pattern_set.Compile()
            self._set = pattern_set

    def __reduce__(self) -> tuple[type[JointScan], tuple[tuple[PatternGate, ...], MarkerScan]]:
        return (JointScan, (self.gates, self.markers))

    def scan(
        self, lines: Sequence[str]
    ) -> tuple[dict[PatternGate, frozenset[int]], list[int]] | None:
        """``({gate: possible}, marker hits)`` for ``lines``; ``None`` when one scan cannot
        answer (no RE2, or lone surrogates): then ask each on its own. The marker hits are
        for ``markers.from_hits``, which confirms them (only when detection needs them)."""
        data = encoded(lines) if self._set is not None else None
        if data is None:
            return None
        hits = sorted(self._set.Match(data) or ())  # type: ignore[union-attr]
        bounds = self._bounds
        possible = {
            gate: gate.from_hits([h - low for h in hits if low <= h < high])
            for gate, low, high in zip(self.gates, bounds, bounds[1:], strict=False)
        }
        end = bounds[-1]
        return possible, [h - end for h in hits if h >= end]
