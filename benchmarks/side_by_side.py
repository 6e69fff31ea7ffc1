"""Does cleaning slow down when a twin cleans on the other core? Work per CPU second, alone
and side by side, for the pipeline and for a plain Python loop, in alternating rounds.

    python benchmarks/side_by_side.py                 # 6 rounds of 6 s per measurement

Why: ``-j 2`` spends more CPU seconds than ``-j 1`` on the same dump, and processes that wait
on memory can slow each other down through the caches and memory they share. If that were the
cause, the pipeline would lose more per CPU second beside its twin than a loop that never
leaves the core's own caches. CPU time (not wall time) is measured, so waiting for a core
does not count; what is left is how fast each CPU second runs. Prints, per round, the pair's
mean rate over the lone rate for both kinds of work, and their medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_module


def loop_rate(seconds: float) -> float:
    """Blocks of a pure-Python loop per CPU second."""
    blocks, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        total = 0
        for i in range(100_000):
            total += i * i
        blocks += 1
    return blocks / (time.process_time() - start)


def clean_rate(seconds: float) -> float:
    """MB of ``wet`` pages cleaned per CPU second (after a warm-up of 50 pages)."""
    from cleantext import Cleaner

    docs = corpus_module.load(1).docs["wet"]
    cleaner = Cleaner()
    for doc in docs[:50]:
        cleaner.clean(doc)
    cleaned, index, start = 0, 0, time.process_time()
    while time.process_time() - start < seconds:
        doc = docs[index % len(docs)]
        cleaner.clean(doc)
        cleaned += len(doc.encode("utf-8"))
        index += 1
    return cleaned / 1e6 / (time.process_time() - start)


WORK = {"loop": loop_rate, "clean": clean_rate}


def rates(kind: str, copies: int, seconds: float) -> list[float]:
    """The rate of each of ``copies`` processes running ``kind`` at the same time."""
    command = [sys.executable, __file__, "--child", kind, "--seconds", str(seconds)]
    children = [subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(copies)]
    return [float(child.communicate()[0]) for child in children]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=6.0, help="CPU seconds per measurement")
    parser.add_argument("--child", choices=WORK, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(WORK[args.child](args.seconds))
        return
    ratios: dict[str, list[float]] = {kind: [] for kind in WORK}
    for round_number in range(args.rounds):
        for kind in WORK:
            # lone first in even rounds, pair first in odd ones: the host's speed drifts
            order = (1, 2) if round_number % 2 == 0 else (2, 1)
            found = {copies: rates(kind, copies, args.seconds) for copies in order}
            ratios[kind].append(statistics.mean(found[2]) / found[1][0])
            print(
                f"round {round_number + 1}, {kind}: alone {found[1][0]:.2f}, "
                f"side by side {' '.join(f'{r:.2f}' for r in found[2])} "
                f"-> {ratios[kind][-1]:.2f}x",
                flush=True,
            )
    for kind, kind_ratios in ratios.items():
        print(
            f"{kind}: side by side / alone, per CPU second: "
            f"median {statistics.median(kind_ratios):.2f}x "
            f"(rounds {min(kind_ratios):.2f}-{max(kind_ratios):.2f})"
        )


if __name__ == "__main__":
    main()
