"""Build stamps keep stale compiled modules out, and the backends in use are visible: in
``cleantext --version``, and as one warning (or, when required, an error) when a run starts."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

import cleantext
from cleantext import _build, backends
from cleantext._build import (
    MIRRORED_SOURCES,
    STAMP_MACRO,
    ExtensionStatus,
    check_extension,
    extension_status,
    source_stamp,
)
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_USAGE
from cleantext.errors import InstallError

from .conftest import SEEDS

SEED = SEEDS / "000_277d1107e5220382.txt"
SCAN = "cleantext.actions._scan"


def copy_sources(extension: str, into: Path) -> Path:
    """The Python sources ``extension`` mirrors, copied under ``into`` as in the package."""
    for relative in MIRRORED_SOURCES[extension]:
        target = into / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((_build.PACKAGE_DIR / relative).read_bytes())
    return into


def module_stamped(stamp: str | None) -> ModuleType:
    module = ModuleType(SCAN)
    if stamp is not None:
        module.BUILD_STAMP = stamp  # type: ignore[attr-defined]
    return module


def test_each_extension_mirrors_existing_sources_and_exposes_its_stamp() -> None:
    for extension, sources in MIRRORED_SOURCES.items():
        assert all((_build.PACKAGE_DIR / relative).is_file() for relative in sources)
        c_file = _build.PACKAGE_DIR.parent / (extension.replace(".", "/") + ".c")
        assert f'"BUILD_STAMP", {STAMP_MACRO}' in c_file.read_text(encoding="utf-8")


def test_the_stamp_follows_the_sources_but_not_their_line_ends(tmp_path: Path) -> None:
    package = copy_sources(SCAN, tmp_path)
    stamp = source_stamp(SCAN, package)
    assert stamp == source_stamp(SCAN)
    first = package / MIRRORED_SOURCES[SCAN][0]
    first.write_bytes(first.read_bytes().replace(b"\n", b"\r\n"))
    assert source_stamp(SCAN, package) == stamp
    first.write_bytes(first.read_bytes() + b"# edited\r\n")
    assert source_stamp(SCAN, package) != stamp


def test_a_build_of_other_sources_is_refused(tmp_path: Path) -> None:
    package = copy_sources(SCAN, tmp_path)
    stamp = source_stamp(SCAN, package)
    built = module_stamped(stamp)
    fresh = check_extension(SCAN, import_module=lambda _: built, package_dir=package)
    assert fresh.compiled and fresh.problem == ""
    (package / MIRRORED_SOURCES[SCAN][-1]).write_text("# the Python twin, edited since\n")
    stale = check_extension(SCAN, import_module=lambda _: built, package_dir=package)
    assert not stale.compiled
    assert "stale build" in stale.problem and stamp in stale.problem
    unstamped = check_extension(
        SCAN, import_module=lambda _: module_stamped(None), package_dir=package
    )
    assert not unstamped.compiled and "no build stamp" in unstamped.problem


def test_a_missing_or_broken_extension_says_why() -> None:
    def missing(name: str) -> ModuleType:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    def broken(name: str) -> ModuleType:
        raise ImportError("undefined symbol: PyFoo")

    assert "not compiled" in check_extension(SCAN, import_module=missing).problem
    assert "undefined symbol" in check_extension(SCAN, import_module=broken).problem


def test_a_compiled_extension_in_use_carries_the_current_stamp() -> None:
    for extension in MIRRORED_SOURCES:
        status = extension_status(extension)
        if not status.compiled:
            assert not backends.kernel_required(), f"{extension} is {status.problem}"
            continue
        assert status.module is not None
        assert source_stamp(extension) == status.module.BUILD_STAMP


def test_version_prints_the_version_and_every_backend(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"cleantext {cleantext.__version__} (cleantext-news, ")
    parts = [line.split(":")[0] for line in lines[1:]]
    assert parts == ["classifier kernel", "action scans", "HTML features", "matching"]
    for line, backend in zip(lines[1:], backends.active(), strict=True):
        assert line == str(backend)
        assert re.match(r"[A-Za-z ]+: (compiled|Python|RE2|regex)", line)


def without_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the backend report see the action scans as never compiled."""
    missing = ExtensionStatus(SCAN, None, "not compiled (no C compiler at install time?)")
    real = backends.extension_status
    monkeypatch.setattr(
        backends, "extension_status", lambda name: missing if name == SCAN else real(name)
    )


def test_a_missing_kernel_shows_in_the_report_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    without_scan(monkeypatch)
    scans = backends.kernels()[1]
    assert str(scans) == (
        "action scans: Python, as cleantext.actions._scan is not compiled "
        "(no C compiler at install time?)"
    )
    warning = backends.kernel_warning({"CLEANTEXT_REQUIRE_KERNEL": "0"})
    assert warning is not None
    assert warning.startswith("compiled kernel not in use (cleantext.actions._scan is not")
    assert "pip install -e ." in warning
    with pytest.raises(InstallError, match="CLEANTEXT_REQUIRE_KERNEL requires"):
        backends.kernel_warning({"CLEANTEXT_REQUIRE_KERNEL": "1"})


def test_no_warning_when_every_kernel_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    compiled = ExtensionStatus(SCAN, sys, "")
    monkeypatch.setattr(backends, "extension_status", lambda name: compiled)
    assert backends.kernel_warning({"CLEANTEXT_REQUIRE_KERNEL": "1"}) is None


@pytest.mark.parametrize(
    ("value", "required"), [("1", True), ("yes", True), ("", False), ("0", False), ("no", False)]
)
def test_require_kernel_values(value: str, required: bool) -> None:
    assert backends.kernel_required({"CLEANTEXT_REQUIRE_KERNEL": value}) is required
    assert backends.kernel_required({}) is False


def test_clean_warns_once_or_fails_when_required(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    without_scan(monkeypatch)
    monkeypatch.delenv("CLEANTEXT_REQUIRE_KERNEL", raising=False)
    assert main(["clean", "-q", str(SEED), str(SEED)]) == EXIT_OK
    captured = capsys.readouterr()
    assert captured.err.count("cleantext: warning: compiled kernel not in use") == 1
    assert captured.out == 2 * SEED.with_name(SEED.stem + ".expected.txt").read_text("utf-8")

    monkeypatch.setenv("CLEANTEXT_REQUIRE_KERNEL", "1")
    assert main(["clean", str(SEED)]) == EXIT_USAGE
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("cleantext: CLEANTEXT_REQUIRE_KERNEL requires the compiled")
