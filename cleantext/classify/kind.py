"""Which kind of text a document is: a whole web page, or article text an extractor already cut.

The two need different policies (:mod:`cleantext.classify.decide`): a page is cut down to its
article, article text only loses residue at its edges. Guessing "page" for article text is the
expensive mistake (lists and short paragraphs read as menus and go), so the guess is a small
logistic regression on document-level shape, trained on both inputs of the three corpora
(``benchmarks/classifier/train.py``) and shipped with the model; its threshold is chosen on held
-out corpora. Its signals, all language-independent:

* length and shortness: pages have many short lines (menus, link lists), above all at their top
  and bottom edges; article text is mostly paragraphs;
* how much of the document the rule stages already removed (rules strip page furniture);
* the title: a whole-page text starts with the page's ``<title>`` and repeats it further down as
  the headline (an extractor keeps at most the headline);
* sentence-like lines, line length and repeated lines (menus and footers repeat).

The features come from the line features (:func:`cleantext.classify.features.page_features`), so
the compiled kernel computes them from what it already has; it mirrors :func:`kind_features`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cleantext.classify.decide import marked_headline
from cleantext.classify.features import FEATURE_NAMES, FloatArray

KIND_FEATURES = (
    "log_lines",
    "short_share",
    "top_short_share",
    "bottom_short_share",
    "removed_share",
    "has_headline",
    "headline_position",
    "sentence_share",
    "log_mean_chars",
    "repeated_share",
)
"""Document-level inputs of the page detector, in order (see :func:`kind_features`)."""

SHORT_CHARS = 30
"""A line is short below this many characters..."""
SHORT_SPACES = 4
"""...and this many spaces (the cap keeps unspaced scripts' sentences from counting as short)."""
EDGE_LINES = 10
"""How many lines at the top and at the bottom count as the page's edges."""
PAGE_MIN_LINES = 5
"""A document of fewer lines is never read as a whole page: too few lines to tell an article
block from what surrounds it, and what the rules leave of a page that short is its article."""
_LOG_MIN_LINES = float(np.log(PAGE_MIN_LINES - 0.5))  # between log(4) and log(5), clear of both

_SENTENCE_LIKE = FEATURE_NAMES.index("sentence_like")
_LOG_REPEATS = FEATURE_NAMES.index("log_repeats")


def short_flags(lines: Sequence[str]) -> FloatArray:
    """1.0 for each short line (see :data:`SHORT_CHARS` and :data:`SHORT_SPACES`), else 0.0."""
    return np.array(
        [len(line) < SHORT_CHARS and line.count(" ") < SHORT_SPACES for line in lines],
        dtype=np.float64,
    )


def kind_features(lines: Sequence[str], x: FloatArray, lines_before: int | None) -> FloatArray:
    """The :data:`KIND_FEATURES` of non-empty ``lines`` whose line features are ``x``.

    Shares are counts divided by the number of lines (exact in any summation order); the
    logarithms are those of exact sums.

    >>> from cleantext.classify.features import page_features
    >>> lines = ["Rain due | News", "Home", "Rain due", "It will rain all day, they said."]
    >>> kind_features(lines, page_features(lines), None)[[5, 6]].tolist()
    [1.0, 0.5]
    """
    n = len(lines)
    short = short_flags(lines)
    edge = min(EDGE_LINES, n)
    headline = marked_headline(x)
    chars = sum(map(len, lines))
    return np.array(
        [
            np.log(n),
            short.sum() / n,
            short[:edge].sum() / edge,
            short[n - edge :].sum() / edge,
            max(0.0, 1.0 - n / lines_before) if lines_before else 0.0,
            0.0 if headline is None else 1.0,
            1.0 if headline is None else headline / n,
            float((x[:, _SENTENCE_LIKE] > 0.0).sum()) / n,
            np.log(chars) - np.log(n),
            float((x[:, _LOG_REPEATS] > 0.0).sum()) / n,
        ]
    )


@dataclass(frozen=True, slots=True)
class KindModel:
    """The page detector: standardised features, weights, and the probability from which a
    document counts as a whole page."""

    mean: FloatArray
    scale: FloatArray
    weights: FloatArray
    bias: float
    threshold: float

    def page_probability(self, features: FloatArray) -> float:
        """Probability that the document with these :data:`KIND_FEATURES` is a whole page
        (0 below :data:`PAGE_MIN_LINES` lines)."""
        if features[0] < _LOG_MIN_LINES:
            return 0.0
        z = float(((features - self.mean) / self.scale) @ self.weights) + self.bias
        return 1.0 / (1.0 + float(np.exp(-min(max(z, -30.0), 30.0))))

    def is_page(self, features: FloatArray) -> bool:
        return self.page_probability(features) >= self.threshold
