"""The byline and masthead actions try only the lines an RE2 prefilter names: same results."""

from __future__ import annotations

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.actions.metadata import extract_byline, extract_masthead
from cleantext.matcher import LineFilter

BYLINE = regex.compile(r"(?:BY|By) (?P<authors>\p{Lu}[\p{L}.\-]+(?: \p{Lu}[\p{L}.\-]+){0,3})")
MASTHEAD = regex.compile(r"(?P<name>Daily \p{Lu}\p{Ll}+)")

line = st.one_of(
    st.sampled_from(["", "By Ann Lee", "BY CHRIS HUGHES", "Daily Mirror", "By the river."]),
    st.text(alphabet="aB y.Dily Mro", max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(line, max_size=12), st.integers(min_value=0, max_value=4))
def test_prefiltered_lines_give_the_same_outcome(lines: list[str], max_line: int) -> None:
    only = LineFilter(BYLINE.pattern).lines(lines)
    assert extract_byline(lines, pattern=BYLINE, max_line=max_line, only=only) == extract_byline(
        lines, pattern=BYLINE, max_line=max_line
    )
    only = LineFilter(MASTHEAD.pattern).lines(lines)
    plain = extract_masthead(lines, pattern=MASTHEAD, max_line=max_line, key="publication")
    filtered = extract_masthead(
        lines, pattern=MASTHEAD, max_line=max_line, key="publication", only=only
    )
    assert filtered == plain
