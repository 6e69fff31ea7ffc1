"""The rejoin that only tries lines found by one whole-text scan equals the plain line loop, and
the compiled scan of line ends (``_scan.c``) finds what its regex twin does, and the code check
that tries its pattern only on lines holding one of its characters equals the pattern."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.actions import repair, shape
from cleantext.actions.base import Change
from cleantext.actions.repair import (
    MIN_BRIDGED_WORDS,
    SENTENCE_WORDS,
    _continues,
    _list_item,
    _open_lines,
    _open_lines_by_regex,
    _same_first_word,
    _stands_alone,
    rejoin_split_sentences,
)
from cleantext.actions.shape import ends_sentence, looks_like_code, word_count


def plain_open(line: str) -> bool:
    """An open sentence, as the reference tells it: it does not end a sentence, and its last
    character is a letter, a digit or a comma."""
    return bool(line) and not ends_sentence(line) and (line[-1].isalnum() or line[-1] == ",")


def plain_rejoin(
    lines: Sequence[str], *, max_inserted_lines: int, max_inserted_words: int
) -> tuple[Change, ...]:
    """The reference: every line tried as the first half of a split sentence (but an item
    of a list), and a joined line that is still open tried again; the whole joined line
    checked for code each time, and its first two pieces for a shared first word; lines
    between the halves only after a first half of prose, and never a sentence."""
    changes: list[Change] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line and word_count(line) >= 3 and plain_open(line) and not _list_item(lines, i):
            last = i
            while True:
                found = -1
                inserted = 0
                bridged = max_inserted_lines if word_count(line) >= MIN_BRIDGED_WORDS else 0
                for j in range(last + 1, len(lines)):
                    if not lines[j]:
                        continue
                    if _continues(lines[j]):
                        found = j
                        break
                    inserted += 1
                    if (
                        inserted > bridged
                        or word_count(lines[j]) > max_inserted_words
                        or (word_count(lines[j]) >= SENTENCE_WORDS and ends_sentence(lines[j]))
                        or not _stands_alone(lines, j)
                    ):
                        break
                if found < 0 or looks_like_code(line) or looks_like_code(lines[found]):
                    break
                if last == i and _same_first_word(lines[i], lines[found]):
                    break
                line, last = f"{line} {lines[found]}", found
                if not plain_open(line):
                    break
            if last > i:
                changes.append(Change(i, last + 1, (line,)))
                i = last
        i += 1
    return tuple(changes)


WORDS = ["so", "people", "cannot", "Troops", "access", "cash.", "é", "ça", "Ünd", "x,", "a", "1"]
WORDS += ["x =", "=", "y", "==", "#", "f(x)", "a;", "{", "//", "=>", "<="]  # marks of code
ENDS = ["", ",", ".", "é", "\u00a0", " ", "2", "”", "\ud800", ":"]
LINE = st.one_of(
    st.just(""),
    st.builds(
        lambda words, end: " ".join(words) + end,
        st.lists(st.sampled_from(WORDS), min_size=1, max_size=10),
        st.sampled_from(ENDS),
    ),
    st.text(alphabet="aZ ,.é\u2028\r\x1c\u3000\t", max_size=8),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(LINE, max_size=12), st.integers(0, 3), st.integers(1, 4))
def test_scanned_rejoin_equals_plain(lines: list[str], most: int, words: int) -> None:
    fast = rejoin_split_sentences(lines, max_inserted_lines=most, max_inserted_words=words)
    assert fast.changes == plain_rejoin(lines, max_inserted_lines=most, max_inserted_words=words)


@settings(max_examples=500, deadline=None)
@given(st.lists(LINE, max_size=12))
def test_compiled_open_lines_equal_the_regex(lines: list[str]) -> None:
    assert _open_lines(lines) == _open_lines_by_regex(lines)


def test_compiled_open_lines_reject_what_is_not_a_line() -> None:
    if repair.open_line_ends is None:
        return  # not built: the regex twin is what runs
    with pytest.raises(TypeError, match="line 1: expected a str"):
        repair.open_line_ends(["a", None])


@settings(max_examples=300, deadline=None)
@given(st.lists(LINE, max_size=12), st.integers(0, 3), st.integers(1, 4))
def test_rejoin_leaves_nothing_to_rejoin(lines: list[str], most: int, words: int) -> None:
    once = rejoin_split_sentences(lines, max_inserted_lines=most, max_inserted_words=words)
    result: list[str] = []
    position = 0
    for change in once.changes:
        result += [*lines[position : change.first], *change.lines]
        position = change.last
    result += lines[position:]
    again = rejoin_split_sentences(result, max_inserted_lines=most, max_inserted_words=words)
    assert again.changes == ()


CODE_LINE = st.text(
    alphabet=st.sampled_from(list("ab (){};=#*/!<>+-: \t\u00a0é\u0301_9")), max_size=14
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(CODE_LINE, st.text(max_size=14)))
def test_code_check_equals_its_whole_pattern(line: str) -> None:
    """looks_like_code tries the pattern only on lines holding one of its characters."""
    assert looks_like_code(line) == (shape._CODE.search(line) is not None)
