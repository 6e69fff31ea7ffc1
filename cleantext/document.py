"""Values that describe a cleaning: the document read, the edits made, the metadata found,
the result.

Edits are recorded in the order they were made, and each edit's span refers to the text as it
was just before that edit, so ``replay(original, edits)`` rebuilds the output exactly. That
makes every explanation checkable: if the replay does not give the output, the log is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Document:
    """One document as a reader found it in a dump (uncleaned): its text, its URL (if the
    record has one) and where it is (``file:line``, ``file#record``...)."""

    text: str
    url: str | None
    where: str


@dataclass(frozen=True, slots=True)
class Edit:
    """One change made to the text.

    Attributes:
        rule: qualified id of the rule that made it, ``"<set>/<rule>"``.
        action: the action word of that rule (``drop-line``, ``drop-span``...).
        start: offset of the first changed character in the text before this edit.
        end: offset just past the last changed character in that text.
        removed: the text that was there (``text[start:end]``).
        replacement: what was put in its place (often ``""``).
    """

    rule: str
    action: str
    start: int
    end: int
    removed: str
    replacement: str = ""

    def apply(self, text: str) -> str:
        """Return ``text`` with this edit made; raises if the edit does not fit the text."""
        if text[self.start : self.end] != self.removed:
            raise ValueError(
                f"edit by {self.rule} does not fit: expected {self.removed!r} at "
                f"{self.start}:{self.end}, found {text[self.start : self.end]!r}"
            )
        return text[: self.start] + self.replacement + text[self.end :]


def is_missing(value: object) -> bool:
    """Whether ``value`` stands for "no value": ``None``, a float NaN (what pandas puts in an
    empty cell) or pandas' ``NA``/``NaT``.

    >>> is_missing(None), is_missing(float("nan")), is_missing(""), is_missing(0.5)
    (True, True, False, False)
    """
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    return type(value).__name__ in ("NAType", "NaTType")


def replay(text: str, edits: Iterable[Edit]) -> str:
    """Apply ``edits`` in order to ``text``.

    >>> replay("a b c", [Edit("x/y", "drop-span", 1, 3, " b")])
    'a c'
    """
    for edit in edits:
        text = edit.apply(text)
    return text


@dataclass(frozen=True, slots=True)
class Cleaned:
    """The result of cleaning one document, with its explanation.

    Attributes:
        text: the cleaned text.
        edits: every change, in the order made (see :func:`replay`).
        metadata: what extraction rules found (``publication``, ``authors``, ...).
        rule_sets: ids of the rule sets that applied, in the order they ran.
        warnings: things the pipeline did conservatively (a rule that timed out, a safety
            valve that kept text); empty in the normal case.
    """

    text: str
    edits: tuple[Edit, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    rule_sets: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    def removed_by_rule(self) -> dict[str, int]:
        """Count edits per rule id, for summaries and statistics."""
        counts: dict[str, int] = {}
        for edit in self.edits:
            counts[edit.rule] = counts.get(edit.rule, 0) + 1
        return counts
