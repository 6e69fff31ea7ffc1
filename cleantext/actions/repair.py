"""Repairs after removal: rejoin a sentence a caption split, drop headings left with no text.

Both look at what earlier stages left, which is why they run late: a sentence split by a caption
line (``people cannot`` / caption / ``access cash.``) is only visibly split once one knows
the middle line is not text, and a crosshead is only an orphan once the caption block and
footer that followed it are gone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .._build import load_extension
from ..matcher import joined, line_numbers
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage
from .shape import ends_sentence, looks_like_code, word_count

# None when not compiled or built from other sources (see cleantext._build): the regex runs.
open_line_ends = getattr(load_extension("cleantext.actions._scan"), "open_line_ends", None)


def _open_sentence(line: str) -> bool:
    """A paragraph that stops mid-sentence: ends with a letter, digit or comma (so it does not
    end a sentence: no letter, digit or comma is sentence-final punctuation or a closing quote;
    the search for those would scan the whole line)."""
    return bool(line) and (line[-1].isalnum() or line[-1] == ",")


def _continues(line: str) -> bool:
    """A line that carries on a sentence: it begins with a lowercase letter (not a bullet)."""
    return line[0].isalpha() and line[0].islower() and word_count(line) >= 2


def _stands_alone(lines: Sequence[str], j: int) -> bool:
    """A line with blank lines on both sides, as an inserted caption is laid out."""
    return j > 0 and not lines[j - 1] and j + 1 < len(lines) and not lines[j + 1]


def rejoin_split_sentences(
    lines: Sequence[str], *, max_inserted_lines: int, max_inserted_words: int
) -> Outcome:
    """Join a paragraph that stops mid-sentence with the lowercase paragraph that continues it.

    Up to ``max_inserted_lines`` short lines between them are dropped, but only lines that stand
    alone between blank lines, the way a caption is inserted; in hard-wrapped text, where the
    lines of one paragraph follow each other directly, nothing is ever dropped. Lines of code
    (:func:`~cleantext.actions.shape.looks_like_code`) are never joined, nor the items of a
    list after a colon (:func:`_list_item`), nor a line with the next when both start with the
    same word (:func:`_same_first_word`). A sentence split more than once is joined whole in
    one pass (when the joined line is still open, its continuation is looked for too), so
    cleaning the result again joins nothing more.

    >>> lines = ["The banks are shut and the internet is down so people cannot", "",
    ...          "Troops sent in, right", "", "access cash. Then more."]
    >>> rejoin_split_sentences(lines, max_inserted_lines=2, max_inserted_words=20).changes[0].lines
    ('The banks are shut and the internet is down so people cannot access cash. Then more.',)
    >>> rejoin_split_sentences(["a b c", "d e", "f g."], max_inserted_lines=2,
    ...                        max_inserted_words=20).changes[0]
    Change(first=0, last=3, lines=('a b c d e f g.',), tag=0)
    >>> rejoin_split_sentences(["It uses:", "a network of agents", "over 10,000 agencies"],
    ...                        max_inserted_lines=2, max_inserted_words=20).changes
    ()
    """
    changes: list[Change] = []
    after = -1  # the last line a change took: the next half must come after it
    for i in _open_lines(lines):
        line = lines[i]
        if i <= after or not _open_sentence(line) or word_count(line) < 3:
            continue
        if _list_item(lines, i):
            continue
        last = i
        while (
            j := _continuation(
                lines,
                last,
                max_inserted_lines if word_count(line) >= MIN_BRIDGED_WORDS else 0,
                max_inserted_words,
            )
        ) >= 0:
            # A line break in code is the code's, not a split sentence. Each piece is checked
            # once: no mark of code can straddle the joining space, as the line before it ends
            # in a letter, digit or comma and the line after starts with a lowercase letter.
            if (last == i and looks_like_code(line)) or looks_like_code(lines[j]):
                break
            if last == i and _same_first_word(line, lines[j]):
                break
            line = f"{line} {lines[j]}"
            last = j
            if not _open_sentence(line):
                break
        if last > i:
            changes.append(Change(i, last + 1, (line,)))
            after = last
    return Outcome(tuple(changes))


MIN_BRIDGED_WORDS = 8
"""Words the first half of a sentence needs before lines between it and its second half are
dropped: a caption splits a paragraph of prose, and a shorter open line is as likely a
headline or a heading ("Police name victim of crash"), after which the short lines are the
article's own."""


def _list_item(lines: Sequence[str], i: int) -> bool:
    """A line that starts in lowercase in a run of such lines that a line ending in a colon
    opens: an item of a list ("Its agents use:" / "a network of sales staff" / "over 10,000
    agencies"), not the first half of a sentence, which starts as sentences do. The run is
    followed back at most :data:`LIST_LOOKBACK` lines."""
    if not lines[i][0].islower():
        return False
    for k in range(i - 1, max(i - 1 - LIST_LOOKBACK, -1), -1):
        line = lines[k]
        if not line:
            continue
        if line.endswith((":", "：")):
            return True
        if not line[0].islower():
            return False
    return False


LIST_LOOKBACK = 20
"""Lines :func:`_list_item` looks back through for the colon that opens a list."""


def _same_first_word(line: str, following: str) -> bool:
    """Two lines starting with the same word are two of a kind (statements of code such as
    "from typing import ..." / "from pydantic import ...", items of a list), not two halves of
    one sentence. Only the first two pieces are compared: the later lines of a hard-wrapped
    paragraph start with "the" or "to" by chance, and its first line as sentences do."""
    return line.split(maxsplit=1)[0] == following.split(maxsplit=1)[0]


def _continuation(
    lines: Sequence[str], open_line: int, max_inserted_lines: int, max_inserted_words: int
) -> int:
    """The line that continues the open sentence ending ``lines[open_line]``, or -1: the first
    lowercase line after it, past at most ``max_inserted_lines`` short lines that stand alone
    and are no sentence."""
    inserted = 0
    for j in range(open_line + 1, len(lines)):
        if not lines[j]:
            continue
        if _continues(lines[j]):
            return j
        inserted += 1
        words = word_count(lines[j])
        if (
            inserted > max_inserted_lines
            or words > max_inserted_words
            or (words >= SENTENCE_WORDS and ends_sentence(lines[j]))
            or not _stands_alone(lines, j)
        ):
            return -1
    return -1


SENTENCE_WORDS = 6
"""Words from which a line between two halves that ends a sentence is taken for a sentence of
the article, never for an inserted caption: the halves are then no one sentence."""


# The newline ending a line whose last character may be a letter, a digit or a comma (any
# non-ASCII character may), followed by a blank line or by a line that may start in lowercase.
# The first other line after an open sentence must continue it or stand alone between blank
# lines, so no other line can start a rejoin. Each match starts with a literal newline, which
# Python's re finds at C speed, so the scan needs no per-line Python step and no UTF-8 copy.
_OPEN_LINE_END = re.compile("\n(?<=[0-9A-Za-z,\x80-\U0010ffff]\n)(?=\n|[a-z\x80-\U0010ffff])")


def _open_lines(lines: Sequence[str]) -> list[int]:
    """Ascending indexes of the lines that can start a rejoin (a superset), from one scan of
    the whole text; the compiled scan reads only the two ends of each line instead."""
    if open_line_ends is not None:
        found: list[int] = open_line_ends(lines if isinstance(lines, list) else list(lines))
        return found
    return _open_lines_by_regex(lines)


def _open_lines_by_regex(lines: Sequence[str]) -> list[int]:
    """:func:`_open_lines` by ``_OPEN_LINE_END``: the reference of the compiled scan."""
    text = joined(lines)
    return line_numbers(text, (match.start() for match in _OPEN_LINE_END.finditer(text)))


def is_heading(line: str, max_words: int) -> bool:
    """A short line that does not end a sentence: a crosshead, a label, a kicker."""
    return 0 < word_count(line) <= max_words and not ends_sentence(line)


def drop_orphan_headings(lines: Sequence[str], *, max_words: int) -> Outcome:
    """Drop heading-shaped lines at the end of the text, with nothing left for them to head.

    Never drops the last remaining text.

    >>> drop_orphan_headings(["Text ends here.", "", "FLYING OUT"], max_words=6).changes
    (Change(first=1, last=3, lines=(), tag=0),)
    """
    end = len(lines)
    cut = end
    i = end - 1
    while i >= 0:
        if lines[i]:
            if not is_heading(lines[i], max_words):
                break
            cut = i
        i -= 1
    if cut == end or i < 0:
        return Outcome()
    first = i + 1  # the blank lines between the last text and the headings go too
    return Outcome((Change(first, end),))


REJOIN_SPLIT_SENTENCE = ActionSpec(
    name="rejoin-split-sentence",
    stage=Stage.REPAIR,
    summary="Rejoin a sentence split by an inserted caption line, dropping that line.",
    params={
        "max_inserted_lines": Param(
            ParamKind.INT, "most lines allowed between the two halves", default=2, minimum=0
        ),
        "max_inserted_words": Param(
            ParamKind.INT, "longest inserted line, in words", default=20, minimum=1
        ),
    },
    build=lambda p: (
        lambda lines: rejoin_split_sentences(
            lines,
            max_inserted_lines=p["max_inserted_lines"],
            max_inserted_words=p["max_inserted_words"],
        )
    ),
)

DROP_ORPHAN_HEADING = ActionSpec(
    name="drop-orphan-heading",
    stage=Stage.REPAIR,
    summary="Drop short heading lines left at the end with no text after them.",
    params={"max_words": Param(ParamKind.INT, "longest heading, in words", default=6, minimum=1)},
    build=lambda p: lambda lines: drop_orphan_headings(lines, max_words=p["max_words"]),
)
