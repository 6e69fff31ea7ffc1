"""Validation of rule files: every problem reported at once, with file, rule id and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleantext import RuleFileError, RuleLibrary
from cleantext.cli import main

from .conftest import AD_RULE

GOOD_RULE = AD_RULE


def write_set(folder: Path, set_id: str, body: str, header: str = "") -> Path:
    path = folder / f"{set_id}.toml"
    path.write_text(f'id = "{set_id}"\ndescription = "A test set."\n{header}\n{body}', "utf-8")
    return path


def load_problems(folder: Path) -> list[str]:
    with pytest.raises(RuleFileError) as caught:
        RuleLibrary.load([folder])
    return [str(problem) for problem in caught.value.problems]


def test_valid_set_loads(tmp_path: Path) -> None:
    write_set(tmp_path, "mysite", GOOD_RULE.format(rule_id="ad-label"), 'domains = ["example.com"]')
    library = RuleLibrary.load([tmp_path])
    assert library.sets["mysite"].rules[0].qualified_id == "mysite/ad-label"
    assert library.sets_for_domain("news.example.com") == ("mysite",)


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    write_set(
        tmp_path,
        "unknown-key",
        GOOD_RULE.format(rule_id="a").replace(
            'action = "drop-line"', 'action = "drop-line"\npatern = "x"'
        ),
    )
    write_set(
        tmp_path, "unknown-action", GOOD_RULE.format(rule_id="a").replace("drop-line", "drop-lines")
    )
    write_set(
        tmp_path,
        "bad-pattern",
        GOOD_RULE.format(rule_id="a").replace("'Advertisement'", "'Advert(isement'"),
    )
    write_set(tmp_path, "duplicate", GOOD_RULE.format(rule_id="a") + GOOD_RULE.format(rule_id="a"))
    write_set(
        tmp_path,
        "no-keep",
        GOOD_RULE.format(rule_id="a").replace(
            '[[rules.examples]]\nkeep = "Advertisement revenue fell."', ""
        ),
    )
    write_set(tmp_path, "cycle-a", GOOD_RULE.format(rule_id="a"), 'extends = ["cycle-b"]')
    write_set(tmp_path, "cycle-b", GOOD_RULE.format(rule_id="a"), 'extends = ["cycle-a"]')
    write_set(tmp_path, "orphan", GOOD_RULE.format(rule_id="a"), 'extends = ["nowhere"]')
    (tmp_path / "broken.toml").write_text('id = "broken"\nrules = [', "utf-8")
    problems = "\n".join(load_problems(tmp_path))
    expected = [
        ("unknown-key.toml [rule a] patern:", "Did you mean 'pattern'"),
        ("unknown-action.toml [rule a] action:", "'drop-lines' is not an action"),
        ("bad-pattern.toml [rule a] pattern:", "does not compile"),
        ("duplicate.toml [rule a] id:", "used twice"),
        ("no-keep.toml [rule a] examples:", "no keep-example"),
        ("cycle-a.toml extends:", "cycle"),
        ("orphan.toml extends:", "unknown rule set 'nowhere'"),
        ("broken.toml", "not valid TOML"),
    ]
    for where, what in expected:
        assert any(where in line and what in line for line in problems.splitlines()), where


def test_set_id_must_match_file_name(tmp_path: Path) -> None:
    path = tmp_path / "real-name.toml"
    path.write_text('id = "other"\ndescription = "x"\n' + GOOD_RULE.format(rule_id="a"), "utf-8")
    assert any("must be 'real-name'" in p for p in load_problems(tmp_path))


def test_a_file_name_that_is_no_id_gets_the_name_to_use(tmp_path: Path) -> None:
    path = tmp_path / "Harbor_Gazette.toml"
    path.write_text('id = "Harbor_Gazette"\ndescription = "x"\n' + GOOD_RULE.format(rule_id="a"))
    assert any("rename the file to harbor-gazette.toml" in p for p in load_problems(tmp_path))


@pytest.mark.parametrize(
    "domain", ["https://www.example.com/", "example.com/news", "example.com:8080", "example"]
)
def test_a_domain_must_be_a_host_name(tmp_path: Path, domain: str) -> None:
    """A URL in ``domains`` would never equal a page's host: the set would silently never
    apply."""
    write_set(tmp_path, "mysite", GOOD_RULE.format(rule_id="a"), f'domains = ["{domain}"]')
    assert any("is not a host name" in p for p in load_problems(tmp_path))


def test_a_set_that_never_applies_is_named_when_cleaning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A contributor's set without domains, detect markers or always = true loads, and would
    do nothing in silence: the command line names it."""
    write_set(tmp_path, "mysite", GOOD_RULE.format(rule_id="ad-label"))
    article = tmp_path / "a.txt"
    article.write_text("The council met on Tuesday.\n", encoding="utf-8")
    assert main(["clean", str(article), "--rules-dir", str(tmp_path)]) == 0
    assert "rule set mysite" in capsys.readouterr().err
    assert main(["clean", str(article), "--rules-dir", str(tmp_path), "--site", "mysite"]) == 0
    assert "never applies" not in capsys.readouterr().err


def test_parameter_types_and_bounds(tmp_path: Path) -> None:
    body = GOOD_RULE.format(rule_id="a").replace(
        "action = \"drop-line\"\npattern = 'Advertisement'",
        "action = \"truncate-from\"\npattern = 'Advertisement'\nmin_position = 2",
    )
    write_set(tmp_path, "bounds", body)
    assert any("min_position: must be at most 1.0" in p for p in load_problems(tmp_path))


def test_a_failing_file_loads_nothing(tmp_path: Path) -> None:
    write_set(tmp_path, "good", GOOD_RULE.format(rule_id="a"))
    write_set(tmp_path, "bad", GOOD_RULE.format(rule_id="a").replace("drop-line", "nope"))
    with pytest.raises(RuleFileError):
        RuleLibrary.load([tmp_path])


def test_cli_reports_bad_rules_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_set(tmp_path, "bad", GOOD_RULE.format(rule_id="a").replace("drop-line", "nope"))
    text = tmp_path / "doc.txt"
    text.write_text("Some text.", "utf-8")
    code = main(["clean", "--rules-dir", str(tmp_path), str(text)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("cleantext: 1 problem in rule files:")
    assert "bad.toml [rule a] action:" in err
    assert "Traceback" not in err


def test_missing_rules_dir_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["clean", "--rules-dir", str(tmp_path / "absent"), "-"]) == 2
    assert "does not exist" in capsys.readouterr().err
