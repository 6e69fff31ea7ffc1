from __future__ import annotations

import regex

from cleantext.actions.metadata import extract_byline, extract_masthead, split_authors

BYLINE = regex.compile(
    r"BY (?P<authors>[A-Z ]+?)(?: (?P<role>[A-Z][a-z][\w ]*?))?(?: (?P<email>\S+@\S+))?"
    r"(?: (?P<social>@\w+))?"
)


def test_split_authors() -> None:
    assert split_authors("ANN LEE AND BOB KAY") == ["Ann Lee", "Bob Kay"]
    assert split_authors("Jo Marsh, Li Wei & Sam O'Neil") == ["Jo Marsh", "Li Wei", "Sam O'Neil"]


def test_byline_fields_and_first_wins() -> None:
    lines = ["BY ANN LEE Science Editor a.lee@example.com @annlee", "Text.", "BY BOB KAY"]
    out = extract_byline(lines, pattern=BYLINE, max_line=0)
    assert [c.first for c in out.changes] == [0, 2]
    assert out.metadata == {
        "authors": ["Ann Lee"],
        "author_role": "Science Editor",
        "author_email": "a.lee@example.com",
        "author_social": "@annlee",
    }


def test_byline_max_line_limits_the_search() -> None:
    out = extract_byline(["Text.", "More.", "BY BOB KAY"], pattern=BYLINE, max_line=2)
    assert out.changes == ()


def test_masthead_only_near_the_top() -> None:
    pattern = regex.compile(r"(?P<name>Daily \w+)")
    assert (
        extract_masthead(
            ["Headline", "Daily Mirror"], pattern=pattern, max_line=1, key="publication"
        ).changes
        == ()
    )
    out = extract_masthead(
        ["", "Daily Mirror", "Text"], pattern=pattern, max_line=1, key="publication"
    )
    assert out.metadata == {"publication": "Daily Mirror"}
    assert [c.first for c in out.changes] == [1]
