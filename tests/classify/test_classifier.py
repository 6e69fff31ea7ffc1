"""Behaviour of the generic line classifier on small hand-made pages.

All texts here were written for these tests; none comes from the dev corpus.
"""

from __future__ import annotations

import dataclasses
import types

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import classify
from cleantext.classify import Verdict, classify_lines, looks_like_whole_page
from cleantext.classify.decide import HEAD_MAX_LINES, HEAD_MIN_LINES, keep_mask, keeps_everything
from cleantext.classify.features import FEATURE_NAMES, page_features

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
    "© 2024 Example Media Group. All rights reserved.",
]
RELATED = [
    "Related articles",
    "Council approves budget for next year",
    "Ten things to do this weekend",
    "Weather warning issued for the coast",
]


def whole_page(body: list[str]) -> list[str]:
    return [
        *MENU,
        "",
        "Council votes to rebuild the bridge",
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


def test_menu_cookie_footer_and_related_removed_from_whole_page() -> None:
    lines = whole_page(PARAGRAPHS_EN)
    v = classify_lines(lines, whole_page=True)
    out = kept(lines, v)
    assert all(p in out for p in PARAGRAPHS_EN)
    for boiler in [*MENU, COOKIE, *FOOTER[:-1], "Related articles"]:
        assert boiler not in out, boiler
    assert not v.conservative


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
    assert not looks_like_whole_page(lines, lines_before=20)  # too short to tell
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


def test_caption_line_in_extracted_text_scores_lower_than_prose() -> None:
    caption = "Photo: John Smith / Example Agency"
    lines = [*PARAGRAPHS_EN[:2], caption, *PARAGRAPHS_EN[2:]]
    v = classify_lines(lines, whole_page=False)
    i = lines.index(caption)
    assert v.scores[i] < min(s for j, s in enumerate(v.scores) if j != i)
    assert sum(v.keep) >= len(PARAGRAPHS_EN)


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


def test_safety_valve_keeps_text_the_model_would_wipe() -> None:
    lines = ["Home", "News", "Sport", "Contact", "Login"] * 4
    v = classify_lines(lines, whole_page=True)
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


def test_decisions_follow_the_current_models_thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    # benchmarks/classifier/cv_pipeline.py swaps in fold models with their own thresholds.
    lines = whole_page(PARAGRAPHS_EN)
    assert not all(classify_lines(lines, whole_page=True).keep)
    lenient = dataclasses.replace(classify._MODEL, threshold_page=0.0)
    monkeypatch.setattr(classify, "_MODEL", lenient)
    assert all(classify_lines(lines, whole_page=True).keep)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30),
    st.booleans(),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
    st.floats(min_value=0.0, max_value=1.0),
    st.none() | st.floats(min_value=0.0, max_value=1.0),
    st.lists(st.booleans(), min_size=30, max_size=30),
)
def test_keeps_everything_agrees_with_the_policy(
    probs: list[float],
    page: bool,
    page_t: float,
    edge_t: float,
    mid_t: float,
    head_t: float | None,
    sentences: list[bool],
) -> None:
    # classify._decide skips keep_mask when keeps_everything says every line stays.
    thresholds = {
        "page_threshold": page_t,
        "edge_threshold": edge_t,
        "mid_threshold": mid_t,
        "head_threshold": head_t,
    }
    if keeps_everything(
        min(probs),
        page,
        leading=tuple(probs[: HEAD_MAX_LINES + 1]),
        lines=len(probs),
        ends_sentence=sentences.__getitem__,
        **thresholds,
    ):
        kept = keep_mask(
            np.array(probs), whole_page=page, ends_sentence=sentences.__getitem__, **thresholds
        )
        assert kept.all()


def test_head_threshold_cuts_a_low_first_line_only() -> None:
    common = {"whole_page": False, "page_threshold": 0.5, "mid_threshold": 0.0}

    def kept(probs: list[float], **thresholds: float) -> list[bool]:
        return keep_mask(np.array(probs), **common, **thresholds).tolist()

    # A first line under the head bar goes when the next one clears it; the tail is untouched
    # (without ``ends_sentence``, the sentence guard is off).
    assert kept([0.3, 0.9, 0.3, 0.9, 0.3], edge_threshold=0.2, head_threshold=0.5) == [
        False,
        True,
        True,
        True,
        True,
    ]
    # Counted from the end of the edge threshold's cut.
    assert kept([0.1, 0.3, 0.9, 0.9], edge_threshold=0.2, head_threshold=0.5) == [
        False,
        False,
        True,
        True,
    ]
    # An opening that scores low for more lines than HEAD_MAX_LINES is left to the edge bar.
    low_opening = [0.3] * (HEAD_MAX_LINES + 1) + [0.9, 0.9]
    assert all(kept(low_opening, edge_threshold=0.2, head_threshold=0.5))
    # A head bar at or under the edge bar changes nothing.
    assert kept([0.3, 0.9, 0.3], edge_threshold=0.5, head_threshold=0.2) == [False, True, False]


def test_model_thresholds_default_the_head_to_the_edge() -> None:
    m = classify._MODEL
    assert m.thresholds["head_threshold"] == m.threshold_article_head
    same = type(m).from_stages(
        m.stage1,
        m.stage2,
        threshold_page=0.5,
        threshold_article=0.2,
        threshold_article_mid=0.0,
        meta="{}",
    )
    assert same.threshold_article_head == 0.2


def test_head_cut_only_takes_a_title_before_a_sentence() -> None:
    common = {
        "whole_page": False,
        "page_threshold": 0.5,
        "mid_threshold": 0.0,
        "edge_threshold": 0.2,
        "head_threshold": 0.5,
    }
    probs = np.array([0.3, 0.9, 0.9, 0.9])
    title = ["Vote delayed again", "The council met on Tuesday.", "It voted.", "Done."]
    assert keep_mask(probs, ends_sentence=lambda i: title[i].endswith("."), **common).tolist() == [
        False,
        True,
        True,
        True,
    ]
    # A first line that ends a sentence is the news itself; so is one before another heading.
    news = ["Troops moved in at dawn.", "The city was quiet.", "It rained.", "Done."]
    kicker = ["Vote delayed", "COUNCIL CHAOS", "It voted.", "Done."]
    for lines in (news, kicker):
        kept = keep_mask(probs, ends_sentence=lambda i, ls=lines: ls[i].endswith("."), **common)
        assert kept.all()
    # Under HEAD_MIN_LINES lines there is too little text to tell a title from the news.
    short = keep_mask(probs[: HEAD_MIN_LINES - 1], ends_sentence=lambda i: i > 0, **common)
    assert short.all()


def test_head_cut_is_left_to_site_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    lines = ["Vote delayed again", "", *PARAGRAPHS_EN]
    scores = np.array([0.3] + [0.9] * len(PARAGRAPHS_EN))
    scored = types.SimpleNamespace(
        predict_lines=lambda text_lines, whole_page: scores,
        thresholds={**classify._MODEL.thresholds, "edge_threshold": 0.2, "head_threshold": 0.5},
    )
    monkeypatch.setattr(classify, "_MODEL", scored)
    assert classify_lines(lines, whole_page=False).keep[0] is False
    assert classify_lines(lines, whole_page=False, known_site=True).keep[0] is True
