"""Which block lines of a page to keep, from the HTML line model's scores and the page's blocks.

Three ideas, each measured on held-out corpora (``benchmarks/html/README.md``):

* **hysteresis**: a line next to article text needs less evidence to be article text (a short
  paragraph or a subhead between paragraphs) than the same score among boilerplate;
* **one article container**: an article is laid out in one container of the page. The lines
  the model is confident about find it (the deepest block holding most of their text), and
  outside it a line is kept only when the model is as confident about it. Teasers of other
  stories, a live feed beside the article, a sidebar's "most read" list read like prose and
  score like it, line by line; where they stand on the page gives them away. Inside the
  container, the threshold can then be low: captions, table cells and short paragraphs of the
  article are kept without keeping the same kinds of lines around it. The ``<nav>``,
  ``<footer>`` and ``<aside>`` elements inside the container (related links, tags, teasers)
  count as outside it. The page's headline often stands above the body's container; its line
  is kept wherever it is when its score keeps it (headlines are article text);
* **no article found, keep the page**: when the decision keeps fewer than
  :attr:`Decision.min_words` words besides the headline, the page is not an article the model
  recognises (a forum thread, a listing, a product or service page, a documentation index):
  its content is then the page's text outside navigation, footers and pop-ups, and the rule
  sets clean it like any text. When in doubt, keep: an empty page loses everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .blocks import BlockLines
from .features import FloatArray, headline_index, line_words
from .vocabulary import FLAG_BITS

BoolArray = npt.NDArray[np.bool_]

GROW_SHARE = 0.5
"""A line scoring at least this share of the threshold is kept when it joins, through lines
like it, a line scoring above the threshold (see :func:`kept_lines`)."""

ROOT_SHARE = 0.6
"""The article's container is the deepest block holding at least this share of the text of the
lines the model is confident about (see :func:`article_root`)."""

MIN_CONFIDENT_LINES = 2
"""Fewer confident lines than this find no container: one line (often the headline alone,
where the model doubts the body) would make its own block the container and drop the body."""

MIN_ARTICLE_WORDS = 40.0
"""Kept lines holding fewer words than this besides the headline are no article: a news story
is rarely shorter, while listings, forum threads, product pages and indexes, whose items the
model learned from articles to drop, often leave this little (see :meth:`Decision.choose`)."""

PAGE_CHROME = (
    FLAG_BITS["tag_nav"]
    | FLAG_BITS["tag_footer"]
    | FLAG_BITS["cls_nav"]
    | FLAG_BITS["cls_footer"]
    | FLAG_BITS["cls_popup"]
)
"""Lines under these (navigation, footers, cookie and sign-up pop-ups) are left out of the
whole page kept where no article was found."""

SECTION_CHROME = FLAG_BITS["tag_nav"] | FLAG_BITS["tag_footer"] | FLAG_BITS["tag_aside"]
"""Lines under these elements inside the article's container are not the article's: the
related links, tag lists, share bars and teasers an article's own markup puts beside it, which
score like captions and short paragraphs and would be kept by the container's low threshold."""


def kept_lines(scores: FloatArray, threshold: float) -> BoolArray:
    """Which lines to keep by score alone: those scoring at least ``threshold``, and each run of
    lines scoring at least ``GROW_SHARE * threshold`` that holds one of them (thresholding with
    hysteresis).

    >>> kept_lines(np.array([0.2, 0.3, 0.9, 0.3, 0.1, 0.3]), 0.5).tolist()
    [False, True, True, True, False, False]
    """
    strong = scores >= threshold
    weak = scores >= GROW_SHARE * threshold
    if not len(scores):
        return strong
    # number the runs of weak lines (0 outside them) and keep the runs holding a strong line
    run = np.cumsum(weak & ~np.concatenate(([False], weak[:-1]))) * weak
    holds = np.bincount(run, weights=strong) > 0
    holds[0] = False
    kept: BoolArray = holds[run]
    return kept


def article_root(blocks: BlockLines, lines: BoolArray) -> int:
    """The deepest block whose subtree holds at least :data:`ROOT_SHARE` of the characters of
    ``lines`` (0, the body, when they are spread over the page or there are none)."""
    block = np.asarray(blocks.block, dtype=np.intp)
    ends = np.asarray(blocks.block_ends, dtype=np.intp)
    chars = np.fromiter(map(len, blocks.lines), dtype=np.float64, count=len(blocks.lines))
    mass = np.where(lines, chars, 0.0)
    if not mass.sum():
        return 0
    # characters under each block's subtree, as differences of a prefix sum over the blocks
    # (a block's descendants are the blocks from its index up to its end)
    before = np.concatenate(([0.0], np.cumsum(np.bincount(block, mass, minlength=len(ends)))))
    subtree = before[ends] - before[: len(ends)]
    holding = np.flatnonzero(subtree >= ROOT_SHARE * mass.sum())  # the body holds all of it
    depth = np.asarray(blocks.block_depths)[holding]
    return int(holding[np.argmax(depth)])


def headline_line(blocks: BlockLines, headline: str) -> int | None:
    """The page's headline line (:func:`~cleantext.html.features.headline_index`): the first
    equal to ``headline`` (the page metadata's, from ``og:title`` or ``<h1>``), else the first
    line whose own block is an ``<h1>``."""
    tags = blocks.block_tags
    return headline_index(blocks.lines, headline, (tags[block] == "h1" for block in blocks.block))


def inside(blocks: BlockLines, root: int) -> BoolArray:
    """Which lines sit in block ``root`` or under it."""
    block = np.asarray(blocks.block, dtype=np.intp)
    within: BoolArray = (block >= root) & (block < blocks.block_ends[root])
    return within


def line_flags(blocks: BlockLines) -> npt.NDArray[np.int64]:
    """The flag bits of each line (its block's and its inline elements'), as an array."""
    return np.fromiter(blocks.flags, dtype=np.int64, count=len(blocks.flags))


def in_article(blocks: BlockLines, root: int) -> BoolArray:
    """Which lines belong to the article laid out in block ``root``: those under it, except
    under a ``<nav>``, ``<footer>`` or ``<aside>`` of its own (:data:`SECTION_CHROME`).

    >>> from cleantext.html.page import parse_page
    >>> blocks = parse_page(
    ...     "<article><p>Story.</p><aside><p>Teaser.</p></aside><footer>Tags</footer></article>"
    ... ).blocks
    >>> in_article(blocks, 1).tolist()
    [True, False, False]
    """
    own_chrome = line_flags(blocks) & SECTION_CHROME & ~blocks.block_flags[root]
    within: BoolArray = inside(blocks, root) & (own_chrome == 0)
    return within


def holds_words(blocks: BlockLines, lines: BoolArray, skip: int | None, enough: float) -> bool:
    """Whether ``lines`` other than line ``skip`` hold at least ``enough`` words
    (:func:`~cleantext.html.features.line_words`; counted until there are enough: most pages
    have them in their first paragraph)."""
    found = 0.0
    for i in np.flatnonzero(lines).tolist():
        if found >= enough:
            break
        if i != skip:
            found += line_words(blocks.lines[i])
    return found >= enough


def outside_chrome(blocks: BlockLines) -> BoolArray:
    """Which lines are outside the page's chrome (:data:`PAGE_CHROME`); every line when all
    of them are in it."""
    outside: BoolArray = (line_flags(blocks) & PAGE_CHROME) == 0
    return outside if outside.any() else np.ones(len(outside), dtype=bool)


class Choice(NamedTuple):
    """The lines a decision keeps, and whether they are the whole page because the model found
    no article on it."""

    lines: BoolArray
    no_article: bool


@dataclass(frozen=True, slots=True)
class Decision:
    """The decision's settings, chosen on held-out corpora by ``benchmarks/html/train.py``.

    Attributes:
        threshold: inside the article's container, lines are kept by :func:`kept_lines` at
            this threshold.
        confident: lines scoring at least this find the container (:func:`article_root`), and
            outside it a line needs this score too.
        min_words: lines kept holding fewer words than this besides the headline mean
            the model found no article on the page; the page's text outside its chrome is
            kept instead (0: only when no line is kept).
    """

    threshold: float
    confident: float
    min_words: float = MIN_ARTICLE_WORDS

    def kept(self, scores: FloatArray, blocks: BlockLines, headline: str = "") -> BoolArray:
        """Which of the page's lines to keep (``headline``: the page's, see
        :func:`headline_line`): those of :meth:`choose`."""
        return self.choose(scores, blocks, headline).lines

    def choose(self, scores: FloatArray, blocks: BlockLines, headline: str = "") -> Choice:
        """Which of the page's lines to keep: the article's by score and container, or, when
        they hold fewer than :attr:`min_words` words besides the headline, the page's text
        outside its chrome (:func:`outside_chrome`).

        >>> from cleantext.html.page import parse_page
        >>> page = parse_page(
        ...     "<div><p>a</p><p>b</p><p>c</p></div><aside><p>d</p><p>e</p></aside>"
        ... )
        >>> scores = np.array([0.9, 0.9, 0.25, 0.3, 0.85])
        >>> Decision(0.2, 0.8, min_words=0).choose(scores, page.blocks).lines.tolist()
        [True, True, True, False, True]
        >>> Decision(0.2, 0.8, min_words=40).choose(scores, page.blocks).no_article
        True
        """
        keep = kept_lines(scores, self.threshold)
        top = headline_line(blocks, headline)
        sure = kept_lines(scores, self.confident)
        if np.count_nonzero(sure) >= MIN_CONFIDENT_LINES:
            within = in_article(blocks, article_root(blocks, sure))
            if top is not None:
                within[top] = True
            keep &= within | (scores >= self.confident)
        if not len(keep) or (keep.any() and holds_words(blocks, keep, top, self.min_words)):
            return Choice(keep, False)
        return Choice(keep | outside_chrome(blocks), True)
