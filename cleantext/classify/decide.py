"""From per-line probabilities to keep/remove decisions, and the safety valve.

Shared by the runtime (:mod:`cleantext.classify`) and the training scripts, so the thresholds
are tuned under exactly the policy that ships; the compiled kernel mirrors both policies and
the valve (``page_runs`` and ``article_runs`` in ``_kernel.c``, tested against this module).

Why two policies:

* whole page: the article is one block. The policy finds the run of lines that carries the
  most evidence of content: a maximum-sum run of ``(p - threshold) * length`` (a navigation
  line with a high score cannot pull a block across a menu of low-scoring ones, and a short
  low-scoring line inside the article, a subhead or a list item, does not break it). The
  threshold is the page's own (:func:`likeliest_article`): the run chosen is the one whose
  expected token F1 is the highest, were the scores probabilities, so an article whose
  lines all score 0.3 under menus that score 0.01 is found, where a fixed 0.5 would take a
  short disclaimer scoring 0.7 instead. Inside that block a line is kept from the low
  ``inside`` probability on; outside it only when it is clearly content (``outside``), such
  as a second article block. The headline (the line that repeats the page's title,
  ``features.title_features``) is kept wherever it is: a byline, a date or a share bar often
  stands between it and the block. When every line above the block scores at least
  ``inside``, the block reaches up to the first line: no menu is left there, only the top
  of the article. That is how a page looks once its menus and its ``<title>`` line are gone
  (the classifier's next round, or a new cleaning of its output), with the headline first
  and nothing left to tell it is one.
* extracted text: it is article text already, and a lost sentence costs more than a leftover
  share button. Only leading and trailing runs of lines that score below ``edge_threshold``
  are cut, a bar chosen on corpora held out from training so that article recall does not
  fall; a low-scoring line in the middle (a list item, a short paragraph) is never cut, and
  nothing is cut for its position alone: headlines are content.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from cleantext.classify.features import FEATURE_NAMES, FloatArray

BoolArray = npt.NDArray[np.bool_]
_IS_HEADLINE = FEATURE_NAMES.index("is_headline")
_TITLE_SHARE = FEATURE_NAMES.index("title_share")
_TITLE_COVER = FEATURE_NAMES.index("title_cover")

LATE_HEADLINE_MIN_SCORE = 0.6
"""When the features mark no headline (they look in the first half of a page only), a line
that repeats the page's title at least this well (``title_share * title_cover``) is taken as
the headline by the policies anyway: a whole page's menus can take more lines than its article
and footer together. The model's inputs stay as it was trained on."""


@dataclass(frozen=True, slots=True)
class Policy:
    """The decision thresholds of both policies, chosen by ``benchmarks/classifier/train.py``
    on corpora held out from training and shipped with the model."""

    block: float = 0.4
    """Whole pages: the highest threshold of the article block's search (0.5 or more: none,
    as the expected F1 never asks for more; see :func:`likeliest_article`)."""
    inside: float = 0.1
    """Whole pages: inside the block a line is kept from this probability on."""
    outside: float = 0.9
    """Whole pages: outside the block a line is kept from this probability on."""
    edge: float = 0.0
    """Extracted text: leading and trailing lines below this probability are cut (0: none)."""

    def can_drop(self, whole_page: bool) -> bool:
        """Whether text of this kind can lose a line: extracted text loses only edge runs
        below ``edge``, and no probability is below 0 (so its lines need no scores).

        >>> Policy(edge=0.0).can_drop(False), Policy(edge=0.05).can_drop(False)
        (False, True)
        """
        return whole_page or self.edge > 0.0


MIN_KEPT_SHARE_PAGE = 0.05
"""Safety valve on whole pages: keeping less than this share of the characters means the model
did not find the article (an unusual layout), and everything is kept instead."""

MIN_KEPT_SHARE_ARTICLE = 0.5
"""Safety valve on extracted text: removing more than half of it is a misreading of the input."""


def best_block(probs: FloatArray, lengths: FloatArray, threshold: float) -> tuple[int, int]:
    """``[first, end)`` of the run of lines with the largest sum of
    ``(probs - threshold) * lengths`` (the maximum-sum subarray, from prefix sums: the end is
    the first that reaches the largest sum, the start the last lowest prefix before it); an
    empty run ``(0, 0)`` when no run has a positive sum (no line shows content).

    >>> best_block(np.array([0.1, 0.9, 0.3, 0.8, 0.1]), np.ones(5), 0.5)
    (1, 4)
    >>> best_block(np.array([0.1, 0.2]), np.ones(2), 0.5)
    (0, 0)
    """
    gains = (probs - threshold) * lengths
    prefix = np.zeros(len(gains) + 1)
    np.cumsum(gains, out=prefix[1:])
    lowest = np.minimum.accumulate(prefix[:-1])
    sums = prefix[1:] - lowest
    end = int(np.argmax(sums)) + 1
    if not sums[end - 1] > 0.0:
        return 0, 0
    before = prefix[:end]
    first = end - 1 - int(np.argmin(before[::-1]))
    return first, end


MAX_BLOCK_STEPS = 16
""":func:`likeliest_article` stops after this many thresholds (it takes two to four)."""


def likeliest_article(probs: FloatArray, lengths: FloatArray, highest: float) -> tuple[int, int]:
    """``[first, end)`` of the run of lines whose expected token F1 is the highest, the scores
    read as probabilities that a line is content and its length as its tokens; an empty run
    ``(0, 0)`` when no line scores above ``highest`` (nothing shows content).

    Why this run: keeping ``[first, end)`` has the expected F1 ``2 C / (L + T)``, with ``C``
    the run's content mass (the sum of ``p * length``), ``L`` its length and ``T`` the page's
    content mass. A run beats F1 ``f`` exactly when its sum of ``(p - f / 2) * length`` is
    positive, so the best run is found by Dinkelbach's iteration: the best block at threshold
    ``t`` (:func:`best_block`), then ``t`` = half its F1, until the run stays the same. The
    threshold is the page's own: low where the article's lines score low but its menus far
    lower, up to ``highest`` on a page whose article stands out. Sums are taken from the first
    line on, as the compiled kernel takes them, so both find the same run.

    >>> likeliest_article(np.array([0.01] * 4 + [0.3] * 6 + [0.7]), np.ones(11), 0.5)
    (4, 11)
    >>> best_block(np.array([0.01] * 4 + [0.3] * 6 + [0.7]), np.ones(11), 0.5)
    (10, 11)
    """
    first, end = best_block(probs, lengths, highest)
    if not end:
        return first, end
    content = np.zeros(len(probs) + 1)
    np.cumsum(probs * lengths, out=content[1:])
    size = np.zeros(len(probs) + 1)
    np.cumsum(lengths, out=size[1:])
    threshold = highest
    for _ in range(MAX_BLOCK_STEPS):
        f1 = 2.0 * (content[end] - content[first]) / ((size[end] - size[first]) + content[-1])
        lower = min(highest, f1 / 2.0)
        if lower == threshold:
            break
        threshold = lower
        block = best_block(probs, lengths, threshold)
        if block == (first, end):
            break
        first, end = block
    return first, end


def page_keep(
    probs: FloatArray,
    lengths: FloatArray,
    *,
    block_threshold: float,
    inside: float,
    outside: float,
    headline: int | None = None,
) -> BoolArray:
    """Keep flags of the whole-page policy (see the module docstring); ``headline`` is the
    headline's position, if the page has one.

    >>> page_keep(np.array([0.6, 0.05, 0.9, 0.15, 0.8, 0.05, 0.95]), np.ones(7),
    ...           block_threshold=0.4, inside=0.1, outside=0.9).tolist()
    [False, False, True, True, True, False, True]
    >>> page_keep(np.array([0.3, 0.05, 0.9, 0.8]), np.ones(4),
    ...           block_threshold=0.4, inside=0.1, outside=0.9, headline=0).tolist()
    [True, False, True, True]
    >>> page_keep(np.array([0.3, 0.2, 0.9, 0.8]), np.ones(4),  # nothing above is menu
    ...           block_threshold=0.4, inside=0.1, outside=0.9).tolist()
    [True, True, True, True]
    """
    keep: BoolArray = probs >= outside
    first, end = likeliest_article(probs, lengths, block_threshold)
    if end and (probs[:first] >= inside).all():
        first = 0
    keep[first:end] |= probs[first:end] >= inside
    if headline is not None:
        keep[headline] = True
    return keep


def article_keep(probs: FloatArray, *, edge_threshold: float) -> BoolArray:
    """Keep flags of the extracted-text policy: all but the leading and trailing runs of lines
    scoring below ``edge_threshold`` (everything goes when no line reaches it; the valve then
    keeps it all).

    >>> article_keep(np.array([0.01, 0.9, 0.02, 0.8, 0.01]), edge_threshold=0.05).tolist()
    [False, True, True, True, False]
    """
    keep = np.zeros(len(probs), dtype=bool)
    high = np.flatnonzero(probs >= edge_threshold)
    if high.size:
        keep[high[0] : high[-1] + 1] = True
    return keep


def keep_mask(
    probs: FloatArray,
    lengths: FloatArray,
    *,
    whole_page: bool,
    policy: Policy,
    headline: int | None = None,
) -> BoolArray:
    """The keep flags ``policy`` gives the non-empty lines of one document, before the valve
    (``headline``: the headline's position, :func:`headline_of`).

    >>> keep_mask(np.array([0.01, 0.9]), np.ones(2), whole_page=False,
    ...           policy=Policy(edge=0.05)).tolist()
    [False, True]
    """
    if whole_page:
        return page_keep(
            probs,
            lengths,
            block_threshold=policy.block,
            inside=policy.inside,
            outside=policy.outside,
            headline=headline,
        )
    return article_keep(probs, edge_threshold=policy.edge)


def marked_headline(x: FloatArray) -> int | None:
    """The line the features mark as the headline (``is_headline``), if any: what the page
    detector reads."""
    marked = np.flatnonzero(x[:, _IS_HEADLINE] > 0.0)
    return int(marked[0]) if marked.size else None


def headline_of(x: FloatArray) -> int | None:
    """The headline the policies keep: :func:`marked_headline`, else the line repeating the
    title best when it does so by more than :data:`LATE_HEADLINE_MIN_SCORE`, if any."""
    marked = marked_headline(x)
    if marked is not None or not len(x):
        return marked
    score = x[:, _TITLE_SHARE] * x[:, _TITLE_COVER]
    best = int(np.argmax(score))
    return best if score[best] > LATE_HEADLINE_MIN_SCORE else None


def too_little_kept(lengths: FloatArray, keep: BoolArray, *, whole_page: bool) -> bool:
    """True when the decision keeps (almost) nothing, which we trust less than keeping all."""
    if not keep.any():
        return True
    return kept_share_too_small(float(lengths[keep].sum()), float(lengths.sum()), whole_page)


def kept_share_too_small(kept_chars: float, total_chars: float, whole_page: bool) -> bool:
    """:func:`too_little_kept` from the kept and total character counts (some line kept)."""
    share = kept_chars / total_chars
    return share < (MIN_KEPT_SHARE_PAGE if whole_page else MIN_KEPT_SHARE_ARTICLE)
