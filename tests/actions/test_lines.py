from __future__ import annotations

from cleantext.actions.lines import LineRule, run_line_rules
from cleantext.matcher import LineMatcher


def run(lines: list[str], *rules: LineRule) -> list[tuple[int, int, int]]:
    matcher = LineMatcher([r.pattern for r in rules])
    return [(c.first, c.last, c.tag) for c in run_line_rules(lines, matcher, list(rules)).changes]


def test_drop_line_matches_whole_lines_only() -> None:
    lines = ["Share this article", "Share this article with friends, he urged.", ""]
    assert run(lines, LineRule("Share this article")) == [(0, 1, 0)]


def test_first_rule_in_order_is_credited() -> None:
    assert run(["Advertisement"], LineRule("Advert.*"), LineRule("Advertisement")) == [(0, 1, 0)]


def test_truncate_only_late_enough() -> None:
    early = ["Comments", "A long article paragraph follows here.", "And another one."]
    assert run(early, LineRule("Comments", truncate=True, min_position=0.5)) == []
    late = ["A long article paragraph.", "Another paragraph.", "Comments", "Nice!"]
    assert run(late, LineRule("Comments", truncate=True, min_position=0.5)) == [(2, 4, 0)]


def test_blank_lines_are_never_matched() -> None:
    assert run(["", "x"], LineRule(".*")) == [(1, 2, 0)]
