"""The unicode-repair gate skips ftfy only where ftfy would change nothing.

The gate (``cleantext.actions.normalize``) lets a line through untouched when it has no HTML
entity and is made of printable ASCII, ``NEUTRAL`` characters (listed, ranged, or taken from
``NEUTRAL_BLOCKS``) and ``ISOLATED`` characters that never touch each other (but quotation
marks, and lowercase accented letters), Cyrillic letters touching none of them but quotes. These
tests check that claim three ways: the character lists avoid everything ftfy's single-character
fixes touch; every short string the gate passes is not mojibake to ftfy's detector
(exhaustively, up to its longest relevant pattern); and on generated text mixing those
characters with real mojibake, the gated repair equals ftfy.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

import ftfy
import pytest
from ftfy import badness, chardata
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.actions import normalize
from cleantext.actions.normalize import (
    _MAY_NEED_REPAIR,
    CYRILLIC,
    FTFY_CONFIG,
    ISOLATED,
    NEUTRAL,
    NEUTRAL_BLOCK_CHARACTERS,
    NEUTRAL_RANGES,
    QUOTES,
    repair_line,
    repair_unicode,
)

RANGED = "".join(
    chr(c)
    for part in re.findall(r"(.)(?:-(.))?", NEUTRAL_RANGES)
    for c in range(ord(part[0]), ord(part[1] or part[0]) + 1)
)
CYRILLIC_LETTERS = "".join(chr(c) for c in range(0x410, 0x450)) + "\u0401\u0451"
assert CYRILLIC == "\u0410-\u044f\u0401\u0451"
BLOCKS = NEUTRAL_BLOCK_CHARACTERS
WHITELIST = NEUTRAL + ISOLATED + RANGED + BLOCKS + CYRILLIC_LETTERS
# Second halves of canonical compositions: a whitelisted one could be composed by NFC.
COMPOSES = {
    chr(int(parts[1], 16))
    for code in range(0x110000)
    if (parts := unicodedata.decomposition(chr(code)).split())
    and len(parts) == 2
    and not parts[0].startswith("<")
}
# One character for each class of ASCII the mojibake detector tells apart.
ASCII_KINDS = ["a", "Z", "0", "_", " ", "\t", ".", "-", "&", '"', ";", "#"]
MOJIBAKE = ["Ã©", "â€™", "â€œ", "Ã¨", "Â ", "Ã", "Ã\xa0", "вЂ™", "Ã¼", "Ã¶", "â€”", "Ãƒ"]
MOJIBAKE += ["\x85", "\x92", "\u2028", "\ufb01", "\uff21", "\x1b[1m", "\ufeff", "e\u0301"]
MOJIBAKE += ["&amp;", "&eacute;", "&#8217;", "&EACUTE;", "&nbsp;", "&"]


def test_whitelist_avoids_single_character_fixes() -> None:
    for char in WHITELIST:
        assert unicodedata.normalize("NFC", char) == char, char
        assert not unicodedata.combining(char), char
        assert ord(char) not in chardata.CONTROL_CHARS, char
        assert char not in chardata.LIGATURES and ord(char) not in chardata.LIGATURES, char
        # Width forms are left as they are: ftfy's width fix is off.
        assert ord(char) not in chardata.WIDTH_MAP or not FTFY_CONFIG.fix_character_width, char
        assert not chardata.C1_CONTROL_RE.match(char), char
        assert char not in "\r\u2028\u2029\x85", char
    assert not set(NEUTRAL) & set(ISOLATED)
    assert not set(BLOCKS) & (set(ISOLATED) | set(NEUTRAL) | set(CYRILLIC_LETTERS))
    assert not set(WHITELIST) & COMPOSES


def test_cyrillic_lines_the_gate_passes_are_not_mojibake() -> None:
    alphabet = ASCII_KINDS + list(NEUTRAL) + list(CYRILLIC_LETTERS) + list(ISOLATED[::9])
    alphabet += list(QUOTES) + list(BLOCKS[::499])
    for size in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            if _MAY_NEED_REPAIR.search(text) is None:
                assert not badness.is_bad(text), repr(text)


def test_cyrillic_next_to_isolated_characters() -> None:
    """Every ISOLATED character with Cyrillic letters, ASCII or nothing on either side."""
    ends = ["", *ASCII_KINDS, *CYRILLIC_LETTERS[::3], *"ВГРСвгрс"]
    for middle in ISOLATED:
        for before in ends:
            for after in ends:
                text = before + middle + after
                if _MAY_NEED_REPAIR.search(text) is None:
                    assert not badness.is_bad(text), repr(text)


def test_quotes_are_in_no_pattern_with_one_cyrillic_neighbour_or_another_quote() -> None:
    assert set(QUOTES) <= set(ISOLATED)
    for quote in QUOTES:
        for name in ("bad", "upper_accented", "lower_accented"):
            assert quote not in badness.MOJIBAKE_CATEGORIES[name], (quote, name)


def test_ranged_characters_are_in_no_mojibake_category() -> None:
    """NEUTRAL ones may be "common" (used only after characters the gate sends to ftfy)."""
    categories = {
        name: re.compile(f"[{chars}]") for name, chars in badness.MOJIBAKE_CATEGORIES.items()
    }
    for char in RANGED + NEUTRAL + BLOCKS:
        found = {name for name, category in categories.items() if category.match(char)}
        assert found <= ({"common"} if char in NEUTRAL else set()), char
        assert char not in badness.BADNESS_RE.pattern or found == {"common"}, char
    # Characters that start a mojibake pattern on their own or next to NEUTRAL ones stay out.
    assert not set(WHITELIST) & set("ÃÂÎÐØÙŒœ")


def test_no_short_string_the_gate_passes_looks_like_mojibake() -> None:
    """Every pattern of ftfy's detector that can match these characters is <= 3 long."""
    alphabet = ASCII_KINDS + list(NEUTRAL + ISOLATED) + list(RANGED[::4999] + BLOCKS[::997])
    for size in (1, 2, 3):
        for chars in itertools.product(alphabet, repeat=size):
            text = "".join(chars)
            if _MAY_NEED_REPAIR.search(text) is None:
                assert not badness.is_bad(text), repr(text)
                assert unicodedata.normalize("NFC", text) == text


PIECES = st.one_of(
    st.sampled_from(list(NEUTRAL + ISOLATED)),
    st.sampled_from(RANGED),
    st.sampled_from(BLOCKS),
    st.text(alphabet=CYRILLIC_LETTERS + " ", min_size=1, max_size=8),
    st.text(alphabet=CYRILLIC_LETTERS[::5] + QUOTES + ISOLATED[::7], max_size=4),
    st.sampled_from(MOJIBAKE),
    st.sampled_from(ASCII_KINDS),
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=6),
    st.text(max_size=2),
)
LINE = st.lists(PIECES, max_size=20).map("".join).map(lambda s: s.replace("\n", " "))


def plain_repair(line: str, rounds: int = 4) -> str:
    """The repair without the gate: ftfy on every line, repeated until stable."""
    fixed = ftfy.fix_text(line, FTFY_CONFIG) if rounds else line
    if fixed == line:
        return line
    return "\n".join(plain_repair(part, rounds - 1) for part in fixed.split("\n"))


@settings(max_examples=400, deadline=None)
@given(LINE)
def test_gated_repair_equals_ftfy(line: str) -> None:
    assert repair_line(line) == plain_repair(line)


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, max_size=8))
def test_whole_text_scan_repairs_the_same_lines(lines: list[str]) -> None:
    changed = {c.first: c.lines for c in repair_unicode(lines).changes}
    for i, line in enumerate(lines):
        fixed = plain_repair(line) if line else line
        expected = (line,) if fixed == line else tuple(p.strip() for p in fixed.split("\n"))
        assert changed.get(i, (line,)) == expected


@settings(max_examples=200, deadline=None)
@given(st.lists(LINE, max_size=8))
def test_re2_and_re_gates_pick_the_same_lines(lines: list[str]) -> None:
    fast = normalize._lines_to_repair(lines)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(normalize, "_MAY_NEED_REPAIR_RE2", None)
        assert normalize._lines_to_repair(lines) == fast


def test_typical_news_lines_skip_ftfy() -> None:
    for line in [
        "“It’s over,” the minister said – and left… at 10 °C.",
        "Prices rose to €1,200 (£1,050) in Zürich, Kraków and Besançon.",
        "Señora Muñoz’s café — «la mejor» — opened in São Paulo.",
        "東京都の小池知事は「新しい対策」を発表した。",
        "서울시는 새로운 정책을 발표했다.",
        "Президент России заявил – «переговоры продолжатся».",
        "Read more → ► ☰ ⓒ 2024 ✕ 🙂 👍🏽 ⬇ ₩1,000 ・ \u200b",
    ]:
        assert _MAY_NEED_REPAIR.search(line) is None, line
