"""``matcher.Lines`` caches the joined text and its bytes; reading them equals joining anew."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cleantext.matcher import Lines, encoded, joined


@given(st.lists(st.text(max_size=5), max_size=5))
def test_lines_cache_equals_join(lines: list[str]) -> None:
    cached = Lines(lines)
    for _ in range(2):  # the second read comes from the cache
        assert joined(cached) == "\n".join(lines)
        assert encoded(cached) == encoded(list(lines))


def test_unencodable_lines_stay_unencodable() -> None:
    cached = Lines(["a", "\ud800"])
    assert encoded(cached) is None
    assert encoded(cached) is None
    assert encoded(Lines([""])) == b""
