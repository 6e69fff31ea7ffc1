"""Every test the README's "Nothing is lost" section names exists (a claim without its test
would be a promise nobody checks)."""

from __future__ import annotations

import re

from .conftest import ROOT

TESTS = ROOT / "tests"


def test_every_test_the_guarantees_name_exists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Nothing is lost", 1)[1].split("\n## ", 1)[0]
    named: list[tuple[str, str]] = []
    current = ""
    for match in re.finditer(r"`((?:\w+/)?test_\w+\.py)?(?:::(test_\w+))?`", section):
        file, name = match.groups()
        current = file or current
        if name or file:
            named.append((current, name or ""))
    assert len(named) > 20
    for file, name in named:
        source = (TESTS / file).read_text(encoding="utf-8")
        assert not name or re.search(rf"^def {name}\(", source, re.M), f"{file}::{name}"


def test_the_format_table_lists_every_format() -> None:
    from cleantext.io.registry import names

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("| `--format` |", 1)[1].split("\n\n", 1)[0]
    listed = {
        name
        for cell in re.findall(r"^\| ([^|]+) \|", table, re.M)
        for name in re.findall(r"`(\w+)`", cell)
    }
    assert listed == set(names())
