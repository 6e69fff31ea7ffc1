"""The shipped line model: two small multi-layer perceptrons evaluated with numpy.

Why an MLP and not the trees of the prototype: trees evaluated node by node cost one numpy
call per tree level per page, which alone would eat the speed budget; a two-layer perceptron
is two matrix products for all lines of a page at once.

Why two stages: stage 1 scores each line from its own features and its neighbourhood's shape.
Stage 2 ("sequence smoothing") sees stage 1's probabilities around the line, so that a short line
inside a run of article paragraphs survives and a plausible sentence inside a footer goes.
Both stages are trained by ``benchmarks/classifier/train.py``; stage 2 on out-of-fold stage-1
probabilities, so it learns how reliable stage 1 is on pages it has not seen.

The weights live in ``model.npz`` beside this module (a few tens of kB), loaded once at import.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from cleantext._build import load_extension
from cleantext.classify.decide import (
    LATE_HEADLINE_MIN_SCORE,
    MIN_KEPT_SHARE_ARTICLE,
    MIN_KEPT_SHARE_PAGE,
    Policy,
)
from cleantext.classify.features import (
    CLASS_TABLE,
    FEATURE_NAMES,
    FOLD_TABLE,
    HEADLINE_MIN_SCORE,
    PROSE_WORDS,
    FloatArray,
)
from cleantext.classify.kind import KIND_FEATURES, KindModel

SMOOTH_WINDOWS = (1, 2, 4, 8)
"""Half-widths of the windows over which stage-1 probabilities are averaged."""

TAIL: tuple[str, ...] = (
    "log_chars",
    "ends_stop",
    "log_repeats",
    "rank",
    "title_share",
    "is_first",
    "headline_side",
    "headline_offset",
)
"""Stage-1 input columns that stage 2 sees as well, by name."""

SMOOTH_NAMES: tuple[str, ...] = (
    "p",
    *(f"p_w{k}" for k in SMOOTH_WINDOWS),
    "p_prev",
    "p_next",
    "p_max_before",
    "p_max_after",
    "p_mean_before",
    "p_mean_after",
    "p_page_mean",
    "p_page_max",
    "p_rel_max",
    "p_quantile",
    "whole_page",
    *TAIL,
)
"""Stage-2 input columns, in order (see :func:`smooth_features`)."""

_TAIL_COLUMNS = [FEATURE_NAMES.index(name) for name in TAIL]


# OpenBLAS splits a product over threads once rows x inner x outer exceeds 4 * 65536; on a
# busy machine (or one core per worker process) that costs more than it saves for our tiny
# layers, so large pages are multiplied in row blocks that stay below the threshold.
_BLAS_THREAD_THRESHOLD = 4 * 65536


def _single_thread_matmul(h: FloatArray, w: FloatArray) -> FloatArray:
    rows = max(_BLAS_THREAD_THRESHOLD // (w.shape[0] * w.shape[1]), 1)
    n = h.shape[0]
    if n <= rows:
        out: FloatArray = h @ w
        return out
    out = np.empty((n, w.shape[1]))
    for i in range(0, n, rows):
        np.matmul(h[i : i + rows], w, out=out[i : i + rows])
    return out


@dataclass(frozen=True, slots=True)
class Mlp:
    """A perceptron with ReLU hidden layers and one logistic output.

    Inputs are clipped to the training range's 0.5-99.5 percentiles, then standardised: ratio
    features have long tails (a line of three dots has a "stop rate" of 3) that would otherwise
    dominate the first layer.
    """

    low: FloatArray
    high: FloatArray
    mean: FloatArray
    scale: FloatArray
    weights: tuple[FloatArray, ...]
    biases: tuple[FloatArray, ...]

    def predict(self, x: FloatArray) -> FloatArray:
        """Probability of content for each row of ``x``."""
        h = (np.clip(x, self.low, self.high) - self.mean) / self.scale
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = _single_thread_matmul(h, w)
            h += b
            if i < last:
                np.maximum(h, 0.0, out=h)
        z = np.clip(h[:, 0], -30.0, 30.0)
        out: FloatArray = 1.0 / (1.0 + np.exp(-z))
        return out


@dataclass(frozen=True, slots=True)
class FoldedMlp:
    """An :class:`Mlp` prepared for fast evaluation (built once at load).

    Standardisation is linear, so it is folded into the first layer: ``(c - mean) / scale @ W
    + b`` becomes ``c @ (W / scale) + (b - (mean / scale) @ W)`` for the clipped input ``c``.
    That saves two full passes over the input per call; on the small pages that dominate the
    corpus, numpy's per-call overhead is most of the cost. Columns that are constant for a
    whole call (the whole-page flag of stage 1) are folded into the bias too, one bias per
    value, so the input need not be widened with a column of ones or zeros.

    The results differ from :meth:`Mlp.predict` only by float rounding (about 1e-15);
    ``benchmarks/classifier/check_identical.py`` checks no decision on the corpus changes.
    """

    low: FloatArray
    high: FloatArray
    first: FloatArray
    biases: tuple[FloatArray, ...]
    """One first-layer bias per value of the folded constant column (or just one)."""
    weights: tuple[FloatArray, ...]
    """Layers after the first; their biases follow in :attr:`rest_biases`."""
    rest_biases: tuple[FloatArray, ...]

    @classmethod
    def fold(cls, mlp: Mlp, *, constant_last: tuple[float, ...] = ()) -> FoldedMlp:
        """Fold ``mlp``'s scaling (and, given ``constant_last``, its last input column)."""
        w0 = mlp.weights[0] / mlp.scale[:, None]
        b0 = mlp.biases[0] - (mlp.mean / mlp.scale) @ mlp.weights[0]
        if constant_last:
            w_last = w0[-1]
            biases = tuple(
                b0 + float(np.clip(v, mlp.low[-1], mlp.high[-1])) * w_last for v in constant_last
            )
            low, high, w0 = mlp.low[:-1], mlp.high[:-1], w0[:-1]
        else:
            biases, low, high = (b0,), mlp.low, mlp.high
        arrays = (low, high, w0, *biases)
        rest = tuple(np.ascontiguousarray(w) for w in mlp.weights[1:])
        folded = cls(
            low=np.ascontiguousarray(low),
            high=np.ascontiguousarray(high),
            first=np.ascontiguousarray(w0),
            biases=biases,
            weights=rest,
            rest_biases=tuple(mlp.biases[1:]),
        )
        for arr in (*arrays, folded.low, folded.high, folded.first, *rest):
            arr.setflags(write=False)
        return folded

    def predict(self, x: FloatArray, bias: int = 0) -> FloatArray:
        """Probability of content for each row of ``x``; ``bias`` picks the folded constant."""
        h = np.maximum(x, self.low)
        np.minimum(h, self.high, out=h)
        h = _single_thread_matmul(h, self.first)
        h += self.biases[bias]
        for w, b in zip(self.weights, self.rest_biases, strict=True):
            np.maximum(h, 0.0, out=h)
            h = _single_thread_matmul(h, w)
            h += b
        z = h[:, 0]
        np.clip(z, -30.0, 30.0, out=z)
        np.negative(z, out=z)
        np.exp(z, out=z)
        z += 1.0
        out: FloatArray = np.reciprocal(z, out=z)
        return out


@dataclass(frozen=True, slots=True)
class LineModel:
    """Both stages plus the decision policy tuned for them."""

    stage1: Mlp
    stage2: Mlp
    policy: Policy
    kind: KindModel
    """Decides whether a document is a whole page when the caller does not say."""
    meta: str
    fast1: FoldedMlp
    fast2: FoldedMlp
    kernel: Any = None
    """The compiled kernel built from the same weights (``_kernel.Kernel``), or None."""

    @classmethod
    def from_stages(
        cls, stage1: Mlp, stage2: Mlp, *, policy: Policy, kind: KindModel, meta: str
    ) -> LineModel:
        """The model of these two stages, with their folded and compiled forms built."""
        fast1 = FoldedMlp.fold(stage1, constant_last=(0.0, 1.0))
        fast2 = FoldedMlp.fold(stage2)
        return cls(
            stage1=stage1,
            stage2=stage2,
            policy=policy,
            kind=kind,
            meta=meta,
            fast1=fast1,
            fast2=fast2,
            kernel=compiled_kernel(fast1, fast2, policy, kind),
        )

    def predict(self, x: FloatArray, *, whole_page: bool) -> FloatArray:
        """Stage-2 probability of content for every line of one page, from its features."""
        p = self.fast1.predict(x, bias=1 if whole_page else 0)
        return self.fast2.predict(smooth_features(p, x, whole_page=whole_page))


def with_mode(x: FloatArray, *, whole_page: bool) -> FloatArray:
    """Append the whole-page flag as the last stage-1 column.

    Why a flag rather than two models: extracted text has far fewer boilerplate lines than
    whole pages, too few to train a model of its own, but the same line shapes matter.
    """
    flag = np.full((x.shape[0], 1), 1.0 if whole_page else 0.0)
    return np.hstack((x, flag))


def smooth_features(p: FloatArray, x: FloatArray, *, whole_page: bool) -> FloatArray:
    """Stage-2 inputs: stage-1 probabilities around each line plus a few line features.

    ``p_max_before``/``p_max_after`` tell whether confident content lies on both sides (the line
    sits inside the article) or only on one (it is a header or a footer).
    """
    n = p.shape[0]
    z = np.empty((n, len(SMOOTH_NAMES)))
    z[:, 0] = p
    # One prefix sum padded for the widest window serves every window (see window_means:
    # the same differences of the same prefix sums, so the same values).
    pad = SMOOTH_WINDOWS[-1]
    padded = np.empty(n + 2 * pad + 2)
    padded[: pad + 1] = 0.0
    cum = padded[pad + 1 : pad + 1 + n]
    np.cumsum(p, out=cum)
    padded[pad + 1 + n :] = cum[-1]
    idx = np.arange(n, dtype=np.float64)
    for j, k in enumerate(SMOOTH_WINDOWS, start=1):
        col = z[:, j]
        np.subtract(padded[pad + 1 + k : pad + 1 + k + n], padded[pad - k : pad - k + n], out=col)
        col /= np.minimum(idx + (k + 1), n) - np.maximum(idx - k, 0.0)
    z[0, 5] = 0.0
    z[1:, 5] = p[:-1]
    z[:-1, 6] = p[1:]
    z[-1, 6] = 0.0
    z[0, 7] = 0.0
    np.maximum.accumulate(p[:-1], out=z[1:, 7])
    z[-1, 8] = 0.0
    np.maximum.accumulate(p[:0:-1], out=z[-2::-1, 8])
    z[:, 9] = (cum - p) / np.maximum(idx, 1.0)
    z[:, 10] = (cum[-1] - cum) / np.maximum(n - 1.0 - idx, 1.0)
    z[:, 11] = cum[-1] / n
    # Relative standing: on a page where even the article scores low (an unusual layout, a
    # list-like article), its lines are still the page's most content-like ones.
    top = p.max()
    z[:, 12] = top
    z[:, 13] = p / max(top, 1e-6)
    # Stable ranks: tied probabilities (repeated lines) rank in line order, as the kernel has them.
    z[:, 14] = np.argsort(np.argsort(p, kind="stable"), kind="stable") / max(n - 1, 1)
    z[:, 15] = 1.0 if whole_page else 0.0
    z[:, 16:] = x[:, _TAIL_COLUMNS]
    return z


def input_scaling(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``low``, ``high``, ``mean``, ``scale`` of a perceptron's inputs (see :class:`Mlp`), from
    the training rows ``x``; used by the training scripts of both line models."""
    # Clip only long tails: the range always covers [0, 1], so rare binary flags survive.
    low = np.minimum(np.percentile(x, 0.5, axis=0), 0.0)
    high = np.maximum(np.percentile(x, 99.5, axis=0), 1.0)
    clipped = np.clip(x, low, high)
    mean = clipped.mean(axis=0)
    scale = clipped.std(axis=0)
    scale[scale < 1e-9] = 1.0
    return low, high, mean, scale


def mlp_of(data: Mapping[str, npt.NDArray[np.float64]], prefix: str) -> Mlp:
    """The perceptron stored under ``prefix`` (inverse of :func:`arrays_of`)."""
    n_layers = sum(1 for k in data if k.startswith(f"{prefix}_w"))
    return Mlp(
        low=data[f"{prefix}_low"],
        high=data[f"{prefix}_high"],
        mean=data[f"{prefix}_mean"],
        scale=data[f"{prefix}_scale"],
        weights=tuple(data[f"{prefix}_w{i}"] for i in range(n_layers)),
        biases=tuple(data[f"{prefix}_b{i}"] for i in range(n_layers)),
    )


def arrays_of(model: Mlp, prefix: str) -> dict[str, FloatArray]:
    """The arrays to store for ``model`` under ``prefix`` (inverse of loading)."""
    out = {
        f"{prefix}_low": model.low,
        f"{prefix}_high": model.high,
        f"{prefix}_mean": model.mean,
        f"{prefix}_scale": model.scale,
    }
    for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        out[f"{prefix}_w{i}"] = w
        out[f"{prefix}_b{i}"] = b
    return out


def load_model() -> LineModel:
    """Read the shipped ``model.npz``; checks its feature list matches this code's."""
    ref = resources.files("cleantext.classify").joinpath("model.npz")
    with ref.open("rb") as fh, np.load(fh, allow_pickle=False) as npz:
        data = {k: np.asarray(npz[k], dtype=np.float64) for k in npz.files if k != "meta"}
        meta = str(npz["meta"])
    for arr in data.values():
        arr.setflags(write=False)  # shared by all threads: make accidental writes fail loudly
    info = json.loads(meta)
    if tuple(info["features"]) != FEATURE_NAMES or tuple(info["smooth"]) != SMOOTH_NAMES:
        raise RuntimeError(
            "cleantext/classify/model.npz was trained with other features than this code "
            "computes; retrain with benchmarks/classifier/train.py"
        )
    return LineModel.from_stages(
        mlp_of(data, "s1"),
        mlp_of(data, "s2"),
        policy=Policy(**info["policy"]),
        kind=kind_of(data, info),
        meta=meta,
    )


def kind_of(data: Mapping[str, npt.NDArray[np.float64]], info: Mapping[str, Any]) -> KindModel:
    """The page detector stored beside the stages (inverse of :func:`kind_arrays`)."""
    if tuple(info["kind"]["features"]) != KIND_FEATURES:
        raise RuntimeError(
            "cleantext/classify/model.npz has a page detector for other features than this "
            "code computes; retrain with benchmarks/classifier/train.py"
        )
    return KindModel(
        mean=data["k_mean"],
        scale=data["k_scale"],
        weights=data["k_weights"],
        bias=float(info["kind"]["bias"]),
        threshold=float(info["kind"]["threshold"]),
    )


def kind_arrays(kind: KindModel) -> tuple[dict[str, FloatArray], dict[str, Any]]:
    """The arrays and the metadata to store for ``kind``."""
    arrays = {"k_mean": kind.mean, "k_scale": kind.scale, "k_weights": kind.weights}
    return arrays, {
        "features": list(KIND_FEATURES),
        "bias": kind.bias,
        "threshold": kind.threshold,
    }


def _spec(mlp: FoldedMlp) -> tuple[Any, ...]:
    weights = (mlp.first, *mlp.weights)
    sizes = (weights[0].shape[0], *(w.shape[1] for w in weights))
    return (mlp.low, mlp.high, sizes, mlp.biases, weights, mlp.rest_biases)


_LOG_TABLE_SIZE = 4096


def compiled_kernel(fast1: FoldedMlp, fast2: FoldedMlp, policy: Policy, kind: KindModel) -> Any:
    """The compiled kernel for these weights and this policy, or None when it was not built
    (no compiler at install time) or was built from other sources (``cleantext._build``).

    The kernel is told everything it must agree on with this code: the character-class and
    case tables, the names of the stage-1 and stage-2 columns in order (it computes each by
    name and refuses a name it does not know, with a ValueError: never something else
    silently), the policy and the valve's shares. Logarithms of counts below
    ``_LOG_TABLE_SIZE`` are handed over as numpy computes them, so those features match the
    numpy path bit for bit. Its perceptrons run in single precision, so its scores differ from
    :meth:`LineModel.predict` by about 1e-6 (more where stage 2's rank of a score swaps two
    near-equal ones; ``benchmarks/classifier/check_identical.py`` checks that no decision on
    the corpora changes).
    """
    _kernel = load_extension("cleantext.classify._kernel")
    if _kernel is None:
        return None
    counts = np.arange(_LOG_TABLE_SIZE, dtype=np.float64)
    with np.errstate(divide="ignore"):
        logs = np.log(counts)
    log1p = np.log1p(counts)
    tables = {
        "classes": CLASS_TABLE.tobytes(),
        "fold": FOLD_TABLE.tobytes(),
        "log1p": log1p,
        "log": logs,
        "expm1_log1p": np.expm1(log1p),
    }
    layout = {
        "features": FEATURE_NAMES,
        "smooth": SMOOTH_NAMES,
        "headline_min_score": HEADLINE_MIN_SCORE,
        "late_headline_min_score": LATE_HEADLINE_MIN_SCORE,
        "prose_words": PROSE_WORDS,
    }
    shares = {"min_share_page": MIN_KEPT_SHARE_PAGE, "min_share_article": MIN_KEPT_SHARE_ARTICLE}
    detector = {
        "names": KIND_FEATURES,
        "mean": kind.mean,
        "scale": kind.scale,
        "weights": kind.weights,
        "bias": kind.bias,
        "threshold": kind.threshold,
    }
    return _kernel.Kernel(
        tables, layout, {**asdict(policy), **shares}, detector, _spec(fast1), _spec(fast2)
    )
