from __future__ import annotations

import re2
from hypothesis import given
from hypothesis import strategies as st

from cleantext.actions.normalize import (
    STRIP_PRESENCE,
    _blank_run_in,
    collapse_blank_lines,
    repair_unicode,
    strip_lines,
)
from cleantext.matcher import Lines


def test_repair_unicode_keeps_curly_quotes_and_fixes_mojibake() -> None:
    out = repair_unicode(["It’s “fine”", "doesnâ€™t", "a &amp; b"])
    assert [(c.first, c.lines) for c in out.changes] == [(1, ("doesn’t",)), (2, ("a & b",))]


def test_repair_can_split_a_line() -> None:
    out = repair_unicode(["one\u2028two"])
    assert out.changes[0].lines == ("one", "two")


def test_strip_and_collapse() -> None:
    assert [c.lines for c in strip_lines([" a ", "b"]).changes] == [("a",)]
    changes = collapse_blank_lines(["", "a", "", "", "b", ""], max_blank=1).changes
    assert [(c.first, c.last) for c in changes] == [(0, 1), (3, 4), (5, 6)]
    assert collapse_blank_lines(["a", "", "", "b"], max_blank=0).changes[0].first == 1


def test_full_width_characters_are_kept() -> None:
    assert repair_unicode(["東京で２０２２年に開催された。ＡＢＣ"]).changes == ()


@given(st.lists(st.text(alphabet="a \t\r\u200b\u3000\x1c\xa0", max_size=4), max_size=5))
def test_strip_presence_is_found_wherever_strip_lines_acts(lines: list[str]) -> None:
    """The joint scan skips ``strip-lines`` where its presence pattern is not found."""
    presence = re2.compile(f"(?m:{STRIP_PRESENCE})")
    if strip_lines(lines).changes:
        assert presence.search("\n".join(lines).encode("utf-8")) is not None


@given(st.lists(st.sampled_from(["", "", "a", "b c"]), max_size=8), st.integers(0, 2))
def test_collapse_blank_lines_skips_only_what_it_leaves(lines: list[str], max_blank: int) -> None:
    """The two string searches before the loop never skip a text the loop would change."""
    runs = [len(run) for run in "\n".join("x" if line else "" for line in lines).split("x")]
    edges = bool(lines) and (not lines[0] or not lines[-1])
    if edges or any(run - 1 > max_blank for run in runs[1:-1]):  # newlines less one
        assert _blank_run_in("\n".join(lines), max_blank)
        assert collapse_blank_lines(Lines(lines), max_blank=max_blank).changes
