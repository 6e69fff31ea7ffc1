"""Cross-validate the *full pipeline* (rules, page/article detection, classifier, valve).

``train.py --cv site`` scores the classifier alone on the raw fields and tells it which field
it is looking at. What ships is more than that: the rule stages run first, the detector guesses
whole page vs article text, and the safety valve may undo a decision. This script scores exactly
that, with every page cleaned by the fold model that never saw its site::

    python benchmarks/classifier/train.py --cv site --save-folds /tmp/folds
    python benchmarks/classifier/cv_pipeline.py --folds /tmp/folds

Thresholds are the shipped model's unless given (``--page``, ``--edge``, ``--mid``, ``--head``;
``--edge`` alone sets both edges of extracted text, as models before the head threshold did); a
figure printed for thresholds chosen on these same predictions is optimistic by that choice.
``--twice`` also counts documents that change when cleaned a second time (idempotence).
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cleantext.classify as classify  # noqa: E402
from cleantext import Cleaner  # noqa: E402
from cleantext.classify.model import LineModel, mlp_of  # noqa: E402

FIELDS = ("wet", "extracted")


def load_folds(
    folder: Path, page: float, edge: float, mid: float, head: float | None = None
) -> dict[str, LineModel]:
    """Page id -> the fold model that did not see that page's site."""
    by_id: dict[str, LineModel] = {}
    for path in sorted(folder.glob("fold*.npz")):
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: np.asarray(npz[k], dtype=np.float64) for k in npz.files if k != "meta"}
            meta = json.loads(str(npz["meta"]))
        model = LineModel.from_stages(
            mlp_of(arrays, "s1"),
            mlp_of(arrays, "s2"),
            threshold_page=page,
            threshold_article=edge,
            threshold_article_mid=mid,
            threshold_article_head=head,
            meta="{}",
        )
        for rid in meta["held_out"]:
            by_id[rid] = model
    return by_id


def clean_all(
    records: list[dict[str, str]], field: str, models: dict[str, LineModel], twice: bool
) -> tuple[list[str], int, int]:
    """Clean every record's ``field`` with its fold model; (texts, valve count, unstable)."""
    cleaner = Cleaner()
    out, valve, unstable = [], 0, 0
    for rec in records:
        classify._MODEL = models[rec["id"]]
        res = cleaner.explain(rec.get(field) or "")
        valve += any("classifier" in w for w in res.warnings)
        if twice and cleaner.clean(res.text) != res.text:
            unstable += 1
        out.append(res.text)
    return out, valve, unstable


def score_texts(
    score_py: str, corpus: str, field: str, records: list[dict[str, str]], texts: list[str]
) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        pred, summary = Path(tmp) / "pred.jsonl", Path(tmp) / "summary.json"
        with pred.open("w", encoding="utf-8") as fh:
            for rec, text in zip(records, texts, strict=True):
                fh.write(json.dumps({"id": rec["id"], "text": text}, ensure_ascii=False) + "\n")
        args = ["--field", field, "--pred", str(pred), "--json", str(summary)]
        subprocess.run(
            [sys.executable, score_py, corpus, *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        result: dict[str, float] = json.loads(summary.read_text(encoding="utf-8"))
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--folds", required=True, help="folder written by train.py --save-folds")
    ap.add_argument("--corpus", default="/work/shared/corpus/dev.jsonl.gz")
    ap.add_argument("--score", default="/work/shared/eval/score.py")
    ap.add_argument("--page", type=float)
    ap.add_argument("--edge", type=float)
    ap.add_argument("--mid", type=float)
    ap.add_argument("--head", type=float, help="leading-run threshold (default: --edge if given)")
    ap.add_argument("--twice", action="store_true", help="count documents unstable when re-cleaned")
    a = ap.parse_args(argv)

    shipped = classify._MODEL
    page = shipped.threshold_page if a.page is None else a.page
    edge = shipped.threshold_article if a.edge is None else a.edge
    mid = shipped.threshold_article_mid if a.mid is None else a.mid
    if a.head is not None:
        head = a.head
    else:
        head = shipped.threshold_article_head if a.edge is None else a.edge
    with gzip.open(a.corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    models = load_folds(Path(a.folds), page, edge, mid, head)
    print(f"thresholds: page {page}  edge {edge}  mid {mid}  head {head}")
    print(f"{'field':10s} {'F1':>6s} {'P':>6s} {'R':>6s} {'valve':>6s} {'unstable':>8s}")
    try:
        for field in FIELDS:
            texts, valve, unstable = clean_all(records, field, models, a.twice)
            s = score_texts(a.score, a.corpus, field, records, texts)
            print(
                f"{field:10s} {s['sh_f1']:6.4f} {s['sh_precision']:6.4f} {s['sh_recall']:6.4f} "
                f"{valve:6d} {unstable if a.twice else '-':>8}"
            )
    finally:
        classify._MODEL = shipped
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
