"""From per-line probabilities to keep/remove decisions, and the safety valve.

Shared by the runtime (:func:`cleantext.classify.classify_lines`) and the training script, so
the thresholds are tuned under exactly the policy that ships. The compiled kernel mirrors both
policies and the valve (``page_runs`` and ``article_runs`` in ``_kernel.c``, tested against
this module).

Why two policies:

* whole page: a line is kept when its probability reaches the page threshold, or when it lies
  between the first and the last line the model is confident about (``PAGE_CORE``) and is not
  clearly boilerplate (``PAGE_INSIDE``): a short paragraph, subhead or list item inside the
  article is far more often content than a menu is;
* extracted text: residual boilerplate (headline, date, reading time, related links,
  newsletter prompts, copyright) sits at the *edges* of what an extractor returns, while a
  low-scoring line in the middle is far more often a list item or a short paragraph of the
  article. So only leading and trailing runs of low-scoring lines are cut (edge thresholds);
  a middle line goes only when it scores below a much lower threshold. The top edge gets one
  more, higher bar (``head_threshold``) for its first line: an extractor that keeps the title
  puts it there, and a headline scores higher than menus and credits do (it is written in the
  article's language, about its subject) but still lower than article text. It may cut only
  ``HEAD_MAX_LINES`` line(s), so an article whose opening scores low throughout (a dateline, a
  results table) does not lose more than that.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from cleantext.classify.features import FloatArray

BoolArray = npt.NDArray[np.bool_]

PAGE_CORE = 0.7
"""Whole pages: lines at least this probable delimit the article's core span."""

PAGE_INSIDE = 0.2
"""Whole pages: inside the core span a line is kept from this probability on. Both were chosen on
grouped-by-site cross-validated predictions of the full pipeline (wet token F1 0.893 -> 0.896);
retune them with ``benchmarks/classifier/cv_pipeline.py`` when the model is retrained."""

HEAD_MIN_LINES = 4
"""Extracted text: the leading run's own threshold applies only to texts of at least this many
lines. A headline is told from an article's opening by the article that follows it; in a text
of two or three lines there is too little to tell, and the first line is as often the news."""

HEAD_MAX_LINES = 1
"""Extracted text: the leading run's own threshold may cut at most this many lines beyond what
the edge threshold cuts (a headline and a standfirst). When it would cut more, the lines it
passes over score low but above the edge threshold, which is what the opening of an article
with an unusual shape looks like (a dateline, a results table, a list), so the edge threshold
alone decides."""

MIN_KEPT_SHARE_PAGE = 0.05
"""Safety valve on whole pages: keeping less than this share of the characters means the model
did not find the article (an unusual layout), and everything is kept instead."""

MIN_KEPT_SHARE_ARTICLE = 0.5
"""Safety valve on extracted text: removing more than half of it is a misreading of the input."""


def keep_mask(
    probs: FloatArray,
    *,
    whole_page: bool,
    page_threshold: float,
    edge_threshold: float,
    mid_threshold: float,
    head_threshold: float | None = None,
    ends_sentence: Callable[[int], bool] | None = None,
) -> BoolArray:
    """Keep flags for the non-empty lines of one document (see the module docstring).

    On extracted text, lines before the first and after the last line reaching
    ``edge_threshold`` are cut, plus up to ``HEAD_MAX_LINES`` lines after the leading run when
    they score below ``head_threshold`` and the line after them reaches it (no effect unless
    ``head_threshold`` is above ``edge_threshold``, or on texts under ``HEAD_MIN_LINES`` lines).
    ``ends_sentence(i)`` tells whether line ``i`` ends a sentence: a title is cut only when it
    does not and the line after it does. Headlines and kickers do not end with a full stop, an
    article's first paragraph does; and since what is left then starts with a line ending a
    sentence, cleaning the result again does not cut again.

    >>> p = np.array([0.1, 0.9, 0.2, 0.9, 0.1])
    >>> keep_mask(p, whole_page=False, page_threshold=0.5, edge_threshold=0.5,
    ...           mid_threshold=0.05).tolist()
    [False, True, True, True, False]
    >>> keep_mask(np.array([0.3, 0.9, 0.1, 0.8]), whole_page=False, page_threshold=0.5,
    ...           edge_threshold=0.05, mid_threshold=0.05, head_threshold=0.5).tolist()
    [False, True, True, True]
    >>> keep_mask(np.array([0.6, 0.1, 0.9, 0.3, 0.1, 0.8, 0.1]), whole_page=True,
    ...           page_threshold=0.5, edge_threshold=0.5, mid_threshold=0.05).tolist()
    [True, False, True, True, False, True, False]
    """
    if whole_page:
        page: BoolArray = probs >= page_threshold
        core = probs >= PAGE_CORE
        if core.any():
            first = int(np.argmax(core))
            last = len(probs) - 1 - int(np.argmax(core[::-1]))
            page[first:last] |= probs[first:last] >= PAGE_INSIDE
        return page
    keep: BoolArray = probs >= mid_threshold
    high = probs >= edge_threshold
    if not high.any():
        keep[:] = False
        return keep
    first = int(np.argmax(high))
    if head_threshold is not None and _head_cut_applies(len(probs), edge_threshold, head_threshold):
        head = probs[first : first + HEAD_MAX_LINES + 1] >= head_threshold
        cut = int(np.argmax(head)) if head.any() else 0
        if ends_sentence is None or (
            ends_sentence(first + cut) and not any(map(ends_sentence, range(first, first + cut)))
        ):
            first += cut
    last = len(probs) - 1 - int(np.argmax(high[::-1]))
    keep[:first] = False
    keep[last + 1 :] = False
    return keep


def _head_cut_applies(lines: int, edge_threshold: float, head_threshold: float) -> bool:
    """Whether the leading run's own threshold is in force (see ``HEAD_MIN_LINES``)."""
    return head_threshold > edge_threshold and lines >= HEAD_MIN_LINES


def keeps_everything(
    lowest: float,
    whole_page: bool,
    page_threshold: float,
    edge_threshold: float,
    mid_threshold: float,
    head_threshold: float | None = None,
    leading: tuple[float, ...] = (),
    lines: int = 0,
    ends_sentence: Callable[[int], bool] | None = None,
) -> bool:
    """True when :func:`keep_mask` would keep every line: the lowest probability clears every
    bar the policy sets and the head cut does not apply. The usual answer on article text,
    which callers can then find without the policy's dozen small array operations.

    ``leading`` are the first ``HEAD_MAX_LINES + 1`` probabilities and ``lines`` the number of
    lines, which the head cut needs when ``head_threshold`` is given; ``ends_sentence`` is
    :func:`keep_mask`'s.

    >>> keeps_everything(0.3, False, page_threshold=0.5, edge_threshold=0.2, mid_threshold=0.05)
    True
    >>> keeps_everything(0.3, False, page_threshold=0.5, edge_threshold=0.2, mid_threshold=0.05,
    ...                  head_threshold=0.5, leading=(0.3, 0.9), lines=8)
    False
    """
    if whole_page:
        return lowest >= page_threshold
    if lowest < max(edge_threshold, mid_threshold):
        return False
    # Every line reaches the edge threshold, so the leading run is empty: only the head cut
    # can act, on the lines before the first one within reach that reaches the head bar.
    if head_threshold is None or not _head_cut_applies(lines, edge_threshold, head_threshold):
        return True
    cut = next((i for i, p in enumerate(leading) if p >= head_threshold), 0)
    if cut == 0:
        return True
    return ends_sentence is not None and (
        not ends_sentence(cut) or any(map(ends_sentence, range(cut)))
    )


def too_little_kept(chars: FloatArray, keep: BoolArray, *, whole_page: bool) -> bool:
    """True when the decision keeps (almost) nothing, which we trust less than keeping all."""
    if not keep.any():
        return True
    return kept_share_too_small(float(chars[keep].sum()), float(chars.sum()), whole_page)


def kept_share_too_small(kept_chars: float, total_chars: float, whole_page: bool) -> bool:
    """:func:`too_little_kept` from the kept and total character counts (some line kept)."""
    share = kept_chars / total_chars
    return share < (MIN_KEPT_SHARE_PAGE if whole_page else MIN_KEPT_SHARE_ARTICLE)
