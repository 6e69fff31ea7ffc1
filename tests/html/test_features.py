"""The line model's features: values that faster formulations must keep to the last bit."""

from __future__ import annotations

import numpy as np

from cleantext.html import parse_page
from cleantext.html.features import (
    _NEGATIVE_BITS,
    _POSITIVE_BITS,
    FEATURE_NAMES,
    _candidate_scores,
    _Tree,
    line_features,
)

PAGE = (
    "<body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    "<article class='story'><h1>Storm closes the port</h1><div class='body'>"
    + "<p>The port closed on Monday as the storm arrived, officials said, and ferries stayed "
    "in harbour until the wind eased late in the evening.</p>"
    * 3
    + "<div class='related'><p>More: <a href='/a'>Older storms of the decade</a></p></div>"
    "</div></article><footer><p>Copyright 2024 Harbour Gazette, all rights reserved</p>"
    "</footer></body>"
)


def test_container_scores_sum_credits_as_unbuffered_additions_do() -> None:
    blocks = parse_page(PAGE).blocks
    tree = _Tree(blocks)
    block = np.asarray(blocks.block, dtype=np.int64)
    chars = np.array([len(line) for line in blocks.lines], dtype=np.float64)
    link = np.minimum(np.asarray(blocks.link_chars) / chars, 1.0)
    letters = np.array([sum(c.isalpha() for c in line) for line in blocks.lines], float)
    link_share = np.linspace(0.0, 0.5, len(tree.parent))
    got = _candidate_scores(tree, block, chars, link, letters, link_share)

    # the reference: each line's credit added to its block's parent, then half of it to the
    # grandparent, one unbuffered addition at a time (credits are not whole numbers, so the
    # order of the additions shows in the last bits)
    usable = (chars >= 25) & (link < 0.5) & (letters > 0.5 * chars)
    line_score = np.where(usable, 1.0 + np.minimum(chars / 100.0, 3.0), 0.0)
    own = np.bincount(block, weights=line_score, minlength=len(tree.parent))
    expected = np.zeros(len(tree.parent))
    np.add.at(expected, tree.parent, own)
    np.add.at(expected, tree.parent[tree.parent], own / 2.0)
    own_flags = tree.flags & ~tree.flags[tree.parent]
    expected += np.where(own_flags & _POSITIVE_BITS, 5.0, 0.0) * (expected > 0)
    expected *= np.where(own_flags & _NEGATIVE_BITS, 0.25, 1.0)
    expected *= 1.0 - link_share
    expected[0] = 0.0
    assert (got > 0).sum() >= 2
    assert got.tobytes() == expected.tobytes()


def test_features_of_a_page_are_whole_and_in_the_stored_order() -> None:
    page = parse_page(PAGE)
    x = line_features(page.blocks, page.metadata.headline)
    assert x.shape == (len(page.lines), len(FEATURE_NAMES))
    assert np.isfinite(x).all()
    column = dict(zip(FEATURE_NAMES, x.T, strict=True))
    headline = page.lines.index("Storm closes the port")
    assert column["is_headline"][headline] == 1.0 and column["tag_h1"][headline] == 1.0
    assert column["link_density"][page.lines.index("Home")] == 1.0
    prose = [i for i, line in enumerate(page.lines) if line.startswith("The port closed")]
    assert (column["is_prose"][prose] == 1.0).all()
    assert (column["in_main"][prose] == 1.0).all()


def test_words_of_scripts_without_spaces_are_counted_and_make_prose() -> None:
    chinese = "台风今天下午在沿海地区登陆，当地政府已经组织居民撤离。"  # 25 ideographs, no space
    blocks = parse_page(f"<body><p>{chinese}</p><p>台风登陆</p><p>Storm hits</p></body>").blocks
    x = line_features(blocks)
    words = np.expm1(x[:, FEATURE_NAMES.index("log_words")])
    # two ideographs a word (12 of them, one more for the line), a space between words elsewhere
    assert np.round(words).tolist() == [13.0, 3.0, 2.0]
    # the Chinese sentence is prose, as an English sentence of as many words would be
    assert x[:, FEATURE_NAMES.index("is_prose")].tolist() == [1.0, 0.0, 0.0]
