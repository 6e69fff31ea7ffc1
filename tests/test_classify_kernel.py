"""The compiled classifier kernel against the numpy reference (features.py, model.py).

The kernel must compute the same features (bit for bit: counts, windows and logarithms of
counts follow the same arithmetic) and the same probabilities up to float rounding, on any
text: other scripts, characters outside the BMP, lone surrogates, combining marks.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.classify import _MODEL, classify_lines
from cleantext.classify.decide import (
    HEAD_MAX_LINES,
    HEAD_MIN_LINES,
    MIN_KEPT_SHARE_ARTICLE,
    MIN_KEPT_SHARE_PAGE,
    PAGE_CORE,
    PAGE_INSIDE,
    keep_mask,
    kept_share_too_small,
)
from cleantext.classify.features import FEATURE_NAMES, page_features

if _MODEL.kernel is None and os.environ.get("CLEANTEXT_REQUIRE_KERNEL"):
    raise RuntimeError("CLEANTEXT_REQUIRE_KERNEL is set but the C kernel was not built")
pytestmark = pytest.mark.skipif(_MODEL.kernel is None, reason="the C kernel was not built")

# Page-level means may differ in summation order (pairwise in numpy, sequential in C).
_ROUNDED = [FEATURE_NAMES.index("page_sentence_share")]
_EXACT = [i for i in range(len(FEATURE_NAMES)) if i not in _ROUNDED]

PAGE = [
    "Home | News | Sport | Weather",
    "Menu",
    "The council approved the new budget on Tuesday, after a long debate.",
    "Photo: Jane Doe/Reuters",
    "“It is a good day for the city,” the mayor said.",
    "Read more: 10 things to do this weekend",
    "東京都は火曜日、新しい予算を承認した。",
    "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, nach langer Debatte.",
    "🎉 Party time 👍🏽 — join us!",
    "Menu",
    "© 2024 Example News. All rights reserved.",
]


def kernel_features(lines: list[str]) -> np.ndarray:
    out = np.empty((len(lines), len(FEATURE_NAMES)))
    _MODEL.kernel.features(lines, out)
    return out


def assert_same(lines: list[str]) -> None:
    reference = page_features(lines)
    compiled = kernel_features(lines)
    np.testing.assert_array_equal(compiled[:, _EXACT], reference[:, _EXACT])
    np.testing.assert_allclose(compiled[:, _ROUNDED], reference[:, _ROUNDED], rtol=1e-12)
    python_flags = bytes(len(s) < 30 and s.count(" ") < 4 for s in lines)
    assert _MODEL.kernel.short_flags(lines, 30, 4) == python_flags
    for whole_page in (True, False):
        expected = _MODEL.predict(reference, whole_page=whole_page)
        got = _MODEL.predict_lines(lines, whole_page=whole_page)
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)


def test_kernel_matches_numpy_on_a_mixed_page() -> None:
    assert_same(PAGE)


def test_kernel_matches_numpy_on_one_line_and_long_lines() -> None:
    assert_same(["x"])
    assert_same(["word " * 5000 + "end."])  # beyond the tables of logarithms
    assert_same([":", "a:b", "label: value here", "x" * 30 + ": late colon"])


line_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc ABC .,;:!?|•/-–\"'()“”0123 \t")),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
        st.characters(min_codepoint=0x10000),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: "\n" not in s and s.strip() == s and s != "")


@settings(max_examples=200, deadline=None)
@given(st.lists(line_text, min_size=1, max_size=40))
def test_kernel_matches_numpy_on_any_text(lines: list[str]) -> None:
    assert_same(lines)


def test_kernel_rejects_bad_input_clearly() -> None:
    out = np.empty(2)
    with pytest.raises(TypeError, match="line 1"):
        _MODEL.kernel.predict(["fine", 3], True, out)
    with pytest.raises(ValueError, match="float64"):
        _MODEL.kernel.predict(["a", "b"], True, np.empty(3))


def test_classify_lines_uses_the_same_decisions_either_way() -> None:
    lines = [*PAGE, "", *PAGE[2:5]]
    fast = classify_lines(lines, whole_page=True)
    text_lines = [s for s in lines if s]
    probs = _MODEL.predict(page_features(text_lines), whole_page=True)
    kept = [bool(p >= _MODEL.threshold_page) for p in probs]
    assert [k for k, s in zip(fast.keep, lines, strict=True) if s] == kept or fast.conservative


def python_runs(
    lines: list[str], probs: list[float], *, whole_page: bool, head: float | None = None
) -> list[tuple[int, int]] | None:
    """The policy, safety valve and runs in Python (what ``page_runs``/``article_runs`` mirror)."""
    index = [i for i, line in enumerate(lines) if line]
    text_lines = [lines[i] for i in index]
    thresholds = {**_MODEL.thresholds, "head_threshold": head}
    keep = keep_mask(
        np.array(probs),
        whole_page=whole_page,
        ends_sentence=lambda i: text_lines[i].endswith("."),
        **thresholds,
    ).tolist()
    chars = [len(line) for line in text_lines]
    kept = sum(c for c, k in zip(chars, keep, strict=True) if k)
    if not any(keep) or kept_share_too_small(kept, sum(chars), whole_page):
        return None
    runs: list[tuple[int, int]] = []
    for i, k in zip(index, keep, strict=True):
        if not k:
            if runs and runs[-1][1] == i:
                runs[-1] = (runs[-1][0], i + 1)
            else:
                runs.append((i, i + 1))
    return runs


LINES = st.lists(
    st.sampled_from(["", "a", "Menu", "A longer line of text.", "x" * 90, "Ends."]), max_size=30
)
PROBS = [0.0, 0.005, 0.01, 0.1, 0.125, 0.2, 0.3, 0.5, 0.525, 0.6, 0.7, 0.9, 1.0]


@settings(max_examples=300, deadline=None)
@given(LINES, st.data())
def test_page_runs_match_the_python_policy(lines: list[str], data: st.DataObject) -> None:
    count = sum(map(bool, lines))
    probs = data.draw(st.lists(st.sampled_from(PROBS), min_size=count, max_size=count))
    found = _MODEL.kernel.page_runs(
        lines, np.array(probs), _MODEL.threshold_page, PAGE_CORE, PAGE_INSIDE, MIN_KEPT_SHARE_PAGE
    )
    assert found == python_runs(lines, probs, whole_page=True)


@settings(max_examples=400, deadline=None)
@given(LINES, st.data(), st.sampled_from([None, 0.05, 0.5]))
def test_article_runs_match_the_python_policy(
    lines: list[str], data: st.DataObject, head: float | None
) -> None:
    count = sum(map(bool, lines))
    probs = data.draw(st.lists(st.sampled_from(PROBS), min_size=count, max_size=count))
    text_lines = [line for line in lines if line]
    found = _MODEL.kernel.article_runs(
        lines,
        np.array(probs),
        _MODEL.threshold_article,
        _MODEL.threshold_article_mid,
        head,
        HEAD_MIN_LINES,
        HEAD_MAX_LINES,
        MIN_KEPT_SHARE_ARTICLE,
        lambda i: text_lines[i].endswith("."),
    )
    assert found == python_runs(lines, probs, whole_page=False, head=head)


def test_page_runs_reject_mismatched_scores() -> None:
    with pytest.raises(ValueError, match="probs: expected 2 float64 values"):
        _MODEL.kernel.page_runs(["a", "", "b"], np.ones(3), 0.5, 0.7, 0.2, 0.05)
