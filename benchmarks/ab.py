"""Is this checkout faster than another at cleaning the same documents? An A/B in turns.

    python benchmarks/ab.py --ref ../main                  # 3 pairs x 6 rounds, wet, extracted
    python benchmarks/ab.py --ref ../main --pairs 5 --core 1

Two worker processes, one per checkout (the reference with its own ``.venv`` when it has
one), each build a ``Cleaner()`` and clean every document of the corpus once as a warm-up.
Then, in each round, they clean the corpus's texts of one field in turns of ``--chunk``
documents (who goes first alternates), each timing its own CPU time. A round's ratio is this
checkout's time over the reference's; the median of the rounds is printed per field.

Why turns this short: this host's speed drifts by tens of percent within minutes, and two
passes over the whole corpus taken one after the other disagree by more than most speed-ups.
Taking turns every few documents puts both checkouts through the same moments of the host.
Both workers are pinned to one core (``--core``) so that neither runs beside the other. A
process also keeps a speed of its own (where its memory happens to lie): a checkout against
itself gave 0.986 with one pair of workers, so ``--pairs`` pairs are started one after the
other (which of the two starts first alternates), each for ``--rounds`` rounds, and the
median is over all their rounds.
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
    """This checkout's CPU time over the reference's for one pass over ``field``.

    The workers take turns O N, N O, O N...: each turn's second worker starts on caches the
    other left. Which chunks that is for each worker flips with the round's ``number``, so an
    even number of rounds leaves neither worker the colder chunks."""
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
    parser.add_argument(
        "--rounds", type=int, default=6, help="rounds per pair of workers (even: see one_round)"
    )
    parser.add_argument("--pairs", type=int, default=3, help="pairs of workers, one after another")
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
    ref_python = str(args.ref / ".venv" / "bin" / "python")
    if not Path(ref_python).exists():
        ref_python = sys.executable
    ratios: dict[str, list[float]] = {field: [] for field in FIELDS}
    for pair in range(args.pairs):
        checkouts = [(ref_python, args.ref), (sys.executable, corpus_module.REPO)]
        order = (0, 1) if pair % 2 == 0 else (1, 0)
        workers = {k: Worker(*checkouts[k], path, args.core) for k in order}  # started in order
        old, new = workers[0], workers[1]
        for field in FIELDS:
            ratios[field] += [one_round(old, new, field, args.chunk, n) for n in range(args.rounds)]
        old.close()
        new.close()
    for field in FIELDS:
        found = ratios[field]
        print(
            f"{field}: this checkout's CPU time / the reference's, median of {len(found)} rounds "
            f"({args.pairs} pairs of workers) {statistics.median(found):.3f} "
            f"(rounds {min(found):.3f}-{max(found):.3f})",
            flush=True,
        )


if __name__ == "__main__":
    main()
