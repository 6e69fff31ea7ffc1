"""Quality and speed of a cleaner on the dev corpus, for whole pages and extracted text.

Usage (from the repository root)::

    python benchmarks/quality.py                        # the default pipeline, in process
    python benchmarks/quality.py --cleaner classifier   # the generic classifier alone
    python benchmarks/quality.py --cmd "cleantext clean --format jsonl"   # any JSONL command

The cleaner is pluggable: in process it is any ``Callable[[str], Cleaned]`` registered in
``CLEANERS`` (text in, text out plus a flag saying whether a safety valve fired); as a command it
is anything that reads ``{"id","text"}`` JSONL on stdin and writes the same on stdout. Scoring is
always done by the shared ``score.py`` (``--pred`` for in-process cleaners, ``--cmd`` for
commands), so figures are comparable with every other tool scored the same way.

MB/s is bytes of UTF-8 input divided by the cleaner's wall-clock seconds in one process (for a
command this includes its start-up).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIELDS = ("wet", "extracted")


@dataclass(frozen=True, slots=True)
class Cleaned:
    """What an in-process cleaner returns for one document."""

    text: str
    conservative: bool = False


def classifier_cleaner(text: str) -> Cleaned:
    """Split into stripped lines, classify them, join the kept ones."""
    from cleantext.classify import classify_lines

    lines = [s.strip() for s in text.split("\n")]
    verdict = classify_lines(lines)
    kept = "\n".join(s for s, k in zip(lines, verdict.keep, strict=True) if k and s)
    return Cleaned(kept, verdict.conservative)


def pipeline_cleaner(text: str) -> Cleaned:
    """The default pipeline (rules, site detection, classifier), as ``cleantext clean`` runs it."""
    result = _default_cleaner().explain(text)
    return Cleaned(result.text, any("classifier" in w for w in result.warnings))


@cache
def _default_cleaner() -> Any:
    from cleantext import Cleaner

    return Cleaner()


CLEANERS: dict[str, Callable[[str], Cleaned]] = {
    "pipeline": pipeline_cleaner,
    "classifier": classifier_cleaner,
}
SHARED = ROOT.parent / "shared"


@dataclass(frozen=True, slots=True)
class Row:
    field: str
    f1: float
    precision: float
    recall: float
    mb_per_s: float
    cpu_mb_per_s: float | None  # bytes per CPU second: less sensitive to a busy machine
    conservative: int | None


def _records(corpus: str) -> list[dict[str, str]]:
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _score(args: list[str]) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "summary.json"
        subprocess.run(
            [sys.executable, *args, "--json", str(out)], check=True, stdout=subprocess.DEVNULL
        )
        summary: dict[str, float] = json.loads(out.read_text(encoding="utf-8"))
    return summary


def run_in_process(cleaner: Callable[[str], Cleaned], corpus: str, score: str, field: str) -> Row:
    records = _records(corpus)
    texts = [r.get(field) or "" for r in records]
    size = sum(len(t.encode("utf-8")) for t in texts)
    cleaner(texts[0])  # warm up: import and model load are not per-document costs
    t0, c0 = time.perf_counter(), time.process_time()
    results = [cleaner(t) for t in texts]
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        with pred.open("w", encoding="utf-8") as fh:
            for r, c in zip(records, results, strict=True):
                fh.write(json.dumps({"id": r["id"], "text": c.text}, ensure_ascii=False) + "\n")
        s = _score([score, corpus, "--field", field, "--pred", str(pred)])
    return Row(
        field,
        s["sh_f1"],
        s["sh_precision"],
        s["sh_recall"],
        size / seconds / 1e6,
        size / cpu / 1e6,
        sum(c.conservative for c in results),
    )


def run_command(cmd: str, corpus: str, score: str, field: str) -> Row:
    size = sum(len((r.get(field) or "").encode("utf-8")) for r in _records(corpus))
    s = _score([score, corpus, "--field", field, "--cmd", cmd])
    return Row(
        field,
        s["sh_f1"],
        s["sh_precision"],
        s["sh_recall"],
        size / s["cmd_seconds"] / 1e6,
        None,
        None,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", default=str(SHARED / "corpus" / "dev.jsonl.gz"))
    ap.add_argument("--score", default=str(SHARED / "eval" / "score.py"))
    src = ap.add_mutually_exclusive_group()
    src.add_argument(
        "--cleaner",
        choices=sorted(CLEANERS),
        default="pipeline",
        help="in-process cleaner (default: pipeline)",
    )
    src.add_argument("--cmd", help="shell command: JSONL on stdin -> cleaned JSONL on stdout")
    ap.add_argument("--fields", default=",".join(FIELDS))
    a = ap.parse_args(argv)

    rows = []
    for field in a.fields.split(","):
        if a.cmd:
            rows.append(run_command(a.cmd, a.corpus, a.score, field))
        else:
            rows.append(run_in_process(CLEANERS[a.cleaner], a.corpus, a.score, field))
    print(f"{'field':10s} {'F1':>7s} {'P':>7s} {'R':>7s} {'MB/s':>7s} {'cpu':>7s} {'valve':>6s}")
    for r in rows:
        valve = "-" if r.conservative is None else str(r.conservative)
        cpu = "-" if r.cpu_mb_per_s is None else f"{r.cpu_mb_per_s:.1f}"
        print(
            f"{r.field:10s} {r.f1:7.4f} {r.precision:7.4f} {r.recall:7.4f} "
            f"{r.mb_per_s:7.1f} {cpu:>7s} {valve:>6s}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
