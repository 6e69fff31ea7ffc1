"""The build configuration lists every package (pyproject.toml lists them by hand)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_package_folder_is_listed_for_the_wheel() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in ROOT.glob("cleantext/**/__init__.py")
    }
    rules = {"cleantext._rules"} | {
        f"cleantext._rules.{d.name}" for d in (ROOT / "rules").iterdir() if d.is_dir()
    }
    assert listed == found | rules
