"""``cleantext rules lint``: each broken fixture file is caught with file, rule id and a fix."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cleantext.authoring.lint import backtracking_risk, broad_span, lint, not_for_re2
from cleantext.cli import main
from cleantext.matcher.re2_syntax import available as re2_available
from cleantext.rules import default_library, shipped_rules_dir

BROKEN = Path(__file__).parent / "fixtures" / "broken_rules"

# file -> (check expected, rule id named, or "" for set-level problems)
EXPECTED = {
    "schema-unknown-action": ("schema", "footer"),
    "schema-bad-pattern": ("schema", "footer"),
    "duplicate-id": ("duplicate-id", "footer"),
    "no-keep-example": ("no-keep-example", "footer"),
    "failing-example": ("failing-example", "failing-example/footer"),
    "unreachable-set": ("unreachable-set", ""),
    "shadowed-rule": ("shadowed", "shadowed-rule/phone"),
    "redundant-rule": ("redundant", "redundant-rule/read-more"),
    "never-matches": ("never-matches", "never-matches/empty"),
    "backtracking": ("backtracking", "backtracking/tag-list"),
    "too-broad": ("too-broad", "too-broad/anything"),
    "no-fast-scan": ("no-fast-scan", "no-fast-scan/legal-footer"),
}


def test_every_fixture_has_an_expectation() -> None:
    assert {p.stem for p in BROKEN.glob("*.toml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_lint_catches_the_defect(name: str) -> None:
    check, rule = EXPECTED[name]
    path = BROKEN / f"{name}.toml"
    problems = lint([path], context=[shipped_rules_dir()])
    assert problems, f"{name}: nothing found"
    assert {p.check for p in problems} == {check}
    for problem in problems:
        assert problem.file == str(path)
        assert problem.rule == rule
        assert problem.hint
        shown = str(problem)
        assert str(path) in shown and rule in shown and "fix:" in shown
    if check == "failing-example":  # the command it suggests loads the file it checked
        assert f"cleantext rules test --rules-dir {path.resolve()} {rule}" in shown


def test_shipped_rules_lint_clean() -> None:
    assert lint([shipped_rules_dir()]) == []


def test_cli_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "lint"]) == 0
    assert main(["rules", "lint", str(BROKEN)]) == 1
    out = capsys.readouterr().out
    assert "problem(s) in 12 file(s)" in out
    assert main(["rules", "lint", "--no-such-option"]) == 2


@pytest.mark.parametrize(
    ("pattern", "risky"),
    [
        (r"(a+)+", True),
        (r"(.*)*x", True),
        (r"(\w+\s?)*:", True),
        (r"(?:\w+|,)*$", True),
        (r"(?:\p{L}+ ?)+", True),
        (r"(\w+\s)*:", False),
        (r"(?:\p{Lu}\p{Ll}+ ?)+", False),
        (r"\d+(?:,\d+)*", False),
        (r"(?:(?:facebook|twitter)(?:\s*[|,/]\s*|\s+)?){2,}", False),
        (r"(?:a++)+", False),
        # Alternatives that overlap under a repeat: no nested repeat, found by timing.
        (r"(a|aa)+$", True),
        (r"(a|a)+$", True),
        (r"(?=a)(a|aa)+\d", True),
        (r"(?:cat|car)+s", False),
    ],
)
def test_backtracking_shapes(pattern: str, risky: bool) -> None:
    assert (backtracking_risk(pattern) is not None) is risky


@pytest.mark.parametrize(
    ("pattern", "broad"),
    [
        (r"\w+", True),  # most words of a sentence
        (r"\bthe\b", True),  # a few words of most sentences
        (r"\s*\(Reuters\) -", False),
        (r"\?{2,}", False),
    ],
)
def test_a_span_pattern_for_common_words_is_too_broad(pattern: str, broad: bool) -> None:
    assert (broad_span(pattern) is not None) is broad


def test_rules_test_reports_a_diff(capsys: pytest.CaptureFixture[str]) -> None:
    target = str(BROKEN / "failing-example.toml")
    assert main(["rules", "test", target]) == 1
    out = capsys.readouterr().out
    assert "FAIL failing-example/footer[0]" in out
    assert "+Harbour Gazette, 1 Quay St." in out  # the unified diff of expected vs got
    assert "1 of 2 examples passed, 1 failed." in out


def test_rules_list_and_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules", "list"]) == 0
    assert "pressreader.com" in capsys.readouterr().out
    assert main(["rules", "show", "pressreader/masthead"]) == 0
    assert "keep" in capsys.readouterr().out
    assert main(["rules", "show", "nope"]) == 2


def test_rules_show_prints_a_pattern_to_paste_into_toml(capsys: pytest.CaptureFixture[str]) -> None:
    rule = next(r for r in default_library().sets["share"].rules if r.id == "follow-us")
    assert "'" in rule.params["pattern"]  # a pattern that needs TOML's triple quotes
    assert main(["rules", "show", "share/follow-us"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("  pattern = "))
    assert tomllib.loads(line.strip())["pattern"] == rule.params["pattern"]


@pytest.mark.skipif(not re2_available(), reason="RE2 is not installed")
def test_a_pattern_re2_cannot_read_is_no_fast_scan() -> None:
    """A flag turned off for part of a pattern took three generic rules off RE2's scan (each
    tried with the backtracking engine on every line); lint names such a pattern."""
    assert not_for_re2(r"(?i)related:(?-i:(?!\s*\p{Ll})).{0,160}") is not None
    assert not_for_re2(r"(?i:related:)(?!\s*\p{Ll}).{0,160}") is None
    assert not_for_re2(r"(a+)\1") is None  # never RE2's by design
