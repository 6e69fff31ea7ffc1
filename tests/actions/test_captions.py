from __future__ import annotations

import regex

from cleantext.actions.captions import (
    drop_byline_captions,
    drop_caption_blocks,
    drop_caption_lines,
    drop_glued_captions,
)

LEDE = regex.compile(r"(?<!\S)\p{Lu}[\p{Lu}’'-]{3,}(?=\s+\p{L})")


def test_caption_block_with_placeholder_part() -> None:
    lines = ["Text ends.", "", "?? ?? TORCHED", "RIOT HATE Clashes", "TORCHED RIOT HATE Clashes"]
    out = drop_caption_blocks(lines, min_parts=2, max_part_words=15)
    assert [(c.first, c.last) for c in out.changes] == [(2, 5)]


def test_caption_block_needs_exact_concatenation() -> None:
    lines = ["RIOT HATE Clashes", "INVITE The president", "RIOT HATE INVITE The president"]
    assert drop_caption_blocks(lines, min_parts=2, max_part_words=15).changes == ()


def test_glued_caption() -> None:
    text = "Offices & car in Almaty RUSSIAN paratroopers have entered the country to quash riots."
    out = drop_glued_captions(
        [text], lede=LEDE, max_words=7, min_rest_words=8, not_after=frozenset()
    )
    assert out.changes[0].lines[0].startswith("RUSSIAN paratroopers")


def test_glued_caption_respects_not_after_and_punctuation() -> None:
    lines = [
        "Officials said NATO troops would not be sent to the region this year at all.",
        "He said: “GREAT news for everyone in the town tonight,” and then he left.",
    ]
    out = drop_glued_captions(
        lines, lede=LEDE, max_words=7, min_rest_words=8, not_after=frozenset({"said"})
    )
    assert out.changes == ()


def test_caption_lines_between_sentences_in_runs() -> None:
    lines = [
        "The protests began on Sunday.",
        "Russian military vehicles are pictured preparing to leave for the border",
        "Security forces are being used in an operation to stop mass unrest",
        "In total 13 police have been killed.",
    ]
    out = drop_caption_lines(lines, min_words=8, max_words=40, max_capitalised=0.5)
    assert [c.first for c in out.changes] == [1, 2]


def test_caption_line_not_taken_from_truncated_end_or_title_case() -> None:
    lines = [
        "The protests began on Sunday.",
        "What The New Rules Mean For Drivers In The Capital",
        "Officials said more would follow.",
        "TV reports said more than 1,000 were injured in the violence before today’s",
    ]
    assert drop_caption_lines(lines, min_words=8, max_words=40, max_capitalised=0.5).changes == ()


BYLINE = regex.compile(r"- [A-Z]+ [A-Z]+(?: [A-Z ]+)?")
CREDIT = regex.compile(r"\p{Lu}{2,}(?:[ /]+\p{Lu}{2,})+\s*$")


def byline_captions(lines: list[str], max_after: int = 3) -> list[int]:
    out = drop_byline_captions(
        lines, byline=BYLINE, credit=CREDIT, max_line=8, min_words=6, max_after=max_after
    )
    return [c.first for c in out.changes]


def test_captions_above_the_byline_are_sentences_or_credited() -> None:
    lines = [
        "Bridge to close for a year",
        "The city says the girders have rusted through and cannot wait.",  # the deck: kept
        "Kennedy Road at rush hour",  # a second deck line without credit: kept
        "Crews inspect the deck on Tuesday. The span carries 9,000 cars a day.",
        "Jo Kent on the bridge JOHN ROE/TORONTO STAR",
        "- ANN LEE",
        "The bridge will close in March, the city said.",
    ]
    assert byline_captions(lines) == [3, 4]


def test_captions_below_the_byline_end_without_a_full_stop() -> None:
    lines = [
        "Bridge to close",
        "- ANN LEE STAFF REPORTER",
        "Ann Lee walks across the closed bridge on Tuesday afternoon",
        "THE GIRDERS RUSTED",
        "Engineers and the mayor inspect the underside of the deck",
        "The bridge will close in March, the city said.",
        "Drivers wait at a temporary light on Mill Street near the bridge",
    ]
    assert byline_captions(lines) == [2, 4]
    assert byline_captions(lines, max_after=1) == [2]


def test_no_byline_no_captions() -> None:
    lines = [
        "Bridge to close",
        "Crews inspect the deck on Tuesday. The span carries cars.",
        "Text.",
    ]
    assert byline_captions(lines) == []
    assert byline_captions(["- ANN LEE", "Crews inspect the deck on Tuesday morning"]) == []
