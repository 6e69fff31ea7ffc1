"""``python -m cleantext`` runs the command line, which stops early, naming the culprit, when
another distribution (clean-text, cleantext) installed its own ``cleantext`` package too."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import cleantext
from cleantext.cli.name_clash import other_providers


def fake_distribution(
    site: Path, name: str, version: str, *, record: list[str], top_level: str | None = None
) -> None:
    """Installed metadata, as pip leaves it, of a distribution that installs ``record``."""
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    rows = [*record, f"{info.name}/METADATA,,", f"{info.name}/RECORD,,"]
    (info / "RECORD").write_text("".join(f"{row}\n" for row in rows))
    if top_level is not None:
        (info / "top_level.txt").write_text(top_level)


def run_module(*args: str, site: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if site is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")]))
    return subprocess.run(
        [sys.executable, "-m", "cleantext", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_python_dash_m_runs_the_command_line() -> None:
    done = run_module("--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"cleantext {cleantext.__version__} (cleantext-news, ")
    assert "classifier kernel: " in done.stdout


def test_other_providers_of_the_name_are_found_by_record_or_top_level(tmp_path: Path) -> None:
    fake_distribution(tmp_path, "clean-text", "0.6.0", record=["cleantext/__init__.py,sha256=x,10"])
    fake_distribution(
        tmp_path, "cleantext", "1.1.4", record=["cleantext/main.py,,"], top_level="cleantext\n"
    )
    ours = ["cleantext/__init__.py,,"]
    fake_distribution(tmp_path, "cleantext-news", "0.1.0", record=ours, top_level="cleantext")
    fake_distribution(
        tmp_path, "cleantextual", "2.0", record=["cleantextual/__init__.py,,", "cleantext2.py,,"]
    )
    fake_distribution(tmp_path, "single-module", "1.0", record=["cleantext.py,,"])
    assert other_providers(path=[str(tmp_path)]) == [
        "clean-text 0.6.0",
        "cleantext 1.1.4",
        "single-module 1.0",
    ]


def test_nothing_else_provides_the_name_here() -> None:
    assert other_providers() == []


def test_the_command_line_names_the_shadowing_distribution_and_the_fix(tmp_path: Path) -> None:
    fake_distribution(tmp_path, "clean-text", "0.6.0", record=["cleantext/__init__.py,sha256=x,10"])
    done = run_module("--version", site=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith(
        "cleantext: another installed distribution also provides the import name 'cleantext': "
        "clean-text 0.6.0."
    )
    assert "pip uninstall -y clean-text cleantext-news && pip install cleantext-news" in (
        done.stderr
    )
