"""Rule patterns compiled with ``regex`` only when a candidate first needs one.

``regex`` compiles slowly (about 1-2 ms for a shipped pattern), and the RE2 scans leave most
patterns of a run, above all those of sites and markers, without a single candidate: compiling
them all up front is start-up time spent on nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex


class CompiledOnDemand:
    """``patterns[i]``: ``sources[i]`` compiled with ``flags``, the first time it is asked for.

    Filling it from several threads at once only compiles a pattern twice (the same pattern).

    >>> patterns = CompiledOnDemand(["a+", "b"])
    >>> patterns[0].fullmatch("aa") is not None
    True
    """

    __slots__ = ("_compiled", "_flags", "_sources")

    def __init__(self, sources: Sequence[str], flags: int = 0) -> None:
        self._sources = tuple(sources)
        self._flags = flags
        self._compiled: list[regex.Pattern[str] | None] = [None] * len(self._sources)

    def __getitem__(self, index: int) -> regex.Pattern[str]:
        pattern = self._compiled[index]
        if pattern is None:
            pattern = self._compiled[index] = regex.compile(self._sources[index], self._flags)
        return pattern
