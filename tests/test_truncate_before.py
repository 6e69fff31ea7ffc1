"""The ``truncate-before`` action: cut a page header through a marker line, only near the top,
sparing the headline."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from cleantext.actions import ACTIONS, Stage
from cleantext.actions.header import headline_line, truncate_before
from cleantext.matcher import LineFilter

MARKER = regex.compile("MenuSections")


def cut(lines: list[str], max_position: float = 1.0) -> list[str]:
    out = truncate_before(lines, pattern=MARKER, max_position=max_position)
    gone = {i for change in out.changes for i in range(change.first, change.last)}
    return [line for i, line in enumerate(lines) if i not in gone]


def test_cuts_through_the_first_marker() -> None:
    lines = ["Home", "Sports", "MenuSections", "Headline", "MenuSections", "Text."]
    out = truncate_before(lines, pattern=MARKER, max_position=1.0)
    # No line repeats the first one: it may be the page title, and it stays.
    assert [(c.first, c.last, c.lines) for c in out.changes] == [(1, 3, ())]


def test_the_headline_survives_the_cut() -> None:
    """A whole-page text starts with its title; the header line repeating it is the headline."""
    title = "Storm closes schools across the state | Daily Courier"
    assert cut(
        [
            title,
            "Home",
            "Storm closes schools across the state",
            "By Ann Lee",
            "MenuSections",
            "Text.",
        ]
    ) == ["Storm closes schools across the state", "Text."]
    # After the marker, the headline survives anyway: the whole header goes.
    assert cut(
        [title, "Home", "MenuSections", "Storm closes schools across the state", "Text."]
    ) == ["Storm closes schools across the state", "Text."]
    # A title that nothing repeats stays: it carries the headline.
    assert cut([title, "Home", "MenuSections", "Text."]) == [title, "Text."]


def test_the_headline_is_the_line_repeating_most_of_the_title() -> None:
    lines = ["Storm closes schools | Courier", "Schools", "Storm closes schools", "Text."]
    assert headline_line(lines, len(lines)) == 2
    assert headline_line(["Storm closes schools", "Weather", "Sport"], 3) is None
    assert headline_line([], 3) is None


def test_marker_must_match_the_whole_line() -> None:
    lines = ["Home", "See MenuSections below", "Text."]
    assert truncate_before(lines, pattern=MARKER, max_position=1.0).changes == ()


def test_marker_past_max_position_is_ignored() -> None:
    lines = ["A long first paragraph of the article itself.", "MenuSections", "x"]
    assert truncate_before(lines, pattern=MARKER, max_position=0.5).changes == ()
    assert truncate_before(lines, pattern=MARKER, max_position=0.99).changes != ()


def test_empty_document() -> None:
    assert truncate_before([], pattern=MARKER, max_position=0.5).changes == ()


def test_listed_in_the_vocabulary_at_the_blocks_stage() -> None:
    spec = ACTIONS["truncate-before"]
    assert spec.stage is Stage.BLOCKS
    assert set(spec.params) == {"pattern", "max_position"}


@given(st.lists(st.sampled_from(["Home", "MenuSections", "Text.", ""]), max_size=12))
def test_cut_ends_on_the_first_marker_and_spares_one_line(lines: list[str]) -> None:
    out = truncate_before(lines, pattern=MARKER, max_position=1.0)
    if "MenuSections" in lines:
        marker = lines.index("MenuSections")
        gone = [i for change in out.changes for i in range(change.first, change.last)]
        kept = set(range(marker + 1)) - set(gone)
        assert max(gone, default=marker) == marker  # nothing after the first marker goes
        assert len(kept) <= 1  # at most the title or headline stays of the header
    else:
        assert out.changes == ()


@given(
    st.lists(st.sampled_from(["", "Home", "MenuSections", "x MenuSections", "Text. " * 5])),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_prefiltered_lines_give_the_same_cut(lines: list[str], max_position: float) -> None:
    only = LineFilter(MARKER.pattern, whole_line=True).lines(lines)
    assert truncate_before(
        lines, pattern=MARKER, max_position=max_position, only=only
    ) == truncate_before(lines, pattern=MARKER, max_position=max_position)
