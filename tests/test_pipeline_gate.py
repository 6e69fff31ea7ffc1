"""Gated plan steps (skipped after one combined scan) give exactly the ungated results."""

from __future__ import annotations

import dataclasses

from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import Cleaner, default_library
from cleantext.actions import Stage
from cleantext.detect import SiteDetector
from cleantext.matcher import JointScan, Lines
from cleantext.pipeline import MAX_PASSES, build_plan, run_steps

from .conftest import SEEDS

LIBRARY = default_library()
GENERIC_SETS = [s for s in LIBRARY.sets.values() if s.always]
NORMALIZE_PLAN = build_plan(GENERIC_SETS, [Stage.NORMALIZE], frozenset())
PLANS = [
    build_plan(sets, [s for s in Stage if s is not Stage.NORMALIZE], frozenset())
    for sets in (
        GENERIC_SETS,
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
LINE = st.sampled_from(EXAMPLES + SEED_LINES) | st.sampled_from(
    ["", " ", "\x1c", "?? ??", "wasnâ€™t", "a &amp; b", "Ã©t→é", "«Слово» ›‹ 🙂"]
)
PADDED = st.tuples(LINE, st.sampled_from(["", " ", "\t", "\x1c", "\u3000"])).map(
    lambda pair: pair[1] + pair[0] + pair[1]
)


def ungated(steps):  # type: ignore[no-untyped-def]
    return [dataclasses.replace(step, gate=None) for step in steps]


def test_some_steps_are_gated() -> None:
    assert all(any(step.gate is not None for step in plan) for plan in [NORMALIZE_PLAN, *PLANS])


def test_generic_line_rules_are_gated_as_one_step() -> None:
    """The combined ``lines`` step of generic rules only is skipped when the joint scan finds
    no line any of them may match; one with site rules too is always run."""
    generic_lines, site_lines = (
        next(step for step in plan if step.stage is Stage.LINES) for plan in PLANS
    )
    assert generic_lines.gate is not None and len(generic_lines.names) > 1
    assert site_lines.gate is None


def test_generic_line_rules_are_gated_for_extracted_text_only() -> None:
    """Whole pages (and texts of either kind) nearly always have a line the generic line rules
    take, so the gate would only slow the joint scan down there (see ``build_plan``)."""

    def lines_step(input_kind: str):  # type: ignore[no-untyped-def]
        _, steps = Cleaner(input_kind=input_kind).planner.plan(())
        return next(s for s in steps if getattr(s, "stage", None) is Stage.LINES)

    assert lines_step("article").gate is not None
    assert lines_step("page").gate is None and lines_step("auto").gate is None


@settings(max_examples=150, deadline=None)
@given(st.lists(PADDED, max_size=14))
def test_gated_plan_equals_ungated(lines: list[str]) -> None:
    text = "\n".join(lines)
    for plan in [NORMALIZE_PLAN, *PLANS]:
        fast = run_steps(text, plan)
        plain = run_steps(text, ungated(plan))
        assert (fast.text, fast.edits, fast.metadata) == (plain.text, plain.edits, plain.metadata)


DETECTOR = SiteDetector(LIBRARY)
GENERIC_GATE = next(step.gate[0] for step in PLANS[0] if step.gate is not None)
NORMALIZE_GATE = next(step.gate[0] for step in NORMALIZE_PLAN if step.gate is not None)
JOINT = JointScan([NORMALIZE_GATE, GENERIC_GATE], DETECTOR.markers)


@settings(max_examples=150, deadline=None)
@given(st.lists(PADDED, max_size=14))
def test_joint_scan_answers_like_the_gates_and_the_markers(lines: list[str]) -> None:
    answer = JOINT.scan(Lines(lines))
    assert answer is not None
    gates = {gate: gate.possible(lines) for gate in (NORMALIZE_GATE, GENERIC_GATE)}
    text = "\n".join(lines)
    assert answer[0] == gates
    assert DETECTOR.markers.from_hits(answer[1], text) == DETECTOR.markers.found(text)


def test_cleaner_uses_one_scan_for_the_gates_and_detection() -> None:
    cleaner = Cleaner(classifier=False, input_kind="article")  # the line rules gated
    cleaner.clean("\n".join(SEED_LINES[:40]))
    joint = cleaner.planner.joint_scan()
    assert isinstance(joint, JointScan)
    # The plans' gates, shared with the test's plans (same rules, same compiled gate).
    assert joint.gates == (NORMALIZE_GATE, GENERIC_GATE)


CLEANERS = {kind: Cleaner(classifier=False, input_kind=kind) for kind in ("article", "auto")}


@settings(max_examples=100, deadline=None)
@given(
    st.lists(PADDED, max_size=10),
    st.sampled_from([None, "https://www.pressreader.com/x"]),
    st.sampled_from(["article", "auto"]),  # the line rules gated or not
)
def test_cleaner_with_joint_scan_equals_plain_steps(
    lines: list[str], url: str | None, input_kind: str
) -> None:
    """The whole cleaner (joint scan seeding the gates) against its plans run ungated.

    The cleaner cleans its output again while a footer marker was passed over (at most
    MAX_PASSES passes); the plain run repeats its pass until nothing changes.
    """
    cleaner = CLEANERS[input_kind]
    text = "\n".join(lines)
    plain = text
    for _ in range(MAX_PASSES):
        normalized = run_steps(plain, ungated(cleaner.planner.normalize), explain=False).text
        sites = DETECTOR.sites(normalized, url)
        again = run_steps(normalized, ungated(cleaner.planner.plan(sites)[1]), explain=False).text
        if again == plain or not any(again.split("\n")):
            break
        plain = again
    if any(again.split("\n")) or not any(normalized.split("\n")):
        assert cleaner.clean(text, url=url) == again
