"""One document going through the steps of a plan: its state, and the passes until it settles.

A :class:`DocumentRun` holds the lines, the edits (only when an explanation is asked for),
the metadata and warnings, and what the gates answered for the current lines. It is made
for one document and never shared, so a :class:`~cleantext.pipeline.Cleaner` stays safe to
use from many threads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..actions import Change, Outcome, Stage, Step
from ..document import Cleaned, Edit
from ..matcher import JointScan, Lines, PatternGate, joined
from .bounds import out_of_time, over_bound, over_bounds
from .edits import apply_changes, edits_for
from .plan import PlanStep

MAX_PASSES = 4
"""Most passes of the pipeline over one document (see :func:`settled`)."""


@dataclass(slots=True)
class DocumentRun:
    """The mutable state of one document going through the steps (never shared)."""

    lines: list[str]
    explain: bool
    edits: list[Edit] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    possible: dict[PatternGate, frozenset[int]] = field(default_factory=dict)  # until a change
    #: answers the gates it holds and the detection markers in one scan
    joint: JointScan | None = None
    #: the marker hits of the joint scan (to confirm), with the lines it read
    markers: tuple[list[str], list[int]] | None = None
    #: steps that may act on the output (see :func:`settled`): a step that passed over a
    #: line it would act on elsewhere (``Outcome.unsettled``), or one that judged lines a
    #: repair step changed after it
    recheck: list[Step] = field(default_factory=list)
    #: the steps that judged the lines so far in this pass (the classifier, repair steps)
    judges: list[Step] = field(default_factory=list)
    #: the whole-line rule steps run so far in this pass: a line a repair step joins is
    #: new to them (see :meth:`repaired`)
    line_steps: list[Step] = field(default_factory=list)
    #: the multi-line rule steps that ran so far in this pass: lines the classifier or a
    #: repair step drops after them bring others together (see :meth:`reshaped`)
    block_steps: list[Step] = field(default_factory=list)
    #: ids of the rules that ran out of their time budget on this document
    out_of_time: list[str] = field(default_factory=list)

    def step(self, plan_step: PlanStep, again: Step | None = None) -> None:
        """Apply ``plan_step``; ``again`` is how to run it on this pass's output, for a step
        that judges the lines (the classifier: :meth:`ClassifierStep.again
        <cleantext.pipeline.steps.ClassifierStep.again>`)."""
        judges = len(self.judges)  # a repair step's changes concern those before it
        if again is not None or plan_step.stage is Stage.REPAIR:
            self.judges.append(again or plan_step.run)
        elif plan_step.stage is Stage.LINES:
            self.line_steps.append(plan_step.run)
        if plan_step.gate is not None:
            gate, index, strips = plan_step.gate
            found = self.possible.get(gate)
            if found is None:
                found = self.gate(gate)
            if index not in found and not (strips and 0 in found):
                return
        if plan_step.stage is Stage.BLOCKS:
            self.block_steps.append(plan_step.run)
        try:
            outcome: Outcome = plan_step.run(self.lines)
        except TimeoutError:  # a rule's pattern ran out of its time budget: leave it out
            self.warnings.append(out_of_time(plan_step.names[0]))
            self.out_of_time.append(plan_step.names[0].qualified_id)
            return
        if outcome.changes and plan_step.bounds is not None:
            outcome = self.within_bounds(plan_step, outcome)
            if not outcome.changes and len(plan_step.names) == 1:
                return  # the rule is not applied to this document at all
        changes: Sequence[Change] = outcome.changes
        if outcome.metadata:
            for key, value in outcome.metadata.items():
                self.metadata.setdefault(key, value)
        if outcome.warnings:
            self.warnings.extend(outcome.warnings)
            self.out_of_time.extend(plan_step.names[tag].qualified_id for tag in outcome.ran_out)
        if outcome.unsettled:
            self.recheck.append(again or plan_step.run)
        if changes:
            # The classifier and the earlier repair steps judged the lines as they were; a
            # line a repair step joins or drops after them changes what they would judge.
            if plan_step.stage is Stage.REPAIR:
                self.recheck.extend(self.judges[:judges])
                self.repaired(changes)
            if self.explain:
                self.edits.extend(edits_for(self.lines, changes, plan_step.names))
            self.lines = apply_changes(self.lines, changes)
            self.possible.clear()
            if again is not None or plan_step.stage is Stage.REPAIR:
                self.reshaped()

    def repaired(self, changes: Sequence[Change]) -> None:
        """Recheck the whole-line rule steps on the output when a line a repair step made
        (two halves of a sentence joined) is one they would act on: "Subscribe to our" and
        "newsletter today!" each escape the newsletter rule, joined they do not. Only the
        new lines are tried here, so the full step runs again only when it may act."""
        made = [line for change in changes for line in change.lines if line]
        if made:
            self.recheck_acting(self.line_steps, made)

    def reshaped(self) -> None:
        """Recheck the multi-line rule steps on the output when one would act on it once the
        classifier's or a repair step's drops brought lines together: a caption block ("A",
        "B", "A B") that a line between its parts hid is whole once that line is gone. A
        gated step that did not run needs no look: its gate looks inside lines, and dropping
        lines adds no match."""
        self.recheck_acting(self.block_steps, self.lines)

    def recheck_acting(self, steps: Sequence[Step], lines: Sequence[str]) -> None:
        """Add each of ``steps`` that would act on ``lines`` to :attr:`recheck`."""
        for step in steps:
            try:
                probe = step(lines)
            except TimeoutError:  # out of time: the next pass leaves the rule out too
                continue
            if probe.changes or probe.unsettled:  # a line to drop, or a marker to weigh
                self.recheck.append(step)

    def within_bounds(self, plan_step: PlanStep, outcome: Outcome) -> Outcome:
        """``outcome`` without the changes of rules over their removal bound (see
        :mod:`cleantext.pipeline.bounds`), which are named in the warnings. Where the step's
        rules compete for lines (:attr:`PlanStep.without`) it runs again without those rules,
        so that the lines they took go to the rules after them. Apart from :meth:`step`,
        whose every call would otherwise make cells for what these expressions capture."""
        assert plan_step.bounds is not None
        left_out: frozenset[int] = frozenset()
        while True:
            over = over_bounds(self.lines, outcome.changes, plan_step.bounds, plan_step.tightest)
            if not over:
                return outcome
            self.warnings.extend(over_bound(plan_step.names[tag]) for tag in sorted(over))
            if plan_step.without is None:
                kept = tuple(change for change in outcome.changes if change.tag not in over)
                return replace(outcome, changes=kept)
            left_out |= over
            outcome = plan_step.without(self.lines, left_out)

    def gate(self, gate: PatternGate) -> frozenset[int]:
        """``gate.possible`` for the current lines; a gate of the joint scan has every other
        one of its gates answered, and the markers found, by the same scan."""
        if self.joint is not None and gate in self.joint.gates:
            answer = self.joint.scan(self.lines)
            if answer is not None:
                self.possible.update(answer[0])
                self.markers = (self.lines, answer[1])
                return answer[0][gate]
        found = self.possible[gate] = gate.possible(self.lines)
        return found

    def found_markers(self, late: list[int]) -> set[int] | None:
        """The detection markers in the current lines, from the joint scan (``None``: no
        joint scan can answer, ask the detector); markers out of time are added to ``late``."""
        if self.joint is None:
            return None
        if self.markers is None or self.markers[0] is not self.lines:
            answer = self.joint.scan(self.lines)
            if answer is None:
                return None
            self.possible.update(answer[0])
            self.markers = (self.lines, answer[1])
        return self.joint.markers.from_hits(self.markers[1], joined(self.lines), late)


def run_steps(text: str, steps: Sequence[PlanStep], *, explain: bool = True) -> Cleaned:
    """Run ``steps`` on ``text`` outside a :class:`Cleaner` (used to test one rule alone)."""
    run = DocumentRun(Lines.split(text), explain)
    for plan_step in steps:
        run.step(plan_step)
    return Cleaned(joined(run.lines), tuple(run.edits), run.metadata, (), tuple(run.warnings))


def acts_again(run: DocumentRun) -> bool:
    """Whether a step of ``run.recheck`` would change ``run``'s output: only then can another
    pass change it (the other steps give the same answer on their own output)."""
    for step in dict.fromkeys(run.recheck):
        try:
            if step(run.lines).changes:
                return True
        except TimeoutError:  # out of time again: the next pass leaves it out as well
            continue
    return False


#: one pass of every step over a text: ``(text, url, explain) -> (run, rule set ids)``
OnePass = Callable[[str, str | None, bool], tuple[DocumentRun, tuple[str, ...]]]


def settled(
    one_pass: OnePass, text: str, url: str | None, explain: bool
) -> tuple[DocumentRun, tuple[str, ...]]:
    """Clean ``text`` with ``one_pass``, and clean the result again while that changes it.

    Cleaning is idempotent: ``clean(clean(text)) == clean(text)``. Each step gives the
    same answer on its own output (the classifier looks again at what it kept until it
    removes nothing more), except when its answer depends on what other steps do after
    it (``Outcome.unsettled``): a footer marker passed over because too little text came
    before it, which may change once lines are removed, or a byline below the lines a
    byline rule looks at; lines the repair stage joins or drops after the classifier or
    an earlier repair step judged them; a classifier still removing lines after its last
    look. Only then are those steps run on the result, and if one of them would change
    it, the result is cleaned again, until nothing changes (at most :data:`MAX_PASSES`
    passes); the edits of every pass are kept in order, so they still replay onto the
    input.
    """
    run, set_ids = one_pass(text, url, explain)
    passes = 1
    while run.recheck and passes < MAX_PASSES and acts_again(run):
        output = joined(run.lines)
        again, set_ids = one_pass(output, url, explain)
        if joined(again.lines) == output:
            break
        again.edits[:0] = run.edits
        again.metadata = {**again.metadata, **run.metadata}
        again.warnings[:0] = run.warnings
        again.out_of_time[:0] = run.out_of_time
        run, passes = again, passes + 1
    return run, set_ids
