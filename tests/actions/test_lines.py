from __future__ import annotations

from cleantext.actions.lines import LineCounts, LineRule, run_line_rules
from cleantext.matcher import LineMatcher, Lines


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


def test_a_marker_under_every_item_cuts_nothing() -> None:
    """A Q&A page's "Add a comment" under each post marks no article's end; once, it does."""
    rule = LineRule("Add a comment", truncate=True, min_position=0.3)
    thread = ["Why does my bicycle chain skip?", "It skips in the two smallest gears only."]
    for answer in ("The chain is worn: measure it.", "Adjust the cable tension half a turn."):
        thread += ["Add a comment", answer]
    thread += ["Add a comment", "Ask a question"]
    outcome = run_line_rules(thread, LineMatcher([rule.pattern]), [rule])
    assert outcome.changes == ()
    assert outcome.unsettled  # dropping the repeats elsewhere may make it a marker again
    once = [*thread[:2], "A third paragraph of the question, long enough.", "Add a comment", "Ask"]
    assert run(once, rule) == [(3, 5, 0)]


def test_counts_under_every_story_cut_nothing() -> None:
    rule = LineRule(r"\d+ comments?", truncate=True, min_position=0.0)
    listing = ["Rain due on Friday", "4 comments", "Bridge to reopen", "27 comments"]
    assert run([*listing, "Council backs budget", "12 comments"], rule) == []
    assert run(listing, rule) == [(1, 4, 0)]  # two counts: the first still cuts


def test_counts_read_the_cached_encoding_or_any_text() -> None:
    """The counts numbers aside come from the document's UTF-8 bytes: those the scans cached
    (``Lines``), or the text encoded anew when it holds a lone surrogate RE2 cannot read."""
    counts = ["Rain due on Friday", "4 comments", "Bridge to reopen", "27 comments", "9 comments"]
    assert LineCounts(Lines(counts)).of("12 comments") == 3
    assert LineCounts([*counts, "\ud800 lone"]).of("12 comments") == 3
    assert LineCounts(counts).of("Rain due on Friday") == 1
    assert LineCounts(counts).of("x" * 81) == 0  # no widget is that long
