"""Train the generic line classifier on the three corpora and write the shipped model.

Usage (from the repository root; scikit-learn and LightGBM are needed here only)::

    pip install scikit-learn lightgbm
    python benchmarks/classifier/validate.py --folds /tmp/folds   # unseen-site figures + dump
    python benchmarks/classifier/train.py --policy-from /tmp/folds --write

The model (see ``cleantext/classify/model.py``) has two stages. Stage 1 scores every line from
its own features, its neighbourhood and the page (``features.py``); it is a small perceptron
*distilled* from gradient-boosted trees: the trees fit the features better, but evaluating
hundreds of them per page would cost far more than the speed budget, so the perceptron learns
to reproduce the trees' log-odds. Stage 2 re-scores each line from the stage-1 probabilities
around it (sequence smoothing) and a few of its features; it is trained on stage-1
probabilities that are out-of-fold (grouped by site), as it will see them on unseen sites, and
distilled the same way.

Training pages are all fields of all records of the three corpora, as the classify stage
receives them (``corpora.py``); labels come from the scorer, headline counted as content.
The decision policy is not chosen here but on corpora held out from training, by
``validate.py``: ``--policy-from`` reads the policy its leave-one-corpus-out run chose.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

# One thread per library: on a small machine LightGBM's and OpenBLAS's thread pools spin
# against each other and against other work (a 5-second fit took 140 seconds with two).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
from lightgbm import LGBMClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPRegressor

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# (cleantext.classify reads its shipped weights on first use only, so it imports fine while
# the features change and the shipped model no longer fits them.)

from corpora import Page  # noqa: E402

from cleantext.classify.decide import Policy  # noqa: E402
from cleantext.classify.features import FEATURE_NAMES, FloatArray, page_features  # noqa: E402
from cleantext.classify.kind import KindModel, kind_features  # noqa: E402
from cleantext.classify.model import (  # noqa: E402
    SMOOTH_NAMES,
    Mlp,
    arrays_of,
    input_scaling,
    kind_arrays,
    kind_of,
    mlp_of,
    smooth_features,
    with_mode,
)

MODEL_PATH = ROOT / "cleantext" / "classify" / "model.npz"
STAGE1_HIDDEN = (32, 16)
STAGE2_HIDDEN = (16,)
TEACHER: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_child_samples": 50,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "n_jobs": 1,  # see the thread note above
    "verbose": -1,
}
"""LightGBM parameters of both teachers (``--teacher key=value`` overrides one)."""
STUDENT_ROWS = 150_000
"""The perceptrons learn from at most this many lines, drawn at random (their weights kept):
the teacher's log-odds are smooth targets, and more lines cost time, not accuracy."""


KIND_THRESHOLD = 0.5
"""The page detector's threshold until ``validate.py`` chooses one on held-out corpora."""


def add_features(pages: Sequence[Page]) -> None:
    """Compute every page's stage-1 feature matrix (once; folds share them)."""
    for page in pages:
        if page.x.shape[0] != len(page.lines):
            page.x = page_features(page.lines)


def kind_inputs(pages: Sequence[Page]) -> FloatArray:
    """The page detector's inputs of each page (``kind.kind_features``)."""
    return np.array([kind_features(p.lines, p.x, p.lines_before) for p in pages])


def fit_kind(pages: Sequence[Page], threshold: float = KIND_THRESHOLD) -> KindModel:
    """The page detector: a logistic regression telling the whole-page field from the
    extracted one, every page weighing the same."""
    x = kind_inputs(pages)
    y = np.array([p.field == "wet" for p in pages])
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    fitted = LogisticRegression(C=1.0, max_iter=5000).fit((x - mean) / scale, y)
    return KindModel(
        mean=mean,
        scale=scale,
        weights=np.asarray(fitted.coef_[0], dtype=np.float64),
        bias=float(fitted.intercept_[0]),
        threshold=threshold,
    )


def detect(kind: KindModel, pages: Sequence[Page]) -> None:
    """Set each page's mode as the detector decides it at run time."""
    for page, features in zip(pages, kind_inputs(pages), strict=True):
        page.whole_page = kind.is_page(features)


def stack1(pages: Sequence[Page]) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    x = np.vstack([with_mode(p.x, whole_page=p.whole_page) for p in pages])
    return x, np.concatenate([p.labels for p in pages]), np.concatenate([p.weights for p in pages])


def stack2(
    pages: Sequence[Page], probs: Sequence[FloatArray]
) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    z = np.vstack(
        [
            smooth_features(q, p.x, whole_page=p.whole_page)
            for p, q in zip(pages, probs, strict=True)
        ]
    )
    return z, np.concatenate([p.labels for p in pages]), np.concatenate([p.weights for p in pages])


def distil(x: FloatArray, y: np.ndarray, w: np.ndarray, hidden: tuple[int, ...], seed: int) -> Mlp:
    """A perceptron with ``hidden`` layers that reproduces the log-odds of gradient-boosted
    trees fitted to ``y`` (the teacher), learnt on at most :data:`STUDENT_ROWS` lines."""
    teacher = LGBMClassifier(**{**TEACHER, "random_state": seed})
    teacher.fit(x, y, sample_weight=w)
    p = np.clip(teacher.predict_proba(x)[:, 1], 0.005, 0.995)
    target = np.log(p / (1.0 - p))
    rows = np.random.default_rng(seed).permutation(len(x))[:STUDENT_ROWS]
    scaling = input_scaling(x[rows])
    low, high, mean, scale = scaling
    student = MLPRegressor(
        hidden_layer_sizes=hidden,
        alpha=1e-3,
        max_iter=40,
        random_state=seed,
        batch_size=1024,
        learning_rate_init=2e-3,
        early_stopping=False,
    )
    student.fit((np.clip(x[rows], low, high) - mean) / scale, target[rows], sample_weight=w[rows])
    return Mlp(
        low,
        high,
        mean,
        scale,
        tuple(np.asarray(c) for c in student.coefs_),
        tuple(np.asarray(b) for b in student.intercepts_),
    )


def groups_of(pages: Sequence[Page]) -> np.ndarray:
    """A group number per page: its site (both fields of a page always share a fold)."""
    index: dict[str, int] = {}
    return np.array([index.setdefault(p.site, len(index)) for p in pages])


def stage1_probs(model: Mlp, pages: Sequence[Page]) -> list[FloatArray]:
    return [model.predict(with_mode(p.x, whole_page=p.whole_page)) for p in pages]


def fit_model(pages: Sequence[Page], seed: int = 0, inner: int = 3) -> tuple[Mlp, Mlp, KindModel]:
    """The page detector and both stages fitted on ``pages``, which learn in the mode the
    detector gives them (as at run time); stage 2 on out-of-fold stage-1 probabilities
    (``inner`` folds grouped by site)."""
    add_features(pages)
    kind = fit_kind(pages)
    detect(kind, pages)
    oof: list[FloatArray] = [np.empty(0)] * len(pages)
    splits = GroupKFold(n_splits=inner).split(np.zeros(len(pages)), groups=groups_of(pages))
    for train, held in splits:
        fold = distil(*stack1([pages[i] for i in train]), STAGE1_HIDDEN, seed)
        for i, q in zip(held, stage1_probs(fold, [pages[i] for i in held]), strict=True):
            oof[i] = q
    stage1 = distil(*stack1(pages), STAGE1_HIDDEN, seed)
    stage2 = distil(*stack2(pages, oof), STAGE2_HIDDEN, seed)
    return stage1, stage2, kind


def predict(stage1: Mlp, stage2: Mlp, page: Page) -> FloatArray:
    """Stage-2 probabilities of one page (the numpy reference of what ships)."""
    p = stage1.predict(with_mode(page.x, whole_page=page.whole_page))
    return stage2.predict(smooth_features(p, page.x, whole_page=page.whole_page))


def save_model(path: Path, stage1: Mlp, stage2: Mlp, kind: KindModel, meta: dict[str, Any]) -> None:
    """Both stages, the page detector and ``meta`` in one ``.npz`` (the stages' weights as
    float32, as shipped; the detector's small arrays in full)."""
    kind_data, kind_info = kind_arrays(kind)
    info = {"features": list(FEATURE_NAMES), "smooth": list(SMOOTH_NAMES), **meta}
    info["kind"] = kind_info
    info["stage1_hidden"] = [int(w.shape[1]) for w in stage1.weights[:-1]]
    info["stage2_hidden"] = [int(w.shape[1]) for w in stage2.weights[:-1]]
    arrays = {
        k: v.astype(np.float32)
        for k, v in {**arrays_of(stage1, "s1"), **arrays_of(stage2, "s2")}.items()
    }
    np.savez_compressed(path, meta=np.array(json.dumps(info)), **arrays, **kind_data)


def load_saved(path: Path) -> tuple[Mlp, Mlp, KindModel, dict[str, Any]]:
    """What :func:`save_model` wrote."""
    with np.load(path, allow_pickle=False) as npz:
        arrays = {k: np.asarray(npz[k], dtype=np.float64) for k in npz.files if k != "meta"}
        meta = json.loads(str(npz["meta"]))
    return mlp_of(arrays, "s1"), mlp_of(arrays, "s2"), kind_of(arrays, meta), meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--policy-from",
        metavar="FOLDS",
        required=True,
        help="folder of a validate.py run: its policy.json (chosen on held-out corpora)",
    )
    ap.add_argument(
        "--teacher",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a LightGBM parameter of the teachers (repeatable)",
    )
    ap.add_argument("--write", action="store_true", help="write cleantext/classify/model.npz")
    a = ap.parse_args(argv)
    for item in a.teacher:
        key, _, value = item.partition("=")
        TEACHER[key] = json.loads(value)

    from corpora import CORPORA, load_pages

    chosen = json.loads((Path(a.policy_from) / "policy.json").read_text())["all"]
    policy = Policy(**chosen["policy"])
    t0 = time.perf_counter()
    pages = load_pages(CORPORA)
    print(f"{len(pages)} pages, {sum(len(p.lines) for p in pages)} lines", flush=True)
    stage1, stage2, kind = fit_model(pages, seed=a.seed)
    kind = replace(kind, threshold=chosen["kind_threshold"])
    print(f"fitted in {time.perf_counter() - t0:.0f} s; policy {policy}, {kind}")
    if a.write:
        save_model(
            MODEL_PATH,
            stage1,
            stage2,
            kind,
            {
                "policy": asdict(policy),
                "trained_on": list(CORPORA),
                "seed": a.seed,
                "teacher": TEACHER,
                "policy_from": "validate.py leave-one-corpus-out, all three held-out corpora",
            },
        )
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
