"""The compiled HTML features (``cleantext/html/_features.c``) against the numpy reference:
the stage-1 inputs (``features.line_features``) and the stage-2 inputs
(``model.smooth_features``).

The extension must compute the same feature matrix bit for bit (counts, prefix sums, windows,
the container scores and numpy's pairwise sum, logarithms from numpy's tables), on ordinary
pages and on the corners: one line, no headline, an ``<h1>`` standing in for it, separators at
a line's start, lines longer than the logarithm tables, repeated lines, deep nesting.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.html import features, model, parse_page
from cleantext.html.features import (
    BLOCK_TAG_GROUPS,
    FEATURE_NAMES,
    FLAG_NAMES,
    compiled_line_features,
    line_features,
    numpy_line_features,
)
from cleantext.html.model import (
    SMOOTH_LINE_FEATURES,
    SMOOTH_NAMES,
    numpy_smooth_features,
    smooth_features,
)

KERNEL = features.COMPILED_FEATURES
if KERNEL is None and os.environ.get("CLEANTEXT_REQUIRE_KERNEL"):
    raise RuntimeError("CLEANTEXT_REQUIRE_KERNEL is set but cleantext.html._features is not in use")
pytestmark = pytest.mark.skipif(KERNEL is None, reason="cleantext.html._features is not in use")

PARAGRAPH = (
    "<p>The port closed on Monday as the storm arrived, officials said, and the ferries "
    "stayed in harbour until the wind eased in the evening.</p>"
)
PAGES = {
    "article": (
        "<head><title>Storm closes the port | Gazette</title></head><body><header>"
        "<nav class='menu'><ul><li><a href='/'>Home</a></li><li><a href='/n'>News</a></li>"
        "</ul></nav></header><main><article class='story'><h1>Storm closes the port</h1>"
        "<div class='byline'>By <a rel='author' href='/k'>Kim Lowe</a> | 5 March</div>"
        + PARAGRAPH
        * 4
        + "<figure><figcaption>The quay at dawn. Photo: K. Lowe</figcaption></figure>"
        "<aside class='related'><h2>More</h2><ul><li><a href='/a'>Older storms</a></li>"
        "<li><a href='/b'>Ferry timetable</a></li></ul></aside></article></main>"
        "<footer class='site-footer'><p>© 2024 Gazette · <a href='/t'>Terms</a></p></footer>"
        "</body>"
    ),
    "one line": "<body><p>Just one line here.</p></body>",
    "h1 without a title": "<body><div><h1>Only an h1</h1>" + PARAGRAPH + "</div></body>",
    "separators at line starts": (
        "<body><p>» First</p><p>• Second line | with a bar</p><p>a / b > c</p><p>x »</p>"
        "<div><span>Home</span> » <span>World</span></div></body>"
    ),
    "repeats and kinds": (
        "<body>"
        + "<div class='card'><h3>Same title</h3><p>Teaser text of the card.</p></div>" * 6
        + "</body>"
    ),
    "deep nesting": "<body>"
    + "<div><section>" * 30
    + PARAGRAPH
    + "</section></div>" * 30
    + "<p>after</p></body>",
    "long lines": "<body><h1>Long</h1><p>"
    + "word, " * 4000
    + "</p><p>"
    + "x" * 20000
    + "</p></body>",
    "unicode": "<body><h2>Ünïcödé — 東京の天気</h2><p>Größe: 12,5 m². «Zitat».</p>"
    "<p>Ça va? ¡Sí!</p><p>ПРИВЕТ мир</p></body>",
    "unspaced scripts": "<body><h1>東京の天気</h1>"
    "<p>今日は一日中晴れる見込みです。明日は雨が降るでしょう。</p>"
    "<p>台风今天下午在沿海地区登陆，当地政府已经组织居民撤离。</p>"
    "<p>カタカナ ﾃｽﾄ 𠀀 豈</p></body>",
}


def assert_same(html: str, headline: str | None = None) -> None:
    page = parse_page(html)
    title = page.metadata.headline if headline is None else headline
    expected = numpy_line_features(page.blocks, title)
    got = compiled_line_features(KERNEL, page.blocks, title)
    assert got.shape == expected.shape == (len(page.lines), len(FEATURE_NAMES))
    if got.tobytes() != expected.tobytes():
        rows, cols = np.nonzero(got != expected)
        names = sorted({FEATURE_NAMES[c] for c in cols})
        raise AssertionError(f"columns differ: {names} (first line {rows[0]})")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_kernel_matches_numpy(name: str) -> None:
    assert_same(PAGES[name])


@pytest.mark.parametrize("headline", ["", "Storm closes the port", "not on the page"])
def test_kernel_matches_numpy_whatever_the_headline(headline: str) -> None:
    assert_same(PAGES["article"], headline)


def test_both_stages_run_the_kernel_and_numpy_without_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = parse_page(PAGES["article"])
    compiled = line_features(page.blocks, page.metadata.headline)
    monkeypatch.setattr(features, "COMPILED_FEATURES", None)
    assert line_features(page.blocks, page.metadata.headline).tobytes() == compiled.tobytes()
    empty = parse_page("<body><div> </div></body>").blocks
    assert line_features(empty).shape == (0, len(FEATURE_NAMES))
    scores = np.linspace(0.0, 1.0, len(page.lines))
    x = line_features(page.blocks, page.metadata.headline)
    compiled_z = smooth_features(scores, x, page.blocks)
    monkeypatch.setattr(model, "COMPILED_FEATURES", None)
    assert smooth_features(scores, x, page.blocks).tobytes() == compiled_z.tobytes()


TAGS = ["div", "p", "span", "a", "li", "ul", "h1", "h2", "nav", "footer", "b", "section", "td"]
CLASSES = ["", "menu", "story-body", "related", "share", "footer", "card", "content"]
WORDS = ["The", "storm", "closed", "port,", "said", "Kim.", "|", "»", "•", "12", "Home", "a"]
WORDS += ["台风登陆。", "東京の天気"]


@st.composite
def html_pages(draw: st.DrawFn, depth: int = 0) -> str:
    """Small random pages: nested elements of common tags and class words, text between."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        if depth < 4 and draw(st.booleans()):
            tag = draw(st.sampled_from(TAGS))
            cls = draw(st.sampled_from(CLASSES))
            attr = f" class='{cls}'" if cls else ""
            parts.append(f"<{tag}{attr}>{draw(html_pages(depth + 1))}</{tag}>")
        else:
            words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=14))
            parts.append(" ".join(words) + draw(st.sampled_from(["", " ", "\n", "<br>"])))
    return "".join(parts)


@settings(max_examples=60, deadline=None)
@given(html_pages(), st.sampled_from(["", "The storm closed port,", "Home"]))
def test_kernel_matches_numpy_on_any_page(body: str, headline: str) -> None:
    page = parse_page(f"<body>{body}</body>")
    if page.lines:
        assert_same(f"<body>{body}</body>", headline)


def test_kernel_refuses_a_layout_it_does_not_know() -> None:
    groups, flags = len(BLOCK_TAG_GROUPS), len(FLAG_NAMES)
    KERNEL.check_layout(FEATURE_NAMES, groups, flags)
    renamed = ("log_letters", *FEATURE_NAMES[1:])
    with pytest.raises(ValueError, match="log_letters"):
        KERNEL.check_layout(renamed, groups, flags)
    with pytest.raises(ValueError, match="feature columns"):
        KERNEL.check_layout(FEATURE_NAMES[:-1], groups, flags)


def test_kernel_rejects_bad_input_clearly() -> None:
    blocks = parse_page(PAGES["article"]).blocks
    x = np.empty((len(blocks.lines), len(FEATURE_NAMES)))
    args = [
        *features.compiled_arguments(blocks, "", x),
        features._LOG1P,
        features._LOG,
    ]
    assert KERNEL.features(*args) == 0
    out_of_range = list(args)
    out_of_range[2] = (len(blocks.block_tags), *blocks.block[1:])
    with pytest.raises(ValueError, match="block out of range"):
        KERNEL.features(*out_of_range)
    wrong_shape = list(args)
    wrong_shape[13] = np.empty((len(blocks.lines), 3))
    with pytest.raises(ValueError, match="float64 array"):
        KERNEL.features(*wrong_shape)
    short = list(args)
    short[14], short[15] = features._LOG1P[:5], features._LOG[:5]
    assert KERNEL.features(*short) > 5  # asks for longer tables


@pytest.mark.parametrize("name", sorted(PAGES))
def test_kernel_stage2_inputs_match_numpy(name: str) -> None:
    page = parse_page(PAGES[name])
    x = numpy_line_features(page.blocks, page.metadata.headline)
    # scores with ties (the rank keeps them in line order) and a lone maximum
    scores = np.round(np.linspace(0.05, 0.95, len(page.lines)) ** 2, 1)
    for p in (scores, scores[::-1].copy(), np.full(len(page.lines), 0.5)):
        expected = numpy_smooth_features(p, x, page.blocks)
        got = smooth_features(p, x, page.blocks)
        assert got.tobytes() == expected.tobytes()


def test_kernel_refuses_stage2_columns_it_does_not_know() -> None:
    KERNEL.check_smooth_layout(SMOOTH_NAMES, len(SMOOTH_LINE_FEATURES))
    with pytest.raises(ValueError, match="p_mean"):
        KERNEL.check_smooth_layout(("p_mean", *SMOOTH_NAMES[1:]), len(SMOOTH_LINE_FEATURES))
    with pytest.raises(ValueError, match="stage-2 columns"):
        KERNEL.check_smooth_layout(SMOOTH_NAMES, len(SMOOTH_LINE_FEATURES) + 1)


def test_kernel_stage2_inputs_from_score_views() -> None:
    page = parse_page(PAGES["article"])
    x = numpy_line_features(page.blocks, page.metadata.headline)
    wide = np.linspace(0.0, 1.0, 2 * len(page.lines))
    strided = wide[::2]  # out-of-fold scores are often views like this
    expected = numpy_smooth_features(strided, x, page.blocks)
    assert smooth_features(strided, x, page.blocks).tobytes() == expected.tobytes()
