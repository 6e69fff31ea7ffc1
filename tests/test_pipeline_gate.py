"""Gated plan steps (skipped after one combined scan) give exactly the ungated results."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import default_library
from cleantext.actions import Stage
from cleantext.pipeline import build_plan, run_steps

from .conftest import SEEDS

LIBRARY = default_library()
PLANS = [
    build_plan(sets, [s for s in Stage if s is not Stage.NORMALIZE], frozenset())
    for sets in (
        [s for s in LIBRARY.sets.values() if s.always],
        [
            *(s for s in LIBRARY.sets.values() if not s.always),
            *(s for s in LIBRARY.sets.values() if s.always),
        ],
    )
]
EXAMPLES = [
    line
    for rule_set in LIBRARY.sets.values()
    for rule in rule_set.rules
    for example in rule.examples
    for line in example.input.split("\n")
]
SEED_LINES = [
    line for path in sorted(SEEDS.glob("*.txt")) for line in path.read_text("utf-8").split("\n")
]
LINE = st.sampled_from(EXAMPLES + SEED_LINES) | st.sampled_from(["", " ", "\x1c", "?? ??"])
PADDED = st.tuples(LINE, st.sampled_from(["", " ", "\t", "\x1c", "\u3000"])).map(
    lambda pair: pair[1] + pair[0] + pair[1]
)


def ungated(steps):  # type: ignore[no-untyped-def]
    return [dataclasses.replace(step, gate=None) for step in steps]


def test_some_steps_are_gated() -> None:
    assert all(any(step.gate is not None for step in plan) for plan in PLANS)


@settings(max_examples=150, deadline=None)
@given(st.lists(PADDED, max_size=14))
def test_gated_plan_equals_ungated(lines: list[str]) -> None:
    text = "\n".join(lines)
    for plan in PLANS:
        fast = run_steps(text, plan)
        plain = run_steps(text, ungated(plan))
        assert (fast.text, fast.edits, fast.metadata) == (plain.text, plain.edits, plain.metadata)
