"""Gated plan steps (skipped after one combined scan) give exactly the ungated results."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import Cleaner, default_library
from cleantext.actions import Stage
from cleantext.detect import SiteDetector
from cleantext.matcher import JointScan, Lines
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


DETECTOR = SiteDetector(LIBRARY)
GENERIC_GATE = next(step.gate[0] for step in PLANS[0] if step.gate is not None)
JOINT = JointScan(GENERIC_GATE, DETECTOR.markers)


@settings(max_examples=150, deadline=None)
@given(st.lists(PADDED, max_size=14))
def test_joint_scan_answers_like_the_gate_and_the_markers(lines: list[str]) -> None:
    document = Lines(lines)
    answer = JOINT.scan(document)
    assert answer == (GENERIC_GATE.possible(lines), DETECTOR.markers.found("\n".join(lines)))


def test_cleaner_uses_one_scan_for_detection_and_the_generic_gate() -> None:
    cleaner = Cleaner(classifier=False)
    cleaner.clean("\n".join(SEED_LINES[:40]))
    assert isinstance(cleaner._joint, JointScan)
    assert cleaner._joint.gate is GENERIC_GATE  # the generic plan's gate, shared with the test
