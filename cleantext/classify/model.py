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
from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

from cleantext.classify.features import FEATURE_NAMES, FloatArray, window_means

SMOOTH_WINDOWS = (1, 2, 4, 8)
"""Half-widths of the windows over which stage-1 probabilities are averaged."""

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
    "log_chars",
    "ends_stop",
    "log_repeats",
    "rank",
)
"""Stage-2 input columns, in order (see :func:`smooth_features`)."""

_LOG_CHARS = FEATURE_NAMES.index("log_chars")
_ENDS_STOP = FEATURE_NAMES.index("ends_stop")
_REPEATS = FEATURE_NAMES.index("log_repeats")
_RANK = FEATURE_NAMES.index("rank")


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
class LineModel:
    """Both stages plus the decision thresholds tuned for each kind of input."""

    stage1: Mlp
    stage2: Mlp
    threshold_page: float
    threshold_article: float
    threshold_article_mid: float
    meta: str

    def predict(self, x: FloatArray, *, whole_page: bool) -> FloatArray:
        """Stage-2 probability of content for every line of one page."""
        p = self.stage1.predict(with_mode(x, whole_page=whole_page))
        return self.stage2.predict(smooth_features(p, x, whole_page=whole_page))


def with_mode(x: FloatArray, *, whole_page: bool) -> FloatArray:
    """Append the whole-page flag as the last stage-1 column.

    Why a flag rather than two models: extracted text has too few boilerplate lines (a few
    hundred in the dev corpus) to train a model of its own, but the same line shapes matter.
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
    for j, k in enumerate(SMOOTH_WINDOWS, start=1):
        z[:, j] = window_means(p, k)
    z[:, 5] = np.concatenate(([0.0], p[:-1]))
    z[:, 6] = np.concatenate((p[1:], [0.0]))
    z[0, 7] = 0.0
    np.maximum.accumulate(p[:-1], out=z[1:, 7])
    z[-1, 8] = 0.0
    np.maximum.accumulate(p[:0:-1], out=z[-2::-1, 8])
    cum = np.cumsum(p)
    idx = np.arange(n, dtype=np.float64)
    z[:, 9] = (cum - p) / np.maximum(idx, 1.0)
    z[:, 10] = (cum[-1] - cum) / np.maximum(n - 1.0 - idx, 1.0)
    z[:, 11] = cum[-1] / n
    # Relative standing: on a page where even the article scores low (an unusual layout, a
    # list-like article), its lines are still the page's most content-like ones.
    top = p.max()
    z[:, 12] = top
    z[:, 13] = p / max(top, 1e-6)
    z[:, 14] = np.argsort(np.argsort(p)) / max(n - 1, 1)
    z[:, 15] = 1.0 if whole_page else 0.0
    z[:, 16] = x[:, _LOG_CHARS]
    z[:, 17] = x[:, _ENDS_STOP]
    z[:, 18] = x[:, _REPEATS]
    z[:, 19] = x[:, _RANK]
    return z


def _mlp(data: dict[str, npt.NDArray[np.float64]], prefix: str) -> Mlp:
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
    return LineModel(
        stage1=_mlp(data, "s1"),
        stage2=_mlp(data, "s2"),
        threshold_page=float(info["threshold_page"]),
        threshold_article=float(info["threshold_article"]),
        threshold_article_mid=float(info.get("threshold_article_mid", 0.0)),
        meta=meta,
    )
