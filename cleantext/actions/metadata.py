"""Actions that move a line into metadata: the publication masthead and the byline.

The line leaves the text and what it said lands in ``Cleaned.metadata``, so a byline is not
lost, only put where a corpus builder can use it. When several lines match, every one is
removed but the first one found fills the metadata (later bylines are usually repeats).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import regex

from ..matcher import LineFilter
from ..matcher.budget import PatternLike, UserPattern
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage

_AUTHOR_SEPARATOR = regex.compile(r"\s*(?:,|;|&|\band\b|\bAND\b|\bund\b|\bet\b|\by\b)\s*")


def person_name(raw: str) -> str:
    """Tidy one author name: collapse spaces, title-case names written in capitals.

    >>> person_name("CHRIS  HUGHES"), person_name("Jean-Luc van Dam")
    ('Chris Hughes', 'Jean-Luc van Dam')
    """
    name = " ".join(raw.split())
    if name.isupper():
        name = name.title()
    return name


def split_authors(raw: str) -> list[str]:
    """Split ``"ANN LEE and BOB KAY"`` into ``["Ann Lee", "Bob Kay"]``."""
    return [person_name(part) for part in _AUTHOR_SEPARATOR.split(raw) if part.strip()]


def _candidate_indexes(lines: Sequence[str], max_line: int, only: list[int] | None) -> list[int]:
    """Non-blank lines among the first ``max_line`` of them (0: all), restricted to ``only``
    (the lines a prefilter says may match; ``None``: no prefilter)."""
    if only is not None and max_line <= 0:
        return [i for i in only if lines[i]]
    indexes = [i for i, line in enumerate(lines) if line]
    if max_line > 0:
        indexes = indexes[:max_line]
    if only is not None:
        possible = set(only)
        indexes = [i for i in indexes if i in possible]
    return indexes


def extract_masthead(
    lines: Sequence[str],
    *,
    pattern: PatternLike,
    max_line: int,
    key: str,
    only: list[int] | None = None,
) -> Outcome:
    """Move a publication-name line near the top of the document into ``metadata[key]``.

    The name is the ``name`` group when the pattern has one, else the whole line.

    >>> out = extract_masthead(["Daily Mirror", "", "Headline"],
    ...     pattern=regex.compile(r"(?:Daily|Sunday) \\w+"), max_line=1, key="publication")
    >>> out.metadata, out.changes[0].first
    ({'publication': 'Daily Mirror'}, 0)
    """
    for i in _candidate_indexes(lines, max_line, only):
        match = pattern.fullmatch(lines[i])
        if match:
            name = match.groupdict().get("name") or lines[i]
            return Outcome((Change(i, i + 1),), {key: name.strip()})
    return Outcome()


def byline_metadata(match: regex.Match[str]) -> dict[str, Any]:
    """Metadata from a byline match: groups ``authors``, ``role``, ``email``, ``social``."""
    groups = {k: v.strip() for k, v in match.groupdict().items() if v and v.strip()}
    found: dict[str, Any] = {}
    if "authors" in groups:
        found["authors"] = split_authors(groups["authors"])
    for group, key in (
        ("role", "author_role"),
        ("email", "author_email"),
        ("social", "author_social"),
    ):
        if group in groups:
            found[key] = groups[group]
    return found


def extract_byline(
    lines: Sequence[str],
    *,
    pattern: PatternLike,
    max_line: int,
    only: list[int] | None = None,
) -> Outcome:
    """Drop byline lines and record the first one's authors, role, e-mail and handle.

    >>> p = regex.compile(r"By (?P<authors>[A-Z]\\w+ [A-Z]\\w+)(?: \\| (?P<role>.+))?")
    >>> out = extract_byline(["By Ann Lee | Science Editor", "Text."], pattern=p, max_line=0)
    >>> out.metadata
    {'authors': ['Ann Lee'], 'author_role': 'Science Editor'}
    """
    changes: list[Change] = []
    metadata: dict[str, Any] = {}
    for i in _candidate_indexes(lines, max_line, only):
        match = pattern.fullmatch(lines[i])
        if match:
            changes.append(Change(i, i + 1))
            if not metadata:
                metadata = byline_metadata(match)
    return Outcome(tuple(changes), metadata)


def _masthead(params: Mapping[str, Any]) -> Any:
    pattern: UserPattern = params["pattern"]
    candidates = LineFilter(pattern.pattern, whole_line=True)
    return lambda lines: extract_masthead(
        lines,
        pattern=pattern.timed(),
        max_line=params["max_line"],
        key=params["key"],
        only=candidates.lines(lines),
    )


def _byline(params: Mapping[str, Any]) -> Any:
    pattern: UserPattern = params["pattern"]
    # One RE2 scan names the few lines the pattern may match; only those are tried.
    candidates = LineFilter(pattern.pattern, whole_line=True)
    return lambda lines: extract_byline(
        lines, pattern=pattern.timed(), max_line=params["max_line"], only=candidates.lines(lines)
    )


EXTRACT_MASTHEAD = ActionSpec(
    name="extract-masthead",
    stage=Stage.EXTRACT,
    summary="Move the publication-name line at the top into metadata.",
    params={
        "pattern": Param(ParamKind.PATTERN, "must match the whole line; optional group `name`"),
        "max_line": Param(
            ParamKind.INT, "how many non-blank lines from the top to look at", default=1, minimum=1
        ),
        "key": Param(ParamKind.STRING, "metadata key to fill", default="publication"),
    },
    build=_masthead,
    gate=("pattern", "line"),
)

EXTRACT_BYLINE = ActionSpec(
    name="extract-byline",
    stage=Stage.EXTRACT,
    summary="Move byline lines into metadata (authors, role, email, social handle).",
    params={
        "pattern": Param(
            ParamKind.PATTERN,
            "must match the whole line; groups `authors`, `role`, `email`, `social` are recorded",
        ),
        "max_line": Param(
            ParamKind.INT, "only the first N non-blank lines (0: anywhere)", default=0, minimum=0
        ),
    },
    build=_byline,
    gate=("pattern", "line"),
)
