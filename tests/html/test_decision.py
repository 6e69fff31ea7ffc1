"""The HTML model's decision: hysteresis, one article container found by confident lines, and
the whole page (its chrome aside) where the model finds no article."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from cleantext.html.decision import (
    GROW_SHARE,
    MIN_CONFIDENT_LINES,
    Decision,
    article_root,
    headline_line,
    in_article,
    inside,
    kept_lines,
    outside_chrome,
)
from cleantext.html.page import parse_page

ARTICLE = (
    "<article><h1>Headline</h1>{}<figure><figcaption>A caption</figcaption></figure></article>"
)
PAGE = (
    "<html><body><nav><a href='/'>Home</a></nav><main>"
    + ARTICLE.format("<p>First paragraph of the story.</p><p>Second paragraph.</p>")
    + "<aside><p>Another story, told like prose.</p><p>A third one, also prose.</p></aside>"
    + "</main></body></html>"
)


def test_kept_lines_grow_from_strong_lines_through_weaker_neighbours_only() -> None:
    weak = GROW_SHARE * 0.5
    scores = np.array([weak, 0.9, weak, 0.1, weak, weak, 0.6])
    # the first three grow from 0.9; the 0.1 line stops the growth; the last run holds 0.6
    assert kept_lines(scores, 0.5).tolist() == [True, True, True, False, True, True, True]
    # weak lines alone are never kept
    assert not kept_lines(np.full(4, weak), 0.5).any()
    assert kept_lines(np.zeros(0), 0.5).tolist() == []


def test_the_article_root_is_the_deepest_block_holding_most_confident_text() -> None:
    blocks = parse_page(PAGE).blocks
    assert blocks.lines == (
        "Home",
        "Headline",
        "First paragraph of the story.",
        "Second paragraph.",
        "A caption",
        "Another story, told like prose.",
        "A third one, also prose.",
    )
    article = np.array([False, True, True, True, False, False, False])
    root = article_root(blocks, article)
    assert blocks.block_tags[root] == "article"
    assert inside(blocks, root).tolist() == [False, True, True, True, True, False, False]
    # spread over the article and the aside: their common container
    both = np.array([False, True, True, True, False, True, True])
    assert blocks.block_tags[article_root(blocks, both)] == "main"
    # nothing confident: the body
    assert article_root(blocks, np.zeros(7, dtype=bool)) == 0


def test_outside_the_article_only_confident_lines_stay_inside_weak_ones_do() -> None:
    blocks = parse_page(PAGE).blocks
    #                  Home  Head  P1    P2    caption  story  story
    scores = np.array([0.05, 0.9, 0.95, 0.9, 0.15, 0.7, 0.55])
    kept = Decision(threshold=0.15, confident=0.8, min_words=0).kept(scores, blocks)
    # the caption (0.15) stays in the article; the aside's prose (0.7, 0.55) goes
    assert kept.tolist() == [False, True, True, True, True, False, False]
    # by score alone, the aside's lines would have been kept
    assert kept_lines(scores, 0.15)[5:].all()
    # a line outside the article that the model is sure of stays
    scores[6] = 0.85
    assert Decision(threshold=0.15, confident=0.8, min_words=0).kept(scores, blocks)[6]


def test_the_articles_own_nav_footer_and_aside_count_as_outside_its_container() -> None:
    blocks = parse_page(
        "<body><article><h1>Storm closes port</h1><p>First paragraph.</p>"
        "<p>Second paragraph.</p><figure><figcaption>The quay</figcaption></figure>"
        "<aside><p>Read next: ferry fares rise</p></aside>"
        "<footer><p>Tags: storm, port</p></footer></article></body>"
    ).blocks
    #                  Head  P1   P2   caption  aside  footer
    scores = np.array([0.9, 0.95, 0.9, 0.2, 0.3, 0.25])
    assert blocks.block_tags[article_root(blocks, scores >= 0.8)] == "article"
    assert in_article(blocks, 1).tolist() == [True, True, True, True, False, False]
    kept = Decision(threshold=0.15, confident=0.8, min_words=0).kept(scores, blocks)
    assert kept.tolist() == [True, True, True, True, False, False]
    # an article laid out in an <aside> of the page: its lines are its own
    page = parse_page("<aside><p>One.</p><p>Two.</p></aside><p>Other.</p>").blocks
    assert in_article(page, article_root(page, np.array([True, True, False]))).tolist() == [
        True,
        True,
        False,
    ]


def test_a_page_without_confident_lines_is_decided_by_score_alone() -> None:
    blocks = parse_page(PAGE).blocks
    scores = np.array([0.05, 0.5, 0.6, 0.5, 0.1, 0.6, 0.5])
    decision = Decision(threshold=0.3, confident=0.8, min_words=0)
    assert decision.kept(scores, blocks).tolist() == kept_lines(scores, 0.3).tolist()


def test_one_confident_line_finds_no_container() -> None:
    blocks = parse_page(PAGE).blocks
    # only the headline is sure; the body scores low but above the threshold
    scores = np.array([0.05, 0.9, 0.3, 0.3, 0.2, 0.05, 0.05])
    kept = Decision(threshold=0.2, confident=0.8, min_words=0).kept(scores, blocks)
    assert kept.tolist() == [False, True, True, True, True, False, False]


@st.composite
def pages_and_scores(draw: st.DrawFn) -> tuple[str, list[float]]:
    """Random nested pages (block and inline tags, text between) and a score per line."""

    def body(depth: int) -> str:
        parts = []
        for _ in range(draw(st.integers(1, 3))):
            if depth < 4 and draw(st.booleans()):
                tag = draw(st.sampled_from(["div", "p", "ul", "li", "section", "aside", "span"]))
                parts.append(f"<{tag}>{body(depth + 1)}</{tag}>")
            else:
                parts.append(draw(st.sampled_from(["Storm", "The port closed.", "Home", "台风"])))
        return "".join(parts)

    html = f"<body>{body(0)}</body>"
    n = len(parse_page(html).blocks.lines)
    return html, draw(st.lists(st.floats(0.0, 1.0), min_size=n, max_size=n))


@given(pages_and_scores(), st.floats(0.01, 0.5), st.floats(0.5, 1.0))
def test_the_container_only_ever_removes_and_never_a_confident_line(
    case: tuple[str, list[float]], threshold: float, confident: float
) -> None:
    html, listed = case
    blocks = parse_page(html).blocks
    scores = np.array(listed, dtype=np.float64)
    choice = Decision(threshold, confident, min_words=0).choose(scores, blocks)
    kept = choice.lines
    by_score = kept_lines(scores, threshold)
    assert len(kept) == len(blocks.lines)
    if choice.no_article:  # nothing was kept: the page's text outside its chrome instead
        assert kept.tolist() == outside_chrome(blocks).tolist()
        return
    assert not (kept & ~by_score).any()  # a subset of the score's decision
    assert kept[by_score & (scores >= confident)].all()  # what is sure stays wherever it is
    if np.count_nonzero(kept_lines(scores, confident)) < MIN_CONFIDENT_LINES:
        assert kept.tolist() == by_score.tolist()


def test_the_headline_stays_above_the_bodys_container_when_its_score_keeps_it() -> None:
    page = parse_page(
        "<body><header><h1>Storm closes port</h1><p>A teaser of another story.</p></header>"
        "<div class='body'><p>First paragraph.</p><p>Second paragraph.</p></div></body>"
    )
    blocks = page.blocks
    assert headline_line(blocks, "") == 0  # the first <h1> line
    assert headline_line(blocks, "Second paragraph.") == 3  # the page's own headline first
    assert headline_line(parse_page("<p>No heading</p>").blocks, "") is None
    scores = np.array([0.3, 0.3, 0.9, 0.9])
    decision = Decision(threshold=0.2, confident=0.8, min_words=0)
    # the container is the body's <div>: the headline stays, the teaser beside it goes
    assert decision.kept(scores, blocks).tolist() == [True, False, True, True]
    # a headline the score would drop is not kept for being the headline
    assert not decision.kept(np.array([0.05, 0.3, 0.9, 0.9]), blocks)[0]


FORUM = (
    "<body><nav><ul><li><a href='/'>Forums</a></li><li><a href='/new'>New posts</a></li></ul></nav>"
    "<h1>Which fish for a 50 gallon tank?</h1>"
    "<div class='post'><p>I just got a tank for free. What should I keep in it?</p></div>"
    "<div class='post'><p>A dwarf lionfish would do well.</p></div>"
    "<footer><p>Terms and rules</p></footer>"
    "<div class='cookie-consent'><p>This site uses cookies.</p></div></body>"
)


def test_where_the_model_finds_no_article_the_page_outside_its_chrome_is_kept() -> None:
    blocks = parse_page(FORUM).blocks
    assert blocks.lines == (
        "Forums",
        "New posts",
        "Which fish for a 50 gallon tank?",
        "I just got a tank for free. What should I keep in it?",
        "A dwarf lionfish would do well.",
        "Terms and rules",
        "This site uses cookies.",
    )
    # the model doubts the replies (it learned that comments are not the article)
    scores = np.array([0.01, 0.01, 0.9, 0.05, 0.03, 0.01, 0.02])
    choice = Decision(threshold=0.2, confident=0.8, min_words=40).choose(scores, blocks)
    assert choice.no_article
    assert choice.lines.tolist() == [False, False, True, True, True, False, False]
    # the headline's words do not count as an article found
    assert Decision(0.2, 0.8, min_words=1).choose(scores, blocks).no_article
    scores[3:5] = 0.5  # the replies kept by score: 19 words
    choice = Decision(threshold=0.2, confident=0.8, min_words=15).choose(scores, blocks)
    assert not choice.no_article
    assert choice.lines.tolist() == [False, False, True, True, True, False, False]


def test_a_page_all_chrome_where_nothing_is_kept_is_kept_whole() -> None:
    blocks = parse_page("<nav><a href='/'>Home</a><a href='/about'>About</a></nav>").blocks
    choice = Decision(threshold=0.2, confident=0.8, min_words=0).choose(np.zeros(2), blocks)
    assert choice.no_article and choice.lines.all()
    empty = parse_page("<body></body>").blocks
    choice = Decision(0.2, 0.8, 40).choose(np.zeros(0), empty)
    assert choice.lines.tolist() == [] and not choice.no_article
