"""``truncate-before``: cut a site's page header, from the top through a marker line.

A whole-page dump (a WET record) starts with the site's navigation: menus, section lists,
teasers, often longer than the article. ``truncate-from`` cuts a footer from its first line;
this is its mirror for the header, and it needs the same care. The marker is a line the site
prints once where its navigation ends (Hearst papers print ``MenuSections``), it must match the
whole line, and it only counts when little enough text comes before it: a marker found late in
the document is a quotation or a second gallery, not the end of the header, and is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..matcher import LineFilter
from ..matcher.budget import PatternLike, UserPattern
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, Step


def truncate_before(
    lines: Sequence[str],
    *,
    pattern: PatternLike,
    max_position: float,
    only: Sequence[int] | None = None,
) -> Outcome:
    """Delete every line up to and including the first marker line within ``max_position``.

    ``max_position`` is the share of the text's characters (0-1) that may come before the
    marker; the first marker beyond it ends the search. ``only`` lists the lines that may
    match (ascending; from a prefilter), ``None`` means all.

    >>> import regex
    >>> p = regex.compile("MenuSections")
    >>> page = ["Home", "Sports", "MenuSections", "Text."]
    >>> truncate_before(page, pattern=p, max_position=0.9).changes
    (Change(first=0, last=3, lines=(), tag=0),)
    >>> truncate_before(["Text.", "MenuSections"], pattern=p, max_position=0.2).changes
    ()
    """
    total = sum(map(len, lines)) or 1
    before = 0
    counted = 0  # lines whose characters ``before`` holds
    for i in range(len(lines)) if only is None else only:
        before += sum(map(len, lines[counted:i]))
        counted = i
        if before / total > max_position:
            break
        if lines[i] and pattern.fullmatch(lines[i]):
            return Outcome((Change(0, i + 1),))
    return Outcome()


def _build(params: Mapping[str, Any]) -> Step:
    pattern: UserPattern = params["pattern"]
    max_position = params["max_position"]
    # One RE2 scan names the lines the marker may match; only those are tried.
    candidates = LineFilter(pattern.pattern, whole_line=True)
    return lambda lines: truncate_before(
        lines, pattern=pattern.timed(), max_position=max_position, only=candidates.lines(lines)
    )


TRUNCATE_BEFORE = ActionSpec(
    name="truncate-before",
    stage=Stage.BLOCKS,
    summary="Cut the document from its start through the line that ends the site's header.",
    params={
        "pattern": Param(ParamKind.PATTERN, "must match the whole marker line"),
        "max_position": Param(
            ParamKind.FLOAT,
            "share of the text (0-1) that may come before the marker; later markers are ignored",
            default=0.5,
            minimum=0.0,
            maximum=1.0,
        ),
    },
    build=_build,
)
