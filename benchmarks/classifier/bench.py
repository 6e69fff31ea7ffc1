"""Speed of the line classifier alone and of the default cleaner, per corpus field.

    python benchmarks/classifier/bench.py --corpus /work/shared/corpus/dev.jsonl.gz
    python benchmarks/classifier/bench.py --profile wet     # cProfile of the classifier

MB/s is UTF-8 input bytes over *process* time (the machine is shared, wall-clock is noise);
each figure is the best of ``--repeat`` passes over the whole corpus.
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import json
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cleantext import Cleaner  # noqa: E402
from cleantext.classify import classify_lines  # noqa: E402

FIELDS = ("wet", "extracted")


def load(path: Path, field: str) -> list[str]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return [json.loads(line)[field] for line in fh if line.strip()]


def classify_text(text: str) -> object:
    return classify_lines([s.strip() for s in text.split("\n")])


def best_mb_s(fn: Callable[[str], object], docs: list[str], repeat: int) -> float:
    size = sum(len(d.encode("utf-8")) for d in docs)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.process_time()
        for d in docs:
            fn(d)
        best = min(best, time.process_time() - t0)
    return size / best / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("/work/shared/corpus/dev.jsonl.gz"))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", choices=FIELDS, help="profile the classifier on this field")
    args = ap.parse_args()
    if args.profile:
        docs = load(args.corpus, args.profile)
        prof = cProfile.Profile()
        prof.enable()
        for d in docs:
            classify_text(d)
        prof.disable()
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return 0
    cleaner = Cleaner()
    for field in FIELDS:
        docs = load(args.corpus, field)
        clf = best_mb_s(classify_text, docs, args.repeat)
        full = best_mb_s(cleaner.clean, docs, args.repeat)
        print(f"{field:10s} classifier {clf:6.2f} MB/s   Cleaner().clean {full:6.2f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
