"""Generic line classifier: content or boilerplate, for pages of sites nobody wrote rules for.

The rule engine calls :func:`classify_lines` with a document's lines after its rule stages ran.
The same function serves two inputs:

* a *whole page* (navigation, footers, cookie notices and related links all present): the model
  cuts the page down to the article;
* *already-extracted* article text: only residual boilerplate (headline, captions, credits,
  newsletter prompts) should go, so only low-scoring runs at the edges of the text are cut and
  removing a large share of the text is treated as a mistake (see
  :mod:`cleantext.classify.decide`).

:func:`looks_like_whole_page` decides which of the two applies unless the caller says so.
Features are described in :mod:`cleantext.classify.features`, the model in
:mod:`cleantext.classify.model`; ``benchmarks/classifier/`` trains it. At run time both usually
run in the compiled kernel ``_kernel.c``, which mirrors them (see ``LineModel.predict_lines``).

The model is loaded once at import; calls share it read-only, so they are thread-safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from operator import not_

import numpy as np
import numpy.typing as npt

from cleantext.actions.shape import ends_sentence
from cleantext.classify.decide import (
    HEAD_MAX_LINES,
    HEAD_MIN_LINES,
    MIN_KEPT_SHARE_ARTICLE,
    MIN_KEPT_SHARE_PAGE,
    PAGE_CORE,
    PAGE_INSIDE,
    keep_mask,
    keeps_everything,
    kept_share_too_small,
)
from cleantext.classify.model import LineModel, load_model

__all__ = ["Verdict", "boilerplate_runs", "classify_lines", "looks_like_whole_page"]

_MODEL: LineModel = load_model()

# Whole-page detection: navigation makes most lines of a page short, while extracted article
# text is mostly paragraphs. A line is short when it has at most this many spaces and fewer than
# _SHORT_CHARS characters (the length cap keeps sentences of unspaced scripts, such as Japanese,
# from counting as menu items).
_SHORT_WORDS = 4
_SHORT_CHARS = 30
_MIN_PAGE_LINES = 12
_PAGE_SHORT_SHARE = 0.38
_EDGE_LINES = 10
# Below this many lines a page must be short-lined at *both* edges (header navigation and
# footer links). In grouped cross-validation on the dev corpus, short list-like articles read as
# pages lost more recall than the few small pages read as articles lost precision.
_SMALL_PAGE_LINES = 50
# When the rule stages already removed more than half of a document of at least
# _SMALL_PAGE_LINES lines, it was a whole page: rules strip navigation and furniture, and what
# they leave of a page (the article plus residue) looks like extracted text. Cross-validated
# on the dev corpus: wet 0.896 -> 0.898, no extracted document affected.
_RULES_REMOVED_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's decision for every input line.

    Attributes:
        keep: one flag per input line; blank lines are always True (the engine handles them).
        scores: probability of content per line (1.0 for blank lines), for explain/debug.
        whole_page: what the detector decided, or the caller's override.
        conservative: True when the safety valve fired and lines were kept that the model
            would have removed; the caller should count it.
    """

    keep: tuple[bool, ...]
    scores: tuple[float, ...]
    whole_page: bool
    conservative: bool


def looks_like_whole_page(lines: Sequence[str], *, lines_before: int | None = None) -> bool:
    """Guess whether ``lines`` are a whole web page (True) or extracted article text (False).

    ``lines_before`` is the number of non-empty lines the document had before the rule stages
    ran, when known; a long document the rules mostly removed was a page.

    A page has many short lines (menus, link lists, footers); article text has few. Short
    documents need stronger evidence (short lines at both edges) or are treated as article text,
    because wrongly "page-cleaning" a short article (a list, a table) costs more than leaving a
    little boilerplate in a short page.

    >>> looks_like_whole_page(["Home", "News", "Sport"] * 5)
    True
    >>> prose = ["A sentence that reads like prose, as articles do."]
    >>> looks_like_whole_page(prose * 3 + ["List item"] * 12 + prose * 6)
    False
    >>> looks_like_whole_page(["A paragraph of article text, as long as paragraphs are."] * 20)
    False
    """
    return _page_shaped([s for s in lines if s], lines_before)


def _page_shaped(text_lines: list[str], lines_before: int | None) -> bool:
    """:func:`looks_like_whole_page` on the document's non-empty lines."""
    n = len(text_lines)
    if (
        lines_before is not None
        and lines_before >= _SMALL_PAGE_LINES
        and n < _RULES_REMOVED_SHARE * lines_before
    ):
        return True
    if n < _MIN_PAGE_LINES:
        return False
    short = _short_flags(text_lines)
    if short.count(1) / n < _PAGE_SHORT_SHARE:
        return False
    # A list-like article is short-lined in its middle; a page is short-lined at its edges
    # (header navigation, footer links).
    head, tail = short[:_EDGE_LINES], short[-_EDGE_LINES:]
    top = head.count(1) / len(head) >= 0.5
    bottom = tail.count(1) / len(tail) >= 0.5
    return (top and bottom) if n < _SMALL_PAGE_LINES else (top or bottom)


def _short_flags(text_lines: list[str]) -> bytes:
    """One byte per line, 1 for a short line (fewer than ``_SHORT_CHARS`` characters and
    ``_SHORT_WORDS`` spaces): counted by the compiled kernel when it is there, since on pages
    of a few hundred lines Python's per-line cost is most of the detector's."""
    if _MODEL.kernel is not None:
        flags: bytes = _MODEL.kernel.short_flags(text_lines, _SHORT_CHARS, _SHORT_WORDS)
        return flags
    return bytes(len(line) < _SHORT_CHARS and line.count(" ") < _SHORT_WORDS for line in text_lines)


@dataclass(frozen=True, slots=True)
class _Decision:
    """What :func:`classify_lines` and :func:`boilerplate_runs` share: where the text lines
    are, their scores and keep flags (``None``: every line is kept, the usual case on article
    text, which then costs no array operations beyond the model)."""

    index: list[int]
    probs: npt.NDArray[np.float64]
    keep: list[bool] | None
    whole_page: bool
    conservative: bool


@dataclass(frozen=True, slots=True)
class _Scores:
    """A document's non-empty lines, their mode and their scores."""

    text_lines: list[str]
    whole_page: bool
    probs: npt.NDArray[np.float64]


def _score(lines: Sequence[str], whole_page: bool | None, lines_before: int | None) -> _Scores:
    text_lines = list(filter(None, lines))
    if whole_page is None:
        whole_page = _page_shaped(text_lines, lines_before)
    probs = _MODEL.predict_lines(text_lines, whole_page=whole_page) if text_lines else np.ones(0)
    return _Scores(text_lines, whole_page, probs)


def _decide(lines: Sequence[str], scored: _Scores, known_site: bool) -> _Decision:
    index = list(compress(range(len(lines)), lines))
    text_lines, probs, whole_page = scored.text_lines, scored.probs, scored.whole_page
    if not index:
        return _Decision(index, probs, None, whole_page, False)
    thresholds = _MODEL.thresholds
    if known_site:
        # A site rule set knows whether that site's first line is its title: no guessing.
        thresholds["head_threshold"] = None  # type: ignore[assignment]

    def line_ends_sentence(i: int) -> bool:
        return ends_sentence(text_lines[i])

    if keeps_everything(
        float(probs.min()),
        whole_page=whole_page,
        leading=tuple(probs[: HEAD_MAX_LINES + 1].tolist()),
        lines=len(index),
        ends_sentence=line_ends_sentence,
        **thresholds,
    ):
        return _Decision(index, probs, None, whole_page, False)
    flags = keep_mask(
        probs, whole_page=whole_page, ends_sentence=line_ends_sentence, **thresholds
    ).tolist()
    # The safety valve (decide.too_little_kept) on plain counts: cheaper than arrays here.
    conservative = not any(flags) or kept_share_too_small(
        sum(map(len, compress(text_lines, flags))), sum(map(len, text_lines)), whole_page
    )
    return _Decision(index, probs, None if conservative else flags, whole_page, conservative)


def classify_lines(
    lines: Sequence[str],
    *,
    whole_page: bool | None = None,
    lines_before: int | None = None,
    known_site: bool = False,
) -> Verdict:
    """Decide content (keep) or boilerplate for every line of one document.

    Args:
        lines: the document's lines, stripped; blank lines are "".
        whole_page: True for a whole page, False for extracted text, None to detect.
        lines_before: non-empty lines before the rule stages ran, if known (for detection).
        known_site: a site rule set applied to the document; its rules, not a guess, decide
            whether the first line of extracted text is the title (no head cut).

    Returns:
        A :class:`Verdict` with one entry per input line.

    >>> v = classify_lines([])
    >>> v.keep, v.conservative
    ((), False)
    """
    decision = _decide(lines, _score(lines, whole_page, lines_before), known_site)
    keep = np.ones(len(lines), dtype=bool)
    scores = np.ones(len(lines))
    if decision.keep is not None:
        keep[decision.index] = decision.keep
    scores[decision.index] = decision.probs
    return Verdict(
        tuple(keep.tolist()),
        tuple(scores.tolist()),
        decision.whole_page,
        decision.conservative,
    )


def boilerplate_runs(
    lines: Sequence[str],
    *,
    whole_page: bool | None = None,
    lines_before: int | None = None,
    known_site: bool = False,
) -> tuple[list[tuple[int, int]], bool]:
    """The line ranges ``[first, end)`` :func:`classify_lines` would drop, and whether the
    safety valve fired: what the pipeline needs, without a verdict for every line.

    >>> boilerplate_runs(["Gunfire was heard overnight in the city, residents said."])
    ([], False)
    """
    scored = _score(lines, whole_page, lines_before)
    if _MODEL.kernel is not None:
        return _compiled_runs(lines, scored, known_site)
    return _runs_in_python(lines, scored, known_site)


def _compiled_runs(
    lines: Sequence[str], scored: _Scores, known_site: bool
) -> tuple[list[tuple[int, int]], bool]:
    """:func:`_runs_in_python` in the kernel (``page_runs``, ``article_runs``): the policy,
    valve and runs in one call after the model."""
    if not scored.text_lines:
        return [], False
    kernel = _MODEL.kernel
    listed = lines if isinstance(lines, list) else list(lines)
    if scored.whole_page:
        found = kernel.page_runs(
            listed,
            scored.probs,
            _MODEL.threshold_page,
            PAGE_CORE,
            PAGE_INSIDE,
            MIN_KEPT_SHARE_PAGE,
        )
    else:
        text_lines = scored.text_lines
        found = kernel.article_runs(
            listed,
            scored.probs,
            _MODEL.threshold_article,
            _MODEL.threshold_article_mid,
            None if known_site else _MODEL.threshold_article_head,
            HEAD_MIN_LINES,
            HEAD_MAX_LINES,
            MIN_KEPT_SHARE_ARTICLE,
            lambda i: ends_sentence(text_lines[i]),
        )
    return ([], True) if found is None else (found, False)


def _runs_in_python(
    lines: Sequence[str], scored: _Scores, known_site: bool
) -> tuple[list[tuple[int, int]], bool]:
    """What :func:`boilerplate_runs` returns, from :func:`_decide`: the reference of
    :func:`_compiled_runs`, and the way where the kernel was not built."""
    decision = _decide(lines, scored, known_site)
    if decision.keep is None:
        return [], decision.conservative
    dropped = list(compress(decision.index, map(not_, decision.keep)))
    # Consecutive line numbers form one run; a blank line (never dropped) ends a run.
    runs: list[tuple[int, int]] = []
    for i in dropped:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs, False
