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

By default the model learns from the raw fields, told which field a line comes from;
``--input after-rules`` makes it learn from what it receives in the pipeline instead (the lines
the rule stages leave, whole page or article as the detector decides; see ``rule_inputs.py``).
Needs scikit-learn at training time only; the package evaluates the weights with numpy.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import numpy as np
from joblib import Parallel, delayed
from lightgbm import LGBMClassifier
from sklearn.model_selection import GroupKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
# Import the feature and model modules without running cleantext/classify/__init__.py, which
# loads the shipped weights: those may be absent or stale while the features change (nor
# cleantext/__init__.py, which imports the classifier through the pipeline).
for _name in ("classify", "actions"):
    _pkg = ModuleType(f"cleantext.{_name}")
    _pkg.__path__ = [str(ROOT / "cleantext" / _name)]
    sys.modules[f"cleantext.{_name}"] = _pkg

from cleantext.actions.shape import ends_sentence  # noqa: E402
from cleantext.classify.decide import keep_mask, too_little_kept  # noqa: E402
from cleantext.classify.features import FEATURE_NAMES, FloatArray, page_features  # noqa: E402
from cleantext.classify.model import (  # noqa: E402
    SMOOTH_NAMES,
    Mlp,
    arrays_of,
    mlp_of,
    smooth_features,
    with_mode,
)

FIELDS = ("wet", "extracted")
MODEL_PATH = ROOT / "cleantext" / "classify" / "model.npz"
STAGE1_HIDDEN = (64, 32)
STAGE2_HIDDEN = (12,)
ALPHA = 1e-3
BATCH = 512
MAX_ITER = 150
TEACHER: dict[str, Any] = {
    "n_estimators": 300,
    "learning_rate": 0.05,
    "num_leaves": 31,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "n_jobs": 1,
    "verbose": -1,
}
"""LightGBM parameters of the stage-1 teacher (``--teacher key=value`` overrides one)."""


@dataclass(frozen=True)
class Page:
    """One input field of one corpus record, reduced to what training needs."""

    rid: str
    site: str
    field: str
    lines: tuple[str, ...]  # non-empty stripped lines
    whole_page: bool  # the classifier's mode: the field name, or the detector's verdict
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


def after_rules(corpus: str) -> dict[tuple[str, str], dict[str, Any]]:
    """(id, field) -> what the classify stage receives in the default pipeline: the lines the
    rule stages leave and the detector's whole-page verdict (see ``rule_inputs.py``). It runs
    in its own process because this script stands in for ``cleantext.classify``."""
    out = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("rule_inputs.py")), "--corpus", corpus],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {(d["id"], d["field"]): d for d in map(json.loads, out.splitlines())}


def load_pages(corpus: str, score: ModuleType, source: str = "raw") -> list[Page]:
    """Training pages: the raw fields (``source="raw"``, whole page iff ``wet``) or what the
    classifier receives after the rule stages (``"after-rules"``, mode from the detector)."""
    with gzip.open(corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    inputs = after_rules(corpus) if source == "after-rules" else {}
    pages = []
    for rec in records:
        for field in FIELDS:
            if inputs:
                seen = inputs[(rec["id"], field)]
                text = "\n".join(seen["lines"])
                whole_page = bool(seen["whole_page"])
            else:
                text = rec.get(field) or ""
                whole_page = field == "wet"
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
                    whole_page,
                    labels,
                    w,
                    page_features(lines),
                    rec["gold"],
                )
            )
    return pages


def stack1(pages: list[Page]) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    x = np.vstack([with_mode(p.x, whole_page=p.whole_page) for p in pages])
    y = np.concatenate([p.labels for p in pages])
    w = np.concatenate([p.weights for p in pages])
    return x, y, w


def input_scaling(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``low``, ``high``, ``mean``, ``scale`` of a perceptron's inputs (see ``Mlp``)."""
    # Clip only long tails: the range always covers [0, 1], so rare binary flags survive.
    low = np.minimum(np.percentile(x, 0.5, axis=0), 0.0)
    high = np.maximum(np.percentile(x, 99.5, axis=0), 1.0)
    clipped = np.clip(x, low, high)
    mean = clipped.mean(axis=0)
    scale = clipped.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return low, high, mean, scale


def fitted_mlp(scaling: tuple[FloatArray, ...], estimator: Any) -> Mlp:
    """The :class:`Mlp` of a fitted scikit-learn perceptron trained on scaled inputs."""
    low, high, mean, scale = scaling
    return Mlp(
        low,
        high,
        mean,
        scale,
        tuple(np.asarray(c) for c in estimator.coefs_),
        tuple(np.asarray(b) for b in estimator.intercepts_),
    )


def scaled(x: FloatArray, scaling: tuple[FloatArray, ...]) -> FloatArray:
    low, high, mean, scale = scaling
    out: FloatArray = (np.clip(x, low, high) - mean) / scale
    return out


def fit_mlp(x: FloatArray, y: np.ndarray, w: np.ndarray, hidden: tuple[int, ...], seed: int) -> Mlp:
    scaling = input_scaling(x)
    clf = MLPClassifier(
        hidden_layer_sizes=hidden,
        alpha=ALPHA,
        max_iter=MAX_ITER,
        random_state=seed,
        batch_size=BATCH,
        learning_rate_init=2e-3,
    )
    clf.fit(scaled(x, scaling), y, sample_weight=w)
    return fitted_mlp(scaling, clf)


def fit_stage1(
    x: FloatArray, y: np.ndarray, w: np.ndarray, seed: int, *, hidden: tuple[int, ...]
) -> Mlp:
    """Stage 1: a perceptron with ``hidden`` layer sizes, distilled from gradient-boosted trees.

    Trees fit these features better than a perceptron trained on the labels (about 0.90 vs
    0.87 token F1 on whole pages in grouped cross-validation), but evaluating hundreds of
    trees per page is far too slow at runtime. So the trees are only the teacher: the
    perceptron regresses on the trees' logits, which are smoother targets than 0/1 labels.
    """
    teacher = LGBMClassifier(**{**TEACHER, "random_state": seed})
    teacher.fit(x, y, sample_weight=w)
    p = np.clip(teacher.predict_proba(x)[:, 1], 0.005, 0.995)
    target = np.log(p / (1.0 - p))
    scaling = input_scaling(x)
    student = MLPRegressor(
        hidden_layer_sizes=hidden,
        alpha=ALPHA,
        max_iter=MAX_ITER,
        random_state=seed,
        batch_size=BATCH,
        learning_rate_init=2e-3,
    )
    student.fit(scaled(x, scaling), target, sample_weight=w)
    return fitted_mlp(scaling, student)


def stage1_probs(model: Mlp, pages: list[Page]) -> list[FloatArray]:
    return [model.predict(with_mode(p.x, whole_page=p.whole_page)) for p in pages]


def stack2(pages: list[Page], probs: list[FloatArray]) -> tuple[FloatArray, np.ndarray, np.ndarray]:
    z = np.vstack(
        [
            smooth_features(pr, p.x, whole_page=p.whole_page)
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


def stage1_arrays(pages: list[Page], seed: int, hidden: tuple[int, ...]) -> dict[str, FloatArray]:
    """:func:`fit_stage1` on ``pages`` for a worker process (see :func:`fit_fold`)."""
    return arrays_of(fit_stage1(*stack1(pages), seed, hidden=hidden), "s1")


def fit_both(
    pages: list[Page],
    by: str,
    inner: int,
    seed: int,
    jobs: int = 1,
    *,
    hidden: tuple[int, ...],
) -> tuple[Mlp, Mlp]:
    """Stage 1 (``hidden`` layer sizes) on all ``pages``; stage 2 on stage-1 probabilities that
    are out-of-fold (``inner`` grouped folds). The ``inner + 1`` stage-1 fits are independent:
    with ``jobs > 1`` they run in worker processes (only from the main process)."""
    g = groups_of(pages, by)
    splits = list(GroupKFold(n_splits=inner).split(np.zeros(len(pages)), groups=g))
    subsets = [[pages[i] for i in tr] for tr, _ in splits] + [pages]
    if jobs > 1:
        fitted = [
            mlp_of(arrays, "s1")
            for arrays in Parallel(n_jobs=jobs, backend="multiprocessing")(
                delayed(stage1_arrays)(sub, seed, hidden) for sub in subsets
            )
        ]
    else:
        fitted = [fit_stage1(*stack1(sub), seed, hidden=hidden) for sub in subsets]
    oof: list[FloatArray] = [np.empty(0)] * len(pages)
    for m, (_, te) in zip(fitted, splits, strict=False):
        for i, pr in zip(te, stage1_probs(m, [pages[i] for i in te]), strict=True):
            oof[i] = pr
    s2 = fit_mlp(*stack2(pages, oof), STAGE2_HIDDEN, seed)
    return fitted[-1], s2


def fit_fold(
    pages: list[Page], by: str, inner: int, seed: int, hidden: tuple[int, ...]
) -> dict[str, FloatArray]:
    """:func:`fit_both` for a worker process: plain arrays travel back (the stand-in package
    this script installs for ``cleantext.classify`` cannot be pickled by reference)."""
    s1, s2 = fit_both(pages, by, inner, seed, hidden=hidden)
    return {**arrays_of(s1, "s1"), **arrays_of(s2, "s2")}


def predict(s1: Mlp, s2: Mlp, page: Page) -> FloatArray:
    wp = page.whole_page
    p = s1.predict(with_mode(page.x, whole_page=wp))
    return s2.predict(smooth_features(p, page.x, whole_page=wp))


@dataclass(frozen=True)
class Policy:
    """Decision thresholds, applied exactly as at runtime (``cleantext.classify.decide``)."""

    page: float = 0.5
    edge: float = 0.5
    mid: float = 0.0
    head: float | None = None  # extracted text's leading run; None: ``edge``


Memo = dict[tuple[int, bytes], tuple[float, float, float]]


def line_ends_sentence(lines: tuple[str, ...], index: int) -> bool:
    """Whether line ``index`` ends a sentence (the policy never cuts such a line as a title)."""
    return ends_sentence(lines[index])


def token_scores(
    score: ModuleType,
    pages: list[Page],
    probs: list[FloatArray],
    policy: Policy,
    memo: Memo | None = None,
    runs: int = 1,
) -> dict[str, float]:
    """Token F1/P/R of ``policy`` on these pages, and ``r_min``, the lowest recall of ``runs``
    equal consecutive shares of them (the predictions of several training runs, pooled).
    ``memo`` (shared between calls on the same pages) keeps each page's counts per keep mask:
    most thresholds of a grid cut a page the same way, and scoring the text is the expensive
    part."""
    memo = {} if memo is None else memo
    raw = []
    for i, (p, pr) in enumerate(zip(pages, probs, strict=True)):
        wp = p.whole_page
        keep = keep_mask(
            pr,
            whole_page=wp,
            page_threshold=policy.page,
            edge_threshold=policy.edge,
            mid_threshold=policy.mid,
            head_threshold=policy.head,
            ends_sentence=partial(line_ends_sentence, p.lines),
        )
        chars = np.array([len(s) for s in p.lines], dtype=np.float64)
        if too_little_kept(chars, keep, whole_page=wp):
            keep[:] = True
        key = (i, keep.tobytes())
        if key not in memo:
            text = "\n".join(s for s, k in zip(p.lines, keep, strict=True) if k)
            memo[key] = score.tp_fp_fn(p.gold, text)
        raw.append(memo[key])
    m = score.token_metrics(raw)
    share = len(raw) // runs
    r_min = min(
        score.token_metrics(raw[k * share : (k + 1) * share])["sh_recall"] for k in range(runs)
    )
    return {"f1": m["sh_f1"], "p": m["sh_precision"], "r": m["sh_recall"], "r_min": r_min}


def tune(
    score: ModuleType,
    pages: list[Page],
    probs: list[FloatArray],
    min_recall: float,
    fixed: Policy | None = None,
    runs: int = 1,
) -> tuple[Policy, dict[str, dict[str, float]]]:
    """Thresholds with the best token F1 per field (extracted: among those meeting
    ``min_recall``; if none does, the most recall-preserving candidate).

    ``pages`` may hold the out-of-fold predictions of ``runs`` training runs (other seeds), one
    after the other: F1 is then pooled, but ``min_recall`` must hold on each run's predictions.
    A threshold that meets the floor only on the pool sits where one more page losing its
    first paragraph breaks it, as a different seed (or corpus) readily does.

    With ``fixed`` (a shipped model's thresholds) only the extracted text's head threshold is
    chosen, the others kept (``--retune --head-only``; see the README for why it is not
    shipped). It is never tuned jointly with the edge threshold: a joint search fit noise (on
    single runs' out-of-fold predictions it chose trailing thresholds from 0.125 to 0.6, which
    through the pipeline cost recall for no F1).

    The article thresholds are chosen on the ``extracted`` field, then the page threshold on
    ``wet`` with them in force: when the mode comes from the detector, some ``wet`` documents
    are read as article text (and a few ``extracted`` ones as pages), so both policies act on
    both fields. The scores returned are those of the final policy."""
    grid = [float(t) for t in np.round(np.arange(0.025, 0.951, 0.025), 3)]
    wet = [i for i, p in enumerate(pages) if p.field == "wet"]
    ext = [i for i, p in enumerate(pages) if p.field == "extracted"]
    wp, wpr = [pages[i] for i in wet], [probs[i] for i in wet]
    ep, epr = [pages[i] for i in ext], [probs[i] for i in ext]
    memo: Memo = {}

    def best(policies: list[Policy]) -> Policy:
        candidates = [(c, token_scores(score, ep, epr, c, memo, runs)) for c in policies]
        ok = [c for c in candidates if c[1]["r_min"] >= min_recall]
        pick = (
            max(ok, key=lambda c: c[1]["f1"])
            if ok
            else max(candidates, key=lambda c: c[1]["r_min"])
        )
        return pick[0]

    if fixed is None:
        art = best([Policy(edge=t, mid=m) for t in grid for m in (0.0, 0.01, 0.02, 0.05) if m < t])
    else:
        # The head threshold stops at 0.5: a line the model finds more likely content than not
        # is not cut for its position (above it the out-of-fold F1 curve is flat on the dev
        # corpus, and recall only falls).
        heads = [h for h in grid if fixed.edge <= h <= 0.5]
        art = best([Policy(edge=fixed.edge, mid=fixed.mid, head=h) for h in heads])
    if fixed is None:
        wet_memo: Memo = {}
        page_best = max(
            (Policy(page=t, edge=art.edge, mid=art.mid, head=art.head) for t in grid),
            key=lambda policy: token_scores(score, wp, wpr, policy, wet_memo)["f1"],
        )
    else:
        page_best = Policy(page=fixed.page, edge=art.edge, mid=art.mid, head=art.head)
    return page_best, {
        "wet": token_scores(score, wp, wpr, page_best),
        "extracted": token_scores(score, ep, epr, page_best),
    }


def read_dump(path: str, pages: list[Page]) -> list[FloatArray]:
    with open(path, encoding="utf-8") as fh:
        rows = {(d["id"], d["field"]): np.array(d["p"]) for d in map(json.loads, fh)}
    probs = [rows.get((p.rid, p.field), np.empty(0)) for p in pages]
    if any(len(pr) != len(p.lines) for p, pr in zip(pages, probs, strict=True)):
        raise SystemExit(
            f"{path} does not match these pages: was it dumped with another --input or corpus?"
        )
    return probs


def hidden_sizes(model: Mlp) -> list[int]:
    """The hidden layer sizes of ``model``, as its weights have them."""
    return [int(w.shape[1]) for w in model.weights[:-1]]


def write_model(s1: Mlp, s2: Mlp, policy: Policy, info: dict[str, Any]) -> None:
    meta = json.dumps(
        {
            "features": list(FEATURE_NAMES),
            "smooth": list(SMOOTH_NAMES),
            "threshold_page": policy.page,
            "threshold_article": policy.edge,
            "threshold_article_mid": policy.mid,
            "threshold_article_head": policy.edge if policy.head is None else policy.head,
            "stage1_hidden": hidden_sizes(s1),
            "stage2_hidden": hidden_sizes(s2),
            **info,
        }
    )
    arrays = {**arrays_of(s1, "s1"), **arrays_of(s2, "s2")}
    np.savez_compressed(
        MODEL_PATH, meta=np.array(meta), **{k: v.astype(np.float32) for k, v in arrays.items()}
    )
    print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({MODEL_PATH.stat().st_size} bytes)")


def save_folds(folder: Path, fitted: list[tuple[Mlp, Mlp]], held_out: list[list[str]]) -> None:
    """One ``fold<k>.npz`` per outer fold: both stages and the ids of the pages it never saw."""
    folder.mkdir(parents=True, exist_ok=True)
    for k, ((s1, s2), ids) in enumerate(zip(fitted, held_out, strict=True)):
        meta = json.dumps(
            {
                "held_out": sorted(set(ids)),
                "stage1_hidden": hidden_sizes(s1),
                "stage2_hidden": hidden_sizes(s2),
            }
        )
        arrays = {**arrays_of(s1, "s1"), **arrays_of(s2, "s2")}
        np.savez_compressed(folder / f"fold{k}.npz", meta=np.array(meta), **arrays)
    print(f"wrote {len(fitted)} folds to {folder}")


def layer_sizes(text: str) -> tuple[int, ...]:
    """``--stage1-hidden``: comma-separated positive layer sizes, e.g. ``32,16``."""
    try:
        sizes = tuple(int(n) for n in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"expected positive layer sizes separated by commas, like 32,16; got {text!r}"
        )
    return sizes


def fmt(s: dict[str, Any]) -> str:
    runs = f" (lowest of the runs {s['r_min']:.3f})" if s["r_min"] != s["r"] else ""
    return f"F1 {s['f1']:.3f}  P {s['p']:.3f}  R {s['r']:.3f}{runs}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", default="/work/shared/corpus/dev.jsonl.gz")
    ap.add_argument("--score", default="/work/shared/eval/score.py")
    ap.add_argument(
        "--input",
        choices=["raw", "after-rules"],
        default="raw",
        help="train on the raw fields (whole page iff wet) or on what the classifier receives "
        "in the default pipeline: the lines the rule stages leave, mode from the detector",
    )
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
    ap.add_argument(
        "--teacher",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a LightGBM parameter of the stage-1 teacher (repeatable)",
    )
    ap.add_argument(
        "--stage1-hidden",
        type=layer_sizes,
        default=STAGE1_HIDDEN,
        metavar="N,N",
        help="hidden layer sizes of the stage-1 perceptron (default "
        f"{','.join(map(str, STAGE1_HIDDEN))}); its cost per line at run time grows with them",
    )
    ap.add_argument("--jobs", type=int, default=2, help="parallel outer folds")
    ap.add_argument("--dump", help="write out-of-fold probabilities (JSONL) here")
    ap.add_argument(
        "--save-folds",
        metavar="DIR",
        help="write each outer fold's weights and held-out page ids here, for "
        "cv_pipeline.py (cross-validation of the full pipeline)",
    )
    ap.add_argument("--write", action="store_true", help="write cleantext/classify/model.npz")
    ap.add_argument(
        "--retune",
        metavar="DUMP",
        nargs="+",
        help="skip fitting: choose thresholds from --dump files of out-of-fold probabilities "
        "(several, e.g. of runs with other seeds, are pooled: thresholds less tied to one "
        "run's noise) and rewrite only the thresholds of the shipped model",
    )
    ap.add_argument(
        "--head-only",
        action="store_true",
        help="with --retune: keep the shipped model's page, edge and middle thresholds and "
        "choose only the threshold of extracted text's leading run",
    )
    a = ap.parse_args(argv)

    for item in a.teacher:
        key, _, value = item.partition("=")
        TEACHER[key] = json.loads(value)
    score = load_score(a.score)
    t0 = time.perf_counter()
    pages = load_pages(a.corpus, score, a.input)
    detected = sum(p.whole_page != (p.field == "wet") for p in pages)
    print(
        f"{len(pages)} pages ({a.input}; {detected} read as the other kind), "
        f"{sum(len(p.lines) for p in pages)} lines, "
        f"{len(FEATURE_NAMES)} features ({time.perf_counter() - t0:.1f}s)"
    )
    by = "site" if a.cv == "none" else a.cv
    policy = Policy()
    probs: list[FloatArray] = []
    if a.retune:
        probs = [pr for dump in a.retune for pr in read_dump(dump, pages)]
        pages = pages * len(a.retune)
    elif a.cv != "none":
        probs = [np.empty(0)] * len(pages)
        g = groups_of(pages, a.cv)
        splits = list(GroupKFold(n_splits=a.folds).split(np.zeros(len(pages)), groups=g))
        fitted = [
            (mlp_of(arrays, "s1"), mlp_of(arrays, "s2"))
            for arrays in Parallel(n_jobs=a.jobs, backend="multiprocessing")(
                delayed(fit_fold)([pages[i] for i in tr], a.cv, a.inner, a.seed, a.stage1_hidden)
                for tr, _ in splits
            )
        ]
        for (s1, s2), (_, te) in zip(fitted, splits, strict=True):
            for i in te:
                probs[i] = predict(s1, s2, pages[i])
        print(f"cross-validation done ({time.perf_counter() - t0:.0f}s)")
        if a.save_folds:
            save_folds(Path(a.save_folds), fitted, [[pages[i].rid for i in te] for _, te in splits])
        if a.dump:
            with open(a.dump, "w", encoding="utf-8") as fh:
                for p, pr in zip(pages, probs, strict=True):
                    row = {"id": p.rid, "field": p.field, "p": [round(float(v), 4) for v in pr]}
                    fh.write(json.dumps(row) + "\n")
    fixed = None
    if a.head_only:
        if not a.retune:
            raise SystemExit("--head-only needs --retune")
        with np.load(MODEL_PATH, allow_pickle=False) as npz:
            old = json.loads(str(npz["meta"]))
        fixed = Policy(
            page=old["threshold_page"],
            edge=old["threshold_article"],
            mid=old.get("threshold_article_mid", 0.0),
        )
    if probs:
        runs = len(a.retune) if a.retune else 1
        policy, scores = tune(score, pages, probs, a.min_recall_article, fixed, runs)
        print(f"thresholds: {policy}")
        for field in FIELDS:
            print(f"CV {field:9s} {fmt(scores[field])}")
    info = {
        "trained_on": Path(a.corpus).name,
        "input": a.input,
        "cv": a.cv,
        "seed": a.seed,
        "teacher": TEACHER,
    }
    if a.retune:
        # Keep the fitted weights, replace only the thresholds.
        with np.load(MODEL_PATH, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files if k != "meta"}
            old = json.loads(str(npz["meta"]))
        old.update(
            threshold_page=policy.page,
            threshold_article=policy.edge,
            threshold_article_mid=policy.mid,
            threshold_article_head=policy.edge if policy.head is None else policy.head,
            retuned_from=[Path(d).name for d in a.retune],
        )
        np.savez_compressed(MODEL_PATH, meta=np.array(json.dumps(old)), **arrays)
        print(f"rewrote the thresholds of {MODEL_PATH.relative_to(ROOT)}")
    elif a.write:
        s1, s2 = fit_both(pages, by, a.inner, a.seed, jobs=a.jobs, hidden=a.stage1_hidden)
        write_model(s1, s2, policy, info)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
