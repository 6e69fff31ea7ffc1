"""Plans: the rules of the sets that apply, ordered into steps, with the gates that skip them.

A plan is built once per combination of detected sites (and kept by the :class:`Cleaner`), so
its cost is paid once per cleaner, never per document. Each step is a :class:`PlanStep`: a
callable over lines, what its change tags name (rules, or a built-in step's name), its removal
bounds, and a gate: a document pays one combined scan, not one per rule, to learn which
steps can act at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..actions import ACTIONS, LineRule, Outcome, Stage, Step, run_line_rules
from ..matcher import OUTER_SPACE, LineMatchers, PatternGate, pattern_gate
from ..matcher.budget import Budgets
from ..rules import Rule, RuleSet
from .bounds import Limited, out_of_time


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One step of a plan: a callable over lines and what its change tags name."""

    stage: Stage
    run: Step = field(repr=False)
    #: per change tag, what made the change: a rule, or a built-in step's
    #: :class:`~cleantext.pipeline.steps.StepName` (for edits and warnings)
    names: tuple[Limited, ...]
    #: ``(gate, index, strips)``: skip the step unless ``gate`` says pattern ``index`` may
    #: match (or, when ``strips``, some line has whitespace at an end); see ``_gated_steps``.
    gate: tuple[PatternGate, int, bool] | None = field(default=None, repr=False)
    #: an RE2 pattern that occurs in every text this step changes (``ActionSpec.presence``
    #: for a step of several rules), to gate it
    presence: str | None = field(default=None, repr=False)
    #: per change tag, the share of the text it may remove (``Rule.max_removed``; 1 for
    #: none); ``None`` when nothing the step runs is bounded
    bounds: tuple[float, ...] | None = field(default=None, repr=False)
    #: the smallest of ``bounds``: a step removing less than that share needs no count per rule
    tightest: float = field(default=1.0, repr=False)
    #: the step run with some change tags left out (a step of several rules, whose rules
    #: compete for lines: one held back for its bound hands its lines to the others)
    without: Callable[[Sequence[str], frozenset[int]], Outcome] | None = field(
        default=None, repr=False
    )


def rule_step(stage: Stage, run: Step, rules: Sequence[Limited], **gates: Any) -> PlanStep:
    """A plan step running ``rules`` (one, or the combined whole-line rules) with their
    removal bounds (``Rule.max_removed``) attached."""
    limits = [rule.max_removed for rule in rules]
    if all(limit is None for limit in limits):
        return PlanStep(stage, run, tuple(rules), **gates)
    bounds = tuple(1.0 if limit is None else limit for limit in limits)
    return PlanStep(stage, run, tuple(rules), **gates, bounds=bounds, tightest=min(bounds))


def _line_step(rules: Sequence[Rule], generic: frozenset[str], gated: bool) -> PlanStep:
    """The ``lines`` stage as one step: every whole-line rule in one combined scan (see
    :func:`build_plan` for ``gated``)."""
    line_rules: list[LineRule] = [r.line_rule for r in rules if r.line_rule is not None]
    # One matcher per run of site or of generic rules: the generic part is compiled once and
    # shared by the plans of every site.
    parts: list[list[str]] = []
    previous: bool | None = None
    for rule in rules:
        if rule.line_rule is not None:
            is_generic = rule.set_id in generic
            if is_generic is not previous:
                parts.append([])
                previous = is_generic
            parts[-1].append(rule.line_rule.pattern)
    matcher = LineMatchers([tuple(part) for part in parts])
    seconds = tuple(rule.seconds for rule in line_rules)

    def without(lines: Sequence[str], left_out: frozenset[int]) -> Outcome:
        budgets = Budgets(seconds, left_out)
        outcome = run_line_rules(lines, matcher, line_rules, budgets)
        ran_out = budgets.ran_out()
        if ran_out:  # name the rules left out of this document
            held = tuple(out_of_time(rules[tag]) for tag in ran_out)
            return replace(outcome, warnings=(*outcome.warnings, *held), ran_out=tuple(ran_out))
        return outcome

    def run(lines: Sequence[str]) -> Outcome:
        return without(lines, frozenset())

    return rule_step(
        Stage.LINES,
        run,
        rules,
        without=without,
        # Gated where all rules are generic (the joint scan answers the gate; see build_plan)
        presence=matcher.presence if gated and previous and len(parts) == 1 else None,
    )


def build_plan(
    rule_sets: Sequence[RuleSet],
    stages: Iterable[Stage],
    skip: frozenset[str],
    *,
    gate_lines: bool = True,
) -> tuple[PlanStep, ...]:
    """Order the rules of ``rule_sets`` (already in precedence order) into plan steps.

    ``gate_lines``: gate the step of the generic line rules, so that the joint scan skips it
    on texts where none of them may match a line. That pays on extracted text, where most
    documents have no such line (the step's own scan costs more than the gate), and costs on
    whole pages, where nearly all have one: there the step runs anyway, and the rules'
    pattern makes the joint scan slower, for it multiplies the states its automaton visits on
    menus. Without the gate, dev's whole pages take 0.95 of the time, its extracted text read
    as such 1.07 (the two cleaners taking turns in one process), so the cleaner gates it only
    when told the input is extracted text. (Choosing per document, by its lines' mean length,
    did worse than the better choice on both, 0.98 and 1.02: two joint scans in use slow each
    other down.)
    """
    steps: list[PlanStep] = []
    rules_of: list[Rule] = []  # the rule behind each step's first change tag, for the gates
    for stage in sorted(stages):
        rules = [
            rule
            for rule_set in rule_sets
            for rule in rule_set.rules
            if rule.stage is stage and rule.qualified_id not in skip
        ]
        if stage is Stage.LINES and rules:
            generic = frozenset(s.id for s in rule_sets if s.always)
            steps.append(_line_step(rules, generic, gate_lines))
            rules_of.append(rules[0])
        else:
            steps.extend(rule_step(stage, rule.step, (rule,)) for rule in rules)
            rules_of.extend(rules)
    return _gated_steps(steps, rules_of, frozenset(s.id for s in rule_sets if s.always))


# Whitespace at either end of a line: what span actions strip even where they do not match.
_OUTER_SPACE = (OUTER_SPACE, False)


def _gated_steps(
    steps: list[PlanStep], rules_of: list[Rule], generic: frozenset[str]
) -> tuple[PlanStep, ...]:
    """Attach a combined :class:`PatternGate` to the steps whose action declares a gate, so a
    document pays one scan, not one per rule, to learn which of them can act. Generic and site
    rules get one gate each: the generic one is compiled once and shared by every site's plan.
    ``rules_of[i]`` is the (first) rule of ``steps[i]``.
    """
    sources: dict[bool, list[tuple[str, bool]]] = {True: [_OUTER_SPACE], False: [_OUTER_SPACE]}
    raw: dict[bool, list[str]] = {True: [], False: []}  # indexes follow those of ``sources``
    wanted: dict[int, tuple[bool, int, bool]] = {}
    presences: dict[int, tuple[bool, int]] = {}
    for position, plan_step in enumerate(steps):
        rule = rules_of[position]
        spec = ACTIONS[rule.action] if len(plan_step.names) == 1 else None
        declared = spec.gate if spec is not None else None
        presence = plan_step.presence or (spec.presence if spec is not None else None)
        if declared and isinstance(rule.params.get(declared[0]), str):
            part = sources[rule.set_id in generic]
            wanted[position] = (rule.set_id in generic, len(part), declared[1] == "span-strip")
            part.append((rule.params[declared[0]], declared[1] == "line"))
        elif presence is not None:
            presences[position] = (rule.set_id in generic, len(raw[rule.set_id in generic]))
            raw[rule.set_id in generic].append(presence)
    for position, (key, index) in presences.items():
        wanted[position] = (key, len(sources[key]) + index, False)
    gates = {
        key: pattern_gate(tuple(part), tuple(raw[key]))
        for key, part in sources.items()
        if len(part) > 1 or raw[key]
    }
    return tuple(
        replace(s, gate=(gates[wanted[i][0]], *wanted[i][1:])) if i in wanted else s
        for i, s in enumerate(steps)
    )
