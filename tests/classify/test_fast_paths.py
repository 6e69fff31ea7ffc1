"""The speed-ups of the classifier compute what the plain formulas compute.

The decisive check is ``benchmarks/classifier/check_identical.py`` (every corpus page against
the previous implementation); these tests pin the pieces on small inputs of every size.
"""

from __future__ import annotations

import numpy as np
import pytest

from cleantext.classify import _model
from cleantext.classify.features import (
    FEATURE_NAMES,
    LINE_FEATURES,
    WINDOWED,
    WINDOWS,
    WORD_FEATURES,
    line_matrix,
    page_features,
    window_means,
    word_features,
    word_sets,
)
from cleantext.classify.model import SMOOTH_WINDOWS, smooth_features, with_mode

LINES = [
    "Home | News | Sport",
    "A sentence of article text, with a comma; it ends here.",
    "Photo: someone",
    "",
    "© 2024 Example",
    "Short",
    "Another paragraph that is long enough to count as prose, said she.",
    "- a list item",
    "日本語の文章です。",
    "Home | News | Sport",
]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 10, 17, 40])
def test_page_windows_equal_window_means(n: int) -> None:
    lines = [s or "x" for s in (LINES * 5)[:n]]
    x = page_features(lines)
    base = line_matrix(lines)
    assert np.array_equal(x[:, : len(LINE_FEATURES)], base)
    sub = base[:, [LINE_FEATURES.index(w) for w in WINDOWED]]
    col = len(LINE_FEATURES)
    for k in WINDOWS:
        assert np.array_equal(x[:, col : col + len(WINDOWED)], window_means(sub, k))
        col += len(WINDOWED)
    words = word_features(word_sets(lines))
    col = FEATURE_NAMES.index(WORD_FEATURES[0])
    assert np.array_equal(x[:, col : col + len(WORD_FEATURES)], words)
    for k in WINDOWS:
        col += len(WORD_FEATURES)
        assert np.array_equal(x[:, col : col + len(WORD_FEATURES)], window_means(words, k))


@pytest.mark.parametrize("n", [1, 2, 3, 9, 18, 60])
def test_smooth_windows_equal_window_means(n: int) -> None:
    rng = np.random.default_rng(n)
    p = rng.random(n)
    z = smooth_features(p, rng.random((n, len(FEATURE_NAMES))), whole_page=True)
    for j, k in enumerate(SMOOTH_WINDOWS, start=1):
        assert np.array_equal(z[:, j], window_means(p, k))
    assert np.array_equal(z[:, 5], np.concatenate(([0.0], p[:-1])))
    assert np.array_equal(z[:, 6], np.concatenate((p[1:], [0.0])))


@pytest.mark.parametrize("whole_page", [True, False])
def test_folded_layers_match_plain_mlp(whole_page: bool) -> None:
    rng = np.random.default_rng(7)
    model = _model()
    x = page_features([s or "x" for s in LINES * 3])
    noisy = x + rng.normal(0.0, 0.5, x.shape)
    for inp in (x, noisy):
        plain = model.stage1.predict(with_mode(inp, whole_page=whole_page))
        fast = model.fast1.predict(inp, bias=1 if whole_page else 0)
        np.testing.assert_allclose(fast, plain, rtol=0, atol=1e-12)
        z = smooth_features(plain, inp, whole_page=whole_page)
        np.testing.assert_allclose(
            model.fast2.predict(z), model.stage2.predict(z), rtol=0, atol=1e-12
        )
