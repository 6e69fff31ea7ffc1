"""Check an installed cleantext the way a user meets it: its backends, then the seeds.

    python .ci/check_install.py --expect compiled seeds/   # a binary wheel
    python .ci/check_install.py --expect python seeds/     # the sdist, installed without a compiler

Run with the Python of the environment to check, from outside the checkout (so that the
installed package is imported, not the source tree). It checks that

* ``python -m cleantext --version`` reports the expected backends for both compiled kernels;
* the package imported is the installed one;
* ``cleantext clean SEED`` (the console script) prints each seed's ``.expected.txt`` byte for
  byte; with compiled kernels under ``CLEANTEXT_REQUIRE_KERNEL=1``, without them after the
  one warning the run must give.

.ci/run calls it on the manylinux wheel it builds and on the sdist; cibuildwheel calls it on
every wheel of a release (``[tool.cibuildwheel] test-command`` in pyproject.toml).
Exit status 1 with the differences on stderr when a check fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

KERNELS = ("classifier kernel", "action scans")


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, capture_output=True, env=env, check=False)


def check_version(expect: str, env: dict[str, str]) -> list[str]:
    done = run([sys.executable, "-m", "cleantext", "--version"], env)
    report = done.stdout.decode()
    print(report, end="")
    if done.returncode != 0:
        return [f"--version exited {done.returncode}: {done.stderr.decode()}"]
    failures = []
    for kernel in KERNELS:
        line = next((s for s in report.splitlines() if s.startswith(f"{kernel}:")), "")
        compiled = line.startswith(f"{kernel}: compiled")
        if compiled != (expect == "compiled"):
            failures.append(f"expected the {kernel} {expect}, --version says: {line!r}")
    return failures


def check_location(env: dict[str, str]) -> list[str]:
    probe = "import cleantext, sys; sys.stdout.write(cleantext.__file__)"
    location = Path(run([sys.executable, "-c", probe], env).stdout.decode()).resolve()
    checkout = Path(__file__).resolve().parent.parent / "cleantext"
    if location.parent == checkout:
        return [f"imported the checkout ({location}), not the installed package"]
    return []


def check_seeds(seeds: Path, expect: str, env: dict[str, str]) -> list[str]:
    script = Path(sys.executable).with_name("cleantext.exe" if os.name == "nt" else "cleantext")
    failures = []
    inputs = sorted(p for p in seeds.glob("*.txt") if not p.name.endswith(".expected.txt"))
    if not inputs:
        return [f"no seeds in {seeds}"]
    for seed in inputs:
        done = run([str(script), "clean", str(seed)], env)
        expected = seed.with_name(seed.stem + ".expected.txt").read_bytes()
        warnings = done.stderr.decode().count("cleantext: warning:")
        if done.returncode != 0:
            failures.append(f"{seed.name}: exit {done.returncode}: {done.stderr.decode()}")
        elif done.stdout != expected:
            failures.append(f"{seed.name}: output differs from {seed.stem}.expected.txt")
        elif warnings != (0 if expect == "compiled" else 1):
            failures.append(f"{seed.name}: {warnings} warnings on stderr: {done.stderr.decode()}")
        else:
            print(f"{seed.name}: identical to {seed.stem}.expected.txt")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", type=Path, help="the folder of seed articles")
    parser.add_argument("--expect", choices=("compiled", "python"), required=True)
    args = parser.parse_args()
    env = dict(os.environ)
    if args.expect == "compiled":
        env["CLEANTEXT_REQUIRE_KERNEL"] = "1"
    else:
        env.pop("CLEANTEXT_REQUIRE_KERNEL", None)
    failures = check_version(args.expect, env) + check_location(env)
    failures += check_seeds(args.seeds.resolve(), args.expect, env)
    for failure in failures:
        print(f"check_install: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
