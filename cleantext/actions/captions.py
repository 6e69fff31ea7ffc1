"""Photo captions in their three scraped shapes.

1. A caption block: the captions one per line followed by a line that concatenates them all
   (aggregators print each caption, then the whole set again). The concatenation is the
   evidence, so the block is recognised wherever it sits, whatever the captions say.
2. A caption glued to the front of a paragraph: ``Offices & car in Almaty RUSSIAN paratroopers
   have entered...``. Tabloid print editions open a paragraph with a word in capitals, so a
   short phrase without punctuation before such a word is the caption.
3. A caption line between two paragraphs: a long line that is not a sentence (no final
   punctuation) sitting between sentences, where the next line starts a new sentence.
4. Captions around a print byline: a page republished as text prints the photo captions of
   the story's head between the headline and the byline, and after the byline before the
   first paragraph, where no sentence precedes them (so shape 3 cannot see them). The byline
   is the anchor: above it a caption is a sentence or carries a photo credit, below it a
   caption is a long line that does not end a sentence.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from itertools import compress, count
from operator import eq
from typing import Any

import regex

from .._build import load_extension
from ..matcher import joined
from ..matcher.budget import PatternLike, UserPattern
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, Step
from .shape import (
    capitalised_share,
    ends_sentence,
    is_all_caps,
    next_nonblank,
    previous_nonblank,
    starts_uppercase,
    word_count,
    word_tokens,
)

# None when not compiled or built from other sources (see cleantext._build): the Python twin runs.
caption_blocks = getattr(load_extension("cleantext.actions._scan"), "caption_blocks", None)


def _caption_block_start(
    tokens: _LazyTokens, lines: Sequence[str], j: int, *, min_parts: int, max_part_words: int
) -> int:
    """First line of the captions that line ``j`` concatenates, or ``-1`` when it does not."""
    target = tokens[j]
    remaining = len(target)
    parts = 0
    first = -1
    i = j - 1
    while i >= 0 and remaining > 0:
        if lines[i]:
            part = tokens[i]
            if part:
                if len(part) > max_part_words or part != target[remaining - len(part) : remaining]:
                    return -1
                remaining -= len(part)
                parts += 1
            first = i
        i -= 1
    return first if remaining == 0 and parts >= min_parts else -1


def drop_caption_blocks(lines: Sequence[str], *, min_parts: int, max_part_words: int) -> Outcome:
    """Drop caption lines together with the line that repeats them all, joined.

    Lines are compared on word tokens, so placeholders such as ``?? ??`` do not hide a part.

    >>> lines = ["Text.", "", "RIOT Clashes", "INVITE Tokayev", "RIOT Clashes INVITE Tokayev"]
    >>> [(c.first, c.last) for c in drop_caption_blocks(lines, min_parts=2,
    ...                                                  max_part_words=12).changes]
    [(2, 5)]
    """
    if caption_blocks is not None:
        listed = lines if isinstance(lines, list) else list(lines)
        found = caption_blocks(listed, _word_table(), min_parts, max_part_words)
        if found is not None:
            return Outcome(tuple(Change(first, end) for first, end in found))
    return _drop_caption_blocks_in_python(lines, min_parts=min_parts, max_part_words=max_part_words)


def _drop_caption_blocks_in_python(
    lines: Sequence[str], *, min_parts: int, max_part_words: int
) -> Outcome:
    """:func:`drop_caption_blocks` without the compiled scan: its reference, and the way for
    text beyond the scan's table or where it could not be built."""
    tokens = _LazyTokens(lines)
    changes: list[Change] = []
    bound = len(lines)  # lines from here on belong to a block already found
    for j in reversed(_joined_line_candidates(lines)):
        if j < bound and len(tokens[j]) >= min_parts:
            first = _caption_block_start(
                tokens, lines, j, min_parts=min_parts, max_part_words=max_part_words
            )
            if first >= 0:
                changes.append(Change(first, j + 1))
                bound = first
    return Outcome(tuple(reversed(changes)))


# In the text read backwards, a line's last word is its first: each match starts at a newline
# (found by a fast literal scan), skips the non-word characters and takes the word, if any.
_FIRST_WORD_AFTER_NEWLINE = regex.compile(r"\n[^\w\n]*(\w*)")
_BMP_SIZE = 0x10000


def _joined_line_candidates(lines: Sequence[str]) -> list[int]:
    """Ascending indexes ``j`` of the lines whose last word equals that of the previous line
    with words: only those can join the captions before them.

    One ``findall`` over the reversed text yields every line's last word (reversed, which
    compares the same), so no Python-level step runs per line.
    """
    lasts = _FIRST_WORD_AFTER_NEWLINE.findall("\n" + joined(lines)[::-1])
    lasts.reverse()  # one entry per line, "" for a line without words
    wordful = list(compress(count(), lasts))
    wordful_lasts = list(map(lasts.__getitem__, wordful))
    return [wordful[k + 1] for k in compress(count(), map(eq, wordful_lasts, wordful_lasts[1:]))]


@cache
def _word_table() -> bytes:
    """One byte per code point of the Basic Multilingual Plane, 1 where the regex's ``\\w``
    matches: the compiled scan's word characters, so it agrees with :func:`word_tokens` and
    the last-word regex by construction (built in ~10 ms, once)."""
    table = bytearray(_BMP_SIZE)
    word = regex.compile(r"\w+", _FIRST_WORD_AFTER_NEWLINE.flags)
    for match in word.finditer("".join(map(chr, range(_BMP_SIZE)))):
        table[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    return bytes(table)


class _LazyTokens:
    """``word_tokens`` of each line, computed on first use."""

    __slots__ = ("_found", "_lines")

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._found: dict[int, list[str]] = {}

    def __getitem__(self, index: int) -> list[str]:
        found = self._found.get(index)
        if found is None:
            line = self._lines[index]
            found = self._found[index] = word_tokens(line) if line else []
        return found


def glued_caption_end(
    line: str,
    *,
    lede: PatternLike,
    max_words: int,
    min_rest_words: int,
    not_after: frozenset[str],
) -> int:
    """Offset where the real paragraph starts after a glued caption, or ``0`` when none is.

    >>> lede = regex.compile(r"\\b\\p{Lu}{4,}\\s+\\p{L}")
    >>> line = "Offices & car in Almaty RUSSIAN troops have entered the city at dawn today."
    >>> line[glued_caption_end(line, lede=lede, max_words=8, min_rest_words=8,
    ...                        not_after=frozenset({"in"})):]
    'RUSSIAN troops have entered the city at dawn today.'
    """
    match = lede.search(line)
    if match is None or match.start() == 0:
        return 0
    caption, rest = line[: match.start()].strip(), line[match.start() :]
    if (
        word_count(caption) > max_words
        or not starts_uppercase(caption)
        or regex.search(r"[.!?:;\"“”«»]", caption)
        or caption.split()[-1].lower() in not_after
        or word_count(rest) < min_rest_words
        or not ends_sentence(rest)
    ):
        return 0
    return int(match.start())


def drop_glued_captions(
    lines: Sequence[str],
    *,
    lede: PatternLike,
    max_words: int,
    min_rest_words: int,
    not_after: frozenset[str],
) -> Outcome:
    """Cut a short caption glued before a paragraph's capitalised opening word."""
    changes = []
    for i, line in enumerate(lines):
        if line:
            cut = glued_caption_end(
                line,
                lede=lede,
                max_words=max_words,
                min_rest_words=min_rest_words,
                not_after=not_after,
            )
            if cut:
                changes.append(Change(i, i + 1, (line[cut:],)))
    return Outcome(tuple(changes))


_INNER_SENTENCE_END = regex.compile(r"[.!?…][\"'’”»)]*\s+[\"'“‘«(]*\p{Lu}")


def caption_shaped(line: str, *, min_words: int, max_words: int, max_capitalised: float) -> bool:
    """A line that could be a caption: one phrase, long enough, not a sentence, not a heading.

    A line holding a sentence end followed by another sentence is a paragraph cut short (its
    last sentence continues elsewhere), never a caption.
    """
    # Cheapest tests first: most lines fail on their last character or their length.
    return (
        line[-1] not in ",;:-–—"
        and min_words <= word_count(line) <= max_words
        and not ends_sentence(line)
        and _INNER_SENTENCE_END.search(line) is None
        and starts_uppercase(line)
        and not is_all_caps(line)
        and capitalised_share(line) <= max_capitalised
    )


def _starts_sentence(line: str) -> bool:
    return starts_uppercase(line) or line[0] in "\"“„«‘'"


def drop_caption_lines(
    lines: Sequence[str],
    *,
    min_words: int,
    max_words: int,
    max_capitalised: float,
    max_run: int = 3,
) -> Outcome:
    """Drop runs of caption-shaped lines inserted between two sentences.

    The line before the run must end a sentence and the line after it must start one, so a
    truncated last paragraph or a sentence continued on the next line is never taken.

    >>> lines = ["Troops moved in.", "Soldiers are pictured leaving the base near the city",
    ...          "They arrived today."]
    >>> [c.first for c in drop_caption_lines(lines, min_words=8, max_words=40,
    ...                                      max_capitalised=0.5).changes]
    [1]
    """
    changes: list[Change] = []
    shaped = [
        bool(line)
        and caption_shaped(
            line, min_words=min_words, max_words=max_words, max_capitalised=max_capitalised
        )
        for line in lines
    ]
    i = 0
    while i < len(lines):
        if not shaped[i]:
            i += 1
            continue
        run = [i]
        j = next_nonblank(lines, i)
        while j >= 0 and shaped[j]:
            run.append(j)
            j = next_nonblank(lines, j)
        before = previous_nonblank(lines, i)
        if (
            len(run) <= max_run
            and before >= 0
            and j >= 0
            and ends_sentence(lines[before])
            and _starts_sentence(lines[j])
        ):
            changes.extend(Change(k, k + 1) for k in run)
        i = run[-1] + 1
    return Outcome(tuple(changes))


def _credited(line: str, credit: regex.Pattern[str]) -> bool:
    """A caption that ends with a photo credit: words of its own, then the credit (a heading
    in capitals is not a caption, whatever its last words)."""
    return word_count(line) >= 3 and not is_all_caps(line) and credit.search(line) is not None


def drop_byline_captions(
    lines: Sequence[str],
    *,
    byline: regex.Pattern[str],
    credit: regex.Pattern[str],
    max_line: int,
    min_words: int,
    max_after: int,
    max_captions: int = 3,
) -> Outcome:
    r"""Drop the photo captions printed around a byline near the top of a print story.

    The first line (the headline) is never touched, nor the line right after it (the deck)
    unless it ends with a photo credit. Between the headline and the byline (one of the first
    ``max_line`` lines) a caption is a line ending with a ``credit``, or a sentence of at least
    ``min_words`` words ending with a full stop; after the byline, up to ``max_after`` lines
    before the first one that ends a sentence, a caption is a line of at least ``min_words``
    words that does not end a sentence (and is not a heading in capitals), or one with a credit.
    More than ``max_captions`` sentences above the byline are not a story's head but a text
    with a dashed line in it: then nothing is taken.

    >>> credit = regex.compile(r"\p{Lu}{2,}(?:[ /]+\p{Lu}{2,})+$")
    >>> lines = ["Bridge to close", "Work starts in March", "Crews at the bridge. ANN LEE/STAR",
    ...          "- JO KENT", "Jo Kent walks across the bridge on Tuesday afternoon",
    ...          "The bridge will close, the city said."]
    >>> out = drop_byline_captions(lines, byline=regex.compile(r"- [A-Z ]+"), credit=credit,
    ...                            max_line=8, min_words=6, max_after=3)
    >>> [c.first for c in out.changes]
    [2, 4]
    """
    indexes = [i for i, line in enumerate(lines) if line][:max_line]
    anchor = next((k for k in range(1, len(indexes)) if byline.fullmatch(lines[indexes[k]])), 0)
    if not anchor:
        return Outcome()
    changes: list[Change] = []
    for k in range(1, anchor):
        line = lines[indexes[k]]
        credited = _credited(line, credit)
        sentence = line.endswith(".") and word_count(line) >= min_words and k > 1
        if credited or sentence:
            changes.append(Change(indexes[k], indexes[k] + 1))
    if len(changes) > max_captions:
        return Outcome()
    seen = 0
    j = next_nonblank(lines, indexes[anchor])
    while j >= 0 and seen < max_after:
        line = lines[j]
        if ends_sentence(line) and not _credited(line, credit):
            break
        if (word_count(line) >= min_words and not is_all_caps(line)) or _credited(line, credit):
            changes.append(Change(j, j + 1))
        seen += 1
        j = next_nonblank(lines, j)
    return Outcome(tuple(changes))


def _glued(params: Mapping[str, Any]) -> Step:
    not_after = frozenset(word.lower() for word in params["not_after"])
    lede: UserPattern = params["lede"]
    return lambda lines: drop_glued_captions(
        lines,
        lede=lede.timed(),
        max_words=params["max_words"],
        min_rest_words=params["min_rest_words"],
        not_after=not_after,
    )


DROP_CAPTION_BLOCK = ActionSpec(
    name="drop-caption-block",
    stage=Stage.BLOCKS,
    summary="Drop caption lines followed by a line that concatenates them.",
    params={
        "min_parts": Param(
            ParamKind.INT, "captions the joined line must repeat", default=2, minimum=2
        ),
        "max_part_words": Param(ParamKind.INT, "longest caption, in words", default=15, minimum=1),
    },
    build=lambda p: (
        lambda lines: drop_caption_blocks(
            lines, min_parts=p["min_parts"], max_part_words=p["max_part_words"]
        )
    ),
)

DROP_GLUED_CAPTION = ActionSpec(
    name="drop-glued-caption",
    stage=Stage.BLOCKS,
    summary="Cut a short caption glued to the front of a paragraph.",
    params={
        "lede": Param(ParamKind.PATTERN, "how the real paragraph starts (e.g. a word in capitals)"),
        "max_words": Param(ParamKind.INT, "longest caption, in words", default=8, minimum=1),
        "min_rest_words": Param(
            ParamKind.INT, "shortest paragraph left after the cut", default=8, minimum=1
        ),
        "not_after": Param(
            ParamKind.STRINGS,
            "words a caption never ends with (articles, prepositions)",
            default=[],
        ),
    },
    build=_glued,
    gate=("lede", "span"),
)

DROP_CAPTION_LINE = ActionSpec(
    name="drop-caption-line",
    stage=Stage.BLOCKS,
    summary="Drop a long non-sentence line sitting between two paragraphs.",
    params={
        "min_words": Param(ParamKind.INT, "shortest caption, in words", default=8, minimum=1),
        "max_words": Param(ParamKind.INT, "longest caption, in words", default=40, minimum=1),
        "max_capitalised": Param(
            ParamKind.FLOAT,
            "highest share of capitalised words (Title Case is a heading)",
            default=0.5,
            minimum=0.0,
            maximum=1.0,
        ),
    },
    build=lambda p: (
        lambda lines: drop_caption_lines(
            lines,
            min_words=p["min_words"],
            max_words=p["max_words"],
            max_capitalised=p["max_capitalised"],
        )
    ),
)

DROP_BYLINE_CAPTIONS = ActionSpec(
    name="drop-byline-captions",
    stage=Stage.EXTRACT,
    summary="Drop photo captions printed around a byline at the top of a print story.",
    params={
        "byline": Param(
            ParamKind.PATTERN, "the byline line (whole line); the captions sit around it"
        ),
        "credit": Param(
            ParamKind.PATTERN, "a photo credit, searched at the end of a line ('ANN LEE/STAR')"
        ),
        "max_line": Param(
            ParamKind.INT, "the byline is among the first N non-blank lines", default=10, minimum=2
        ),
        "min_words": Param(ParamKind.INT, "shortest caption, in words", default=6, minimum=1),
        "max_after": Param(ParamKind.INT, "lines looked at after the byline", default=3, minimum=0),
        "max_captions": Param(
            ParamKind.INT, "most captions above the byline (more: not a head)", default=3, minimum=1
        ),
    },
    build=lambda p: (
        lambda lines: drop_byline_captions(
            lines,
            byline=p["byline"],
            credit=p["credit"],
            max_line=p["max_line"],
            min_words=p["min_words"],
            max_after=p["max_after"],
            max_captions=p["max_captions"],
        )
    ),
)
