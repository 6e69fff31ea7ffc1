"""Actions that move a line into metadata: the publication masthead, the byline, field lines.

The line leaves the text and what it said lands in ``Cleaned.metadata``, so a byline is not
lost, only put where a corpus builder can use it. When several lines match, every one is
removed but the first one found fills the metadata (later bylines are usually repeats).

Mastheads come two ways: named by a pattern (``extract-masthead``), or recognised by position
and shape (``extract-masthead-shape``): a print page republished as text opens with the paper's
name, a short line of capitalised words without sentence punctuation, followed by the headline.
No list of newspaper words can know every paper; the shape does not need to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import regex

from ..matcher import LineFilter
from ..matcher.budget import PatternLike, UserPattern
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, matches_from
from .shape import ends_sentence, next_nonblank

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


def _matches_near_top(
    lines: Sequence[str], pattern: PatternLike, max_line: int, only: list[int] | None
) -> tuple[list[tuple[int, regex.Match[str]]], bool]:
    """The lines the pattern matches whole before ``max_line`` non-blank lines it does not
    match (0: anywhere), restricted to ``only`` (a prefilter's candidates; ``None``: all),
    and whether it matches a line further down (``Outcome.unsettled``: that line comes into
    reach if a later step removes lines above it).

    Removed lines do not count towards ``max_line``: a doubled byline at the edge of the
    window goes with its twin, so cleaning the output again finds nothing more.
    """
    if max_line <= 0:
        found = ((i, pattern.fullmatch(lines[i])) for i in _candidate_indexes(lines, 0, only))
        return [(i, m) for i, m in found if m], False
    possible = None if only is None else set(only)
    matches: list[tuple[int, regex.Match[str]]] = []
    kept = 0
    end = len(lines)
    for i, line in enumerate(lines):
        if not line:
            continue
        match = pattern.fullmatch(line) if possible is None or i in possible else None
        if match:
            matches.append((i, match))
        else:
            kept += 1
            if kept >= max_line:
                end = i + 1
                break
    return matches, matches_from(lines, end, pattern, only)


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
    matches, passed_over = _matches_near_top(lines, pattern, max_line, only)
    for i, match in matches:
        changes.append(Change(i, i + 1))
        if not metadata:
            metadata = byline_metadata(match)
    return Outcome(tuple(changes), metadata, unsettled=passed_over)


def extract_fields(
    lines: Sequence[str],
    *,
    pattern: regex.Pattern[str],
    max_line: int,
    only: list[int] | None = None,
) -> Outcome:
    """Drop lines the pattern matches and record each named group under its own name.

    Groups ``authors``, ``role``, ``email`` and ``social`` are read as in a byline
    (:func:`byline_metadata`); any other group (``publication``, ``section``...) is recorded as
    found. The first matching line fills the metadata.

    >>> p = regex.compile(r"(?P<publication>.+?) - - (?P<section>[A-Z]+) -")
    >>> extract_fields(["Bridge to close", "Springfield Courier - - NEWS -"],
    ...                pattern=p, max_line=3).metadata
    {'publication': 'Springfield Courier', 'section': 'NEWS'}
    """
    changes: list[Change] = []
    metadata: dict[str, Any] = {}
    matches, passed_over = _matches_near_top(lines, pattern, max_line, only)
    for i, match in matches:
        changes.append(Change(i, i + 1))
        if not metadata:
            metadata = byline_metadata(match)
            for name, value in match.groupdict().items():
                if name not in _BYLINE_GROUPS and value and value.strip():
                    metadata[name] = " ".join(value.split())
    return Outcome(tuple(changes), metadata, unsettled=passed_over)


_BYLINE_GROUPS = frozenset({"authors", "role", "email", "social"})
# Sentence punctuation, quotes and digits: none is in a newspaper's name, all are in headlines.
_NOT_IN_A_NAME = regex.compile(r"[!?:;,\"“”«»…|\d]")


def masthead_shaped(
    line: str,
    *,
    min_words: int,
    max_words: int,
    max_chars: int,
    connectors: frozenset[str],
    leading: frozenset[str],
    not_words: frozenset[str],
) -> bool:
    """A line shaped like a newspaper's name: a few capitalised words, nothing else.

    Lowercase words are allowed only among ``connectors`` (``of``, ``and``, ``on``...),
    ``not_words`` (capitalised words of Title Case headlines: ``To``, ``For``, ``Is``...) only
    first and only when ``leading`` lists them (``The``); a period only closes an abbreviation
    (``St. Louis``); parentheses may hold a place (``The Herald (Glasgow)``).

    >>> shape = dict(min_words=2, max_words=5, max_chars=60, connectors=frozenset({"and"}),
    ...              leading=frozenset({"The"}), not_words=frozenset({"The", "To"}))
    >>> [masthead_shaped(x, **shape) for x in ("The Globe and Mail", "Vlad’s nightmare",
    ...  "Mayor Vows To Fight", "Otago Daily Times", "Troops arrive.")]
    [True, False, False, True, False]
    """
    words = line.split()
    if not (min_words <= len(words) <= max_words) or len(line) > max_chars:
        return False
    if _NOT_IN_A_NAME.search(line):
        return False
    for position, raw in enumerate(words):
        word = raw.strip("()")
        if not word:
            return False
        if word in connectors and position > 0:
            continue
        if not word[0].isupper() or (word in not_words and not (position == 0 and word in leading)):
            return False
        if "." in word and not regex.fullmatch(r"\p{Lu}\p{Ll}{0,2}\.", word):
            return False
    return True


def extract_masthead_shape(
    lines: Sequence[str],
    *,
    key: str,
    not_before: regex.Pattern[str] | None,
    requires: regex.Pattern[str] | None = None,
    max_line: int = 8,
    min_words: int,
    max_words: int,
    max_chars: int,
    connectors: frozenset[str],
    leading: frozenset[str],
    not_words: frozenset[str],
) -> Outcome:
    """Move the first line into ``metadata[key]`` when it is shaped like a newspaper's name and
    the next line is a headline (it does not end a sentence and ``not_before`` does not match
    it: in a layout where the headline comes first, its next line is the byline or the
    publication line, which ``not_before`` describes).

    ``requires``: a line among the first ``max_line`` non-blank lines that must match it
    entirely, the mark of the layout that prints a masthead (a byline slot, say); without it a
    short Title Case headline above its deck would pass for a paper's name.
    """
    first = next_nonblank(lines, -1)
    if first < 0:
        return Outcome()
    following = next_nonblank(lines, first)
    if following < 0 or ends_sentence(lines[following]):
        return Outcome()
    if not_before is not None and not_before.fullmatch(lines[following]):
        return Outcome()
    if requires is not None:
        head = [i for i, line in enumerate(lines) if line][1:max_line]
        if not any(requires.fullmatch(lines[i]) for i in head):
            return Outcome()
    line = lines[first]
    if not masthead_shaped(
        line,
        min_words=min_words,
        max_words=max_words,
        max_chars=max_chars,
        connectors=connectors,
        leading=leading,
        not_words=not_words,
    ):
        return Outcome()
    return Outcome((Change(first, first + 1),), {key: line.strip()})


def _masthead_shape(params: Mapping[str, Any]) -> Any:
    connectors = frozenset(params["connectors"])
    leading = frozenset(params["leading"])
    not_words = frozenset(params["not_words"])
    return lambda lines: extract_masthead_shape(
        lines,
        key=params["key"],
        not_before=params["not_before"],
        requires=params["requires"],
        max_line=params["max_line"],
        min_words=params["min_words"],
        max_words=params["max_words"],
        max_chars=params["max_chars"],
        connectors=connectors,
        leading=leading,
        not_words=not_words,
    )


def _fields(params: Mapping[str, Any]) -> Any:
    candidates = LineFilter(params["pattern"].pattern, whole_line=True)
    return lambda lines: extract_fields(
        lines, pattern=params["pattern"], max_line=params["max_line"], only=candidates.lines(lines)
    )


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

_NEAR_TOP = Param(
    ParamKind.INT,
    "only lines above the first N non-blank lines the rule keeps (0: anywhere); the lines it "
    "removes do not count, so a doubled line at the edge goes with its twin",
    default=0,
    minimum=0,
)
"""``max_line`` of the byline and field rules (see ``_matches_near_top``)."""

EXTRACT_BYLINE = ActionSpec(
    name="extract-byline",
    stage=Stage.EXTRACT,
    summary="Move byline lines into metadata (authors, role, email, social handle).",
    params={
        "pattern": Param(
            ParamKind.PATTERN,
            "must match the whole line; groups `authors`, `role`, `email`, `social` are recorded",
        ),
        "max_line": _NEAR_TOP,
    },
    build=_byline,
    gate=("pattern", "line"),
)

EXTRACT_FIELDS = ActionSpec(
    name="extract-fields",
    stage=Stage.EXTRACT,
    summary="Move a line into metadata, each named group under its own name.",
    params={
        "pattern": Param(
            ParamKind.PATTERN,
            "must match the whole line; every named group is recorded (authors, role, email "
            "and social as in a byline)",
        ),
        "max_line": _NEAR_TOP,
    },
    build=_fields,
    gate=("pattern", "line"),
)

EXTRACT_MASTHEAD_SHAPE = ActionSpec(
    name="extract-masthead-shape",
    stage=Stage.EXTRACT,
    summary="Move a first line shaped like a newspaper's name, above the headline, into metadata.",
    params={
        "key": Param(ParamKind.STRING, "metadata key to fill", default="publication"),
        "not_before": Param(
            ParamKind.PATTERN,
            "a next line this matches (a byline, a publication line) makes the first line the "
            "headline",
        ),
        "requires": Param(
            ParamKind.PATTERN,
            "a line among the first max_line that must match it (the layout's byline slot)",
            default=None,
        ),
        "max_line": Param(
            ParamKind.INT, "how many non-blank lines `requires` looks at", default=8, minimum=2
        ),
        "min_words": Param(ParamKind.INT, "shortest name, in words", default=2, minimum=1),
        "max_words": Param(ParamKind.INT, "longest name, in words", default=5, minimum=1),
        "max_chars": Param(ParamKind.INT, "longest name, in characters", default=60, minimum=1),
        "connectors": Param(
            ParamKind.STRINGS, "lowercase words a name may hold (of, and, on)", default=[]
        ),
        "leading": Param(
            ParamKind.STRINGS, "words of not_words a name may start with (The)", default=[]
        ),
        "not_words": Param(
            ParamKind.STRINGS,
            "capitalised words that make a line a Title Case headline (To, For, Is)",
            default=[],
        ),
    },
    build=_masthead_shape,
)
