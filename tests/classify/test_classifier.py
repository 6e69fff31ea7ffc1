"""Behaviour of the generic line classifier on small hand-made pages.

All texts here were written for these tests; none comes from the dev corpus.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import classify
from cleantext.classify import Verdict, boilerplate_runs, classify_lines, looks_like_whole_page
from cleantext.classify.decide import (
    Policy,
    article_keep,
    best_block,
    likeliest_article,
    page_keep,
)
from cleantext.classify.features import (
    FEATURE_NAMES,
    page_features,
    title_features,
    word_features,
    word_sets,
)
from cleantext.classify.model import LineModel

PARAGRAPHS_EN = [
    "The town council voted on Tuesday to rebuild the old bridge over the river, ending a "
    "dispute that had divided residents for more than three years.",
    "Supporters said the new crossing would cut traffic in the centre, while opponents argued "
    "that the money should have gone to schools and the library.",
    "Work is expected to begin in the spring and to last about eighteen months, according to "
    "the engineer in charge of the project.",
    "During that time a ferry will carry pedestrians and cyclists between the two banks, and "
    "buses will be diverted through the northern district.",
    "The mayor, who had promised the bridge in her campaign, said she was relieved that the "
    "long argument was finally over and thanked the residents for their patience.",
]

PARAGRAPH_DE = (
    "Der Gemeinderat hat am Dienstag beschlossen, die alte Brücke über den Fluss neu zu bauen, "
    "nachdem die Bewohner jahrelang über das Vorhaben gestritten hatten."
)
PARAGRAPH_ES = (
    "El ayuntamiento aprobó el martes la reconstrucción del viejo puente sobre el río, una obra "
    "que los vecinos llevaban años reclamando y que costará varios millones."
)
PARAGRAPH_RU = (
    "Городской совет во вторник решил восстановить старый мост через реку, и работы, по словам "
    "инженера, начнутся весной и продлятся около полутора лет."
)

MENU = [
    "Home | News | Sport | Weather | Culture",
    "Home",
    "News",
    "Sport",
    "Business",
    "Opinion",
    "Video",
    "Subscribe",
    "Sign in",
]
COOKIE = "We use cookies to improve your experience. Accept all cookies"
FOOTER = [
    "About us",
    "Contact",
    "Privacy policy",
    "Terms of use",
    "Advertise",
    "Follow us",
    "Newsletters",
    "© 2024 Example Media Group. All rights reserved.",
]
RELATED = [
    "Related articles",
    "Council approves budget for next year",
    "Ten things to do this weekend",
    "Weather warning issued for the coast",
]


HEADLINE = "Council votes to rebuild the bridge"


def whole_page(body: list[str]) -> list[str]:
    return [
        f"{HEADLINE} | Example Gazette",
        *MENU,
        "",
        HEADLINE,
        "",
        *body,
        "",
        *RELATED,
        "",
        *FOOTER,
        COOKIE,
        "Manage preferences",
    ]


def kept(lines: list[str], verdict: Verdict) -> list[str]:
    return [s for s, k in zip(lines, verdict.keep, strict=True) if k and s]


def test_features_have_one_row_per_line_and_named_columns() -> None:
    x = page_features(["Home", PARAGRAPHS_EN[0], PARAGRAPH_RU])
    assert x.shape == (3, len(FEATURE_NAMES))
    assert np.isfinite(x).all()


def test_the_headline_is_the_line_that_repeats_the_title() -> None:
    lines = whole_page(PARAGRAPHS_EN)
    t = title_features([s for s in lines if s])
    text_lines = [s for s in lines if s]
    headline = text_lines.index(HEADLINE)
    assert t[headline, 5] == 1.0 and t[:, 5].sum() == 1.0
    assert t[headline - 1, 3] == -1.0 and t[headline + 1, 3] == 1.0
    # Case and punctuation do not matter; no line repeating the title, no headline.
    assert title_features(["RAIN DUE - News", "Menu", "rain due!", "Text."])[2, 5] == 1.0
    assert not title_features(["Rain due", "Menu", "Sport", "Text."])[:, 5].any()


def test_words_of_the_article_recur_in_its_prose_and_menus_do_not() -> None:
    lines = [s for s in whole_page(PARAGRAPHS_EN) if s]
    prose = word_features(word_sets(lines))[:, 0]
    share = dict(zip(lines, prose, strict=True))
    assert min(share[p] for p in PARAGRAPHS_EN) > 0.15  # the, river, bridge, residents...
    assert share[HEADLINE] > 0.5  # council, rebuild, bridge: the paragraphs' own words
    assert all(share[m] == 0.0 for m in ("Sport", "Subscribe", "Privacy policy", "Advertise"))
    # A paragraph does not count itself: alone on its page, none of its words recur.
    assert word_features(word_sets(["Menu", PARAGRAPHS_EN[0]]))[:, 0].tolist() == [0.0, 0.0]


def test_menu_cookie_footer_and_related_removed_from_whole_page() -> None:
    lines = whole_page(PARAGRAPHS_EN)
    v = classify_lines(lines, whole_page=True)
    out = kept(lines, v)
    assert all(p in out for p in PARAGRAPHS_EN)
    # The related links go; their heading, right after the article, may stay (a short line
    # at a block's edge is kept when in doubt).
    for boiler in [*MENU, COOKIE, *FOOTER[:-1], *RELATED[1:]]:
        assert boiler not in out, boiler
    assert not v.conservative


def test_the_headline_is_kept_on_a_whole_page_and_in_extracted_text() -> None:
    lines = whole_page(PARAGRAPHS_EN)
    assert HEADLINE in kept(lines, classify_lines(lines, whole_page=True))
    article = [HEADLINE, *PARAGRAPHS_EN]
    assert kept(article, classify_lines(article)) == article
    kicker_and_headline = ["BRIDGE VOTE", HEADLINE, *PARAGRAPHS_EN]
    assert kept(kicker_and_headline, classify_lines(kicker_and_headline)) == kicker_and_headline


def test_whole_page_is_detected() -> None:
    lines = whole_page(PARAGRAPHS_EN)
    assert looks_like_whole_page(lines)
    assert classify_lines(lines).whole_page


def test_short_list_article_is_not_a_page() -> None:
    # Short lines at the top (a list) but prose at the end: extracted text, not a page.
    lines = [PARAGRAPHS_EN[0], *(f"Item number {i}" for i in range(12)), *PARAGRAPHS_EN * 2]
    assert not looks_like_whole_page(lines)


def test_text_the_rules_mostly_removed_was_a_page() -> None:
    lines = list(PARAGRAPHS_EN)
    assert looks_like_whole_page(lines, lines_before=60)
    assert not looks_like_whole_page(lines, lines_before=len(lines) + 2)
    assert classify_lines(lines, lines_before=60).whole_page


def test_extracted_article_is_detected_and_kept_unchanged() -> None:
    lines = list(PARAGRAPHS_EN)
    assert not looks_like_whole_page(lines)
    v = classify_lines(lines)
    assert not v.whole_page
    assert kept(lines, v) == lines


def test_short_real_paragraph_inside_article_stays() -> None:
    body = [*PARAGRAPHS_EN[:3], "Nobody was hurt.", *PARAGRAPHS_EN[3:]]
    lines = whole_page(body)
    out = kept(lines, classify_lines(lines, whole_page=True))
    assert "Nobody was hurt." in out


@pytest.mark.parametrize("paragraph", [PARAGRAPH_DE, PARAGRAPH_ES, PARAGRAPH_RU])
def test_paragraphs_in_other_languages_kept(paragraph: str) -> None:
    body = [*PARAGRAPHS_EN[:2], paragraph, *PARAGRAPHS_EN[2:]]
    lines = whole_page(body)
    assert paragraph in kept(lines, classify_lines(lines, whole_page=True))
    article = [paragraph, PARAGRAPH_DE, PARAGRAPH_ES, PARAGRAPH_RU]
    assert kept(article, classify_lines(article, whole_page=False)) == article


def test_blank_lines_are_kept_and_scored_one() -> None:
    lines = ["", PARAGRAPHS_EN[0], ""]
    v = classify_lines(lines)
    assert len(v.keep) == len(v.scores) == 3
    assert v.keep[0] and v.keep[2]
    assert v.scores[0] == v.scores[2] == 1.0


def scoring(probability: float) -> LineModel:
    """The shipped model with a last layer that gives every line ``probability``."""
    model = classify._model()
    logit = float(np.log(probability / (1.0 - probability)))
    stage2 = dataclasses.replace(
        model.stage2,
        weights=(*model.stage2.weights[:-1], np.zeros_like(model.stage2.weights[-1])),
        biases=(*model.stage2.biases[:-1], np.full_like(model.stage2.biases[-1], logit)),
    )
    policy = Policy(block=0.4, inside=0.1, outside=0.9, edge=0.05)  # one that cuts something
    return LineModel.from_stages(model.stage1, stage2, policy=policy, kind=model.kind, meta="{}")


def test_safety_valve_keeps_text_the_model_would_wipe(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["Home", "News", "Sport", "Contact", "Login"] * 4
    monkeypatch.setattr(classify, "_MODEL", scoring(0.01))
    for page in (True, False):
        v = classify_lines(lines, whole_page=page)
        assert v.conservative
        assert all(v.keep)


def test_override_wins_over_detection() -> None:
    lines = list(PARAGRAPHS_EN)
    assert classify_lines(lines, whole_page=True).whole_page
    assert not classify_lines(whole_page(PARAGRAPHS_EN), whole_page=False).whole_page


@pytest.mark.parametrize("lines", [[], [""], ["", "", ""]])
def test_empty_input(lines: list[str]) -> None:
    v = classify_lines(lines)
    assert v.keep == (True,) * len(lines)
    assert not v.conservative


def test_single_line_document() -> None:
    v = classify_lines([PARAGRAPHS_EN[0]])
    assert v.keep == (True,)


def test_decisions_follow_the_current_models_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    # benchmarks/classifier/validate.py swaps in fold models with their own policies.
    lines = whole_page(PARAGRAPHS_EN)
    assert not all(classify_lines(lines, whole_page=True).keep)
    model = classify._model()
    lenient = dataclasses.replace(
        model, policy=Policy(block=0.0, inside=0.0, outside=0.0), kernel=None
    )
    monkeypatch.setattr(classify, "_MODEL", lenient)
    assert all(classify_lines(lines, whole_page=True).keep)


def test_the_decision_is_a_fixpoint() -> None:
    """What the classifier keeps, it keeps when it looks again (as a second cleaning would)."""
    for lines in (whole_page(PARAGRAPHS_EN), ["Related articles", *PARAGRAPHS_EN, "Share this"]):
        first = kept(lines, classify_lines(lines))
        again = classify_lines(first, lines_before=len(first))
        assert kept(first, again) == first


def test_a_page_stays_a_page_through_the_looks() -> None:
    """What the first look keeps of a page is the rest of that page: read afresh, its article
    alone looks like extracted text, so the later looks keep reading it as a page (as they
    do in a dump of pages) and cut the share line and the teaser the first look left."""
    teasers = [
        "Ten things to do this weekend in the city, from markets to a jazz festival by the river.",
        "Council approves budget for next year after a long debate in the chamber on Monday.",
    ]
    lines = [
        f"{HEADLINE} | Example Gazette",
        *MENU,
        HEADLINE,
        *PARAGRAPHS_EN[:3],
        "Share this article",
        "Most read",
        *teasers,
        *FOOTER[:6],
    ]
    verdict = classify_lines(lines)
    assert verdict.whole_page
    assert kept(lines, verdict) == [HEADLINE, *PARAGRAPHS_EN[:3]]
    assert verdict.keep == classify_lines(lines, whole_page=True).keep
    assert boilerplate_runs(lines) == boilerplate_runs(lines, whole_page=True)


def test_a_policy_that_trims_article_text_reads_each_look_afresh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Kept in page mode, the output of a page would be trimmed as article text by a new
    cleaning under such a policy; so each look reads the kind again, as that cleaning would."""
    assert classify._pages_stay_pages()
    model = classify._model()
    trimming = dataclasses.replace(model, policy=Policy(edge=0.05), kernel=None)
    monkeypatch.setattr(classify, "_MODEL", trimming)
    assert not classify._pages_stay_pages()


def test_runs_cover_exactly_the_dropped_lines() -> None:
    lines = whole_page(PARAGRAPHS_EN)
    found = boilerplate_runs(lines)
    dropped = {i for first, end in found.runs for i in range(first, end)}
    verdict = classify_lines(lines)
    assert dropped == {i for i, k in enumerate(verdict.keep) if not k}
    assert found.settled and not found.conservative
    assert all(lines[i] for i in dropped)  # blank lines are never dropped


def test_the_best_block_carries_the_most_evidence() -> None:
    probs = np.array([0.9, 0.1, 0.1, 0.1, 0.6, 0.8, 0.3, 0.9, 0.1])
    assert best_block(probs, np.ones(9), 0.5) == (4, 8)
    # Long lines weigh more: one long paragraph outweighs three short menu items.
    lengths = np.array([200.0, 5, 5, 5, 20, 20, 20, 20, 5])
    assert best_block(probs, lengths, 0.5)[0] == 0
    assert page_keep(probs, np.ones(9), block_threshold=0.5, inside=0.2, outside=0.85).tolist() == [
        True,
        False,
        False,
        False,
        True,
        True,
        True,
        True,
        False,
    ]


def test_extracted_text_loses_only_its_edges() -> None:
    probs = np.array([0.01, 0.02, 0.9, 0.01, 0.8, 0.03])
    assert article_keep(probs, edge_threshold=0.05).tolist() == [
        False,
        False,
        True,
        True,
        True,
        False,
    ]
    assert article_keep(probs, edge_threshold=0.0).all()


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_best_block_is_the_maximum_sum_run(probs: list[float], threshold: float) -> None:
    p = np.array(probs)
    lengths = np.ones(len(p))
    first, end = best_block(p, lengths, threshold)
    gains = p - threshold
    best = max(gains[i:j].sum() for i in range(len(p)) for j in range(i + 1, len(p) + 1))
    if best > 1e-12:
        assert first < end
        assert gains[first:end].sum() == pytest.approx(best)
    elif best < -1e-12:
        assert (first, end) == (0, 0)


def test_an_article_of_doubtful_lines_under_sure_menus_is_found() -> None:
    """Menus scoring 0.01, an article of list lines scoring 0.3, a disclaimer scoring 0.7:
    a fixed threshold of 0.5 keeps the disclaimer alone; the likeliest article is the lines
    from the list to the disclaimer."""
    probs = np.array([0.01] * 20 + [0.3] * 30 + [0.05, 0.7])
    lengths = np.array([10.0] * 20 + [40.0] * 30 + [10.0, 200.0])
    assert best_block(probs, lengths, 0.5) == (51, 52)
    assert likeliest_article(probs, lengths, 0.5) == (20, 52)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1.0), st.integers(1, 200)),
        min_size=1,
        max_size=25,
    )
)
def test_the_likeliest_article_has_the_highest_expected_f1(rows: list[tuple[float, int]]) -> None:
    p = np.array([q for q, _ in rows])
    lengths = np.array([float(n) for _, n in rows])
    total = float((p * lengths).sum())

    def expected_f1(i: int, j: int) -> float:
        return 2 * float((p[i:j] * lengths[i:j]).sum()) / (float(lengths[i:j].sum()) + total)

    first, end = likeliest_article(p, lengths, 0.5)
    if not (p > 0.5).any():  # nothing shows content
        assert (first, end) == (0, 0)
        return
    best = max(expected_f1(i, j) for i in range(len(p)) for j in range(i + 1, len(p) + 1))
    assert first < end
    assert expected_f1(first, end) == pytest.approx(best, abs=1e-9)


def test_the_numpy_path_decides_as_the_kernel_without_scores(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without the kernel, text that cannot lose a line is not scored either, and the
    decisions are the kernel's, for every kind of input."""
    article = list(PARAGRAPHS_EN)
    page = whole_page(PARAGRAPHS_EN)
    cases = [(lines, kind) for lines in (article, page) for kind in (None, True, False)]
    compiled = [boilerplate_runs(lines, whole_page=kind) for lines, kind in cases]
    monkeypatch.setattr(classify, "_MODEL", dataclasses.replace(classify._model(), kernel=None))
    assert [boilerplate_runs(lines, whole_page=kind) for lines, kind in cases] == compiled
    assert classify._look(article, False, None, False).probs is None
