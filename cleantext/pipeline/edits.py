"""Edits: changes to lines made real, as the new lines and the character edits that replay them.

Every step says what it wants done as :class:`~cleantext.actions.Change` objects over the
lines it was given; the pipeline and the HTML engine both turn them into new lines and, for the
explain view, into :class:`~cleantext.document.Edit` spans of the joined text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..actions import Change
from ..document import Edit
from ..matcher import Lines


class Named(Protocol):
    """What an edit names: the rule (``set/id``) and its action, as a
    :class:`~cleantext.rules.Rule` does (and the export reader's cuts)."""

    @property
    def qualified_id(self) -> str: ...

    @property
    def action(self) -> str: ...


def apply_changes(lines: list[str], changes: Sequence[Change]) -> list[str]:
    """The lines with sorted, non-overlapping changes made."""
    result = Lines()  # a new version of the document: its joined text is computed anew
    position = 0
    for change in changes:
        result.extend(lines[position : change.first])
        result.extend(change.lines)
        position = change.last
    result.extend(lines[position:])
    return result


def edits_for(
    lines: Sequence[str], changes: Sequence[Change], rules: Sequence[Named]
) -> list[Edit]:
    """Character edits equivalent to ``changes`` on ``"\\n".join(lines)``, in replay order;
    ``rules[change.tag]`` names each.

    They are listed from the end of the text backwards, so each span is still valid when the
    edits before it in the list have been applied.
    """
    offsets = [0] * (len(lines) + 1)
    for i, line in enumerate(lines):
        offsets[i + 1] = offsets[i] + len(line) + 1
    text = "\n".join(lines)
    end_line = len(lines)  # lines from here on were already deleted by later changes
    edits = []
    for change in reversed(changes):
        rule = rules[change.tag]
        first, last = change.first, change.last
        if change.lines:
            start, end = offsets[first], offsets[last] - 1
        elif last < end_line:
            start, end = offsets[first], offsets[last]
        else:
            # Deleting the (current) last lines also deletes the newline before them.
            start, end = max(offsets[first] - 1, 0), max(offsets[end_line] - 1, 0)
            end_line = first
        edits.append(
            Edit(
                rule.qualified_id, rule.action, start, end, text[start:end], "\n".join(change.lines)
            )
        )
    return edits
