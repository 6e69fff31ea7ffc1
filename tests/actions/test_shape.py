"""The line-shape predicates that replaced a regular expression give its answers."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from cleantext.actions.shape import ends_sentence, has_words, word_count

#: the pattern ``ends_sentence`` read with the regex engine before it read the line's end
SENTENCE_END = regex.compile(r"[.!?…。！？][\"'’”»)\]]*\s*$")

# Sentence ends, closing quotes, every kind of space (those ``\s`` leaves out included), a
# newline, and letters: the characters the two readings could disagree on.
line_text = st.text(
    alphabet=".!?…。！？\"'’”»)] \t\r\n\x0b\x0c\x1c\x1f\x85\xa0\u2003\u3000ab,“", max_size=12
)


@given(line_text)
def test_ends_sentence_reads_as_the_regex(line: str) -> None:
    assert ends_sentence(line) == (SENTENCE_END.search(line) is not None)


def test_no_space_to_regex_above_u3000() -> None:
    """``ends_sentence`` strips the characters ``regex``'s ``\\s`` matches below U+3001."""
    beyond = "".join(chr(c) for c in range(0x3001, 0x110000) if not 0xD800 <= c < 0xE000)
    assert regex.search(r"\s", beyond) is None


@given(st.text(alphabet="ab \t\u3000\x1c", max_size=20), st.integers(min_value=1, max_value=9))
def test_has_words_counts_as_word_count(line: str, count: int) -> None:
    assert has_words(line, count) == (word_count(line) >= count)
