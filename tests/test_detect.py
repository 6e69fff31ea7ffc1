"""Site detection by one combined scan gives what trying every set's markers gives."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import default_library
from cleantext.detect import SiteDetector

LIBRARY = default_library()
DETECTOR = SiteDetector(LIBRARY)
WITH_MARKERS = [s for s in LIBRARY.sets.values() if s.detect]


def plain_by_content(text: str) -> tuple[str, ...]:
    """The reference: each set's markers searched one by one."""
    found = []
    for rule_set in WITH_MARKERS:
        hits = sum(1 for m in rule_set.detect if regex.search(m, text, regex.MULTILINE))
        if hits >= rule_set.detect_min:
            found.append(rule_set.id)
    return tuple(found)


# Lines that look like markers: the examples of every site set, plus marker-shaped lines.
LINES = sorted(
    {
        line
        for rule_set in WITH_MARKERS
        for rule in rule_set.rules
        for example in rule.examples
        for line in example.input.split("\n")
    }
    | {"Newspapers in English", "Post a Comment", "No comments:", "Printed and distributed by"}
)
TEXT = st.lists(st.sampled_from(LINES) | st.text(max_size=12), max_size=20).map("\n".join)


def test_shipped_sites_have_markers() -> None:
    assert len(WITH_MARKERS) >= 2


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_combined_scan_equals_plain_loop(text: str) -> None:
    assert DETECTOR.by_content(text) == plain_by_content(text)


def test_every_site_found_by_its_own_examples() -> None:
    for rule_set in WITH_MARKERS:
        text = "\n".join(e.input for rule in rule_set.rules for e in rule.examples)
        assert DETECTOR.by_content(text) == plain_by_content(text)


def test_url_wins_over_content() -> None:
    text = "Text.\nPost a Comment\nNo comments:"
    assert DETECTOR.sites(text, "https://www.pressreader.com/x") == ("pressreader",)
