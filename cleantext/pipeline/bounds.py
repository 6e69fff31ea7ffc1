"""Safety valves per rule and per document: what one rule may remove, and the warnings the
pipeline gives when it holds a rule back (for its removal bound or its time budget).

A rule that matches too much (``drop-line (?!Zq).*``, ``drop-span \\w+``, a ``truncate-from``
marker allowed at the top) would eat the article it was written to tidy. So a rule is not
applied to a document when its changes would remove more than its ``max_removed`` share of
the document's characters, *and* of its article-like text (lines of eight words or more
that end a sentence), that text being more than :data:`MIN_ARTICLE_CHARS` (a few sentences).

The first test costs two lengths the scans compute anyway, and almost every step passes it.
The others keep out of the way what is boilerplate by length but no article: the navigation
header of a whole page, a short record that is one newsletter sentence and a share line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..actions import Change
from ..actions.shape import ends_sentence, has_words
from ..matcher import joined_length


class Limited(Protocol):
    """What made a change, as edits and warnings name it: a :class:`~cleantext.rules.Rule`,
    or a built-in step's :class:`~cleantext.pipeline.steps.StepName`, with its limits."""

    @property
    def qualified_id(self) -> str: ...

    @property
    def action(self) -> str: ...

    @property
    def max_removed(self) -> float | None: ...

    @property
    def max_seconds(self) -> float: ...


#: article-like characters a rule must remove before its bound counts: a short record's lone
#: boilerplate sentence ("Get the best of the week delivered to your inbox.") is no article
MIN_ARTICLE_CHARS = 200


def article_chars(lines: Sequence[str]) -> int:
    """Characters in the article-like lines of ``lines`` (8+ words, ending a sentence).

    >>> article_chars(["Share this", "The minister said the talks would resume on Monday."])
    51
    """
    # Eight words take fifteen characters at least: shorter lines need no word count. The
    # sentence end is read first: most lines of a page's menus have none, and it costs less
    # than counting words.
    return sum(
        len(line)
        for line in lines
        if len(line) >= 15 and ends_sentence(line) and has_words(line, 8)
    )


def _removed(lines: Sequence[str], change: Change) -> int:
    """Characters (newlines included) ``change`` takes out of ``lines``, less those it puts in."""
    first, last, new, _ = change
    gone = sum(map(len, lines[first:last])) + last - first
    return gone - sum(map(len, new)) - len(new) if new else gone


def over_bounds(
    lines: Sequence[str], changes: Sequence[Change], bounds: Sequence[float], tightest: float
) -> frozenset[int]:
    """The tags of the rules whose ``changes`` to ``lines`` remove more than their bound
    (``bounds[tag]``, a share; ``tightest`` is the smallest) of the text."""
    removed_in_all = 0
    for first, last, new, _ in changes:
        removed_in_all += sum(map(len, lines[first:last])) + last - first
        if new:
            removed_in_all -= sum(map(len, new)) + len(new)
    if removed_in_all <= 0:
        return _NONE
    before = joined_length(lines)
    if removed_in_all <= tightest * before:
        return _NONE  # not over even the tightest bound: the common case stops here
    article = article_chars(lines)
    if article <= MIN_ARTICLE_CHARS:
        return _NONE  # no rule can eat more article than there is (a page of menus)
    removed: dict[int, int] = {}
    for change in changes:
        removed[change.tag] = removed.get(change.tag, 0) + _removed(lines, change)
    # Loops rather than comprehensions here: names a comprehension reads from this function
    # become cells, made on every call, and this runs after every step that changed text.
    eaten: dict[int, int] = {}
    for change in changes:
        tag = change.tag
        if removed[tag] > bounds[tag] * before:
            lost = article_chars(lines[change.first : change.last]) - article_chars(change.lines)
            eaten[tag] = eaten.get(tag, 0) + lost
    over = []
    for tag, count in eaten.items():
        if count > MIN_ARTICLE_CHARS and count > bounds[tag] * article:
            over.append(tag)
    return frozenset(over) if over else _NONE


_NONE: frozenset[int] = frozenset()


def out_of_time(rule: Limited) -> str:
    """The warning for a rule that ran out of its time budget on a document (the same words
    for every document, so runs can count them)."""
    return (
        f"rule {rule.qualified_id} ran out of its time budget ({rule.max_seconds:g} s of "
        "matching on one document); its changes were not made"
    )


def retired(rule_id: str, documents: int) -> str:
    """The warning for a rule left out of the rest of a run: it ran out of its time budget
    on ``documents`` documents of it."""
    return (
        f"rule {rule_id} ran out of its time budget on {documents} documents; it is left "
        "out of the rest of this run (fix its pattern, or raise its max_seconds)"
    )


def over_bound(rule: Limited) -> str:
    """The warning for a rule that would have removed more than its ``max_removed``."""
    return (
        f"rule {rule.qualified_id} would have removed more than its max_removed "
        f"({rule.max_removed:.0%}) of the text; its changes were not made"
    )
