"""The build configuration: every package listed, one version, the release build's checks."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

import cleantext

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


def test_the_installed_version_is_the_package_version() -> None:
    """pyproject.toml reads the version from ``cleantext.__version__``: one place for both."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "cleantext.__version__"}
    try:
        installed = importlib.metadata.version("cleantext-news")
    except importlib.metadata.PackageNotFoundError:
        return
    assert installed == cleantext.__version__


def test_the_release_build_checks_every_wheel_with_the_script_ci_uses() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    wheels = config["tool"]["cibuildwheel"]
    assert ".ci/check_install.py --expect compiled" in wheels["test-command"]
    assert (ROOT / ".ci" / "check_install.py").is_file()
    assert {"x86_64", "aarch64"} <= set(wheels["linux"]["archs"])
