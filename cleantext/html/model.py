"""The HTML line model: two small perceptrons evaluated with numpy, and the thresholds of its
decision (:mod:`cleantext.html.decision`).

Stage 1 scores each block line from its features (:mod:`cleantext.html.features`); it is a
perceptron distilled from gradient-boosted trees at training time, because trees evaluated node
by node in numpy would cost more than parsing the page. Stage 2 re-scores each line from
stage-1 scores around it: over neighbouring lines, and over the lines sharing its block's
ancestors (a container whose lines mostly score as article is the article, so its short lines
are too). Both are trained by ``benchmarks/html/train.py``, stage 2 on out-of-fold stage-1
scores. The weights (``model.npz`` beside this module, a few tens of kB) load once, on first
use, and are shared read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from ..classify.model import FoldedMlp, Mlp, mlp_of
from .blocks import BlockLines
from .decision import GROW_SHARE, MIN_ARTICLE_WORDS, ROOT_SHARE, Decision
from .features import COMPILED_FEATURES, FEATURE_NAMES, FloatArray, line_features

SMOOTH_WINDOWS = (1, 2, 4, 8)
"""Half-widths of the windows over which stage-1 scores are averaged."""

CONTAINER_LEVELS = (0, 1, 2, 3)
"""Ancestor levels (0: the line's own block) over whose lines stage-1 scores are averaged."""

SMOOTH_LINE_FEATURES = (
    "log_chars",
    "is_prose",
    "link_density",
    "in_main",
    "prose_share_1",
    "prose_share_2",
    "ends_sentence",
    "tag_h1",
    "is_headline",
    "position",
)
"""Stage-1 input columns that stage 2 sees again beside the scores."""

SMOOTH_NAMES: tuple[str, ...] = (
    "p",
    *(f"p_w{k}" for k in SMOOTH_WINDOWS),
    "p_prev",
    "p_next",
    "p_max_before",
    "p_max_after",
    "p_page_mean",
    "p_page_max",
    "p_rel_max",
    "p_rank",
    *(f"p_container_{k}" for k in CONTAINER_LEVELS),
    *SMOOTH_LINE_FEATURES,
)
"""Stage-2 input columns, in order (see :func:`smooth_features`)."""

_LINE_COLUMNS = tuple(FEATURE_NAMES.index(name) for name in SMOOTH_LINE_FEATURES)

if COMPILED_FEATURES is not None:
    COMPILED_FEATURES.check_smooth_layout(SMOOTH_NAMES, len(SMOOTH_LINE_FEATURES))


def smooth_features(p: FloatArray, x: FloatArray, blocks: BlockLines) -> FloatArray:
    """Stage-2 inputs: stage-1 scores ``p`` around each line, plus a few of its features;
    computed by the compiled extension where it is built (the same values bit for bit as
    :func:`numpy_smooth_features`, the reference)."""
    if COMPILED_FEATURES is not None and len(p):
        z = np.empty((len(p), len(SMOOTH_NAMES)))
        # the extension reads contiguous float64 in place (training passes views of scores)
        scores, inputs = np.ascontiguousarray(p, np.float64), np.ascontiguousarray(x, np.float64)
        COMPILED_FEATURES.smooth(
            scores, inputs, _LINE_COLUMNS, blocks.block, blocks.block_parents, z
        )
        return z
    return numpy_smooth_features(p, x, blocks)


def numpy_smooth_features(p: FloatArray, x: FloatArray, blocks: BlockLines) -> FloatArray:
    """:func:`smooth_features` computed with numpy."""
    n = len(p)
    z = np.empty((n, len(SMOOTH_NAMES)))
    z[:, 0] = p
    cum = np.concatenate(([0.0], np.cumsum(p)))
    idx = np.arange(n)
    col = 1
    for k in SMOOTH_WINDOWS:
        low = np.maximum(idx - k, 0)
        high = np.minimum(idx + k + 1, n)
        z[:, col] = (cum[high] - cum[low]) / (high - low)
        col += 1
    z[0, col] = 0.0
    z[1:, col] = p[:-1]
    z[:-1, col + 1] = p[1:]
    z[-1, col + 1] = 0.0
    z[0, col + 2] = 0.0
    z[1:, col + 2] = np.maximum.accumulate(p[:-1])
    z[-1, col + 3] = 0.0
    z[:-1, col + 3] = np.maximum.accumulate(p[:0:-1])[::-1]
    top = float(p.max())
    z[:, col + 4] = cum[-1] / n
    z[:, col + 5] = top
    z[:, col + 6] = p / max(top, 1e-6)
    rank = np.empty(n)
    rank[np.argsort(p, kind="stable")] = np.arange(n)
    z[:, col + 7] = rank / max(n - 1, 1)
    col += 8
    parent = np.asarray(blocks.block_parents, dtype=np.int64)
    ancestor = np.asarray(blocks.block, dtype=np.int64)
    level = 0
    for wanted in CONTAINER_LEVELS:
        while level < wanted:
            ancestor = parent[ancestor]
            level += 1
        sums = np.bincount(ancestor, weights=p, minlength=len(parent))
        counts = np.bincount(ancestor, minlength=len(parent))
        z[:, col] = sums[ancestor] / counts[ancestor]
        col += 1
    z[:, col:] = x[:, _LINE_COLUMNS]
    return z


@dataclass(frozen=True, slots=True)
class HtmlLineModel:
    """Both stages and the decision (:class:`~cleantext.html.decision.Decision`) whose
    thresholds were chosen on held-out corpora.

    Pages are scored with the stages' folded forms (:class:`~cleantext.classify.model.FoldedMlp`,
    the input scaling folded into the first layer): the same probabilities up to float
    rounding, with fewer passes over the page's features.
    """

    stage1: Mlp
    stage2: Mlp
    decision: Decision
    meta: str
    fast1: FoldedMlp
    fast2: FoldedMlp

    @classmethod
    def from_stages(
        cls, stage1: Mlp, stage2: Mlp, *, decision: Decision, meta: str
    ) -> HtmlLineModel:
        """The model of these two stages, with their folded forms built."""
        return cls(stage1, stage2, decision, meta, FoldedMlp.fold(stage1), FoldedMlp.fold(stage2))

    def scores(self, blocks: BlockLines, headline: str = "") -> FloatArray:
        """Probability that each block line is article text (headline included)."""
        if not blocks.lines:
            return np.zeros(0)
        x = line_features(blocks, headline)
        p = self.fast1.predict(x)
        return self.fast2.predict(smooth_features(p, x, blocks))


@cache
def load_html_model() -> HtmlLineModel:
    """Read the shipped ``model.npz`` (once); checks it was trained on this code's features
    and its thresholds chosen for this code's decision (the same grow and root shares and
    article words)."""
    ref = resources.files("cleantext.html").joinpath("model.npz")
    with ref.open("rb") as handle, np.load(handle, allow_pickle=False) as npz:
        data = {k: np.asarray(npz[k], dtype=np.float64) for k in npz.files if k != "meta"}
        meta = str(npz["meta"])
    for array in data.values():
        array.setflags(write=False)
    info = json.loads(meta)
    if tuple(info["features"]) != FEATURE_NAMES or tuple(info["smooth"]) != SMOOTH_NAMES:
        raise RuntimeError(
            "cleantext/html/model.npz was trained with other features than this code "
            "computes; retrain it with benchmarks/html/train.py --write"
        )
    chosen = info.get("decision", {})
    shares = (chosen.get("grow_share"), chosen.get("root_share"), chosen.get("min_words"))
    if shares != (GROW_SHARE, ROOT_SHARE, MIN_ARTICLE_WORDS):
        raise RuntimeError(
            "cleantext/html/model.npz's thresholds were chosen for another decision than this "
            f"code makes (grow share, root share and article words {shares}, not "
            f"{(GROW_SHARE, ROOT_SHARE, MIN_ARTICLE_WORDS)}); retrain it with "
            "benchmarks/html/train.py --write"
        )
    decision = Decision(float(chosen["threshold"]), float(chosen["confident"]))
    return HtmlLineModel.from_stages(
        mlp_of(data, "s1"), mlp_of(data, "s2"), decision=decision, meta=meta
    )
