"""Compile the C extensions with the compilers and for the targets the release build meets.

    .venv/bin/python .ci/check_c.py        # the project's environment (numpy, pytest)

The wheels are built by gcc (manylinux x86-64 and aarch64), Apple clang (macOS x86-64 and
arm64) and MSVC (Windows); this checks what can be checked on a Linux machine:

* each compiler found among gcc, clang, aarch64-linux-gnu-gcc and clang for aarch64 compiles
  each extension with the flags setup.py adds (warnings are shown);
* the aarch64 objects hold no fused multiply-add: it rounds once where numpy, the reference,
  rounds twice, and clang contracts by default on arm64 (hence -ffp-contract=off in setup.py);
* the portable code path, the one MSVC compiles (no __GNUC__: no vector extensions, no target
  clones), built by gcc with __GNUC__ undefined after the system headers, passes the tests
  that compare the kernels with their Python twins bit for bit.

A compiler that is not installed is reported as skipped (.ci/run installs them where it can).
Exit status 1 when a compile fails or a check does not hold.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
SOURCES = {
    "cleantext.classify._kernel": ROOT / "cleantext/classify/_kernel.c",
    "cleantext.actions._scan": ROOT / "cleantext/actions/_scan.c",
    "cleantext.html._features": ROOT / "cleantext/html/_features.c",
}
COMPILERS = {
    "gcc": ["gcc"],
    "clang": ["clang"],
    "gcc aarch64": ["aarch64-linux-gnu-gcc"],
    "clang aarch64": ["clang", "--target=aarch64-linux-gnu"],
}
AARCH64_OBJDUMP = "aarch64-linux-gnu-objdump"
FUSED = ("fmadd", "fmsub", "fnmadd", "fnmsub", "fmla", "fmls")
# Headers first, then no __GNUC__: the code below them sees what MSVC sees.
PORTABLE_WRAPPER = """#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#undef __GNUC__
#undef __GNUC_MINOR__
#include "{source}"
"""
KERNEL_TESTS = [
    "tests/test_classify_kernel.py",
    "tests/actions/test_captions_fast.py",
    "tests/actions/test_repair_fast.py",
    "tests/html/test_features_kernel.py",
]


def build_module() -> ModuleType:
    """``cleantext/_build.py`` (stamps), loaded by path as setup.py loads it."""
    spec = importlib.util.spec_from_file_location("cleantext_build", ROOT / "cleantext/_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


_build = build_module()


def flags(name: str) -> list[str]:
    """The flags setup.py and Python's own configuration give the compiler."""
    stamp = _build.source_stamp(name)
    return [
        "-O3",
        "-fPIC",
        "-fwrapv",
        "-DNDEBUG",
        "-Wall",
        "-ffp-contract=off",
        f'-D{_build.STAMP_MACRO}="{stamp}"',
        f"-I{sysconfig.get_paths()['include']}",
    ]


def fused_operations(obj: Path) -> int:
    """How many fused multiply-add instructions the aarch64 object ``obj`` holds."""
    listing = subprocess.run(
        [AARCH64_OBJDUMP, "-d", str(obj)], capture_output=True, text=True, check=True
    ).stdout
    # Instruction lines read "address:<TAB>encoding<TAB>mnemonic operands".
    columns = [line.split("\t") for line in listing.splitlines()]
    mnemonics = [
        fields[2].split()[0] for fields in columns if len(fields) > 2 and fields[2].strip()
    ]
    return sum(mnemonic in FUSED for mnemonic in mnemonics)


def check_compilers(tmp: Path) -> list[str]:
    failures = []
    for label, command in COMPILERS.items():
        if shutil.which(command[0]) is None:
            print(f"{label}: skipped ({command[0]} is not installed)")
            continue
        aarch64 = "aarch64" in label
        for name, source in SOURCES.items():
            obj = tmp / f"{label.replace(' ', '-')}-{source.stem}.o"
            done = subprocess.run(
                [*command, *flags(name), "-c", str(source), "-o", str(obj)],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:
                failures.append(f"{label} cannot compile {source.name}:\n{done.stderr}")
                continue
            note = f" ({len(done.stderr.splitlines())} lines of warnings)" if done.stderr else ""
            if aarch64 and shutil.which(AARCH64_OBJDUMP):
                fused = fused_operations(obj)
                note += f", {fused} fused multiply-adds"
                if fused:
                    failures.append(f"{label}: {source.name} has {fused} fused multiply-adds")
            print(f"{label}: {source.name} compiles{note}")
            if done.stderr:
                print(done.stderr, end="")
    return failures


def check_portable_path(tmp: Path) -> list[str]:
    tree = tmp / "portable"
    shutil.copytree(
        ROOT,
        tree,
        ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.so", "*.pyd", "__pycache__"),
    )
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for name, source in SOURCES.items():
        wrapper = tmp / f"portable-{source.stem}.c"
        wrapper.write_text(PORTABLE_WRAPPER.format(source=tree / source.relative_to(ROOT)))
        target = tree / (name.replace(".", "/") + suffix)
        done = subprocess.run(
            ["gcc", *flags(name), "-shared", str(wrapper), "-o", str(target)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            return [f"the portable path of {source.name} does not compile:\n{done.stderr}"]
    env = {**os.environ, "PYTHONPATH": str(tree), "CLEANTEXT_REQUIRE_KERNEL": "1"}
    probe = "import cleantext.backends as b; print(b.report())"
    report = subprocess.run(
        [sys.executable, "-c", probe], cwd=tree, env=env, capture_output=True, text=True
    )
    print(report.stdout, end="")
    if report.stdout.count(": compiled (") != len(SOURCES):
        return [f"the portable build is not in use:\n{report.stdout}{report.stderr}"]
    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *KERNEL_TESTS],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
    )
    print(f"portable path (as MSVC compiles it): {tests.stdout.strip().splitlines()[-1]}")
    return [] if tests.returncode == 0 else [f"portable path:\n{tests.stdout}{tests.stderr}"]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        failures = check_compilers(Path(tmp))
        if shutil.which("gcc"):
            failures += check_portable_path(Path(tmp))
        else:
            print("portable path: skipped (gcc is not installed)")
    for failure in failures:
        print(f"check_c: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
