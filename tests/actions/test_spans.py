from __future__ import annotations

import regex

from cleantext.actions.spans import (
    collapse_repeats,
    drop_spans,
    remove_spans,
    repeat_pattern,
    replace_spans,
)

QQ = regex.compile(r"(?<!\S)\?{2,}(?:\s+\?{2,})*(?!\S)")


def test_remove_spans_merges_whitespace_at_the_cut() -> None:
    assert remove_spans("Street ?? ?? clashes", QQ) == "Street clashes"
    assert remove_spans(" ?? ?? TORCHED", QQ) == "TORCHED"
    assert remove_spans("??", QQ) == ""
    assert remove_spans("Keep  two  spaces", QQ) == "Keep  two  spaces"


def test_drop_spans_reports_only_changed_lines() -> None:
    out = drop_spans(["fine", "bad ??", ""], pattern=QQ)
    assert [(c.first, c.lines) for c in out.changes] == [(1, ("bad",))]


def test_replace_uses_groups() -> None:
    pattern = regex.compile(r"^(?P<city>[A-Z]+) \(Reuters\) - ")
    out = replace_spans(
        ["LONDON (Reuters) - Prices rose."], pattern=pattern, replacement=r"\g<city>: "
    )
    assert out.changes[0].lines == ("LONDON: Prices rose.",)


def test_collapse_repeats_keeps_one_copy() -> None:
    repeated = repeat_pattern(r"\bBY(?:\s+\p{Lu}[\p{Lu}'’.-]*\b){1,4}")
    out = collapse_repeats(["BY CHRIS HUGHES BY CHRIS HUGHES Defence Editor"], repeated=repeated)
    assert out.changes[0].lines == ("BY CHRIS HUGHES Defence Editor",)
    assert collapse_repeats(["BY ANN LEE and BY BOB KAY"], repeated=repeated).changes == ()
