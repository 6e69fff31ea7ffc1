"""Rule files and patterns that crashed loading, lint, test or every document (issue 17)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from cleantext import RuleFileError, RuleLibrary
from cleantext.authoring.lint import backtracking_risk, lint
from cleantext.authoring.mine import toml_string
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_USAGE
from cleantext.matcher import LineMatcher, known_valid, translate
from cleantext.testing import check_example

ARTICLE = "The minister said the talks would resume on Monday after a week of delays."


def rule_file(folder: Path, set_id: str, pattern: str, *, action: str = "drop-line") -> Path:
    """A generic set with one rule, its examples written for ``Share this story``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{set_id}.toml"
    path.write_text(
        f'id = "{set_id}"\ndescription = "Test set."\nalways = true\n\n'
        f'[[rules]]\nid = "share"\ndescription = "Drop the share line."\nwhy = "Chrome."\n'
        f'action = "{action}"\npattern = {toml_string(pattern)}\n\n'
        f'[[rules.examples]]\ninput = "{ARTICLE}\\nShare this story"\noutput = "{ARTICLE}"\n\n'
        f'[[rules.examples]]\nkeep = "{ARTICLE}"\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'id = "deep"\nx = ' + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
        (b'id = "latin"\ndescription = "caf\xe9"\n', "not UTF-8"),
    ],
)
def test_malformed_toml_is_a_problem_naming_the_file(
    tmp_path: Path, content: bytes, reason: str, capsys
) -> None:
    path = tmp_path / "rules" / "broken.toml"
    path.parent.mkdir()
    path.write_bytes(content)
    with pytest.raises(RuleFileError) as caught:
        RuleLibrary.load([path.parent])
    assert reason in str(caught.value) and str(path) in str(caught.value)
    text = tmp_path / "a.txt"
    text.write_text(ARTICLE)
    assert main(["clean", "--rules-dir", str(path.parent), str(text)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert str(path) in err and "Traceback" not in err


VERBOSE = "(?x) Share \\  this \\  story  # a comment runs to the end of the line"


def test_verbose_pattern_loads_cleans_lints_and_tests(tmp_path: Path) -> None:
    path = rule_file(tmp_path / "rules", "verbose", VERBOSE)
    library = RuleLibrary.load([path])
    rule = library.sets["verbose"].rules[0]
    assert [check_example(rule, example) for example in rule.examples] == [[], []]
    assert LineMatcher([VERBOSE, "Other"]).first("Share this story") == 0
    assert LineMatcher([VERBOSE]).scan(["\ud800", "Share this story"]) == [(1, 0)]
    assert lint([path]) == []
    assert main(["rules", "test", str(path), "--rules-dir", str(path.parent), "-q"]) == EXIT_OK


def test_a_rule_file_named_twice_is_loaded_once(tmp_path: Path) -> None:
    path = rule_file(tmp_path / "my-rules", "mine", "Share this story")
    assert main(["rules", "test", str(path), "--rules-dir", str(path.parent), "-q"]) == EXIT_OK
    assert list(RuleLibrary.load([path.parent, path]).sets) == ["mine"]


@pytest.mark.parametrize(
    "pattern",
    ["(?:Share this story){e<=1}", "(?:Share this story){e<=2}", "Share{d<=1} this story"],
)
def test_fuzzy_patterns_go_to_regex_and_fire(pattern: str) -> None:
    assert translate(pattern) is None and translate(pattern, relaxed=True) is None
    assert not known_valid(pattern)
    assert LineMatcher([pattern]).scan(["Shar this story", "Text."]) == [(0, 0)]


def test_a_fuzzy_pattern_that_does_not_compile_is_reported_not_a_crash(tmp_path: Path) -> None:
    path = rule_file(tmp_path / "rules", "fuzzy", "(?:a+){e<=1}+$")
    with pytest.raises(RuleFileError, match="does not compile"):
        RuleLibrary.load([path])
    assert {p.check for p in lint([path])} == {"schema"}


@pytest.mark.parametrize("char", ["\x7f", "\x00", "\x1b", "\t", "'", "'''", "\\", '"'])
def test_toml_strings_read_back_exactly(char: str) -> None:
    for value in (f"a{char}b", f"line{char}\nnext", f"{char}", f"end{char}"):
        assert tomllib.loads(f"x = {toml_string(value)}")["x"] == value


def test_rules_new_and_mine_write_valid_toml_for_a_del_character(tmp_path: Path) -> None:
    samples = []
    for i in range(4):
        sample = tmp_path / f"s{i}.txt"
        text = (
            f"Harbour Gazette\x7f print edition\n{ARTICLE} Story {i}.\nPrinted by Harbour Press\n"
        )
        sample.write_text(text, encoding="utf-8")
        samples.append(str(sample))
    out = tmp_path / "drafts"
    argv = ["rules", "new", "del-site", "--from", *samples, "-o", str(out)]
    assert main(argv) == EXIT_OK
    tomllib.loads((out / "del-site.toml").read_text(encoding="utf-8"))
    assert main(["mine", *samples, "--min-articles", "2", "--out", str(out / "mined")]) == EXIT_OK
    for path in (out / "mined").glob("*.toml"):
        tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "pattern",
    [r"(a+)\1*b", r"((a+)\2)+b", r"(?|(a+)|(b+))+$", r"(?P<x>a)(?:(?P=x)b)+", r"(a*)*$"],
)
def test_lint_flags_backreferences_and_branch_resets_under_repetition(pattern: str) -> None:
    assert backtracking_risk(pattern) is not None


@pytest.mark.parametrize("pattern", [r"(a)\1", r"(?|(a)|(b))c", r"(\w+) said \1"])
def test_lint_leaves_backreferences_outside_repetition_alone(pattern: str) -> None:
    assert backtracking_risk(pattern) is None


@pytest.mark.parametrize(
    ("action", "pattern"), [("drop-span", r"\w+"), ("replace", r"[a-z]+ ?"), ("drop-span", ".+")]
)
def test_lint_flags_span_patterns_that_match_most_words(
    tmp_path: Path, action: str, pattern: str
) -> None:
    path = rule_file(tmp_path / "rules", "greedy", pattern, action=action)
    if action == "replace":
        text = path.read_text().replace(
            'action = "replace"', 'action = "replace"\nreplacement = ""'
        )
        path.write_text(text)
    assert "too-broad" in {p.check for p in lint([path])}


def test_lint_keeps_narrow_span_patterns(tmp_path: Path) -> None:
    path = rule_file(tmp_path / "rules", "narrow", r"\s*Share this story", action="drop-span")
    assert lint([path]) == []


def test_lint_of_a_thousand_rules_compiles_matchers_per_set_not_per_rule(
    tmp_path: Path, monkeypatch
) -> None:
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    blocks = [
        'id = "big-site"\ndescription = "A big site."\ndomains = ["big.example"]\n',
    ]
    for i in range(300):
        phrase = " ".join(words[int(d) % 8] for d in f"{i:03d}") + f" {i}"
        blocks.append(
            f'[[rules]]\nid = "footer-{i}"\ndescription = "Drop a footer line."\nwhy = "Chrome."\n'
            f"action = \"drop-line\"\npattern = 'Footer {phrase}'\n\n"
            f'[[rules.examples]]\ninput = "{ARTICLE}\\nFooter {phrase}"\noutput = "{ARTICLE}"\n\n'
            f'[[rules.examples]]\nkeep = "{ARTICLE}"\n'
        )
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "big-site.toml").write_text("\n".join(blocks), encoding="utf-8")
    import cleantext.matcher.lines as lines_module

    built: list[int] = []
    original = lines_module.LineMatcher.__init__

    def counting(self, sources):
        built.append(len(sources))
        original(self, sources)

    lines_module.line_matcher.cache_clear()
    monkeypatch.setattr(lines_module.LineMatcher, "__init__", counting)
    assert lint([folder]) == []
    assert sum(built) < 2 * 300 + 50  # linear in the rules, not quadratic


def test_an_unreadable_rules_folder_is_a_problem(tmp_path: Path, monkeypatch) -> None:
    import os

    folder = tmp_path / "rules"
    rule_file(folder / "sub", "hidden", "Share this story")
    real_scandir = os.scandir

    def scandir(path=".", *args, **kwargs):
        if Path(path) == folder / "sub":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(RuleFileError, match="cannot be read"):
        RuleLibrary.load([folder])
    assert "schema" in {p.check for p in lint([folder])}
