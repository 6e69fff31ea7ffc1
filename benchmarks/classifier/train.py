"""Train the generic line classifier, cross-validate it, and write the shipped model.

Usage (from the repository root)::

    python benchmarks/classifier/train.py --corpus /work/shared/corpus/dev.jsonl.gz \\
        --score /work/shared/eval/score.py --cv site --write

Labels come from the scorer itself (``content_labels`` of ``score.py``): a line is content when
at least half of its tokens are covered by the gold article body. Using the scorer's own rule
means the model optimises what is measured, and no labels are stored anywhere.

Cross-validation is grouped (by page, or by site with ``--cv site``) and nested: inside each
outer fold, stage 2 is trained on stage-1 probabilities that are themselves out-of-fold, exactly
as for the shipped model. The decision thresholds are chosen on the out-of-fold predictions.
Needs scikit-learn at training time only; the package evaluates the weights with numpy.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# Import the feature and model modules without running cleantext/classify/__init__.py, which
# loads the shipped weights: those may be absent or stale while the features change.
_pkg = ModuleType("cleantext.classify")
_pkg.__path__ = [str(ROOT / "cleantext" / "classify")]
sys.modules["cleantext.classify"] = _pkg

from cleantext.classify.features import FEATURE_NAMES, FloatArray, page_features  # noqa: E402
from cleantext.classify.model import (  # noqa: E402
    SMOOTH_NAMES,
    Mlp,
    arrays_of,
    smooth_features,
    with_mode,
)

FIELDS = ("wet", "extracted")
STAGE1_HIDDEN = (48, 16)
STAGE2_HIDDEN = (12,)
ALPHA = 1e-3
BATCH = 512
MAX_ITER = 150


@dataclass(frozen=True)
class Page:
    """One input field of one corpus record, reduced to what training needs."""

    rid: str
    site: str
    field: str
    lines: tuple[str, ...]  # non-empty stripped lines
    labels: np.ndarray  # bool per line
    weights: np.ndarray  # per-line training weight
    x: FloatArray  # page_features(lines)
    gold: str


def load_score(path: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the scorer from {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def site_of(url: str) -> str:
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def load_pages(corpus: str, score: ModuleType) -> list[Page]:
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    pages = []
    for rec in records:
        for field in FIELDS:
            text = rec.get(field) or ""
            lines = tuple(s for s in (raw.strip() for raw in text.split("\n")) if s)
            if not lines:
                continue
            labels = np.array(score.content_labels(text, rec["gold"]), dtype=bool)
            ntok = np.array([len(score.TOKEN_RE.findall(s)) for s in lines], dtype=np.float64)
            # Token F1 is averaged over pages, so every page gets the same total weight and,
            # within a page, a line weighs by its tokens (square root: a long paragraph is
            # not worth a hundred menu lines when judging shapes).
            w = np.sqrt(np.maximum(ntok, 1.0))
            w = w / w.sum() * 100.0
            pages.append(
                Page(
                    rec["id"],
                    site_of(rec["url"]),
                    field,
                    lines,
                    labels,
                    w,
                    page_features(lines),
                    rec["gold"],
                )
            )
    return pages


def stack1(pages: list[Page]) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    x = np.vstack([with_mode(p.x, whole_page=p.field == "wet") for p in pages])
    y = np.concatenate([p.labels for p in pages])
    w = np.concatenate([p.weights for p in pages])
    return x, y, w


def fit_mlp(x: FloatArray, y: np.ndarray, w: np.ndarray, hidden: tuple[int, ...], seed: int) -> Mlp:
    # Clip only long tails: the range always covers [0, 1], so rare binary flags survive.
    low = np.minimum(np.percentile(x, 0.5, axis=0), 0.0)
    high = np.maximum(np.percentile(x, 99.5, axis=0), 1.0)
    x = np.clip(x, low, high)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = MLPClassifier(
        hidden_layer_sizes=hidden,
        alpha=ALPHA,
        max_iter=MAX_ITER,
        random_state=seed,
        batch_size=BATCH,
        learning_rate_init=2e-3,
    )
    clf.fit((x - mean) / scale, y, sample_weight=w)
    return Mlp(
        low,
        high,
        mean,
        scale,
        tuple(np.asarray(c) for c in clf.coefs_),
        tuple(np.asarray(b) for b in clf.intercepts_),
    )


def stage1_probs(model: Mlp, pages: list[Page]) -> list[FloatArray]:
    return [model.predict(with_mode(p.x, whole_page=p.field == "wet")) for p in pages]


def stack2(pages: list[Page], probs: list[FloatArray]) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    z = np.vstack(
        [
            smooth_features(pr, p.x, whole_page=p.field == "wet")
            for p, pr in zip(pages, probs, strict=True)
        ]
    )
    y = np.concatenate([p.labels for p in pages])
    w = np.concatenate([p.weights for p in pages])
    return z, y, w


def groups_of(pages: list[Page], by: str) -> np.ndarray:
    keys = [p.site if by == "site" else p.rid for p in pages]
    index = {k: i for i, k in enumerate(dict.fromkeys(keys))}
    return np.array([index[k] for k in keys])


def oof_stage1(pages: list[Page], by: str, folds: int, seed: int) -> list[FloatArray]:
    """Out-of-fold stage-1 probabilities for every page in ``pages``."""
    probs: list[FloatArray] = [np.empty(0)] * len(pages)
    g = groups_of(pages, by)
    for tr, te in GroupKFold(n_splits=folds).split(np.zeros(len(pages)), groups=g):
        m = fit_mlp(*stack1([pages[i] for i in tr]), STAGE1_HIDDEN, seed)
        for i, pr in zip(te, stage1_probs(m, [pages[i] for i in te]), strict=True):
            probs[i] = pr
    return probs


def fit_both(pages: list[Page], by: str, inner: int, seed: int) -> tuple[Mlp, Mlp]:
    oof = oof_stage1(pages, by, inner, seed)
    s2 = fit_mlp(*stack2(pages, oof), STAGE2_HIDDEN, seed)
    s1 = fit_mlp(*stack1(pages), STAGE1_HIDDEN, seed)
    return s1, s2


def predict(s1: Mlp, s2: Mlp, page: Page) -> FloatArray:
    wp = page.field == "wet"
    p = s1.predict(with_mode(page.x, whole_page=wp))
    return s2.predict(smooth_features(p, page.x, whole_page=wp))


def token_scores(
    score: ModuleType, pages: list[Page], probs: list[FloatArray], threshold: float
) -> dict[str, float]:
    raw = []
    for p, pr in zip(pages, probs, strict=True):
        keep = pr >= threshold
        if not keep.any():  # the runtime safety valve keeps everything
            keep[:] = True
        text = "\n".join(s for s, k in zip(p.lines, keep, strict=True) if k)
        raw.append(score.tp_fp_fn(p.gold, text))
    m = score.token_metrics(raw)
    return {"f1": m["sh_f1"], "p": m["sh_precision"], "r": m["sh_recall"]}


def best_threshold(
    score: ModuleType, pages: list[Page], probs: list[FloatArray], min_recall: float
) -> tuple[float, dict[str, float]]:
    """Threshold with the best token F1 among those meeting ``min_recall``.

    If none meets it, the threshold with the best recall (the lowest) is returned.
    """
    grid = [float(t) for t in np.round(np.arange(0.025, 0.951, 0.025), 3)]
    results = [(t, token_scores(score, pages, probs, t)) for t in grid]
    ok = [r for r in results if r[1]["r"] >= min_recall]
    if not ok:
        return results[0]
    return max(ok, key=lambda r: r[1]["f1"])


def fmt(s: dict[str, Any]) -> str:
    return f"F1 {s['f1']:.3f}  P {s['p']:.3f}  R {s['r']:.3f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", default="/work/shared/corpus/dev.jsonl.gz")
    ap.add_argument("--score", default="/work/shared/eval/score.py")
    ap.add_argument("--cv", choices=["site", "page", "none"], default="site")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--inner", type=int, default=3, help="folds for out-of-fold stage-1 probs")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--min-recall-article",
        type=float,
        default=0.975,
        help="recall floor when choosing the threshold for extracted text",
    )
    ap.add_argument("--jobs", type=int, default=2, help="parallel outer folds")
    ap.add_argument("--dump", help="write out-of-fold probabilities (JSONL) here")
    ap.add_argument("--write", action="store_true", help="write cleantext/classify/model.npz")
    a = ap.parse_args(argv)

    score = load_score(a.score)
    t0 = time.perf_counter()
    pages = load_pages(a.corpus, score)
    print(
        f"{len(pages)} pages, {sum(len(p.lines) for p in pages)} lines, "
        f"{len(FEATURE_NAMES)} features ({time.perf_counter() - t0:.1f}s)"
    )
    by = "site" if a.cv == "none" else a.cv
    thresholds = {"wet": 0.5, "extracted": 0.5}
    if a.cv != "none":
        probs: list[FloatArray] = [np.empty(0)] * len(pages)
        g = groups_of(pages, a.cv)
        splits = list(GroupKFold(n_splits=a.folds).split(np.zeros(len(pages)), groups=g))
        fitted = Parallel(n_jobs=a.jobs, backend="multiprocessing")(
            delayed(fit_both)([pages[i] for i in tr], a.cv, a.inner, a.seed) for tr, _ in splits
        )
        for (s1, s2), (_, te) in zip(fitted, splits, strict=True):
            for i in te:
                probs[i] = predict(s1, s2, pages[i])
        print(f"cross-validation done ({time.perf_counter() - t0:.0f}s)")
        if a.dump:
            with open(a.dump, "w", encoding="utf-8") as fh:
                for p, pr in zip(pages, probs, strict=True):
                    fh.write(
                        json.dumps(
                            {"id": p.rid, "field": p.field, "p": [round(float(v), 4) for v in pr]}
                        )
                        + "\n"
                    )
        for field in FIELDS:
            sel = [i for i, p in enumerate(pages) if p.field == field]
            fp = [pages[i] for i in sel]
            fpr = [probs[i] for i in sel]
            floor = a.min_recall_article if field == "extracted" else 0.0
            t, s = best_threshold(score, fp, fpr, floor)
            thresholds[field] = t
            print(
                f"CV by {a.cv} {field:9s} threshold {t:.3f}  {fmt(s)}  "
                f"(at 0.5: {fmt(token_scores(score, fp, fpr, 0.5))})"
            )
    if a.write:
        s1, s2 = fit_both(pages, by, a.inner, a.seed)
        meta = json.dumps(
            {
                "features": list(FEATURE_NAMES),
                "smooth": list(SMOOTH_NAMES),
                "threshold_page": thresholds["wet"],
                "threshold_article": thresholds["extracted"],
                "trained_on": Path(a.corpus).name,
                "cv": a.cv,
                "seed": a.seed,
                "stage1_hidden": list(STAGE1_HIDDEN),
                "stage2_hidden": list(STAGE2_HIDDEN),
            }
        )
        arrays = {**arrays_of(s1, "s1"), **arrays_of(s2, "s2")}
        out = ROOT / "cleantext" / "classify" / "model.npz"
        np.savez_compressed(
            out, meta=np.array(meta), **{k: v.astype(np.float32) for k, v in arrays.items()}
        )
        print(f"wrote {out.relative_to(ROOT)} ({out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
