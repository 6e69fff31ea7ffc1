"""Generic line classifier: content or boilerplate, for pages of sites nobody wrote rules for.

The rule engine calls :func:`boilerplate_runs` with a document's lines after its rule stages
ran. The same function serves two inputs:

* a *whole page* (navigation, footers, cookie notices and related links all present): the model
  finds the article block and cuts the page down to it;
* *already-extracted* article text: only residue at its edges goes, and only on strong
  evidence (see :mod:`cleantext.classify.decide`); headlines are article text.

:func:`looks_like_whole_page` decides which of the two applies unless the caller says so.
Features are described in :mod:`cleantext.classify.features`, the model in
:mod:`cleantext.classify.model`; ``benchmarks/classifier/`` trains and validates it. At run time
both usually run in the compiled kernel ``_kernel.c``, which mirrors them (and, for
:func:`boilerplate_runs`, the looks of :func:`_rounds`).

A decision is a fixpoint: once lines are removed the page looks different (the remaining
lines have other neighbours, ranks and a new first line), so the classifier looks again at what
it kept, as a second cleaning would, until it removes nothing more. That is what makes
``clean(clean(text)) == clean(text)`` hold for the classifier. A document the first look reads
as a whole page is looked at as one until the looks settle (:func:`_pages_stay_pages`).

The model is read once, on first use; calls share it read-only, so they are thread-safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import compress
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from cleantext.classify.decide import headline_of, keep_mask, kept_share_too_small
from cleantext.classify.features import page_features
from cleantext.classify.kind import KIND_FEATURES, kind_features
from cleantext.classify.model import LineModel, load_model

__all__ = ["Runs", "Verdict", "boilerplate_runs", "classify_lines", "looks_like_whole_page"]

_MODEL: LineModel | None = None  # read on first use (see _model)


def _model() -> LineModel:
    """The shipped model, read on first use: importing the package (to run rules only, or to
    train a new model while the shipped one no longer fits the features) costs nothing."""
    global _MODEL
    if _MODEL is None:
        _MODEL = load_model()
    return _MODEL


MAX_ROUNDS = 64
"""Looks at the kept lines again at most this many times (per pass of the pipeline, which
runs at most four). Two rounds settle most documents; a whole page cleaned as a page (a dump
of pages) can lose a line or two a round for many rounds (one of WCXB's 1,476 pages took more
than 8; a Wikipedia page of 1,764 lines, under a fold model of the validation, 132, and with a
cap of 32 cleaning its output changed it), and each round only looks at fewer lines."""


@dataclass(frozen=True, slots=True)
class Verdict:
    """The classifier's decision for every input line.

    Attributes:
        keep: one flag per input line; blank lines are always True (the engine handles them).
        scores: probability of content per line in the first round (1.0 for blank lines), for
            explain and debugging.
        whole_page: what the detector decided in the first round, or the caller's override.
        conservative: True when the safety valve fired in the first round and every line was
            kept that the model would have removed; the caller should count it.
    """

    keep: tuple[bool, ...]
    scores: tuple[float, ...]
    whole_page: bool
    conservative: bool


def looks_like_whole_page(lines: Sequence[str], *, lines_before: int | None = None) -> bool:
    """Guess whether ``lines`` are a whole web page (True) or extracted article text (False),
    with the page detector shipped beside the model (:mod:`cleantext.classify.kind`).

    ``lines_before`` is the number of non-empty lines the document had before the rule stages
    ran, when known; rules strip page furniture, so a long document they mostly removed was
    a page.

    >>> looks_like_whole_page(["Home", "News", "Sport", "Weather", "Login"] * 6)
    True
    >>> looks_like_whole_page(["A paragraph of article text, as long as paragraphs are."] * 20)
    False
    """
    text_lines = [s for s in lines if s]
    if not text_lines:
        return False
    return _is_page(text_lines, lines_before)


def _is_page(text_lines: list[str], lines_before: int | None) -> bool:
    model = _model()
    if model.kernel is not None:
        _, page = model.kernel.kind_features(text_lines, lines_before)
        return bool(page)
    x = page_features(text_lines)
    return model.kind.is_page(kind_features(text_lines, x, lines_before))


class Runs(NamedTuple):
    """:func:`boilerplate_runs`'s answer."""

    runs: list[tuple[int, int]]
    conservative: bool
    settled: bool
    """False when the lines were still changing after :data:`MAX_ROUNDS` looks."""


@dataclass(frozen=True, slots=True)
class _Round:
    """One look at the lines still kept: which of them to drop (positions into the round's
    lines; empty when the model keeps them all or the valve fired)."""

    probs: npt.NDArray[np.float64] | None
    """The lines' scores; None when they were not wanted and the lines could not lose one."""
    whole_page: bool
    fresh: bool
    """The kind the detector gives the same lines when nothing was removed before them: the
    kind a new cleaning of them would see."""
    drop: list[int]
    conservative: bool


def _look(
    text_lines: list[str], whole_page: bool | None, lines_before: int | None, scores: bool
) -> _Round:
    """Score ``text_lines`` and apply the policy and the valve (``whole_page`` None: the page
    detector decides). Without ``scores``, lines of a kind the policy cannot drop from
    (:meth:`Policy.can_drop`: extracted text under the shipped policy) are not scored: the
    decision is all that is asked, and it is known."""
    model = _model()
    if model.kernel is not None:
        probs = np.empty(len(text_lines)) if scores else None
        drop, page, fresh = model.kernel.decide(text_lines, whole_page, lines_before, probs)
        return _Round(probs, page, fresh, [] if drop is None else drop, drop is None)
    if not scores and whole_page is False and not model.policy.can_drop(False):
        return _Round(None, False, False, [], False)
    x = page_features(text_lines)
    page = fresh = bool(whole_page)
    if whole_page is None:
        features = kind_features(text_lines, x, lines_before)
        page = model.kind.is_page(features)
        features[KIND_FEATURES.index("removed_share")] = 0.0
        fresh = model.kind.is_page(features)
    if not scores and not model.policy.can_drop(page):
        return _Round(None, page, fresh, [], False)
    probs = model.predict(x, whole_page=page)
    lengths = np.fromiter(map(len, text_lines), dtype=np.float64, count=len(text_lines))
    keep = keep_mask(probs, lengths, whole_page=page, policy=model.policy, headline=headline_of(x))
    if keep.all():
        return _Round(probs, page, fresh, [], False)
    if not keep.any() or kept_share_too_small(
        float(lengths[keep].sum()), float(lengths.sum()), page
    ):
        return _Round(probs, page, fresh, [], True)
    return _Round(probs, page, fresh, np.flatnonzero(~keep).tolist(), False)


def _rounds(
    lines: Sequence[str], whole_page: bool | None, lines_before: int | None, *, scores: bool
) -> tuple[list[int], list[_Round], bool]:
    """The positions in ``lines`` of every line the fixpoint drops, its rounds (the first
    with its scores if ``scores``), and whether it settled (a last round that dropped nothing,
    under the conditions a fresh cleaning of the kept text would meet) within
    :data:`MAX_ROUNDS`."""
    index = list(compress(range(len(lines)), lines))
    text_lines = list(filter(None, lines))
    dropped: list[int] = []
    rounds: list[_Round] = []
    before = lines_before
    kind = whole_page
    while text_lines:
        if len(rounds) == MAX_ROUNDS:
            return sorted(dropped), rounds, False
        look = _look(text_lines, kind, before, scores and not rounds)
        rounds.append(look)
        if kind is None and look.whole_page and _pages_stay_pages():
            kind = True
        if not look.drop:
            # A new cleaning of the kept text counts its own lines as those before the rules:
            # when that makes the detector read it as the other kind, look again as it would.
            if kind is not None or before == len(text_lines) or look.fresh == look.whole_page:
                break
            before = len(text_lines)
            continue
        kept = [True] * len(text_lines)
        for k in look.drop:
            kept[k] = False
        dropped += [index[k] for k in look.drop]
        index = list(compress(index, kept))
        text_lines = list(compress(text_lines, kept))
        before = len(text_lines)
    return sorted(dropped), rounds, True


def _pages_stay_pages() -> bool:
    """Whether a document read as a whole page is looked at as one until its looks settle.

    What the first look keeps of a page is the rest of that page, not article text an
    extractor cut: read afresh, its article alone often looks like extracted text, and the
    later looks would stop before the footer and the teasers the first one left were gone
    (as they are in a dump read as pages, where every look is in page mode). Cleaning the
    output again changes nothing either way when the article policy drops nothing (the
    shipped one): read as a page it is already the page policy's fixpoint, read as article
    text it loses nothing. A policy that trims article text instead reads each look's kind
    afresh, so that a new cleaning sees what the last look saw."""
    return not _model().policy.can_drop(False)


def classify_lines(
    lines: Sequence[str], *, whole_page: bool | None = None, lines_before: int | None = None
) -> Verdict:
    """Decide content (keep) or boilerplate for every line of one document.

    Args:
        lines: the document's lines, stripped; blank lines are "".
        whole_page: True for a whole page, False for extracted text, None to detect.
        lines_before: non-empty lines before the rule stages ran, if known (for detection).

    Returns:
        A :class:`Verdict` with one entry per input line.

    >>> v = classify_lines([])
    >>> v.keep, v.conservative
    ((), False)
    """
    dropped, rounds, _ = _rounds(lines, whole_page, lines_before, scores=True)
    keep = np.ones(len(lines), dtype=bool)
    keep[dropped] = False
    scores = np.ones(len(lines))
    first = rounds[0] if rounds else None
    if first is not None:
        assert first.probs is not None  # asked for
        scores[[i for i, line in enumerate(lines) if line]] = first.probs
    return Verdict(
        tuple(keep.tolist()),
        tuple(scores.tolist()),
        first.whole_page if first else bool(whole_page),
        first.conservative if first else False,
    )


def boilerplate_runs(
    lines: Sequence[str], *, whole_page: bool | None = None, lines_before: int | None = None
) -> Runs:
    """What the pipeline needs of :func:`classify_lines`, without a verdict for every line:
    the line ranges ``[first, end)`` it drops (consecutive line numbers form one run; a blank
    line, never dropped, ends one), whether the safety valve fired in the first round, and
    whether the decision settled.

    >>> boilerplate_runs(["Gunfire was heard overnight in the city, residents said."])
    Runs(runs=[], conservative=False, settled=True)
    """
    kernel = _model().kernel
    if kernel is not None:  # the same looks, compiled (in Python: 6% of a page's cleaning)
        listed = lines if isinstance(lines, list) else list(lines)
        return Runs(*kernel.runs(listed, whole_page, lines_before, MAX_ROUNDS))
    return _runs_of_rounds(lines, whole_page, lines_before)


def _runs_of_rounds(
    lines: Sequence[str], whole_page: bool | None, lines_before: int | None
) -> Runs:
    """:func:`boilerplate_runs` from :func:`_rounds`: what ``Kernel.runs`` computes in C."""
    dropped, rounds, settled = _rounds(lines, whole_page, lines_before, scores=False)
    runs: list[tuple[int, int]] = []
    for i in dropped:
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return Runs(runs, bool(rounds) and rounds[0].conservative, settled)
