"""The compiled classifier kernel against the numpy reference (features.py, model.py, decide.py).

The kernel must compute the same features (bit for bit: counts, windows, words shared with the
title and logarithms of counts follow the same arithmetic), the same probabilities up to float
rounding, and the same decisions, on any text: other scripts, characters outside the BMP, lone
surrogates, combining marks. It takes its layout from Python and refuses what it does not know.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import classify
from cleantext.classify import _model
from cleantext.classify.decide import (
    Policy,
    headline_of,
    keep_mask,
    kept_share_too_small,
    marked_headline,
)
from cleantext.classify.features import FEATURE_NAMES, page_features
from cleantext.classify.kind import KIND_FEATURES, kind_features
from cleantext.classify.model import SMOOTH_NAMES, LineModel, Mlp, compiled_kernel

MODEL = _model()
if MODEL.kernel is None and os.environ.get("CLEANTEXT_REQUIRE_KERNEL"):
    raise RuntimeError("CLEANTEXT_REQUIRE_KERNEL is set but the C kernel is not in use")
pytestmark = pytest.mark.skipif(MODEL.kernel is None, reason="the C kernel is not in use")

# The kernel's perceptron layers run in single precision: about 1e-6 of a probability. Stage 2
# also reads where a line's stage-1 score ranks on its page (p_quantile), and two near-equal
# scores can swap places, which has moved a probability by up to 2e-3 on the corpora (no
# decision changed: benchmarks/classifier/check_identical.py). The decisions are compared
# exactly, from the kernel's own scores.
_PROB_ATOL = 1e-2

PAGE = [
    "Council approves the new budget | Example News",
    "Menu",
    "Council approves the new budget",
    "The council approved the new budget on Tuesday, after a long debate.",
    "Photo: Jane Doe/Reuters",
    "“It is a good day for the city,” the mayor said.",
    "Read more: 10 things to do this weekend",
    "東京都は火曜日、新しい予算を承認した。",
    "Der Stadtrat hat am Dienstag den neuen Haushalt beschlossen, nach langer Debatte.",
    "🎉 Party time 👍🏽 — join us! ÉCOLE école",
    "Menu",
    "© 2024 Example News. All rights reserved.",
]


def expected_drop(model: LineModel, lines: list[str], probs: np.ndarray, page: bool) -> object:
    """What ``kernel.decide`` must answer, from the numpy policy and valve."""
    lengths = np.array([len(s) for s in lines], dtype=np.float64)
    headline = headline_of(page_features(lines))
    keep = keep_mask(probs, lengths, whole_page=page, policy=model.policy, headline=headline)
    if keep.all():
        return []
    if not keep.any() or kept_share_too_small(
        float(lengths[keep].sum()), float(lengths.sum()), page
    ):
        return None
    return np.flatnonzero(~keep).tolist()


def assert_same(
    lines: list[str], model: LineModel = MODEL, lines_before: int | None = None
) -> None:
    reference = page_features(lines)
    compiled = np.empty((len(lines), len(FEATURE_NAMES)))
    model.kernel.features(lines, compiled)
    np.testing.assert_array_equal(compiled, reference)  # every feature, to the last bit
    kind = kind_features(lines, reference, lines_before)
    values, page = model.kernel.kind_features(lines, lines_before)
    np.testing.assert_allclose(values, kind, rtol=1e-14, atol=0)
    assert page == model.kind.is_page(kind)
    for whole_page in (True, False, None):
        mode = page if whole_page is None else whole_page
        expected = model.predict(reference, whole_page=mode)
        got = np.empty(len(lines))
        model.kernel.predict(lines, mode, got)
        np.testing.assert_allclose(got, expected, rtol=0, atol=_PROB_ATOL)
        scored = np.empty(len(lines))
        decision = model.kernel.decide(lines, whole_page, lines_before, scored)
        drop, used, _ = decision
        assert used == mode
        np.testing.assert_array_equal(scored, got)
        assert drop == expected_drop(model, lines, got, mode)
        # Without scores wanted, the same decision (text that cannot lose a line is not scored).
        assert model.kernel.decide(lines, whole_page, lines_before, None) == decision


def test_kernel_matches_numpy_on_a_mixed_page() -> None:
    assert_same(PAGE)


def test_kernel_matches_numpy_on_one_line_and_long_lines() -> None:
    assert_same(["x"])
    assert_same(PAGE, lines_before=80)
    assert_same(PAGE, lines_before=len(PAGE))
    assert_same(["word " * 5000 + "end."])  # beyond the tables of logarithms
    assert_same([":", "a:b", "label: value here", "x" * 30 + ": late colon"])
    assert_same(["Title words", "title WORDS", "Title", "other words words words"] * 3)


def test_a_headline_past_the_first_half_is_kept_by_both_paths() -> None:
    """The features look for the headline in a page's first half; the policy also keeps a line
    further down that repeats the title almost word for word."""
    menu = [f"Section {i}" for i in range(12)]
    lines = [PAGE[0], *menu, PAGE[2], *PAGE[3:6], "Contact"]
    assert marked_headline(page_features(lines)) is None
    assert headline_of(page_features(lines)) == len(menu) + 1
    assert_same(lines)
    drop, page, _ = MODEL.kernel.decide(lines, True, None, None)
    assert page and len(menu) + 1 not in drop


line_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("abc ABC .,;:!?|•/-–\"'()“”0123 \tÉé東京")),
        st.characters(codec="utf-8"),
        st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF),  # lone surrogates
        st.characters(min_codepoint=0x10000),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: "\n" not in s and s.strip() == s and s != "")


@settings(max_examples=150, deadline=None)
@given(st.lists(line_text, min_size=1, max_size=40), st.none() | st.integers(0, 90))
def test_kernel_matches_numpy_on_any_text(lines: list[str], lines_before: int | None) -> None:
    assert_same(lines, lines_before=lines_before)


def python_runs(
    lines: list[str], whole_page: bool | None, lines_before: int | None, max_rounds: int
) -> classify.Runs:
    """What ``kernel.runs`` answers, from the fixpoint written in Python (``_rounds``, each
    look a ``kernel.decide``)."""
    saved, classify.MAX_ROUNDS = classify.MAX_ROUNDS, max_rounds
    try:
        return classify._runs_of_rounds(lines, whole_page, lines_before)
    finally:
        classify.MAX_ROUNDS = saved


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from(["", *PAGE]) | line_text, max_size=40),
    st.sampled_from([None, True, False]),
    st.none() | st.integers(0, 90),
    st.integers(1, 4),
)
def test_compiled_fixpoint_matches_the_python_one(
    lines: list[str],
    whole_page: bool | None,
    lines_before: int | None,
    max_rounds: int,
) -> None:
    """``kernel.runs`` (what ``boilerplate_runs`` calls) looks again at the kept lines as
    ``_rounds`` does: the same runs, valve and settling, blank lines never dropped."""
    assert MODEL.kernel.runs(lines, whole_page, lines_before, max_rounds) == python_runs(
        lines, whole_page, lines_before, max_rounds
    )


def test_compiled_fixpoint_on_a_page_with_blank_lines() -> None:
    page = [*PAGE, "", *PAGE[:3]]
    runs, conservative, settled = MODEL.kernel.runs(page, True, None, 32)
    assert (runs, conservative, settled) == python_runs(page, True, None, 32)
    assert runs and all(page[i] for first, end in runs for i in range(first, end))
    assert MODEL.kernel.runs([], None, None, 3) == ([], False, True)
    assert MODEL.kernel.runs(["", ""], True, None, 3) == ([], False, True)


def test_decide_scores_extracted_text_when_its_policy_can_cut_edges() -> None:
    """Under a policy with an edge threshold, extracted text can lose lines: ``decide``
    without scores wanted still scores it, and decides as the numpy reference does."""
    policy = Policy(block=MODEL.policy.block, inside=MODEL.policy.inside, edge=0.3)
    model = LineModel.from_stages(
        MODEL.stage1, MODEL.stage2, policy=policy, kind=MODEL.kind, meta="{}"
    )
    assert_same(PAGE, model)
    assert_same(PAGE[:4], model, lines_before=4)


def test_fresh_kind_ignores_what_the_rules_removed() -> None:
    """``decide`` also says how a new cleaning of the same lines would read them: as if no
    line had been removed before (the pipeline's fixpoint needs it)."""
    for before in (None, len(PAGE), 5 * len(PAGE)):
        _, _, fresh = MODEL.kernel.decide(PAGE, None, before, np.empty(len(PAGE)))
        _, expected = MODEL.kernel.kind_features(PAGE, None)
        assert fresh == expected


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from([0.0, 0.05, 0.1, 0.3, 0.4, 0.5, 0.9, 1.0])
            | st.floats(min_value=0.0, max_value=1.0),
            st.integers(1, 90),
        ),
        min_size=1,
        max_size=30,
    ),
    st.booleans(),
    st.sampled_from([0.0, 0.3, 0.4, 0.5]),
    st.sampled_from([0.05, 0.1]),
    st.sampled_from([0.9, 1.01]),
    st.sampled_from([0.0, 0.05, 0.3]),
    st.integers(min_value=-1, max_value=5),
)
def test_compiled_policy_matches_the_python_one(
    rows: list[tuple[float, int]],
    page: bool,
    block: float,
    inside: float,
    outside: float,
    edge: float,
    headline: int,
) -> None:
    """The kernel's ``keep`` (what ``decide`` applies) against ``decide.keep_mask``, on any
    scores and lengths, ties included."""
    policy = Policy(block=block, inside=inside, outside=outside, edge=edge)
    model = LineModel.from_stages(
        MODEL.stage1, MODEL.stage2, policy=policy, kind=MODEL.kind, meta="{}"
    )
    probs = np.array([p for p, _ in rows])
    lengths = np.array([float(n) for _, n in rows])
    at = headline if 0 <= headline < len(rows) else None
    expected = keep_mask(probs, lengths, whole_page=page, policy=policy, headline=at)
    assert model.kernel.keep(probs, lengths, page, -1 if at is None else at) == bytes(
        expected.tolist()
    )


def test_kernel_rejects_bad_input_clearly() -> None:
    out = np.empty(2)
    with pytest.raises(TypeError, match="line 1"):
        MODEL.kernel.predict(["fine", 3], True, out)
    with pytest.raises(ValueError, match="float64"):
        MODEL.kernel.predict(["a", "b"], True, np.empty(3))
    with pytest.raises(ValueError, match="lengths: expected a float64 array of 2 values"):
        MODEL.kernel.keep(np.ones(2), np.ones(3), True, -1)
    with pytest.raises(ValueError, match="lines_before"):
        MODEL.kernel.decide(["a"], None, -3, np.empty(1))
    with pytest.raises(TypeError, match="line 1: expected a str"):
        MODEL.kernel.runs(["fine", None], True, None, 3)
    with pytest.raises(ValueError, match="lines_before"):
        MODEL.kernel.kind_features(["a"], -3)


def test_kernel_refuses_a_layout_it_does_not_know() -> None:
    """The layout comes from Python: an unknown column name is an error naming it, never a
    silent guess."""
    import cleantext.classify.model as model_module

    def refused(name: str, replaced: object, named: str) -> None:
        original = getattr(model_module, name)
        setattr(model_module, name, replaced)
        try:
            with pytest.raises(ValueError, match=named):
                compiled_kernel(MODEL.fast1, MODEL.fast2, MODEL.policy, MODEL.kind)
        finally:
            setattr(model_module, name, original)

    refused("FEATURE_NAMES", (*FEATURE_NAMES[:-1], "brand_new_feature"), "brand_new_feature")
    refused("SMOOTH_NAMES", (*SMOOTH_NAMES[:-1], "p_w99x"), "p_w99x")
    refused("KIND_FEATURES", (*KIND_FEATURES[:-1], "new_detector_input"), "new_detector_input")
    refused("PROSE_WORDS", 0, "prose_words")


def test_layout_is_the_python_one() -> None:
    assert MODEL.stage1.weights[0].shape[0] == len(FEATURE_NAMES) + 1  # + the whole-page flag
    assert MODEL.stage2.weights[0].shape[0] == len(SMOOTH_NAMES)


@pytest.mark.parametrize("hidden", [(32, 16), (48, 24), (20,), (13, 7)])
def test_kernel_matches_numpy_for_other_stage1_shapes(hidden: tuple[int, ...]) -> None:
    """Training may ship other layer sizes: the kernel takes them from the weights (widths off
    its 16-wide vector steps included), as the numpy path does."""
    rng = np.random.default_rng(sum(hidden))
    shipped = MODEL.stage1
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
        stage1, MODEL.stage2, policy=MODEL.policy, kind=MODEL.kind, meta="{}"
    )
    assert model.kernel is not None
    for lines in (PAGE, PAGE * 7):  # 84 lines: more than one block of rows in C
        assert_same(lines, model)
