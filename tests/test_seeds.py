"""Golden tests: the seed articles clean byte-exactly, with metadata and explained removals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cleantext import Cleaner, replay
from cleantext.cli import main

from .conftest import SEEDS

SEED_FILES = sorted(p for p in SEEDS.glob("*.txt") if not p.name.endswith(".expected.txt"))


def expected_for(path: Path) -> str:
    return path.with_name(path.stem + ".expected.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.name for p in SEED_FILES])
def test_seed_cleans_exactly(cleaner: Cleaner, path: Path) -> None:
    cleaned = cleaner.clean(path.read_text(encoding="utf-8"))
    assert cleaned + "\n" == expected_for(path)


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.name for p in SEED_FILES])
def test_seed_expectations(cleaner: Cleaner, path: Path, expectations: dict) -> None:
    raw = path.read_text(encoding="utf-8")
    expect = expectations[path.name]
    result = cleaner.explain(raw)
    for key, value in expect["metadata"].items():
        assert result.metadata.get(key) == value, key
    for phrase in expect.get("must_be_removed", []):
        assert phrase not in result.text, phrase
        assert any(phrase in edit.removed for edit in result.edits), f"no rule explains {phrase!r}"
    for phrase in expect.get("must_be_kept", []):
        assert phrase in result.text, phrase
    assert replay(raw, result.edits) == result.text
    assert all(edit.rule.count("/") == 1 for edit in result.edits)


@pytest.mark.parametrize("path", SEED_FILES, ids=[p.name for p in SEED_FILES])
def test_cli_prints_expected(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(path)]) == 0
    assert capsys.readouterr().out == expected_for(path)


def test_installed_command_works_outside_the_checkout(tmp_path: Path) -> None:
    """The console script of this environment, run from elsewhere, finds its shipped rules."""
    script = Path(sys.executable).with_name("cleantext")
    if not script.exists():
        pytest.skip("cleantext is not installed in this environment")
    for path in SEED_FILES:
        done = subprocess.run(
            [str(script), "clean"],
            input=path.read_bytes(),
            capture_output=True,
            cwd=tmp_path,
            check=True,
        )
        assert done.stdout.decode("utf-8") == expected_for(path)


def test_explain_names_a_rule_for_each_removal(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEED_FILES[0])]) == 0
    out = capsys.readouterr().out
    for rule in (
        "pressreader/masthead",
        "pressreader/footer-newspapers-in",
        "captions/concatenated-caption-block",
        "repair/rejoin-split-sentence",
    ):
        assert rule in out
    assert '"publication": "Daily Mirror"' in out
