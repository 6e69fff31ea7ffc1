"""Whitespace normalization done with C-level iteration equals the plain per-line loops."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.actions.base import Change
from cleantext.actions.normalize import collapse_blank_lines, strip_lines
from cleantext.matcher import Lines, encoded, joined


def plain_collapse(lines: list[str], max_blank: int) -> tuple[Change, ...]:
    """The reference: walk every line."""
    changes: list[Change] = []
    n = len(lines)
    i = 0
    while i < n:
        if lines[i]:
            i += 1
            continue
        j = i
        while j < n and not lines[j]:
            j += 1
        keep = 0 if i == 0 or j == n else max_blank
        if j - i > keep:
            changes.append(Change(i + keep, j))
        i = j
    return tuple(changes)


LINES = st.lists(st.sampled_from(["", "", "a", " b ", "\t", "\u3000c", "\x1c"]), max_size=14)


@settings(max_examples=400, deadline=None)
@given(LINES, st.integers(0, 3))
def test_collapse_equals_plain(lines: list[str], max_blank: int) -> None:
    assert collapse_blank_lines(lines, max_blank=max_blank).changes == plain_collapse(
        lines, max_blank
    )


@settings(max_examples=200, deadline=None)
@given(LINES)
def test_strip_equals_plain(lines: list[str]) -> None:
    expected = tuple(
        Change(i, i + 1, (line.strip(),)) for i, line in enumerate(lines) if line != line.strip()
    )
    assert strip_lines(lines).changes == expected


@given(st.lists(st.text(max_size=5), max_size=5))
def test_lines_cache_equals_join(lines: list[str]) -> None:
    cached = Lines(lines)
    for _ in range(2):  # the second read comes from the cache
        assert joined(cached) == "\n".join(lines)
        assert encoded(cached) == encoded(list(lines))
