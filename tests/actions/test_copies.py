from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import MonkeyPatch

from cleantext import Cleaner
from cleantext.actions import copies
from cleantext.actions.copies import drop_repeated_passages

FIRST = "The council voted on Monday to close the old bridge for repairs over the whole summer."
SECOND = "Traffic will be sent through the town centre, which shop owners fear will hurt trade."
THIRD = "Work is due to start in June and the bridge should open again before the schools do."
WORDS = {"min_words": 15, "min_passages": 2}


def dropped(lines: list[str], min_passages: int = 2) -> list[int]:
    out = drop_repeated_passages(lines, min_words=15, min_passages=min_passages)
    return [i for change in out.changes for i in range(change.first, change.last)]


def test_every_later_copy_goes_and_the_first_stays() -> None:
    lines = ["Bridge to close", FIRST, SECOND, "Share", FIRST, SECOND, "Print", FIRST, SECOND]
    assert dropped(lines) == [4, 5, 7, 8]


def test_a_copy_may_carry_short_lines_and_blank_lines() -> None:
    lines = [FIRST, "Roads", SECOND, "", "Related", FIRST, "", "Roads", SECOND]
    assert dropped(lines) == [5, 7, 8]


def test_a_copy_must_hold_enough_paragraphs() -> None:
    lines = [FIRST, SECOND, THIRD, "Most read", FIRST, "Sport", SECOND]
    assert dropped(lines) == []
    assert dropped(lines, min_passages=1) == [4, 6]


def test_a_run_that_overlaps_its_original_is_not_a_copy() -> None:
    # A A A: the second copies the first, the third the second; each run is one paragraph.
    assert dropped([FIRST, FIRST, FIRST]) == []
    assert dropped([FIRST, SECOND, FIRST, SECOND, FIRST, SECOND]) == [2, 3, 4, 5]


def test_repeated_items_and_headings_stay() -> None:
    item = "Breakfast: two eggs, one slice of whole-grain toast and a cup of coffee with milk"
    assert dropped(["Day 1", item, item.upper(), "Day 2", item, item.upper()]) == []


def test_the_pipeline_drops_a_page_printed_twice() -> None:
    page = "\n".join(["Bridge to close", FIRST, SECOND, THIRD, "Town news", FIRST, SECOND, THIRD])
    assert Cleaner(classifier=False).clean(page) == "\n".join(
        ["Bridge to close", FIRST, SECOND, THIRD, "Town news"]
    )


paragraphs = st.sampled_from([FIRST, SECOND, THIRD, "Home", "Sport", ""])


@given(st.lists(paragraphs, max_size=14))
def test_dropping_the_copies_leaves_none(lines: list[str]) -> None:
    gone = set(dropped(lines))
    kept = [line for i, line in enumerate(lines) if i not in gone]
    assert dropped(kept) == []
    # What stays holds every line the text had, once at least.
    assert set(kept) == set(lines)


def test_pieces_of_a_copy_that_meet_once_another_copy_is_gone_go_too() -> None:
    fourth = "Officials said the cost of the work would be met by the county and not by the town."
    lines = [FIRST, SECOND, THIRD, fourth, FIRST, THIRD, fourth, SECOND]
    # THIRD, fourth copy lines 2-3; once they are gone, FIRST, SECOND copy lines 0-1.
    assert dropped(lines) == [4, 5, 6, 7]


def test_a_long_list_printed_twice_is_walked_once(monkeypatch: MonkeyPatch) -> None:
    # Each line of the second list starts a run as long as the rest of the list: tried one
    # by one, 4,000 lines took 6 s; counted, the search makes a bounded number of steps.
    items = [f"item {i}" for i in range(50_000)]
    calls = 0
    real_is_passage = copies._is_passage

    def counting(line: str, min_words: int) -> bool:
        nonlocal calls
        calls += 1
        return real_is_passage(line, min_words)

    monkeypatch.setattr(copies, "_is_passage", counting)
    out = drop_repeated_passages([FIRST, SECOND, FIRST, SECOND, *items, *items], **WORDS)
    assert [c.first for c in out.changes] == [2, 3] and not out.unsettled
    assert calls < 4 * 50_000


def test_out_of_work_it_drops_what_it_found_and_says_so(monkeypatch: MonkeyPatch) -> None:
    monkeypatch.setattr(copies, "WORK_PER_LINE", 0)
    out = drop_repeated_passages([FIRST, SECOND, "Home", FIRST, SECOND], **WORDS)
    assert out.changes == () and out.unsettled


compiled = pytest.mark.skipif(
    copies._compiled_long_repeats is None, reason="cleantext.actions._scan was not built"
)
LINE = st.one_of(
    st.sampled_from([FIRST, SECOND, "", "Home", "x" * 39, "y" * 40, FIRST.upper()]),
    st.text(st.characters(codec="utf-8"), max_size=60),
)


@compiled
@settings(max_examples=150, deadline=None)
@given(st.lists(LINE, max_size=30), st.integers(0, 45))
def test_the_compiled_scan_finds_what_its_twin_does(lines: list[str], min_chars: int) -> None:
    assert copies._compiled_long_repeats(lines, min_chars) == copies.long_repeats(lines, min_chars)


@compiled
def test_the_compiled_scan_names_a_line_that_is_no_text() -> None:
    with pytest.raises(TypeError, match="line 1"):
        copies._compiled_long_repeats(["a", 2], 1)


def plain_copied(text: list[str], min_passages: int) -> list[int]:
    """The reference search: every position tried as the start of a copy, one by one."""
    first_seen: dict[str, int] = {}
    for at, line in enumerate(text):
        first_seen.setdefault(line, at)
    found: list[int] = []
    at = 0
    while at < len(text):
        origin = first_seen[text[at]]
        length = passages = 0
        while (
            origin < at
            and at + length < len(text)
            and origin + length < at
            and text[at + length] == text[origin + length]
        ):
            passages += copies._is_passage(text[at + length], 15)
            length += 1
        if origin < at and passages >= min_passages:
            found += range(at, at + length)
            at += length
        else:
            at += 1
    return found


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([FIRST, SECOND, THIRD, "Home", "Sport"]), max_size=40))
def test_the_search_finds_what_trying_every_start_does(text: list[str]) -> None:
    for min_passages in (1, 2):
        found, complete = copies._copied(text, min_words=15, min_passages=min_passages)
        assert complete and found == plain_copied(text, min_passages)
