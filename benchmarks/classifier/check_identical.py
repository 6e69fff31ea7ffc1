"""Check that this checkout's line classifier decides exactly like a reference checkout.

    python benchmarks/classifier/check_identical.py                 # reference: branch main
    python benchmarks/classifier/check_identical.py --ref /work/main

Runs :func:`cleantext.classify.classify_lines` and :func:`~cleantext.classify.boilerplate_runs`
(what the pipeline calls) from both checkouts (the reference in a subprocess with its own
``sys.path``) on every page of the corpus, both fields, with ``whole_page`` detected, forced
True and forced False, and compares the keep mask, the ``conservative`` flag, the detected kind
and the runs dropped. Besides whole documents it also feeds a few
slices of every page (first/second half, every other line), which moves lines across the
edges the extracted-text policy looks at. Prints the largest probability difference (float
rounding) and how close the closest score came to a threshold. Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import gzip
import json
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]

_RUN = """
import pickle, sys
sys.path.insert(0, sys.argv[1])
from cleantext.classify import boilerplate_runs, classify_lines
docs = pickle.load(sys.stdin.buffer)
out = []
for lines in docs:
    for mode in (None, True, False):
        v = classify_lines(lines, whole_page=mode)
        runs = tuple(boilerplate_runs(lines, whole_page=mode))
        out.append((v.keep, v.conservative, v.whole_page, runs, v.scores))
pickle.dump(out, sys.stdout.buffer)
"""


def documents(corpus: Path) -> list[list[str]]:
    """Every field of every page, plus slices of it, as lists of stripped lines."""
    docs: list[list[str]] = []
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        for raw in fh:
            if not raw.strip():
                continue
            record = json.loads(raw)
            for field in ("wet", "extracted"):
                lines = [s.strip() for s in record[field].split("\n")]
                half = len(lines) // 2
                docs.extend((lines, lines[:half], lines[half:], lines[::2]))
    return docs


def run(tree: Path, docs: list[list[str]]) -> list[tuple[object, ...]]:
    proc = subprocess.run(
        [sys.executable, "-c", _RUN, str(tree)],
        input=pickle.dumps(docs),
        capture_output=True,
        check=True,
    )
    result: list[tuple[object, ...]] = pickle.loads(proc.stdout)
    return result


def reference_tree(ref: str | None, tmp: Path) -> Path:
    if ref is not None:
        return Path(ref)
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "main", "cleantext"], capture_output=True, check=True
    )
    subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
    return tmp


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus/dev.jsonl.gz"))
    ap.add_argument("--ref", help="reference checkout (default: branch main of this repository)")
    args = ap.parse_args()
    docs = documents(args.corpus)
    with tempfile.TemporaryDirectory() as tmp:
        ref = run(reference_tree(args.ref, Path(tmp)), docs)
    new = run(ROOT, docs)
    sys.path.insert(0, str(ROOT))
    from dataclasses import astuple

    from cleantext.classify import _model

    thresholds = np.array(astuple(_model().policy))
    bad = 0
    max_diff = 0.0
    margin = float("inf")
    for i, (a, b) in enumerate(zip(ref, new, strict=True)):
        if a[:4] != b[:4]:
            bad += 1
            if bad <= 10:
                print(f"differs: document {i // 3} whole_page={(None, True, False)[i % 3]}")
        sa, sb = np.array(a[4]), np.array(b[4])
        if sa.size:
            max_diff = max(max_diff, float(np.abs(sa - sb).max()))
            margin = min(margin, float(np.abs(sa[:, None] - thresholds).min()))
    print(
        f"{len(ref)} classifications ({len(docs)} documents x 3 modes): {bad} differ; "
        f"max |score difference| {max_diff:.3g}; closest score to a threshold {margin:.3g}"
    )
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
