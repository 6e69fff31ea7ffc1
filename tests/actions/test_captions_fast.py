"""The caption-block search that compares last words first finds exactly what the plain one does."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.actions.captions import (
    _caption_block_start,
    _joined_line_candidates,
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
    fast = drop_caption_blocks(lines, min_parts=min_parts, max_part_words=max_part_words)
    expected = plain_blocks(lines, min_parts=min_parts, max_part_words=max_part_words)
    assert [(c.first, c.last) for c in fast.changes] == expected


def plain_candidates(lines: list[str]) -> list[int]:
    """Lines whose last word equals that of the previous line with words, by tokenizing all."""
    lasts = [(i, word_tokens(line)[-1]) for i, line in enumerate(lines) if word_tokens(line)]
    return [j for (_, a), (j, b) in pairwise(lasts) if a == b]


# Words before a tail of non-word characters, lines without words, combining marks.
TRICKY = ["", "ab", "x ab.", "ab -- -- --", "RIOT", "RIOT RIOT  ??", "abcd ?? ??", "b2_ab?!?!?!"]
LINE_TEXT = st.text(alphabet="ab2_ .-?)\u00e9\u0301\u201d\u00a9 \u0413\u57ce", max_size=12)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(LINE_TEXT, st.sampled_from(TRICKY))))
def test_candidates_equal_plain(lines: list[str]) -> None:
    assert _joined_line_candidates(lines) == plain_candidates(lines)
