"""The ``truncate-before`` action: cut a page header through a marker line, only near the top."""

from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from cleantext.actions import ACTIONS, Stage
from cleantext.actions.header import truncate_before
from cleantext.matcher import LineFilter

MARKER = regex.compile("MenuSections")


def test_cuts_through_the_first_marker() -> None:
    lines = ["Home", "Sports", "MenuSections", "Headline", "MenuSections", "Text."]
    out = truncate_before(lines, pattern=MARKER, max_position=1.0)
    assert [(c.first, c.last, c.lines) for c in out.changes] == [(0, 3, ())]


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
def test_change_is_a_prefix_ending_on_a_marker(lines: list[str]) -> None:
    out = truncate_before(lines, pattern=MARKER, max_position=1.0)
    if "MenuSections" in lines:
        (change,) = out.changes
        assert change.first == 0 and lines[change.last - 1] == "MenuSections"
        assert "MenuSections" not in lines[: change.last - 1]
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
