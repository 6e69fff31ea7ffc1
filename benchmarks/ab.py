"""Is this checkout faster than another at cleaning the same documents? An A/B in turns.

    python benchmarks/ab.py --ref ../main                  # 9 rounds, wet then extracted
    python benchmarks/ab.py --ref ../main --rounds 15 --core 1

Two worker processes, one per checkout (the reference with its own ``.venv`` when it has
one), each build a ``Cleaner()`` and clean every document of the corpus once as a warm-up.
Then, in each round, they clean the corpus's texts of one field in turns of ``--chunk``
documents (who goes first alternates), each timing its own CPU time. A round's ratio is this
checkout's time over the reference's; the median of the rounds is printed per field.

Why turns this short: this host's speed drifts by tens of percent within minutes, and two
passes over the whole corpus taken one after the other disagree by more than most speed-ups.
Taking turns every few documents puts both checkouts through the same moments of the host;
two runs of the same checkout against itself give 0.98-1.01. Both workers are pinned to one
core (``--core``) so that neither runs beside the other.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_module

FIELDS = ("wet", "extracted")


def texts(path: Path) -> dict[str, list[str]]:
    """The non-empty texts of each field of a JSONL.gz corpus."""
    found: dict[str, list[str]] = {field: [] for field in FIELDS}
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            for field in FIELDS:
                if record.get(field):
                    found[field].append(record[field])
    return found


def work(checkout: Path, path: Path) -> None:
    """A worker: clean ``field first end`` slices read from stdin, print each one's CPU time."""
    sys.path.insert(0, str(checkout))
    import cleantext

    if not Path(cleantext.__file__).resolve().is_relative_to(checkout.resolve()):
        raise SystemExit(f"imported {cleantext.__file__}, not the checkout {checkout}")
    cleaner = cleantext.Cleaner()
    docs = texts(path)
    for field in FIELDS:
        for text in docs[field]:
            cleaner.clean(text)
    print(json.dumps({field: len(docs[field]) for field in FIELDS}), flush=True)
    for command in sys.stdin:
        field, first, end = command.split()
        chunk = docs[field][int(first) : int(end)]
        start = time.process_time()
        for text in chunk:
            cleaner.clean(text)
        print(time.process_time() - start, flush=True)


class Worker:
    """A worker process cleaning with one checkout."""

    def __init__(self, python: str, checkout: Path, path: Path, core: int | None) -> None:
        command = [python, __file__, "--worker", str(checkout), "--corpus", str(path)]
        self._process = subprocess.Popen(
            command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            preexec_fn=(lambda: os.sched_setaffinity(0, {core})) if core is not None else None,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._in, self._out = self._process.stdin, self._process.stdout
        self.sizes: dict[str, int] = json.loads(self._out.readline())

    def clean(self, field: str, first: int, end: int) -> float:
        """CPU seconds the worker took to clean ``texts[field][first:end]``."""
        self._in.write(f"{field} {first} {end}\n")
        self._in.flush()
        return float(self._out.readline())

    def close(self) -> None:
        self._in.close()
        self._process.wait()


def one_round(old: Worker, new: Worker, field: str, chunk: int, number: int) -> float:
    """This checkout's CPU time over the reference's for one pass over ``field``."""
    times = {id(old): 0.0, id(new): 0.0}
    for turn, first in enumerate(range(0, old.sizes[field], chunk)):
        end = min(first + chunk, old.sizes[field])
        pair = (old, new) if (turn + number) % 2 == 0 else (new, old)
        for worker in pair:
            times[id(worker)] += worker.clean(field, first, end)
    return times[id(new)] / times[id(old)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", type=Path, help="the reference checkout")
    parser.add_argument("--corpus", type=Path, default=corpus_module.DEV_CORPUS_PLACES[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--chunk", type=int, default=10, help="documents per turn")
    parser.add_argument("--core", type=int, default=None, help="pin both workers to this core")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = args.corpus if args.corpus.exists() else corpus_module.DEV_CORPUS_PLACES[1]
    if args.worker:
        work(args.worker, path)
        return
    if args.ref is None:
        parser.error("--ref is required")
    ref_python = args.ref / ".venv" / "bin" / "python"
    old = Worker(
        str(ref_python) if ref_python.exists() else sys.executable, args.ref, path, args.core
    )
    new = Worker(sys.executable, corpus_module.REPO, path, args.core)
    for field in FIELDS:
        ratios = [one_round(old, new, field, args.chunk, n) for n in range(args.rounds)]
        print(
            f"{field}: this checkout's CPU time / the reference's, median of {args.rounds} "
            f"rounds {statistics.median(ratios):.3f} (rounds {min(ratios):.3f}-"
            f"{max(ratios):.3f})",
            flush=True,
        )
    old.close()
    new.close()


if __name__ == "__main__":
    main()
