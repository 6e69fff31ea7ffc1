from __future__ import annotations

from cleantext.actions.normalize import collapse_blank_lines, repair_unicode, strip_lines


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
