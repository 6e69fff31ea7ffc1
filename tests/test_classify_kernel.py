"""The compiled classifier kernel against the numpy reference (features.py, model.py).

The kernel must compute the same features (bit for bit: counts, windows and logarithms of
counts follow the same arithmetic) and the same probabilities up to float rounding, on any
text: other scripts, characters outside the BMP, lone surrogates, combining marks.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from unittest import mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import classify
from cleantext.classify import _MODEL, classify_lines
from cleantext.classify.features import FEATURE_NAMES, page_features
from cleantext.classify.model import LineModel, Mlp

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


LINES = st.lists(
    st.sampled_from(["", "a", "Menu", "A longer line of text.", "x" * 90, "Ends."]), max_size=30
)
PROBS = [0.0, 0.005, 0.01, 0.1, 0.125, 0.2, 0.3, 0.5, 0.525, 0.6, 0.7, 0.9, 1.0]


@settings(max_examples=500, deadline=None)
@given(LINES, st.data(), st.booleans(), st.booleans(), st.sampled_from([0.05, 0.5]))
def test_compiled_policies_match_the_python_ones(
    lines: list[str], data: st.DataObject, page: bool, known_site: bool, head: float
) -> None:
    """``page_runs``/``article_runs`` against ``_decide`` and its run building, on any scores."""
    text_lines = [line for line in lines if line]
    probs = data.draw(
        st.lists(st.sampled_from(PROBS), min_size=len(text_lines), max_size=len(text_lines))
    )
    scored = classify._Scores(text_lines, page, np.array(probs))
    model = dataclasses.replace(_MODEL, threshold_article_head=head)
    with mock.patch.object(classify, "_MODEL", model):
        compiled = classify._compiled_runs(lines, scored, known_site)
        assert compiled == classify._runs_in_python(lines, scored, known_site)


def test_page_runs_reject_mismatched_scores() -> None:
    with pytest.raises(ValueError, match="probs: expected 2 float64 values"):
        _MODEL.kernel.page_runs(["a", "", "b"], np.ones(3), 0.5, 0.7, 0.2, 0.05)


@pytest.mark.parametrize("hidden", [(32, 16), (48, 24), (20,), (13, 7)])
def test_kernel_matches_numpy_for_other_stage1_shapes(hidden: tuple[int, ...]) -> None:
    """``train.py --stage1-hidden`` may ship other layer sizes: the kernel takes them from the
    weights (widths off its 8- and 4-wide vector steps included), as the numpy path does."""
    rng = np.random.default_rng(sum(hidden))
    shipped = _MODEL.stage1
    dims = [shipped.weights[0].shape[0], *hidden, 1]
    stage1 = Mlp(
        shipped.low,
        shipped.high,
        shipped.mean,
        shipped.scale,
        tuple(rng.normal(size=(m, n)) * np.sqrt(2.0 / m) for m, n in itertools.pairwise(dims)),
        tuple(rng.normal(size=n) * 0.1 for n in dims[1:]),
    )
    model = LineModel.from_stages(
        stage1,
        _MODEL.stage2,
        threshold_page=0.5,
        threshold_article=0.5,
        threshold_article_mid=0.0,
        meta="{}",
    )
    assert model.kernel is not None
    for lines in (PAGE, PAGE * 7):  # 77 lines: more than one block of rows in C
        x = page_features(lines)
        for whole_page in (True, False):
            expected = model.predict(x, whole_page=whole_page)
            got = model.predict_lines(lines, whole_page=whole_page)
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
            assert 0.0 < expected.min() < expected.max() < 1.0
