"""Which block lines of a page to keep, from the HTML line model's scores and the page's blocks.

Two ideas, each measured on held-out corpora (``benchmarks/html/README.md``):

* **hysteresis**: a line next to article text needs less evidence to be article text (a short
  paragraph or a subhead between paragraphs) than the same score among boilerplate;
* **one article container**: an article is laid out in one container of the page. The lines
  the model is confident about find it (the deepest block holding most of their text), and
  outside it a line is kept only when the model is as confident about it. Teasers of other
  stories, a live feed beside the article, a sidebar's "most read" list read like prose and
  score like it, line by line; where they stand on the page gives them away. Inside the
  container, the threshold can then be low: captions, table cells and short paragraphs of the
  article are kept without keeping the same kinds of lines around it. The page's headline
  often stands above the body's container; its line is kept wherever it is when its score
  keeps it (headlines are article text).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .blocks import BlockLines
from .features import FloatArray, headline_index

BoolArray = npt.NDArray[np.bool_]

GROW_SHARE = 0.5
"""A line scoring at least this share of the threshold is kept when it joins, through lines
like it, a line scoring above the threshold (see :func:`kept_lines`)."""

ROOT_SHARE = 0.6
"""The article's container is the deepest block holding at least this share of the text of the
lines the model is confident about (see :func:`article_root`)."""

MIN_CONFIDENT_LINES = 2
"""Fewer confident lines than this find no container: one line (often the headline alone,
where the model doubts the body) would make its own block the container and drop the body."""


def kept_lines(scores: FloatArray, threshold: float) -> BoolArray:
    """Which lines to keep by score alone: those scoring at least ``threshold``, and each run of
    lines scoring at least ``GROW_SHARE * threshold`` that holds one of them (thresholding with
    hysteresis).

    >>> kept_lines(np.array([0.2, 0.3, 0.9, 0.3, 0.1, 0.3]), 0.5).tolist()
    [False, True, True, True, False, False]
    """
    strong = scores >= threshold
    weak = scores >= GROW_SHARE * threshold
    if not len(scores):
        return strong
    # number the runs of weak lines (0 outside them) and keep the runs holding a strong line
    run = np.cumsum(weak & ~np.concatenate(([False], weak[:-1]))) * weak
    holds = np.bincount(run, weights=strong) > 0
    holds[0] = False
    kept: BoolArray = holds[run]
    return kept


def article_root(blocks: BlockLines, lines: BoolArray) -> int:
    """The deepest block whose subtree holds at least :data:`ROOT_SHARE` of the characters of
    ``lines`` (0, the body, when they are spread over the page or there are none)."""
    block = np.asarray(blocks.block, dtype=np.intp)
    ends = np.asarray(blocks.block_ends, dtype=np.intp)
    chars = np.fromiter(map(len, blocks.lines), dtype=np.float64, count=len(blocks.lines))
    mass = np.where(lines, chars, 0.0)
    if not mass.sum():
        return 0
    # characters under each block's subtree, as differences of a prefix sum over the blocks
    # (a block's descendants are the blocks from its index up to its end)
    before = np.concatenate(([0.0], np.cumsum(np.bincount(block, mass, minlength=len(ends)))))
    subtree = before[ends] - before[: len(ends)]
    holding = np.flatnonzero(subtree >= ROOT_SHARE * mass.sum())  # the body holds all of it
    depth = np.asarray(blocks.block_depths)[holding]
    return int(holding[np.argmax(depth)])


def headline_line(blocks: BlockLines, headline: str) -> int | None:
    """The page's headline line (:func:`~cleantext.html.features.headline_index`): the first
    equal to ``headline`` (the page metadata's, from ``og:title`` or ``<h1>``), else the first
    line whose own block is an ``<h1>``."""
    tags = blocks.block_tags
    return headline_index(blocks.lines, headline, (tags[block] == "h1" for block in blocks.block))


def inside(blocks: BlockLines, root: int) -> BoolArray:
    """Which lines sit in block ``root`` or under it."""
    block = np.asarray(blocks.block, dtype=np.intp)
    within: BoolArray = (block >= root) & (block < blocks.block_ends[root])
    return within


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision's two thresholds, chosen on held-out corpora by ``benchmarks/html/train.py``.

    Attributes:
        threshold: inside the article's container, lines are kept by :func:`kept_lines` at
            this threshold.
        confident: lines scoring at least this find the container (:func:`article_root`), and
            outside it a line needs this score too.
    """

    threshold: float
    confident: float

    def kept(self, scores: FloatArray, blocks: BlockLines, headline: str = "") -> BoolArray:
        """Which of the page's lines to keep (``headline``: the page's, see
        :func:`headline_line`).

        >>> from cleantext.html.page import parse_page
        >>> page = parse_page(
        ...     "<div><p>a</p><p>b</p><p>c</p></div><aside><p>d</p><p>e</p></aside>"
        ... )
        >>> scores = np.array([0.9, 0.9, 0.25, 0.3, 0.85])
        >>> Decision(0.2, 0.8).kept(scores, page.blocks).tolist()
        [True, True, True, False, True]
        """
        keep = kept_lines(scores, self.threshold)
        sure = kept_lines(scores, self.confident)
        if np.count_nonzero(sure) < MIN_CONFIDENT_LINES:
            return keep
        within = inside(blocks, article_root(blocks, sure))
        top = headline_line(blocks, headline)
        if top is not None:
            within[top] = True
        chosen: BoolArray = keep & (within | (scores >= self.confident))
        return chosen
