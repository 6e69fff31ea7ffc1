"""``truncate-before``: cut a site's page header, from the top through a marker line.

A whole-page dump (a WET record) starts with the site's navigation: menus, section lists,
teasers, often longer than the article. ``truncate-from`` cuts a footer from its first line;
this is its mirror for the header, and it needs the same care. The marker is a line the site
prints once where its navigation ends (Hearst papers print ``MenuSections``), it must match the
whole line, and it only counts when little enough text comes before it: a marker found late in
the document is a quotation or a second gallery, not the end of the header, and is ignored.

The headline is article text, and on many sites it sits in the header, above the byline or
the time stamp that ends it. So the cut spares it: a whole-page text starts with the page's
``<title>`` ("Headline | Site"), and the header line that repeats most of the title's words is
the headline and stays. When the headline comes after the marker, the whole header goes; when
no line repeats the title, the title line itself stays, since it carries the headline.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from itertools import accumulate, repeat
from operator import add
from typing import Any

import regex

from ..matcher import LineFilter
from ..matcher.budget import PatternLike, UserPattern
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, Step, matches_from

_WORD = regex.compile(r"\w+")


def truncate_before(
    lines: Sequence[str],
    *,
    pattern: PatternLike,
    max_position: float,
    only: Sequence[int] | None = None,
) -> Outcome:
    """Delete every line up to and including the first marker line within ``max_position``,
    except the headline (see the module docstring).

    ``max_position`` is the share of the text's characters (0-1) that may come before the
    marker; the first marker beyond it ends the search. ``only`` lists the lines that may
    match (ascending; from a prefilter), ``None`` means all.

    >>> import regex
    >>> p = regex.compile("MenuSections")
    >>> page = ["Home", "Sports", "MenuSections", "Text."]
    >>> truncate_before(page, pattern=p, max_position=0.9).changes
    (Change(first=1, last=3, lines=(), tag=0),)
    >>> titled = ["Rain due | News", "Home", "Rain due", "MenuSections", "Text."]
    >>> truncate_before(titled, pattern=p, max_position=0.9).changes
    (Change(first=0, last=2, lines=(), tag=0), Change(first=3, last=4, lines=(), tag=0))
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
            # A marker further on may come within reach once other steps remove text.
            return Outcome(unsettled=matches_from(lines, i, pattern, only))
        if lines[i] and pattern.fullmatch(lines[i]):
            # A second marker after the cut may be within reach of the shorter text.
            unsettled = matches_from(lines, i + 1, pattern, only)
            return Outcome(_cut_sparing_headline(lines, i), unsettled=unsettled)
    return Outcome()


HEADLINE_LOOKAHEAD = 20
"""Lines after the marker searched for the headline (it then survives the cut anyway)."""
_HEADLINE_MIN_SCORE = 0.3


def _words(line: str) -> set[str]:
    return set(_WORD.findall(line.casefold()))


def _title_words_within(joined: str, folded: list[str], title: set[str]) -> list[int]:
    """For each of the ``folded`` lines (``joined`` by newlines), how many ``title`` words it
    holds as substrings.

    Each word is searched in the lines joined (a C-level scan per word, most words found in a
    few lines) rather than in each line in turn (a Python step per word and line: a tenth of
    a whole page's cleaning time when its cut marker stands low).

    >>> _title_words_within("rain is due\\nno\\nrainy", ["rain is due", "no", "rainy"],
    ...                     {"rain", "due"})
    [2, 0, 1]
    """
    # Where each line starts in ``joined``: its length and newline added up, in C.
    starts = [*accumulate(map(add, map(len, folded), repeat(1)), initial=0)]
    counts = [0] * len(folded)
    for word in title:
        at = joined.find(word)
        while at >= 0:
            line = bisect_right(starts, at) - 1
            counts[line] += 1
            at = joined.find(word, starts[line + 1])  # once per line: on to the next
    return counts


def headline_line(lines: Sequence[str], end: int) -> int | None:
    """The line in ``lines[1:end]`` that repeats the first line (the page title) best: most of
    its words are in the title, and it carries a good part of the title's words (the product
    of the two shares above 0.3); ``None`` when no line does.

    >>> headline_line(["Rain is due | Daily News", "News", "Rain is due", "Text."], 4)
    2
    """
    title = _words(lines[0]) if lines else set()
    if not title:
        return None
    # Case folding maps each character on its own and never makes a newline: the lines folded
    # at once, joined, are the folded lines joined (one call instead of one a line).
    joined = "\n".join(lines[1:end]).casefold()
    folded = joined.split("\n")
    within = _title_words_within(joined, folded, title)
    best, found = _HEADLINE_MIN_SCORE, None
    for j, line in enumerate(folded, start=1):
        # The score is at most common / len(title), and every common word is a substring of
        # the folded line: lines that cannot beat the best so far are not split into words.
        if within[j - 1] / len(title) <= best:
            continue
        words = set(_WORD.findall(line))
        common = len(words & title)
        score = (common / len(words)) * (common / len(title))
        if score > best:
            best, found = score, j
    return found


def _cut_sparing_headline(lines: Sequence[str], marker: int) -> tuple[Change, ...]:
    """The changes that cut ``lines[: marker + 1]`` but keep the headline (module docstring)."""
    headline = headline_line(lines, marker + 1 + HEADLINE_LOOKAHEAD)
    if headline is not None and headline > marker:
        return (Change(0, marker + 1),)
    kept = 0 if headline is None else headline
    if kept == marker:  # the marker line repeats the title: it is the headline
        return (Change(0, marker),) if marker else ()
    cuts = [Change(0, kept)] if kept else []
    return (*cuts, Change(kept + 1, marker + 1))


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
