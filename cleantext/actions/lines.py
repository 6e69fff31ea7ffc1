"""Whole-line actions: ``drop-line`` and ``truncate-from``, run together in one pass.

Both are decided by a pattern that must match the entire (stripped) line, which keeps them
safe: a rule for ``Share this article`` cannot touch a sentence that merely contains those
words. ``truncate-from`` only cuts when the marker sits late enough in the document, so a
footer phrase quoted near the top never deletes the article below it, and when the marker's
line is not repeated through it (:data:`ITEM_REPEATS`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..matcher import LineMatcher, LineMatchers, encoded, joined, line_matcher
from ..matcher.budget import DEFAULT_SECONDS, Budgets, OutOfTime
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage, Step

ITEM_REPEATS = 3
"""A truncation marker whose line occurs this many times in the document, numbers aside, cuts
nothing: it is a widget of every item (an "Add a comment" under each answer of a Q&A page, a
comment count under each story of a listing), not the one heading that follows the article,
and a cut from it would take the items after it."""

_DIGITS = b"0123456789"

WIDGET_CHARS = 80
"""A marker line longer than this is no item's widget (widgets are a few words)."""


@dataclass(frozen=True, slots=True)
class LineRule:
    """A whole-line rule as the combined pass needs it (``seconds``: its time budget)."""

    pattern: str
    truncate: bool = False
    min_position: float = 0.0
    seconds: float = DEFAULT_SECONDS


def run_line_rules(
    lines: Sequence[str],
    matcher: LineMatcher | LineMatchers,
    rules: Sequence[LineRule],
    budgets: Budgets | None = None,
) -> Outcome:
    """Drop every line some rule matches; cut from the first accepted truncation marker.

    The ``tag`` of each change is the index of the rule responsible. With ``budgets`` (one
    per document, see :class:`~cleantext.matcher.budget.Budgets`), a rule whose pattern runs
    out of its time on this document is left out of it and its tag is in ``budgets.spent``.

    >>> rules = [LineRule("Advertisement"), LineRule("Newspapers in .+", True, 0.5)]
    >>> m = LineMatcher([r.pattern for r in rules])
    >>> lines = ["Text.", "Advertisement", "More.", "Newspapers in English", "x"]
    >>> out = run_line_rules(lines, m, rules)
    >>> [(c.first, c.last, c.tag) for c in out.changes]
    [(1, 2, 0), (3, 5, 1)]
    """
    changes: list[Change] = []
    total = 0
    before = 0  # characters in the lines before ``counted``
    counted = 0
    passed_over = False  # a marker too early in the text: removals elsewhere may move it
    counts: LineCounts | None = None  # built at the first marker late enough
    for index, tag in matcher.scan(lines, budgets):
        rule = rules[tag]
        if not rule.truncate:
            changes.append(Change(index, index + 1, (), tag))
            continue
        # Lengths are only summed once a truncation marker is found, and each line once.
        total = total or sum(map(len, lines)) or 1
        before += sum(map(len, lines[counted:index]))
        counted = index
        if before / total >= rule.min_position:
            if counts is None:
                counts = LineCounts(lines)
            if counts.of(lines[index]) < ITEM_REPEATS:
                changes.append(Change(index, len(lines), (), tag))
                break
        passed_over = True
    return Outcome(tuple(changes), unsettled=passed_over)


class LineCounts:
    """How often a short line occurs in a document, numbers aside when it has any: each item
    has its own count ("4 Comments", "27 Comments") under the same widget.

    Built at the first marker late enough to cut, once per document (counting the document
    again for each marker would take time quadratic in its lines). The lines are counted in
    C: as they are, or with their digits taken out of the document's UTF-8 bytes at once
    (only when a line with numbers is asked about; masking them line by line in Python cost
    a few per cent of a whole page's cleaning).

    >>> counts = LineCounts(["4 comments", "Story.", "27 comments", "Story."])
    >>> counts.of("4 comments"), counts.of("Story."), counts.of("Comments")
    (2, 2, 0)
    """

    def __init__(self, lines: Sequence[str]) -> None:
        self._lines = lines
        self._exact: Counter[str] | None = None
        self._bare: Counter[bytes] | None = None

    def of(self, line: str) -> int:
        """How many lines are ``line``, or ``line`` with other numbers in it (0 for a line
        longer than :data:`WIDGET_CHARS`: no widget)."""
        if len(line) > WIDGET_CHARS:
            return 0
        data = _utf8(line)
        bare = data.translate(None, _DIGITS)
        if len(bare) == len(data):
            if self._exact is None:
                self._exact = Counter(self._lines)
            return self._exact[line]
        if self._bare is None:
            text = encoded(self._lines) or _utf8(joined(self._lines))
            self._bare = Counter(text.translate(None, _DIGITS).split(b"\n"))
        return self._bare[bare]


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _line_rule(params: Mapping[str, Any], *, truncate: bool) -> LineRule:
    pattern = params["pattern"]
    return LineRule(pattern.pattern, truncate, params.get("min_position", 0.0), pattern.seconds)


def _single(rule: LineRule) -> Step:
    # Compiled on first use: loading thousands of site rules must not build their matchers.
    seconds = (rule.seconds,)

    def step(lines: Sequence[str]) -> Outcome:
        budgets = Budgets(seconds)
        outcome = run_line_rules(lines, line_matcher((rule.pattern,)), [rule], budgets)
        if budgets.spent:
            raise OutOfTime(f"pattern {rule.pattern!r} ran out of its {rule.seconds} s")
        return outcome

    return step


DROP_LINE = ActionSpec(
    name="drop-line",
    stage=Stage.LINES,
    summary="Drop every line that the pattern matches from start to end.",
    params={"pattern": Param(ParamKind.PATTERN, "must match the whole stripped line")},
    build=lambda params: _single(_line_rule(params, truncate=False)),
)

TRUNCATE_FROM = ActionSpec(
    name="truncate-from",
    stage=Stage.LINES,
    summary="Cut the document from a footer line to its end.",
    params={
        "pattern": Param(ParamKind.PATTERN, "must match the whole marker line"),
        "min_position": Param(
            ParamKind.FLOAT,
            "share of the text (0-1) that must come before the marker; earlier markers are ignored",
            default=0.5,
            minimum=0.0,
            maximum=1.0,
        ),
    },
    build=lambda params: _single(_line_rule(params, truncate=True)),
)

LINE_RULE_BUILDERS = {
    DROP_LINE.name: lambda params: _line_rule(params, truncate=False),
    TRUNCATE_FROM.name: lambda params: _line_rule(params, truncate=True),
}
