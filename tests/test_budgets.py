"""No rule can hang a run or eat an article (issue 17): every rule pattern has a time budget
per document and every rule a bound on what it may remove; a rule over either is not applied
to that document, the text is kept and the event is reported with the rule id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleantext import Cleaner, RuleLibrary
from cleantext.authoring.mine import toml_string
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK
from cleantext.rules import shipped_rules_dir
from cleantext.testing import check_example

ARTICLE = [
    "The minister said the talks would resume on Monday after a week of delays.",
    "Officials from both sides met in the capital to agree on the terms of a ceasefire.",
    "The minister added that humanitarian aid would reach the region by the end of May.",
    "Opposition leaders said they would wait for the details before giving their view.",
]
#: lines on which the hostile patterns backtrack for far longer than any budget
HOSTILE_LINES = ["a" * 3000 + "!"] * 3
BUDGET = 0.02


def one_rule_set(
    folder: Path, action: str, *, extra: str = "", always: bool = True, **params: object
) -> RuleLibrary:
    """A library of one set ``test`` holding one rule ``test/r`` (examples unchecked here)."""
    folder.mkdir(parents=True, exist_ok=True)
    keys = "\n".join(
        f"{key} = {toml_string(value) if isinstance(value, str) else value}"
        for key, value in params.items()
    )
    (folder / "test.toml").write_text(
        f'id = "test"\ndescription = "Test set."\n{"always = true" if always else ""}\n'
        'detect = ["^Test marker$"]\n\n'
        f'[[rules]]\nid = "r"\ndescription = "Test."\nwhy = "Test."\naction = "{action}"\n'
        f"{keys}\n{extra}\n\n"
        '[[rules.examples]]\ninput = "x\\nShare"\noutput = "x"\n\n'
        '[[rules.examples]]\nkeep = "y"\n',
        encoding="utf-8",
    )
    return RuleLibrary.load([folder])


def held_back(library: RuleLibrary, text: str, phrase: str, *, plain: bool = False) -> None:
    """``test/r`` changes nothing in ``text`` and the warning names it; the rest still runs
    (``plain``: and ``clean`` gives the same text as ``explain``)."""
    cleaner = Cleaner(library, classifier=False)
    result = cleaner.explain(text)
    assert result.text == Cleaner(library, classifier=False, ignore=["test/r"]).clean(text)
    assert not any(edit.rule == "test/r" for edit in result.edits)
    assert any(w.startswith("rule test/r ") and phrase in w for w in result.warnings), (
        result.warnings
    )
    if plain:
        assert cleaner.clean(text) == result.text


@pytest.mark.parametrize(
    ("action", "pattern"),
    [
        # The patterns of the issue; whole-line actions (fullmatch) get those that backtrack
        # without end there too, and those behind an RE2 prefilter ones it cannot run (RE2
        # would rule the lines out before regex sees them).
        ("drop-span", r"(\w+\s?)*$"),
        ("drop-line", r"((a+)\2)+b"),
        ("drop-span", r"(a+)\1*b"),
        ("replace", r"(?|(a+)|(b+))+$"),
        ("drop-span", r"(a*)*$"),
        ("replace", r"(a+)+(?=b)"),
        ("drop-span", r"(?=(a+)+b)a"),
        ("truncate-from", r"(?:(a+)\1)+b"),
        ("truncate-before", r"(?:(a+)\1)+b"),
        ("extract-byline", r"(?:(a+)\1)+b"),
        ("collapse-repeat", r"(?:(?P<x>a+)(?P=x))+b"),
        ("drop-glued-caption", r"(a*)*$"),
    ],
)
def test_a_pattern_that_backtracks_forever_runs_out_of_time(
    tmp_path: Path, action: str, pattern: str
) -> None:
    extra = 'replacement = ""' if action == "replace" else ""
    key = "lede" if action == "drop-glued-caption" else "pattern"
    library = one_rule_set(tmp_path, action, extra=extra, max_seconds=BUDGET, **{key: pattern})
    hostile = HOSTILE_LINES[0]
    text = "\n".join([hostile, *ARTICLE, hostile, hostile])
    held_back(library, text, "time budget", plain=action == "drop-line")


def test_a_slow_line_rule_does_not_stop_the_others_of_its_step(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    one_rule_set(folder, "drop-line", pattern=r"((a+)\2)+b", max_seconds=BUDGET)
    text = (folder / "test.toml").read_text()
    text += (
        '\n[[rules]]\nid = "ad"\ndescription = "Ad label."\nwhy = "Chrome."\n'
        "action = \"drop-line\"\npattern = 'Advertisement'\n\n"
        '[[rules.examples]]\ninput = "x\\nAdvertisement"\noutput = "x"\n\n'
        '[[rules.examples]]\nkeep = "y"\n'
    )
    (folder / "test.toml").write_text(text)
    library = RuleLibrary.load([folder])
    result = Cleaner(library, classifier=False).explain(
        "\n".join([*ARTICLE[:2], "Advertisement", *HOSTILE_LINES])
    )
    assert "Advertisement" not in result.text and HOSTILE_LINES[0] in result.text
    assert [w.split()[1] for w in result.warnings] == ["test/r"]


@pytest.mark.parametrize(
    ("action", "pattern"), [("drop-line", r"((a+)\2)+b"), ("drop-span", r"(a*)*$")]
)
def test_a_rule_out_of_time_on_three_documents_is_left_out_of_the_rest(
    tmp_path: Path, action: str, pattern: str
) -> None:
    """A pattern that backtracks on a dump's documents would spend its whole budget on each
    of millions of them: after three, the cleaner leaves the rule out and says so once."""
    library = one_rule_set(tmp_path, action, pattern=pattern, max_seconds=BUDGET)
    cleaner = Cleaner(library, classifier=False)
    text = "\n".join([*ARTICLE, "Advertisement", *HOSTILE_LINES])
    warnings = [cleaner.explain(text).warnings for _ in range(5)]
    timed_out = [any("test/r ran out of its time budget (" in w for w in ws) for ws in warnings]
    assert timed_out == [True, True, True, False, False]
    left_out = [w for ws in warnings for w in ws if "left out of the rest of this run" in w]
    assert len(left_out) == 1 and "test/r" in left_out[0] and left_out[0] in warnings[2]
    assert cleaner.clean(text) == Cleaner(library, classifier=False, ignore=["test/r"]).clean(text)
    assert Cleaner(library, classifier=False).explain(text).warnings  # a new cleaner tries it


def test_a_detect_marker_that_backtracks_forever_counts_as_absent(
    tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr("cleantext.matcher.gates.DEFAULT_SECONDS", BUDGET)
    folder = tmp_path / "rules"
    one_rule_set(folder, "drop-line", always=False, pattern="Share this")
    toml = (folder / "test.toml").read_text()
    (folder / "test.toml").write_text(toml.replace("^Test marker$", "(a+)+(?=b)"))
    library = RuleLibrary.load([folder])
    result = Cleaner(library, classifier=False).explain("\n".join([*ARTICLE, *HOSTILE_LINES]))
    assert result.rule_sets == tuple(sorted(s for s in library.sets if s != "test"))
    assert any("detect marker" in w and "time budget" in w for w in result.warnings)


def test_rules_test_reports_a_rule_out_of_time(tmp_path: Path) -> None:
    library = one_rule_set(tmp_path, "drop-line", pattern=r"((a+)\2)+b", max_seconds=BUDGET)
    rule = library.sets["test"].rules[0]
    from cleantext.rules import Example

    failures = check_example(rule, Example(HOSTILE_LINES[0], HOSTILE_LINES[0]))
    assert any("time budget" in f for f in failures)


ZQ = "\n".join([*ARTICLE, "Zq"])


@pytest.mark.parametrize(
    ("action", "params", "text"),
    [
        ("drop-line", {"pattern": "(?!Zq).*"}, ZQ),
        ("replace", {"pattern": ".+", "replacement": "x"}, "\n".join(ARTICLE)),
        ("drop-span", {"pattern": r"\w+"}, "\n".join(ARTICLE)),
        ("truncate-from", {"pattern": "(?!The minister).+", "min_position": 0}, "\n".join(ARTICLE)),
    ],
)
def test_a_rule_may_not_remove_most_of_a_document(
    tmp_path: Path, action: str, params: dict, text: str
) -> None:
    library = one_rule_set(tmp_path, action, **params)
    held_back(library, text, "max_removed", plain=True)


@pytest.mark.parametrize(
    ("action", "params"),
    [
        ("drop-line", {"pattern": "(?!Zq).*"}),
        ("truncate-from", {"pattern": "(?!Zq).+", "min_position": 0}),
    ],
)
def test_a_rule_held_back_leaves_its_lines_to_the_other_rules(
    tmp_path: Path, action: str, params: dict
) -> None:
    """The whole-line rules share one scan that gives each line to the first rule matching
    it: a rule held back for its bound must hand its lines on, not keep them from the rules
    after it (a share bar and an advertisement label stayed in)."""
    one_rule_set(tmp_path, action, **params)
    library = RuleLibrary.load([shipped_rules_dir(), tmp_path])
    text = "\n".join([ARTICLE[0], "Share this article", *ARTICLE[1:], "Advertisement", "Zq"])
    held_back(library, text, "max_removed", plain=True)
    cleaned = Cleaner(library, classifier=False).clean(text)
    assert "Share this article" not in cleaned and "Advertisement" not in cleaned


def test_max_removed_can_be_raised_per_rule(tmp_path: Path) -> None:
    library = one_rule_set(tmp_path, "drop-line", pattern="(?!Zq).*", max_removed=1)
    assert Cleaner(library, classifier=False).clean(ZQ) == "Zq"


def test_bounds_and_budgets_are_validated(tmp_path: Path) -> None:
    from cleantext import RuleFileError

    for key, value in (("max_removed", 1.5), ("max_seconds", 0), ("max_seconds", "1")):
        with pytest.raises(RuleFileError, match=key):
            one_rule_set(tmp_path / key, "drop-line", pattern="Share", **{key: value})


def test_the_command_line_reports_held_back_rules_with_their_ids(tmp_path: Path, capsys) -> None:
    one_rule_set(tmp_path / "rules", "drop-span", pattern=r"(\w+\s?)*$", max_seconds=BUDGET)
    rows = [{"id": i, "text": "\n".join([ARTICLE[i], HOSTILE_LINES[0]])} for i in range(2)]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = tmp_path / "out.jsonl"
    argv = ["clean", str(source), "-o", str(out), "--rules-dir", str(tmp_path / "rules")]
    assert main([*argv, "-j", "1"]) == EXIT_OK
    err = capsys.readouterr().err
    assert "2 records in, 2 out, 0 rejected" in err
    assert "2 documents: rule test/r ran out of its time budget" in err
    assert [json.loads(line)["text"] for line in out.read_text().splitlines()] == [
        r["text"] for r in rows
    ]
    assert main([*argv, "--force", "--stats", "-j", "1"]) == EXIT_OK
    assert "rule test/r ran out of its time budget" in capsys.readouterr().err
