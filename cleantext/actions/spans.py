"""Actions inside a line: drop a span, replace a span, collapse a repeated phrase.

When a span is cut out of a line, the whitespace on both sides of the cut is merged, so
``" ?? ?? TORCHED"`` becomes ``"TORCHED"`` rather than a line with stray spaces; whitespace
elsewhere in the line is left as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import regex

from ..matcher import LineFilter
from ..matcher.budget import PatternLike, UserPattern
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, Step


def remove_spans(line: str, pattern: PatternLike) -> str:
    """Cut every match of ``pattern`` out of ``line``, merging the whitespace at each cut.

    >>> remove_spans(" ?? ?? TORCHED", regex.compile(r"\\?\\?"))
    'TORCHED'
    """
    kept = ""
    cursor = 0
    for match in pattern.finditer(line):
        start, end = match.span()
        if start == end:
            continue
        kept += line[cursor:start]
        cursor = end
        if not kept or kept[-1].isspace():
            while cursor < len(line) and line[cursor].isspace():
                cursor += 1
    return (kept + line[cursor:]).strip()


def drop_spans(
    lines: Sequence[str], *, pattern: PatternLike, only: Sequence[int] | None = None
) -> Outcome:
    """Remove every match of ``pattern`` inside each line (``only``: the lines that may change).

    >>> drop_spans(["Text ?? ?? here"], pattern=regex.compile(r"\\?\\?")).changes[0].lines
    ('Text here',)
    """
    changes = []
    for i in range(len(lines)) if only is None else only:
        line = lines[i]
        if line:
            new = remove_spans(line, pattern)
            if new != line:
                changes.append(Change(i, i + 1, (new,)))
    return Outcome(tuple(changes))


def replace_spans(
    lines: Sequence[str],
    *,
    pattern: PatternLike,
    replacement: str,
    only: Sequence[int] | None = None,
) -> Outcome:
    """Replace every match of ``pattern`` by ``replacement`` (``\\g<name>`` refers to groups).

    >>> out = replace_spans(["(Reuters) - Text"], pattern=regex.compile(r"^\\(Reuters\\) - "),
    ...                     replacement="")
    >>> out.changes[0].lines
    ('Text',)
    """
    changes = []
    for i in range(len(lines)) if only is None else only:
        line = lines[i]
        if line:
            new = pattern.sub(replacement, line).strip()
            if new != line:
                changes.append(Change(i, i + 1, (new,)))
    return Outcome(tuple(changes))


def collapse_repeats(
    lines: Sequence[str], *, repeated: PatternLike, only: Sequence[int] | None = None
) -> Outcome:
    """Keep one copy of a phrase the scraper wrote twice in a row (``BY X BY X``).

    ``repeated`` is the unit pattern wrapped by :func:`repeat_pattern`.

    >>> out = collapse_repeats(["BY ANN LEE BY ANN LEE Editor"],
    ...                        repeated=repeat_pattern(r"BY(?: [A-Z]+){1,3}\\b"))
    >>> out.changes[0].lines
    ('BY ANN LEE Editor',)
    """
    changes = []
    for i in range(len(lines)) if only is None else only:
        line = lines[i]
        if line:
            new = repeated.sub(r"\g<unit>", line)
            if new != line:
                changes.append(Change(i, i + 1, (new,)))
    return Outcome(tuple(changes))


def repeat_pattern(unit: str) -> regex.Pattern[str]:
    """Compile "``unit`` followed by one or more identical copies of what it matched"."""
    return regex.compile(rf"(?P<unit>{unit})(?:\s+(?P=unit))+")


def _collapse(params: Mapping[str, Any]) -> Step:
    unit: UserPattern = params["pattern"]
    repeated = UserPattern(repeat_pattern(unit.pattern).pattern, unit.seconds)
    # A repeat needs one copy of the unit: only lines where the unit may match are tried.
    candidates = LineFilter(unit.pattern)
    return lambda lines: collapse_repeats(
        lines, repeated=repeated.timed(), only=candidates.lines(lines)
    )


def _drop(params: Mapping[str, Any]) -> Step:
    pattern: UserPattern = params["pattern"]
    # Lines without a match change only when they have whitespace to strip.
    candidates = LineFilter(pattern.pattern, outer_space=True)
    return lambda lines: drop_spans(lines, pattern=pattern.timed(), only=candidates.lines(lines))


def _replace(params: Mapping[str, Any]) -> Step:
    pattern: UserPattern = params["pattern"]
    replacement = params["replacement"]
    candidates = LineFilter(pattern.pattern, outer_space=True)
    return lambda lines: replace_spans(
        lines, pattern=pattern.timed(), replacement=replacement, only=candidates.lines(lines)
    )


DROP_SPAN = ActionSpec(
    name="drop-span",
    stage=Stage.INLINE,
    summary="Cut every match of the pattern out of the line it is in.",
    params={"pattern": Param(ParamKind.PATTERN, "searched inside each line")},
    build=_drop,
    gate=("pattern", "span-strip"),
)

REPLACE = ActionSpec(
    name="replace",
    stage=Stage.INLINE,
    summary="Replace every match of the pattern inside a line.",
    params={
        "pattern": Param(ParamKind.PATTERN, "searched inside each line"),
        "replacement": Param(ParamKind.STRING, "text put in its place; \\g<name> inserts a group"),
    },
    build=_replace,
    gate=("pattern", "span-strip"),
)

COLLAPSE_REPEAT = ActionSpec(
    name="collapse-repeat",
    stage=Stage.INLINE,
    summary="Keep one copy of a phrase repeated back to back.",
    params={"pattern": Param(ParamKind.PATTERN, "the phrase that gets repeated (one copy)")},
    build=_collapse,
    gate=("pattern", "span"),
)
