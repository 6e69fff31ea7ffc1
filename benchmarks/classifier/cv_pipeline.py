"""Cross-validate the *full pipeline* (rules, page/article detection, classifier, valve).

``train.py --cv site`` scores the classifier alone on the raw fields and tells it which field
it is looking at. What ships is more than that: the rule stages run first, the detector guesses
whole page vs article text, and the safety valve may undo a decision. This script scores exactly
that, with every page cleaned by the fold model that never saw its site::

    python benchmarks/classifier/train.py --cv site --save-folds /tmp/folds
    python benchmarks/classifier/cv_pipeline.py --folds /tmp/folds

Thresholds are the shipped model's unless given (``--page``, ``--edge``, ``--mid``). ``--tune``
chooses them on the pipeline's out-of-fold predictions (approximately: the stages after the
classifier are not rerun for every candidate); the figures printed after that are then optimistic
by the tuning, like ``train.py``'s. ``--twice`` also counts documents that change when cleaned
a second time (idempotence).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import cleantext.classify as classify  # noqa: E402
import cleantext.pipeline as pipeline  # noqa: E402
from cleantext import Cleaner  # noqa: E402
from cleantext.classify.decide import keep_mask, too_little_kept  # noqa: E402
from cleantext.classify.features import page_features  # noqa: E402
from cleantext.classify.model import FoldedMlp, LineModel, Mlp  # noqa: E402

FIELDS = ("wet", "extracted")


def _mlp(npz: Any, prefix: str) -> Mlp:
    n = sum(1 for k in npz.files if k.startswith(f"{prefix}_w"))
    return Mlp(
        low=npz[f"{prefix}_low"].astype(np.float64),
        high=npz[f"{prefix}_high"].astype(np.float64),
        mean=npz[f"{prefix}_mean"].astype(np.float64),
        scale=npz[f"{prefix}_scale"].astype(np.float64),
        weights=tuple(npz[f"{prefix}_w{i}"].astype(np.float64) for i in range(n)),
        biases=tuple(npz[f"{prefix}_b{i}"].astype(np.float64) for i in range(n)),
    )


def load_folds(folder: Path, page: float, edge: float, mid: float) -> dict[str, LineModel]:
    """Page id -> the fold model that did not see that page's site."""
    by_id: dict[str, LineModel] = {}
    for path in sorted(folder.glob("fold*.npz")):
        with np.load(path, allow_pickle=False) as npz:
            s1, s2 = _mlp(npz, "s1"), _mlp(npz, "s2")
            meta = json.loads(str(npz["meta"]))
        model = LineModel(
            stage1=s1,
            stage2=s2,
            threshold_page=page,
            threshold_article=edge,
            threshold_article_mid=mid,
            meta="{}",
            fast1=FoldedMlp.fold(s1, constant_last=(0.0, 1.0)),
            fast2=FoldedMlp.fold(s2),
        )
        for rid in meta["held_out"]:
            by_id[rid] = model
    return by_id


def load_score(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


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


def capture_inputs(records: list[dict[str, str]], field: str) -> list[list[str]]:
    """The lines the classifier receives for every record (after the rule stages)."""
    seen: list[list[str]] = []
    real = pipeline.classify_lines

    def record(lines: Sequence[str], *, whole_page: bool | None = None) -> classify.Verdict:
        seen.append(list(lines))
        n = len(lines)
        return classify.Verdict((True,) * n, (1.0,) * n, False, False)

    pipeline.classify_lines = record  # type: ignore[assignment]
    try:
        cleaner = Cleaner()
        out = []
        for rec in records:
            seen.clear()
            cleaner.clean(rec.get(field) or "")
            out.append(seen[0] if seen else [])
    finally:
        pipeline.classify_lines = real  # type: ignore[assignment]
    return out


def tune(
    score: ModuleType,
    records: list[dict[str, str]],
    models: dict[str, LineModel],
    min_recall: float,
) -> tuple[float, float, float]:
    """Thresholds with the best approximate pipeline F1 (extracted: recall >= min_recall)."""
    grid = [float(t) for t in np.round(np.arange(0.025, 0.951, 0.025), 3)]
    best: dict[str, tuple[float, ...]] = {}
    for field in FIELDS:
        docs = []
        for rec, lines in zip(records, capture_inputs(records, field), strict=True):
            text = [s for s in lines if s]
            if not text:
                continue
            wp = classify.looks_like_whole_page(lines)
            probs = models[rec["id"]].predict(page_features(text), whole_page=wp)
            chars = np.array([len(s) for s in text], dtype=np.float64)
            docs.append((rec["gold"], text, wp, probs, chars))

        def f1(page: float, edge: float, mid: float) -> dict[str, float]:
            raw = []
            for gold, text, wp, probs, chars in docs:  # noqa: B023
                keep = keep_mask(
                    probs,
                    whole_page=wp,
                    page_threshold=page,
                    edge_threshold=edge,
                    mid_threshold=mid,
                )
                if too_little_kept(chars, keep, whole_page=wp):
                    keep[:] = True
                raw.append(
                    score.tp_fp_fn(gold, "\n".join(s for s, k in zip(text, keep, strict=True) if k))
                )
            m = score.token_metrics(raw)
            return {"f1": m["sh_f1"], "p": m["sh_precision"], "r": m["sh_recall"]}

        # Both kinds of input reach both policies through the detector, so each field's
        # figure depends on all three thresholds; tune page on wet, edge/mid on extracted.
        cand = []
        if field == "wet":
            for t in grid:
                cand.append(((t,), f1(t, classify._MODEL.threshold_article, 0.01)))
            pick = max(cand, key=lambda c: c[1]["f1"])
        else:
            for t in grid:
                for m in (0.0, 0.01, 0.02, 0.05):
                    if m < t:
                        cand.append(((t, m), f1(classify._MODEL.threshold_page, t, m)))
            ok = [c for c in cand if c[1]["r"] >= min_recall]
            pick = max(ok, key=lambda c: c[1]["f1"]) if ok else max(cand, key=lambda c: c[1]["r"])
        print(f"tuned {field}: {pick[0]} approx {pick[1]}")
        best[field] = pick[0]
    return best["wet"][0], best["extracted"][0], best["extracted"][1]


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
    ap.add_argument("--tune", action="store_true", help="choose thresholds on these predictions")
    ap.add_argument("--min-recall-article", type=float, default=0.975)
    ap.add_argument("--twice", action="store_true", help="count documents unstable when re-cleaned")
    a = ap.parse_args(argv)

    shipped = classify._MODEL
    page = shipped.threshold_page if a.page is None else a.page
    edge = shipped.threshold_article if a.edge is None else a.edge
    mid = shipped.threshold_article_mid if a.mid is None else a.mid
    with gzip.open(a.corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    score = load_score(a.score)
    if a.tune:
        models = load_folds(Path(a.folds), page, edge, mid)
        classify._MODEL = next(iter(models.values()))
        page, edge, mid = tune(score, records, models, a.min_recall_article)
    models = load_folds(Path(a.folds), page, edge, mid)
    print(f"thresholds: page {page}  edge {edge}  mid {mid}")
    print(f"{'field':10s} {'F1':>6s} {'P':>6s} {'R':>6s} {'valve':>6s} {'unstable':>8s}")
    try:
        for field in FIELDS:
            texts, valve, unstable = clean_all(records, field, models, a.twice)
            s = score_texts(a.score, a.corpus, field, records, texts)
            print(
                f"{field:10s} {s['sh_f1']:6.3f} {s['sh_precision']:6.3f} {s['sh_recall']:6.3f} "
                f"{valve:6d} {unstable if a.twice else '-':>8}"
            )
    finally:
        classify._MODEL = shipped
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
