"""Every example of every shipped rule file is a test (``pytest -k pressreader`` runs one set)."""

from __future__ import annotations

import pytest

from cleantext import default_library
from cleantext.testing import ExampleCase, check_example, example_cases

CASES = example_cases(default_library())


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_rule_example(case: ExampleCase) -> None:
    failures = check_example(case.rule, case.example)
    assert not failures, "\n".join(failures)


def test_every_rule_has_both_kinds_of_example() -> None:
    for rule_set in default_library().sets.values():
        for rule in rule_set.rules:
            assert any(e.is_keep for e in rule.examples), rule.qualified_id
            assert any(not e.is_keep for e in rule.examples), rule.qualified_id


def test_every_rule_documents_itself() -> None:
    """The meta-test: required fields are present and read as intended."""
    for rule_set in default_library().sets.values():
        assert rule_set.description.strip(), rule_set.id
        for rule in rule_set.rules:
            where = rule.qualified_id
            assert rule.description and "\n" not in rule.description, where
            assert rule.description[0].isupper() and rule.description.endswith("."), where
            assert len(rule.why) >= 20, where
            assert rule.action, where


def test_at_least_twelve_rule_sets_ship() -> None:
    library = default_library()
    assert len(library.sets) >= 12
    assert {"pressreader", "blogger"} <= set(library.sets)


def test_every_action_is_in_the_tutorial() -> None:
    from cleantext.actions import ACTIONS

    from .conftest import ROOT

    tutorial = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    assert [name for name in ACTIONS if f"| `{name}` |" not in tutorial] == []
