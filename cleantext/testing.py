"""Checks every rule example must pass, reusable for private rule folders.

An example runs its rule alone, followed by the blank-line finalize step (so examples need not
spell out the blank lines a removal leaves). A change-example must give exactly its ``output``
(and its ``metadata``, when given); a keep-example must come back byte-identical; in both
cases cleaning the output again must change nothing, and the recorded edits must replay from
the input to the output.

Use it in your own test suite::

    import pytest
    from cleantext import RuleLibrary
    from cleantext.testing import example_cases, check_example

    CASES = example_cases(RuleLibrary.load(["my-rules/"]))

    @pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
    def test_rule_example(case):
        assert check_example(case.rule, case.example) == []
"""

from __future__ import annotations

from dataclasses import dataclass

from .actions.normalize import COLLAPSE_BLANK_LINES
from .document import Cleaned, replay
from .pipeline import PlanStep, rule_step, run_steps
from .rules import Example, Rule, RuleLibrary

_FINALIZE_RULE = Rule(
    set_id="example",
    id="finalize",
    description="Collapse blank lines after the rule under test.",
    why="Examples should not need to spell out blank lines left by removals.",
    action=COLLAPSE_BLANK_LINES.name,
    params={},
    examples=(),
    stage=COLLAPSE_BLANK_LINES.stage,
    step=COLLAPSE_BLANK_LINES.build({"max_blank": 1}),
)


@dataclass(frozen=True, slots=True)
class ExampleCase:
    """One example of one rule, with a test id such as ``pressreader/masthead[0]``."""

    id: str
    rule: Rule
    example: Example


def example_cases(library: RuleLibrary) -> list[ExampleCase]:
    """Every example of every rule in ``library``, in a stable order."""
    return [
        ExampleCase(f"{rule.qualified_id}[{i}]", rule, example)
        for rule_set in library.sets.values()
        for rule in rule_set.rules
        for i, example in enumerate(rule.examples)
    ]


def run_rule(rule: Rule, text: str) -> Cleaned:
    """Apply ``rule`` alone (then the blank-line finalize step) and explain the result."""
    steps = (
        rule_step(rule.stage, rule.step, (rule,)),
        PlanStep(_FINALIZE_RULE.stage, _FINALIZE_RULE.step, (_FINALIZE_RULE,)),
    )
    return run_steps(text, steps)


def check_example(rule: Rule, example: Example) -> list[str]:
    """What is wrong with ``rule`` on ``example``; an empty list when it passes."""
    failures: list[str] = []
    result = run_rule(rule, example.input)
    failures += [f"held back: {warning}" for warning in result.warnings]
    if result.text != example.output:
        kind = "keep-example changed" if example.is_keep else "output differs"
        failures.append(f"{kind}:\n  expected: {example.output!r}\n  got:      {result.text!r}")
    again = run_rule(rule, result.text)
    if again.text != result.text:
        failures.append(f"not idempotent: cleaning the output again gives {again.text!r}")
    try:
        replayed = replay(example.input, result.edits)
    except ValueError as error:
        failures.append(f"edits do not replay: {error}")
    else:
        if replayed != result.text:
            failures.append(f"edits replay to {replayed!r}, not to the output")
    for key, value in (example.metadata or {}).items():
        if result.metadata.get(key) != value:
            failures.append(
                f"metadata {key!r}: expected {value!r}, got {result.metadata.get(key)!r}"
            )
    return failures
