"""The caption-block search that compares last words first finds exactly what the plain one does,
and the compiled scan (``_scan.c``) exactly what its Python twin does."""

from __future__ import annotations

import os
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.actions import captions
from cleantext.actions.captions import (
    _caption_block_start,
    _drop_caption_blocks_in_python,
    _joined_line_candidates,
    _word_table,
    drop_caption_blocks,
)
from cleantext.actions.shape import word_tokens


def plain_blocks(lines: list[str], *, min_parts: int, max_part_words: int) -> list[tuple[int, int]]:
    """The reference: every line tokenized, every line tried as a joined line."""
    tokens = [word_tokens(line) if line else [] for line in lines]
    found = []
    j = len(lines) - 1
    while j > 0:
        if len(tokens[j]) >= min_parts:
            first = _caption_block_start(
                tokens,  # type: ignore[arg-type]
                lines,
                j,
                min_parts=min_parts,
                max_part_words=max_part_words,
            )
            if first >= 0:
                found.append((first, j + 1))
                j = first
        j -= 1
    return list(reversed(found))


WORDS = [
    "RIOT",
    "Clashes",
    "INVITE",
    "Tokayev",
    "café",
    "Zürich",
    "x_1",
    "??",
    "-",
    "é",
    "\u0301",
    "ab",
    "xab",
    "2",
    "b2",
    "Sérgio",
    "ГОРОД",
    "城市",
    "”",
    "\U00020000x",  # beyond the compiled scan's table: the Python twin decides
]
CAPTION = st.lists(st.sampled_from(WORDS), min_size=0, max_size=4).map(" ".join)


@st.composite
def documents(draw: st.DrawFn) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        parts = draw(st.lists(CAPTION, min_size=0, max_size=3))
        lines.extend(parts)
        if draw(st.booleans()):
            end = draw(st.sampled_from(["", ".", " ??", "é", "…", " ?? -- ?? --", "a)", "_"]))
            joined = " ".join(parts) + end
            lines.append(joined)
        fillers = ["", "Text.", "?? ??", "-- -- -- --", "Pic: ©", "x" * 8 + " ...."]
        lines.extend(draw(st.lists(st.sampled_from(fillers), max_size=2)))
    return lines


@settings(max_examples=400, deadline=None)
@given(documents(), st.integers(2, 3), st.integers(1, 4))
def test_fast_search_equals_plain(lines: list[str], min_parts: int, max_part_words: int) -> None:
    expected = plain_blocks(lines, min_parts=min_parts, max_part_words=max_part_words)
    for search in (drop_caption_blocks, _drop_caption_blocks_in_python):
        fast = search(lines, min_parts=min_parts, max_part_words=max_part_words)
        assert [(c.first, c.last) for c in fast.changes] == expected


def plain_candidates(lines: list[str]) -> list[int]:
    """Lines whose last word equals that of the previous line with words, by tokenizing all."""
    lasts = [(i, word_tokens(line)[-1]) for i, line in enumerate(lines) if word_tokens(line)]
    return [j for (_, a), (j, b) in pairwise(lasts) if a == b]


# Words before a tail of non-word characters, lines without words, combining marks.
TRICKY = ["", "ab", "x ab.", "ab -- -- --", "RIOT", "RIOT RIOT  ??", "abcd ?? ??", "b2_ab?!?!?!"]
# Beyond the compiled scan's table: an emoji (not a word character), a supplementary ideograph
# (one), a lone surrogate; the zero-width joiner is a word character to the regex module.
LINE_TEXT = st.text(
    alphabet="ab2_ .-?)\u00e9\u0301\u201d\u00a9 \u0413\u57ce\u200d\U0001f642\U00020000\ud800",
    max_size=12,
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(LINE_TEXT, st.sampled_from(TRICKY))))
def test_candidates_equal_plain(lines: list[str]) -> None:
    assert _joined_line_candidates(lines) == plain_candidates(lines)


if captions.caption_blocks is None and os.environ.get("CLEANTEXT_REQUIRE_KERNEL"):
    raise RuntimeError("CLEANTEXT_REQUIRE_KERNEL is set but cleantext.actions._scan was not built")
compiled = pytest.mark.skipif(
    captions.caption_blocks is None, reason="cleantext.actions._scan was not built"
)


@compiled
def test_compiled_scan_hands_over_beyond_its_table() -> None:
    lines = ["Text.", "RIOT Clashes", "INVITE Tokayev", "RIOT Clashes INVITE Tokayev"]
    assert captions.caption_blocks(lines, _word_table(), 2, 12) == [(1, 4)]
    emoji = ["RIOT Clashes", "INVITE \U0001f642 Tokayev", "RIOT Clashes INVITE Tokayev"]
    assert captions.caption_blocks(emoji, _word_table(), 2, 12) is None  # Python decides
    assert [
        (c.first, c.last)
        for c in drop_caption_blocks(emoji, min_parts=2, max_part_words=12).changes
    ] == [(0, 3)]


@compiled
def test_compiled_scan_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError, match="line 1: expected a str"):
        captions.caption_blocks(["a", b"b"], _word_table(), 2, 12)
    with pytest.raises(ValueError, match="table: expected 65536 bytes"):
        captions.caption_blocks(["a"], b"\x01", 2, 12)


def test_word_table_is_the_regex_word_class() -> None:
    table = _word_table()
    assert len(table) == 0x10000
    assert [table[ord(c)] for c in "aZ_9é\u0301\u200dГ城"] == [1] * 9
    assert [table[ord(c)] for c in " .’«»©\u00a0\u3002"] == [0] * 8
