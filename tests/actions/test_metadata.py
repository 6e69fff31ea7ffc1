from __future__ import annotations

import regex

from cleantext.actions.metadata import (
    extract_byline,
    extract_fields,
    extract_masthead,
    extract_masthead_shape,
    masthead_shaped,
    split_authors,
)

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


SHAPE = {
    "min_words": 2,
    "max_words": 5,
    "max_chars": 50,
    "connectors": frozenset({"and", "of", "on"}),
    "leading": frozenset({"The"}),
    "not_words": frozenset({"The", "To", "For", "Is", "In"}),
}
BYLINE_OR_PUBLICATION = regex.compile(r"- .*|.+ - - [A-Z]+ -")


def test_masthead_shapes() -> None:
    names = ["Otago Daily Times", "The Globe and Mail", "St. Louis Post-Dispatch", "Le Monde"]
    names += ["The Herald (Glasgow)", "Springfield Courier-Ledger"]
    not_names = ["Vlad’s nightmare", "Mayor Vows To Fight", "Council split on budget"]
    not_names += ["Troops arrive.", "Top 10 Schools", "Metro", "Why It Matters: Bridges"]
    not_names += ["The Case For The Bridge", "A Very Long Masthead That Goes On And On"]
    shaped = dict(SHAPE, connectors=SHAPE["connectors"] | {"and"})
    assert all(masthead_shaped(name, **shaped) for name in names if name != "Le Monde")
    assert masthead_shaped("Le Monde", **dict(shaped, leading=frozenset({"Le"})))
    assert not any(masthead_shaped(line, **shaped) for line in not_names)


def test_masthead_by_shape_needs_a_headline_after_it() -> None:
    def run(*lines: str) -> dict:
        out = extract_masthead_shape(
            list(lines), key="publication", not_before=BYLINE_OR_PUBLICATION, **SHAPE
        )
        return dict(out.metadata)

    assert run("", "Otago Daily Times", "", "Harbour wall repairs begin", "Text.") == {
        "publication": "Otago Daily Times"
    }
    assert run("Otago Daily Times", "The harbour wall will be repaired this year.") == {}
    assert run("Harbour Lights", "- JANE DOE", "Text.") == {}
    assert run("Harbour Lights", "Otago Daily Times - - NEWS -", "Text.") == {}
    assert run("Otago Daily Times") == {}


def test_fields_keep_every_named_group() -> None:
    pattern = regex.compile(
        r"(?P<publication>.+?) - - (?P<section>[A-Z ]+?) -(?: (?P<authors>[A-Z ]+?)"
        r"(?: (?P<role>STAFF REPORTERS?))?)?"
    )
    lines = ["Leafs win", "The Star - - SPORTS - ANN LEE AND BOB KAY STAFF REPORTERS", "Text."]
    out = extract_fields(lines, pattern=pattern, max_line=2)
    assert [c.first for c in out.changes] == [1]
    assert out.metadata == {
        "publication": "The Star",
        "section": "SPORTS",
        "authors": ["Ann Lee", "Bob Kay"],
        "author_role": "STAFF REPORTERS",
    }
    assert extract_fields(lines, pattern=pattern, max_line=1).changes == ()
