"""The line model's inputs: one row per block line, from its text, its markup and its page.

Four kinds of column (``FEATURE_NAMES`` is stored with the weights and checked at load):

* text shape of the line: length, words, letters, digits, capitals, sentence end, commas;
* markup of the line: link and bold density, its block's tag, the tag roles and ``class``/``id``
  words of its block and ancestors (:data:`~cleantext.html.vocabulary.FLAG_NAMES`), depth;
* its container: which share of the page's prose (lines shaped like sentences, mostly
  unlinked) lies under its block's ancestors one to four levels up, and whether it lies inside
  the page's main container (the deepest block holding most of that prose). This is what tells
  an article's short line (a subhead, a one-sentence paragraph) from a menu's: where it is;
* its neighbourhood: the same few text signals averaged over the lines around it.

Everything is computed with numpy over the whole page at once (:func:`numpy_line_features`,
the reference): per-line Python work is what would make HTML slower than the parse itself.
Where the optional C extension ``cleantext.html._features`` is built (``_features.c``, from
these sources), :func:`line_features` runs it instead: the same values bit for bit, without
numpy's fixed cost per call, which on a page of a few hundred lines is most of the time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import Any

import numpy as np
import numpy.typing as npt

from .._build import load_extension
from .blocks import BlockLines
from .vocabulary import BLOCK_TAGS, FLAG_NAMES

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

BLOCK_TAG_GROUPS: tuple[tuple[str, ...], ...] = (
    ("p",),
    ("div", "section", "article", "main", "body", "center"),
    ("li", "dd", "dt"),
    ("h1",),
    ("h2", "h3", "h4", "h5", "h6"),
    ("td", "th", "caption"),
    ("blockquote", "pre"),
    ("figcaption",),
    ("header", "footer", "nav", "aside"),
)
"""The block's own tag, one column per group (every other tag: all zero)."""
_BLOCK_GROUP = {
    **dict.fromkeys(BLOCK_TAGS, -1),
    **{tag: k for k, group in enumerate(BLOCK_TAG_GROUPS) for tag in group},
}

NEIGHBOUR_WINDOWS = (1, 3)
"""Half-widths of the windows over which the neighbourhood columns are averaged."""

ANCESTOR_LEVELS = 4
"""Container columns for the block's ancestors 1 to this many levels up (the block itself is 0)."""

_TEXT_NAMES = (
    "log_chars",
    "log_words",
    "letters",
    "digits",
    "capitals",
    "spaces",
    "punctuation",
    "commas",
    "ends_sentence",
    "ends_colon",
    "starts_capital",
    "starts_digit",
    "has_separator",
    "link_density",
    "bold_density",
    "is_headline",
)
_PAGE_NAMES = (
    "position",
    "chars_before",
    "log_page_lines",
    "depth",
    "relative_depth",
    "block_lines",
    "is_prose",
    "log_repeats",
    "repeated_before",
    "log_kind_blocks",
    "log_parent_kind_blocks",
    "after_headline",
    "from_headline",
)
_CONTAINER_NAMES = (
    *(f"prose_share_{k}" for k in range(ANCESTOR_LEVELS + 1)),
    *(f"link_share_{k}" for k in range(ANCESTOR_LEVELS + 1)),
    "in_main",
    "main_depth_gap",
    "main_prose_share",
    "in_best",
    "best_depth_gap",
    "best_ancestor_score",
    "best_score_share",
)
_NEIGHBOUR_SIGNALS = ("is_prose", "link_density", "log_chars", "ends_sentence")
_NEIGHBOUR_NAMES = (
    *(f"{name}_w{k}" for k in NEIGHBOUR_WINDOWS for name in _NEIGHBOUR_SIGNALS),
    "prev_is_prose",
    "next_is_prose",
    "prose_before",
    "prose_after",
)

FEATURE_NAMES: tuple[str, ...] = (
    *_TEXT_NAMES,
    *(f"block_{group[0]}" for group in BLOCK_TAG_GROUPS),
    *FLAG_NAMES,
    *_PAGE_NAMES,
    *_CONTAINER_NAMES,
    *_NEIGHBOUR_NAMES,
)
"""Every column of :func:`line_features`, in order."""


def _code_table(chars: str) -> npt.NDArray[np.bool_]:
    """A lookup table over code points, true at those of ``chars``; its last entry is false,
    so a code point beyond it, clipped to it, is not one of them (see :func:`_one_of`)."""
    codes = [ord(c) for c in chars]
    table = np.zeros(max(codes) + 2, dtype=bool)
    table[codes] = True
    return table


def _one_of(codes: npt.NDArray[np.uint32], table: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """Which of ``codes`` are in ``table`` (what ``np.isin`` answers, at a fraction of its
    cost on a page's few hundred lines)."""
    found: npt.NDArray[np.bool_] = table[np.minimum(codes, len(table) - 1)]
    return found


_SENTENCE_END_CHARS = '.!?…。！？»"”’)'
_SEPARATOR_CHARS = "•·/»>"
_SENTENCE_END = _code_table(_SENTENCE_END_CHARS)
_SEPARATORS = _code_table(_SEPARATOR_CHARS)
_PROSE_WORDS = 8
_PROSE_LINK = 0.3
UNSPACED_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
"""Kana and CJK ideographs: scripts written without spaces between words, whose words are
counted as :data:`UNSPACED_CHARS_PER_WORD` characters each (a Chinese or Japanese sentence
would otherwise count as one word, and never as prose)."""
UNSPACED_CHARS_PER_WORD = 2.0
_UNSPACED = np.zeros(max(high for _, high in UNSPACED_RANGES) + 2, dtype=bool)
for _low, _high in UNSPACED_RANGES:
    _UNSPACED[_low : _high + 1] = True
_UNSPACED_CHARS = re.compile(
    "[" + "".join(f"{chr(low)}-{chr(high)}" for low, high in UNSPACED_RANGES) + "]"
)
_FLAG_SHIFTS = np.arange(len(FLAG_NAMES), dtype=np.int64)
_H1_COLUMN = len(_TEXT_NAMES) + len(BLOCK_TAG_GROUPS) + FLAG_NAMES.index("tag_h1")


def line_words(line: str) -> float:
    """The words of one block line, as the ``words`` count of :func:`line_features` (numpy and
    the extension) has them for every line: between spaces, and in scripts written without
    them, :data:`UNSPACED_CHARS_PER_WORD` characters a word.

    >>> line_words("Storm closes port"), line_words("東京都で大雨")
    (3.0, 4.0)
    """
    unspaced = len(_UNSPACED_CHARS.findall(line))
    return line.count(" ") + 1.0 + unspaced // UNSPACED_CHARS_PER_WORD


def line_features(blocks: BlockLines, headline: str = "") -> FloatArray:
    """The feature matrix of a page's lines (``len(blocks.lines)`` rows, see FEATURE_NAMES):
    computed by the compiled extension where it is built, else by numpy (the same values)."""
    if COMPILED_FEATURES is not None and blocks.lines:
        return compiled_line_features(COMPILED_FEATURES, blocks, headline)
    return numpy_line_features(blocks, headline)


def numpy_line_features(blocks: BlockLines, headline: str = "") -> FloatArray:
    """:func:`line_features` computed with numpy: the reference the extension must match."""
    lines = blocks.lines
    n = len(lines)
    x = np.zeros((n, len(FEATURE_NAMES)))
    if n == 0:
        return x
    col = 0
    # the walk's per-line counts, converted in one call (each conversion has a fixed cost)
    block, flags, link_counts, bold_counts = np.array(
        (blocks.block, blocks.flags, blocks.link_chars, blocks.bold_chars), dtype=np.int64
    )

    # --- text shape, from the code points of all lines at once
    text = "\n".join(lines)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    chars = np.fromiter(map(len, lines), dtype=np.int64, count=n)
    starts = np.zeros(n, dtype=np.int64)
    np.cumsum(chars[:-1] + 1, out=starts[1:])
    is_lower = ((codes >= 97) & (codes <= 122)) | (codes >= 0xC0)
    is_upper = (codes >= 65) & (codes <= 90)
    is_digit = (codes >= 48) & (codes <= 57)
    is_space = codes == 32
    is_unspaced = _one_of(codes, _UNSPACED)
    is_comma = codes == 44
    is_punct = ((codes >= 33) & (codes <= 47)) | ((codes >= 58) & (codes <= 64))

    def per_line(mask: npt.NDArray[np.bool_]) -> FloatArray:
        sums: FloatArray = np.add.reduceat(mask.astype(np.float64), starts)
        return sums

    letters = per_line(is_lower | is_upper)
    capitals = per_line(is_upper)
    spaces = per_line(is_space)
    words = spaces + 1.0 + np.floor(per_line(is_unspaced) / UNSPACED_CHARS_PER_WORD)
    fchars = chars.astype(np.float64)
    last = codes[starts + chars - 1]
    ends = _one_of(last, _SENTENCE_END)
    first = codes[starts]
    link_chars = link_counts.astype(np.float64)
    link = link_chars / fchars
    np.minimum(link, 1.0, out=link)
    prose = (words >= _PROSE_WORDS) & (link < _PROSE_LINK)
    text_columns = (
        np.log1p(fchars),
        np.log1p(words),
        letters / fchars,
        per_line(is_digit) / fchars,
        capitals / np.maximum(letters, 1.0),
        spaces / fchars,
        per_line(is_punct) / fchars,
        per_line(is_comma) / words,
        ends,
        last == 58,  # ":"
        (first >= 65) & (first <= 90),
        (first >= 48) & (first <= 57),
        _separator_lines(codes, starts),
        link,
        np.minimum(bold_counts / fchars, 1.0),
        np.fromiter(map(headline.__eq__, lines), dtype=bool, count=n) if headline else np.zeros(n),
    )
    for values in text_columns:
        x[:, col] = values
        col += 1

    # --- the block's tag and the flags of its block and ancestors
    count = len(blocks.block_tags)
    groups = np.fromiter(
        map(_BLOCK_GROUP.__getitem__, blocks.block_tags), dtype=np.int64, count=count
    )[block]
    has_group = groups >= 0
    x[np.flatnonzero(has_group), col + groups[has_group]] = 1.0
    col += len(BLOCK_TAG_GROUPS)
    x[:, col : col + len(FLAG_NAMES)] = (flags[:, None] >> _FLAG_SHIFTS) & 1
    col += len(FLAG_NAMES)

    # --- position, depth, repetition
    tree = _Tree(blocks)
    depth = tree.depth
    line_depth = depth[block]
    total_chars = max(float(fchars.sum()), 1.0)
    per_block = np.bincount(block, minlength=count)
    page_columns = (
        np.arange(n) / max(n - 1, 1),
        (np.cumsum(fchars) - fchars) / total_chars,
        np.full(n, np.log1p(n)),
        line_depth,
        line_depth / max(float(line_depth.max()), 1.0),
        np.log1p(per_block[block]),
        prose,
        *_repeats(lines),
        *_kind_counts(blocks, tree, block),
        *_headline_position(lines, x[:, _H1_COLUMN], headline),
    )
    for values in page_columns:
        x[:, col] = values
        col += 1

    # --- containers: prose and link shares of the block's ancestors
    parent = tree.parent
    prose_chars = np.where(prose, fchars, 0.0)
    own = np.stack(
        (
            np.bincount(block, weights=prose_chars, minlength=count),
            np.bincount(block, weights=fchars, minlength=count),
            np.bincount(block, weights=np.minimum(link_chars, fchars), minlength=count),
            np.ones(count),
        ),
        axis=1,
    ).astype(np.float64)
    sub_prose, sub_chars, sub_links, sizes = tree.subtree_sums(own).T
    total_prose = max(float(sub_prose[0]), 1.0)
    ancestor = block
    prose_cols, link_cols = [], []
    for _ in range(ANCESTOR_LEVELS + 1):
        prose_cols.append(sub_prose[ancestor] / total_prose)
        link_cols.append(sub_links[ancestor] / np.maximum(sub_chars[ancestor], 1.0))
        ancestor = parent[ancestor]
    for values in (*prose_cols, *link_cols):
        x[:, col] = values
        col += 1
    main = _main_container(sub_prose, depth)
    x[:, col] = _inside(main, sizes)[block]
    x[:, col + 1] = np.clip(line_depth - depth[main], -5, 10) / 10.0
    x[:, col + 2] = sub_prose[main] / total_prose
    col += 3
    link_share = sub_links / np.maximum(sub_chars, 1.0)
    candidate = _candidate_scores(tree, block, fchars, link, letters, link_share)
    best = int(np.argmax(candidate))
    top = max(float(candidate[best]), 1e-9)
    ancestor, best_ancestor = block, np.zeros(n)
    for _ in range(ANCESTOR_LEVELS + 1):
        np.maximum(best_ancestor, candidate[ancestor] / top, out=best_ancestor)
        ancestor = parent[ancestor]
    x[:, col] = _inside(best, sizes)[block]
    x[:, col + 1] = np.clip(line_depth - depth[best], -5, 10) / 10.0
    x[:, col + 2] = best_ancestor
    x[:, col + 3] = top / max(float(candidate.sum()), 1e-9)
    col += 4

    # --- neighbourhood
    signals: tuple[FloatArray, ...] = (
        prose.astype(np.float64),
        link,
        np.log1p(fchars),
        ends.astype(np.float64),
    )
    stacked = np.stack(signals, axis=1)
    cum = np.zeros((n + 1, len(signals)))
    np.cumsum(stacked, axis=0, out=cum[1:])
    idx = np.arange(n)
    for k in NEIGHBOUR_WINDOWS:
        low = np.maximum(idx - k, 0)
        high = np.minimum(idx + k + 1, n)
        x[:, col : col + len(signals)] = (cum[high] - cum[low]) / (high - low)[:, None]
        col += len(signals)
    p = signals[0]
    x[1:, col] = p[:-1]
    x[:-1, col + 1] = p[1:]
    cum = np.cumsum(p)
    x[:, col + 2] = (cum - p) / max(float(cum[-1]), 1.0)
    x[:, col + 3] = (cum[-1] - cum) / max(float(cum[-1]), 1.0)
    return x


def _repeats(lines: tuple[str, ...]) -> tuple[FloatArray, FloatArray]:
    """log of how often each line's text occurs on the page, and whether it occurred before
    (galleries and teaser lists repeat captions and titles; the scorer counts a repeat once)."""
    first: dict[str, int] = {}
    index = np.fromiter(map(first.setdefault, lines, range(len(lines))), np.int64, len(lines))
    counts = np.bincount(index, minlength=len(lines))
    return np.log(counts[index]), (index != np.arange(len(lines))).astype(np.float64)


def _kind_counts(blocks: BlockLines, tree: _Tree, block: IntArray) -> tuple[FloatArray, FloatArray]:
    """log of how many blocks on the page are of the kind of the line's block, and of the
    kind of its block's parent (teaser cards repeat; an article's body is one of its kind)."""
    kinds = tree.kinds
    per_kind = np.bincount(kinds)
    return np.log(per_kind[kinds[block]]), np.log(per_kind[kinds[tree.parent[block]]])


def headline_index(lines: Sequence[str], headline: str, h1: Iterable[bool]) -> int | None:
    """The page's headline line: the first equal to ``headline`` (the page metadata's), else
    the first of those ``h1`` marks as in an ``<h1>``; None when there is none."""
    if headline and headline in lines:
        return lines.index(headline)
    return next((i for i, marked in enumerate(h1) if marked), None)


def _headline_position(
    lines: tuple[str, ...], h1: FloatArray, headline: str
) -> tuple[FloatArray, FloatArray]:
    """Whether each line comes after the headline (the line equal to it, else the first
    ``<h1>``), and how far from it, as a share of the page's lines (0 without a headline)."""
    n = len(lines)
    at = headline_index(lines, headline, map(bool, h1))
    if at is None:
        return np.zeros(n), np.zeros(n)
    idx = np.arange(n)
    return (idx >= at).astype(np.float64), (idx - at) / n


_POSITIVE_BITS = sum(
    1 << FLAG_NAMES.index(name)
    for name in ("cls_content", "itemprop_body", "tag_article", "tag_main")
)
_NEGATIVE_BITS = sum(
    1 << FLAG_NAMES.index(name)
    for name in (
        "cls_comment", "cls_footer", "cls_sidebar", "cls_related", "cls_share", "cls_promo",
        "cls_nav", "cls_ad", "cls_popup", "tag_nav", "tag_footer", "tag_aside",
    )
)  # fmt: skip


class _Tree:
    """The block elements of a page as arrays. A block's descendants are the blocks right
    after it, up to its ``block_ends`` entry, so a sum over each block's subtree is a
    difference of two prefix sums."""

    __slots__ = ("depth", "ends", "flags", "kinds", "parent")

    def __init__(self, blocks: BlockLines) -> None:
        # one conversion for all the per-block tuples (each call has a fixed cost)
        self.parent, depth, self.flags, self.ends, self.kinds = np.array(
            (
                blocks.block_parents,
                blocks.block_depths,
                blocks.block_flags,
                blocks.block_ends,
                blocks.block_kinds,
            ),
            dtype=np.int64,
        )
        self.depth = depth.astype(np.float64)

    def subtree_sums(self, own: FloatArray) -> FloatArray:
        """Per block (row), each column of ``own`` summed over the block and its descendants
        (exact when ``own`` holds whole numbers, as the callers' counts do)."""
        cum = np.zeros((len(own) + 1, own.shape[1]))
        np.cumsum(own, axis=0, out=cum[1:])
        sums: FloatArray = cum[self.ends] - cum[:-1]
        return sums


def _candidate_scores(
    tree: _Tree,
    block: IntArray,
    chars: FloatArray,
    link: FloatArray,
    letters: FloatArray,
    link_share: FloatArray,
) -> FloatArray:
    """A container score per block, after the classic content-scoring idea: each line of
    text credits its block's parent fully and its grandparent by half (more for longer lines),
    containers named like content gain, those named like comments, sidebars or footers lose,
    and everything is scaled down by the container's link density (``link_share``)."""
    count = len(tree.parent)
    parent = tree.parent
    usable = (chars >= 25) & (link < 0.5) & (letters > 0.5 * chars)
    line_score = np.where(usable, 1.0 + np.minimum(chars / 100.0, 3.0), 0.0)
    own = np.bincount(block, weights=line_score, minlength=count)
    # each block's lines credit its parent, then its grandparent by half: one weighted count
    # adding the credits in the order two unbuffered additions (np.add.at) would, so the
    # sums are the same to the last bit
    score = np.bincount(
        np.concatenate((parent, parent[parent])),
        weights=np.concatenate((own, own / 2.0)),
        minlength=count,
    ).astype(np.float64, copy=False)
    own_flags = tree.flags & ~tree.flags[parent]
    score += np.where(own_flags & _POSITIVE_BITS, 5.0, 0.0) * (score > 0)
    score *= np.where(own_flags & _NEGATIVE_BITS, 0.25, 1.0)
    score *= 1.0 - link_share
    score[0] = 0.0
    return score


def _main_container(sub_prose: FloatArray, depth: FloatArray) -> int:
    """The deepest block holding at least half of the page's prose (0, the body, when none)."""
    total = sub_prose[0]
    if total <= 0:
        return 0
    candidates = np.flatnonzero(sub_prose >= 0.5 * total)
    return int(candidates[np.argmax(depth[candidates])])


def _inside(root: int, sizes: FloatArray) -> npt.NDArray[np.bool_]:
    """Flags of ``root`` and its descendants: blocks are in document order, so a block's
    descendants are the ``sizes[root] - 1`` blocks right after it."""
    inside = np.zeros(len(sizes), dtype=bool)
    inside[root : root + int(sizes[root])] = True
    return inside


def _separator_lines(codes: npt.NDArray[np.uint32], starts: IntArray) -> npt.NDArray[np.bool_]:
    """Per line, whether it holds a ``|``, or one of ``• · / » >`` between two spaces: menus
    and breadcrumbs written on one line. Found on the code points of the lines joined by
    newlines (a newline counts as a space; a hit at one belongs to the line it ends)."""
    hits = np.zeros(len(starts), dtype=bool)
    found = np.flatnonzero(codes == 124)
    if len(codes) > 2:
        space = (codes == 32) | (codes == 10)
        # positions of the space before each code point between two spaces, then those
        # whose code point is a separator
        before = np.flatnonzero(space[:-2] & space[2:])
        found = np.concatenate((found, before[_one_of(codes[before + 1], _SEPARATORS)]))
    if len(found):
        hits[np.searchsorted(starts, found, side="right") - 1] = True
    return hits


# --- the compiled twin ---------------------------------------------------------------------

_LOG_TABLE_SIZE = 1 << 14
"""Counts up to which numpy's logarithms are tabulated for the extension (longer lines or
larger pages get longer tables for their call)."""


def _log_tables(size: int) -> tuple[FloatArray, FloatArray]:
    """``log1p(k)`` and ``log(k)`` (``log(0)`` never asked: 0) for ``k < size``, computed by
    numpy, so the extension's values are numpy's to the last bit."""
    counts = np.arange(size, dtype=np.float64)
    log1p, log = np.log1p(counts), np.log(np.maximum(counts, 1.0))
    log1p.setflags(write=False)
    log.setflags(write=False)
    return log1p, log


_LOG1P, _LOG = _log_tables(_LOG_TABLE_SIZE)
_COMPILED_SPEC = (
    _BLOCK_GROUP,
    _SENTENCE_END_CHARS,
    _SEPARATOR_CHARS,
    FLAG_NAMES.index("tag_h1"),
    _POSITIVE_BITS,
    _NEGATIVE_BITS,
    len(BLOCK_TAG_GROUPS),
    len(FLAG_NAMES),
    "".join(chr(low) + chr(high) for low, high in UNSPACED_RANGES),
    UNSPACED_CHARS_PER_WORD,
)
"""What the extension needs from this module with each call: block-tag groups, character
tables and flag bits, so that they are written once, here."""


def compiled_line_features(kernel: ModuleType, blocks: BlockLines, headline: str) -> FloatArray:
    """:func:`line_features` computed by ``kernel`` (the compiled extension) for a page with
    lines."""
    x = np.empty((len(blocks.lines), len(FEATURE_NAMES)))
    args = compiled_arguments(blocks, headline, x)
    need = kernel.features(*args, _LOG1P, _LOG)
    if need:
        kernel.features(*args, *_log_tables(need))
    return x


def compiled_arguments(blocks: BlockLines, headline: str, x: FloatArray) -> tuple[Any, ...]:
    """The extension's ``features`` arguments before its logarithm tables, in its order: the
    tables of this module, the page's block lines, its headline, and ``x`` to fill."""
    return (
        _COMPILED_SPEC,
        blocks.lines,
        blocks.block,
        blocks.flags,
        blocks.link_chars,
        blocks.bold_chars,
        blocks.block_tags,
        blocks.block_parents,
        blocks.block_depths,
        blocks.block_flags,
        blocks.block_kinds,
        blocks.block_ends,
        headline,
        x,
    )


def _load_compiled() -> ModuleType | None:
    """The extension when it is built from these sources; it checks the column layout."""
    kernel = load_extension("cleantext.html._features")
    if kernel is not None:
        kernel.check_layout(FEATURE_NAMES, len(BLOCK_TAG_GROUPS), len(FLAG_NAMES))
    return kernel


COMPILED_FEATURES = _load_compiled()
"""The compiled extension when it runs (it also computes the stage-2 inputs of
:mod:`cleantext.html.model`), else None."""
