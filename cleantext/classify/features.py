"""Per-line features for the generic content/boilerplate classifier, computed page-at-a-time.

Why this shape: a per-line Python loop (split words, count punctuation, look up stopwords)
runs at about 2 MB/s, far below the pipeline budget. Instead the page is joined once, encoded
to UTF-32 and viewed as a numpy array of code points; a lookup table maps every code point to a
small character class, and every per-line count is then a single ``np.bincount`` over
``line_index * n_classes + class``. Word-level counts (words, capitalised words, short words)
come from the positions where word characters start and end, again with one ``bincount``.
The only per-line Python work left is ``collections.Counter`` for repeated lines.

Why these signals (all language-agnostic; no stoplist):

* size: characters, words, mean word length; prose lines are long, menus are one or two words;
* sentence shape: ends with sentence punctuation, commas, share of words that start in lower
  case and share of *short* lower-case words (articles, prepositions, conjunctions are short in
  most languages with spaces, so this stands in for function-word density without a list);
* menu/link shape: separators (``|``, ``•``, ``/``, ``>``), title-case share, digits, ``@``/``©``;
* position: line rank and share of page text before the line;
* repetition: how often the same line occurs in the page (menus and footers repeat);
* neighbourhood: the same signals averaged over windows of 1, 3, 7 and 15 lines around the line,
  and how much sentence-like text lies before/after it (the article is one dense block);
* the title: in whole-page text the first line is the page's ``<title>`` ("Headline | Site"),
  and the article's headline is the later line that shares most of its words. Words shared
  with the title, and where a line lies relative to that headline, locate the article's start
  on any site, in any language (:func:`title_features`);
* recurring words: an article's paragraphs come back to the same names and terms, while a menu
  item, a teaser for another story or a legal line uses words no paragraph of the page uses
  (:func:`word_features`).

CJK ideographs and kana are counted as one word each, because those scripts use no spaces.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]

# Character classes. The numbering is part of the trained model's contract (features are counts
# per class), so it must not change without retraining.
(
    OTHER,
    SPACE,
    LOWER,
    UPPER,
    CASELESS,
    DIGIT,
    STOP,
    COMMA,
    SEP,
    QUOTE,
    DASH,
    MARKER,
    NEWLINE,
    CJK,
    COLON,
) = range(15)
N_CLASSES = 15

_STOP_CHARS = ".!?…。！？؟।"
_COMMA_CHARS = ",;،、，；"
_SEP_CHARS = "|•·›‹>/\\▸►▶■◆★»«"
_QUOTE_CHARS = "\"'()[]{}“”‘’„‚「」『』"
_DASH_CHARS = "-–—―"
_MARKER_CHARS = "@©®™#"
_COLON_CHARS = ":："


def _cjk(cp: int) -> bool:
    return (
        0x3040 <= cp <= 0x30FF  # kana
        or 0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
    )


def _build_table() -> npt.NDArray[np.uint8]:
    """Map every UTF-16 code unit to its class.

    Text is viewed as UTF-16, which needs no clipping of the index; characters outside the
    BMP (emoji, rare ideographs) become two surrogate units of class OTHER.
    """
    table = np.zeros(0x10000, dtype=np.uint8)
    for cp in range(0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            cls = OTHER
        elif ch.isspace():
            cls = SPACE
        elif _cjk(cp):
            cls = CJK
        elif ch.isalpha():
            cls = UPPER if ch.isupper() or ch.istitle() else LOWER if ch.islower() else CASELESS
        elif ch.isdigit():
            cls = DIGIT
        elif unicodedata.category(ch).startswith("M"):
            cls = CASELESS  # combining marks continue the word they sit in
        else:
            cls = OTHER
        table[cp] = cls
    for chars, cls in (
        (_STOP_CHARS, STOP),
        (_COMMA_CHARS, COMMA),
        (_SEP_CHARS, SEP),
        (_QUOTE_CHARS, QUOTE),
        (_DASH_CHARS, DASH),
        (_MARKER_CHARS, MARKER),
        (_COLON_CHARS, COLON),
    ):
        for ch in chars:
            table[ord(ch)] = cls
    table[ord("\n")] = NEWLINE
    table.setflags(write=False)
    return table


CLASS_TABLE = _build_table()
"""Class of every UTF-16 code unit (shared with the compiled kernel)."""


def _build_fold_table() -> npt.NDArray[np.uint16]:
    """Map every UTF-16 code unit to its lower case where that is one unit, else to itself."""
    table = np.arange(0x10000, dtype=np.uint16)
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        low = chr(cp).lower()
        if len(low) == 1 and ord(low) < 0x10000:
            table[cp] = ord(low)
    table.setflags(write=False)
    return table


FOLD_TABLE = _build_fold_table()
"""Case folding of every UTF-16 code unit, for comparing words (shared with the kernel)."""

HEADLINE_MIN_SCORE = 0.3
"""A line is the headline only when ``title_share * title_cover`` exceeds this: most of its
words are in the title and it carries a good part of the title's words."""
_WORD = np.zeros(N_CLASSES, dtype=bool)
_WORD[[LOWER, UPPER, CASELESS, DIGIT]] = True
_WORD.setflags(write=False)
# Word start categories: 0 lower, 1 upper, 2 digit, 3 caseless; times 2 for "short" (<= 3 chars).
_START_CAT = np.array([3, 3, 0, 1, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3], dtype=np.int64)

# Punctuation classes counted per word, in the order of their columns (stop_rate..marker_rate).
_PER_WORD_CLASSES = np.array([STOP, COMMA, SEP, QUOTE, DASH, MARKER])

LINE_FEATURES: tuple[str, ...] = (
    "log_chars",
    "log_words",
    "mean_word_len",
    "ends_stop",
    "ends_colon",
    "ends_other",
    "starts_upper",
    "starts_digit",
    "starts_other",
    "stop_rate",
    "comma_rate",
    "sep_rate",
    "quote_rate",
    "dash_rate",
    "marker_rate",
    "digit_rate",
    "upper_rate",
    "other_rate",
    "lower_word_share",
    "short_lower_share",
    "cap_word_share",
    "digit_word_share",
    "cjk_share",
    "log_repeats",
    "rank",
    "text_before",
    "rel_len",
    "sentence_like",
    "label_colon",
    "starts_dash",
)
"""Names of the per-line columns, in order (see :func:`line_matrix`)."""

WINDOWED = (
    "log_chars",
    "ends_stop",
    "sentence_like",
    "short_lower_share",
    "lower_word_share",
    "sep_rate",
    "log_repeats",
)
"""Columns that are also averaged over neighbour windows."""

WINDOWS = (1, 3, 7)
"""Half-widths of the centred neighbour windows (1 = the line and one neighbour each side)."""

PAGE_FEATURES = (
    "page_log_lines",
    "page_sentence_share",
    "mass_before",
    "mass_after",
    "prev_log_chars",
    "next_log_chars",
)

TITLE_FEATURES = (
    "title_share",
    "title_cover",
    "is_first",
    "headline_side",
    "headline_offset",
    "is_headline",
)
"""Columns relating each line to the first line (see :func:`title_features`)."""

WORD_FEATURES = ("prose_words",)
"""How a line's words recur in the page's prose (see :func:`word_features`); averaged over
the same neighbour windows too."""

PROSE_WORDS = 12
"""A line of at least this many distinct words is prose, for ``prose_words``."""

FEATURE_NAMES: tuple[str, ...] = (
    LINE_FEATURES
    + tuple(f"{name}_w{k}" for k in WINDOWS for name in WINDOWED)
    + PAGE_FEATURES
    + TITLE_FEATURES
    + WORD_FEATURES
    + tuple(f"{name}_w{k}" for k in WINDOWS for name in WORD_FEATURES)
)
"""All model input columns, in order (see :func:`page_features`)."""

_WINDOWED_IDX = [LINE_FEATURES.index(n) for n in WINDOWED]


def line_matrix(lines: Sequence[str], out: FloatArray | None = None) -> FloatArray:
    """Per-line feature matrix (``len(lines)`` x ``len(LINE_FEATURES)``) for non-empty lines.

    Args:
        lines: non-empty, stripped lines of one page, in page order.
        out: where to write the matrix (a view into a wider one saves a copy), or None.
    """
    n = len(lines)
    text = "\n".join(lines)
    cls = CLASS_TABLE[np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)]
    newline = cls == NEWLINE
    line_of = np.cumsum(newline)
    counts = np.bincount(line_of * N_CLASSES + cls, minlength=n * N_CLASSES)
    counts = counts.reshape(n, N_CLASSES).astype(np.float64)
    chars = np.fromiter(map(len, lines), dtype=np.float64, count=n)

    # Word runs: a start is a word character after a non-word one (or at the text start).
    word = _WORD[cls]
    padded = np.zeros(word.shape[0] + 2, dtype=bool)
    padded[1:-1] = word
    starts = np.flatnonzero(padded[1:] > padded[:-1])
    ends = np.flatnonzero(padded[:-1] > padded[1:]) - 1
    short = (ends - starts) < 3
    cat = _START_CAT[cls[starts]] + 4 * short
    wcounts = np.bincount(line_of[starts] * 8 + cat, minlength=n * 8).reshape(n, 8)
    wcounts = wcounts.astype(np.float64)
    word_chars = np.bincount(line_of[starts], weights=(ends - starts + 1), minlength=n)
    n_runs = wcounts.sum(axis=1)
    cjk = counts[:, CJK]
    words = n_runs + cjk
    safe_words = np.maximum(words, 1.0)
    safe_chars = np.maximum(chars, 1.0)

    # First and last character classes; a closing quote or bracket after a full stop still
    # counts as a sentence end ("... he said.").
    nl = np.flatnonzero(newline)
    first_pos = np.concatenate(([0], nl + 1))
    last_pos = np.concatenate((nl - 1, [len(cls) - 1]))
    first = cls[first_pos]
    last = cls[last_pos]
    before_last = cls[np.maximum(last_pos - 1, first_pos)]
    ends_stop = (last == STOP) | ((last == QUOTE) & (before_last == STOP))
    ends_colon = last == COLON
    # "Photo: ...", "Read more: ...", "Source: ...": a short label and a colon open the line.
    colon_pos = np.flatnonzero(cls == COLON)
    label_colon = np.zeros(n)
    if colon_pos.size:
        colon_line = line_of[colon_pos]
        # colon_line is sorted: a line's first colon is where the line number changes.
        first_colon = np.flatnonzero(np.concatenate(([True], colon_line[1:] != colon_line[:-1])))
        lines_with = colon_line[first_colon]
        offset = colon_pos[first_colon] - first_pos[lines_with]
        label_colon[lines_with] = (offset <= 24) & (colon_pos[first_colon] < last_pos[lines_with])
    ends_other = ~(ends_stop | ends_colon | _WORD[last])

    repeats = Counter(lines)
    reps = np.fromiter(map(repeats.__getitem__, lines), dtype=np.float64, count=n)

    letters = counts[:, LOWER] + counts[:, UPPER] + counts[:, CASELESS] + 1.0
    cum_chars = np.cumsum(chars)
    total = cum_chars[-1]
    log_words = np.log1p(words)
    lower_share = (wcounts[:, 0] + wcounts[:, 4]) / safe_words
    # Share of words that are neither capitalised nor numbers: prose is mostly such words in
    # cased and caseless scripts alike, titles and menus are not.
    plain_share = 1.0 - (wcounts[:, 1] + wcounts[:, 5] + wcounts[:, 2] + wcounts[:, 6]) / safe_words
    sentence_like = (ends_stop & (words >= 6)) * np.minimum(plain_share * 2.0, 1.0)

    if out is None:
        out = np.empty((n, len(LINE_FEATURES)), dtype=np.float64)
    out[:, 0] = np.log1p(chars)
    out[:, 1] = log_words
    out[:, 2] = np.minimum((word_chars + cjk) / safe_words, 20.0)
    out[:, 3] = ends_stop
    out[:, 4] = ends_colon
    out[:, 5] = ends_other
    out[:, 6] = first == UPPER
    out[:, 7] = first == DIGIT
    out[:, 8] = ~_WORD[first] & (first != CJK)
    out[:, 9:15] = counts[:, _PER_WORD_CLASSES] / safe_words[:, None]
    out[:, 15] = counts[:, DIGIT] / safe_chars
    out[:, 16] = counts[:, UPPER] / letters
    out[:, 17] = counts[:, OTHER] / safe_chars
    out[:, 18] = lower_share
    out[:, 19] = wcounts[:, 4] / safe_words
    out[:, 20] = (wcounts[:, 1] + wcounts[:, 5]) / safe_words
    out[:, 21] = (wcounts[:, 2] + wcounts[:, 6]) / safe_words
    out[:, 22] = cjk / safe_chars
    out[:, 23] = np.log(reps)
    out[:, 24] = np.arange(n) / max(n - 1, 1)
    out[:, 25] = (cum_chars - chars) / total
    out[:, 26] = out[:, 0] - np.log1p(chars.max())
    out[:, 27] = sentence_like
    out[:, 28] = label_colon
    out[:, 29] = (first == DASH) | (first == SEP)
    return out


def window_means(x: FloatArray, half: int) -> FloatArray:
    """Mean of each column over rows ``i-half .. i+half`` (clipped at the page edges).

    Works on 1-D or 2-D arrays. Prefix sums are padded with ``half`` copies of their first and
    last values so every window is a difference of two plain slices (no fancy indexing, which
    costs more than the arithmetic on pages of a few hundred lines).

    >>> window_means(np.array([1.0, 2.0, 3.0, 4.0]), 1).tolist()
    [1.5, 2.0, 3.0, 3.5]
    """
    n = x.shape[0]
    width = 2 * half + 1
    padded = np.zeros((n + width + 1, *x.shape[1:]))
    np.cumsum(x, axis=0, out=padded[half + 1 : half + 1 + n])
    padded[half + 1 + n :] = padded[half + n]
    sums = padded[width : width + n] - padded[:n]
    idx = np.arange(n)
    count = np.minimum(idx + half + 1, n) - np.maximum(idx - half, 0)
    out: FloatArray = sums / (count if x.ndim == 1 else count[:, None])
    return out


def page_features(lines: Sequence[str]) -> FloatArray:
    """Full model input (``len(lines)`` x ``len(FEATURE_NAMES)``) for non-empty lines.

    Adds neighbour-window means and page context to :func:`line_matrix`: the share of
    sentence-like text before and after each line locates the article block, which is the
    strongest whole-page signal after the line's own shape.

    >>> page_features(["Home", "A short sentence that ends here, as prose does."]).shape[0]
    2
    """
    n = len(lines)
    out = np.empty((n, len(FEATURE_NAMES)))
    base = line_matrix(lines, out=out[:, : len(LINE_FEATURES)])
    # The windows share one prefix sum padded for the widest of them (the same differences of
    # the same sums as window_means, so the same values).
    n_win = len(_WINDOWED_IDX)
    pad = WINDOWS[-1]
    padded = np.empty((n + 2 * pad + 2, n_win))
    padded[: pad + 1] = 0.0
    cum = padded[pad + 1 : pad + 1 + n]
    np.cumsum(base[:, _WINDOWED_IDX], axis=0, out=cum)
    padded[pad + 1 + n :] = cum[-1]
    idx = np.arange(n, dtype=np.float64)
    col = len(LINE_FEATURES)
    for k in WINDOWS:
        dst = out[:, col : col + n_win]
        np.subtract(padded[pad + 1 + k : pad + 1 + k + n], padded[pad - k : pad - k + n], out=dst)
        dst /= (np.minimum(idx + (k + 1), n) - np.maximum(idx - k, 0.0))[:, None]
        col += n_win
    log_chars = base[:, 0]
    mass = base[:, 27] * np.expm1(log_chars)
    cum_mass = np.cumsum(mass)
    total = cum_mass[-1] + 1.0
    page = out[:, col:]
    page[:, 0] = np.log(n)
    # Summed in line order, as the compiled kernel sums it (mean() sums pairwise: the last bit
    # differs on long pages).
    page[:, 1] = np.cumsum(base[:, 27])[-1] / n
    page[:, 2] = (cum_mass - mass) / total
    page[:, 3] = (total - 1.0 - cum_mass) / total
    page[0, 4] = 0.0
    page[1:, 4] = log_chars[:-1]
    page[:-1, 5] = log_chars[1:]
    page[-1, 5] = 0.0
    col += len(PAGE_FEATURES)
    sets = word_sets(lines)
    title_features(lines, out=out[:, col : col + len(TITLE_FEATURES)], sets=sets)
    col += len(TITLE_FEATURES)
    words = word_features(sets, out=out[:, col : col + len(WORD_FEATURES)])
    col += len(WORD_FEATURES)
    for k in WINDOWS:
        out[:, col : col + len(WORD_FEATURES)] = window_means(words, k)
        col += len(WORD_FEATURES)
    return out


def word_sets(lines: Sequence[str]) -> list[set[bytes]]:
    """The distinct words of each line, case-folded: runs of letters and digits, and every CJK
    ideograph or kana on its own (as the word counts treat them), as UTF-16 bytes.

    >>> [sorted(w.decode("utf-16-le") for w in s) for s in word_sets(["Ab ab 1", "東京"])]
    [['1', 'ab'], ['京', '東']]
    """
    text = "\n".join(lines)
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    cls = CLASS_TABLE[units]
    folded = FOLD_TABLE[units]
    line_of = np.cumsum(cls == NEWLINE)
    word = _WORD[cls]
    padded = np.zeros(word.shape[0] + 2, dtype=bool)
    padded[1:-1] = word
    starts = np.flatnonzero(padded[1:] > padded[:-1])
    ends = np.flatnonzero(padded[:-1] > padded[1:])
    sets: list[set[bytes]] = [set() for _ in lines]
    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        sets[line_of[start]].add(folded[start:end].tobytes())
    for at in np.flatnonzero(cls == CJK).tolist():
        sets[line_of[at]].add(folded[at : at + 1].tobytes())
    return sets


def title_features(
    lines: Sequence[str], out: FloatArray | None = None, sets: list[set[bytes]] | None = None
) -> FloatArray:
    """The :data:`TITLE_FEATURES` columns of non-empty ``lines``.

    ``title_share`` is the share of a line's words found in the first line, ``title_cover``
    the share of the first line's words the line carries (both 0 for the first line itself,
    which ``is_first`` marks). The headline is the line in the first half of the page
    (or among the first three lines) with the highest product of the two, if above
    :data:`HEADLINE_MIN_SCORE`; ``headline_side`` is -1 before it, 1 after it and 0 on it (0
    everywhere when there is none), ``headline_offset`` the distance in lines from it divided
    by the number of lines, ``is_headline`` marks it.

    >>> title_features(["Rain due | News", "Menu", "Rain due", "It rains."])[:, 5].tolist()
    [0.0, 0.0, 1.0, 0.0]
    """
    n = len(lines)
    if out is None:
        out = np.empty((n, len(TITLE_FEATURES)))
    if sets is None:
        sets = word_sets(lines)
    title = sets[0]
    shared = np.array([len(s & title) for s in sets], dtype=np.float64)
    sizes = np.array([len(s) for s in sets], dtype=np.float64)
    share = shared / np.maximum(sizes, 1.0)
    cover = shared / max(float(len(title)), 1.0)
    share[0] = cover[0] = 0.0
    score = share * cover
    score[max(n // 2, 3) :] = 0.0
    headline = int(np.argmax(score))
    found = score[headline] > HEADLINE_MIN_SCORE
    position = np.arange(n, dtype=np.float64)
    out[:, 0] = share
    out[:, 1] = cover
    out[:, 2] = 0.0
    out[0, 2] = 1.0
    out[:, 3] = np.sign(position - headline) if found else 0.0
    out[:, 4] = (position - headline) / n if found else 0.0
    out[:, 5] = 0.0
    if found:
        out[headline, 5] = 1.0
    return out


def word_features(sets: Sequence[set[bytes]], out: FloatArray | None = None) -> FloatArray:
    """The :data:`WORD_FEATURES` column from the distinct words of each line (:func:`word_sets`).

    ``prose_words`` is the share of a line's words that some other line of prose
    (:data:`PROSE_WORDS` distinct words or more) has too: an article's paragraphs come back to
    the same names and terms, while a menu item, a teaser for another story or a legal line
    uses words no paragraph of the page uses. 0 for a line without words.

    >>> long = "Rain hit the coast today and the storm is set to last until Friday night."
    >>> word_features(word_sets([long, "Rain", "Home", long])).ravel().tolist()
    [1.0, 1.0, 0.0, 1.0]
    """
    if out is None:
        out = np.empty((len(sets), len(WORD_FEATURES)))
    prose_with = Counter(word for words in sets if len(words) >= PROSE_WORDS for word in words)
    for i, words in enumerate(sets):
        own = len(words) >= PROSE_WORDS  # a line of prose does not count itself
        shared = sum(prose_with[word] > own for word in words)
        out[i, 0] = shared / len(words) if words else 0.0
    return out
