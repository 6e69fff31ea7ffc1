"""Normalization: unicode repair, whitespace, blank-line runs.

Unicode repair uses ftfy, which fixes text line by line, so it is applied only to the lines that
can need it: a line of plain printable ASCII without an HTML entity is returned by ftfy
unchanged, and skipping it saves most of ftfy's cost on typical news text. The configuration
keeps typographic quotes (``uncurl_quotes=False``): they are part of the article text, and
unescapes HTML entities on every line (``unescape_html=True``) because input here is text,
never markup, and a fixed choice keeps each line's repair independent of the lines before it.
"""

from __future__ import annotations

from collections.abc import Sequence

import ftfy
import regex

from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage

FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, unescape_html=True, explain=False)

_MAY_NEED_REPAIR = regex.compile(r"[^\t\x20-\x7e]|&#?[0-9A-Za-z]{1,24};")


def repair_line(line: str) -> str:
    """ftfy's repair of one line, skipped when the line cannot need it.

    >>> repair_line("The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.")
    'The Mona Lisa doesn’t have eyebrows.'
    """
    return _repair(line, _MAX_REPAIR_ROUNDS)


# ftfy is not always idempotent: a repair can split a line ("\r" becomes "\n") or reveal new
# mojibake, and fixing the result again changes it again. Cleaning must be idempotent, so the
# repair is repeated, on each resulting line, until it is stable (in practice one extra round).
_MAX_REPAIR_ROUNDS = 4


def _repair(line: str, rounds: int) -> str:
    if rounds == 0 or _MAY_NEED_REPAIR.search(line) is None:
        return line
    fixed = ftfy.fix_text(line, FTFY_CONFIG)
    if fixed == line:
        return line
    return "\n".join(_repair(part, rounds - 1) for part in fixed.split("\n"))


def repair_unicode(lines: Sequence[str]) -> Outcome:
    """Repair mojibake, entities, control characters and odd widths, line by line.

    A repair can turn one line into several (a Unicode line separator becomes ``\\n``).
    """
    changes = []
    for i, line in enumerate(lines):
        if line:
            fixed = repair_line(line)
            if fixed != line:
                changes.append(Change(i, i + 1, tuple(part.strip() for part in fixed.split("\n"))))
    return Outcome(tuple(changes))


def strip_lines(lines: Sequence[str]) -> Outcome:
    """Strip leading and trailing whitespace from every line (blank lines become empty).

    >>> strip_lines(["  text \\r", "\\t"]).changes
    (Change(first=0, last=1, lines=('text',), tag=0), Change(first=1, last=2, lines=('',), tag=0))
    """
    changes = [
        Change(i, i + 1, (line.strip(),)) for i, line in enumerate(lines) if line != line.strip()
    ]
    return Outcome(tuple(changes))


def collapse_blank_lines(lines: Sequence[str], *, max_blank: int) -> Outcome:
    """Shorten runs of blank lines to ``max_blank`` and drop blank lines at both ends.

    >>> [(c.first, c.last) for c in collapse_blank_lines(["", "a", "", "", "", "b", ""],
    ...                                                   max_blank=1).changes]
    [(0, 1), (3, 5), (6, 7)]
    """
    changes: list[Change] = []
    n = len(lines)
    i = 0
    while i < n:
        if lines[i]:
            i += 1
            continue
        j = i
        while j < n and not lines[j]:
            j += 1
        keep = 0 if i == 0 or j == n else max_blank
        if j - i > keep:
            changes.append(Change(i + keep, j))
        i = j
    return Outcome(tuple(changes))


REPAIR_UNICODE = ActionSpec(
    name="repair-unicode",
    stage=Stage.NORMALIZE,
    summary="Repair mojibake and other unicode damage with ftfy (typographic quotes kept).",
    params={},
    build=lambda p: repair_unicode,
)

NORMALIZE_WHITESPACE = ActionSpec(
    name="normalize-whitespace",
    stage=Stage.NORMALIZE,
    summary="Strip whitespace at both ends of every line.",
    params={},
    build=lambda p: strip_lines,
)

COLLAPSE_BLANK_LINES = ActionSpec(
    name="collapse-blank-lines",
    stage=Stage.FINALIZE,
    summary="Shorten runs of blank lines; drop blank lines at the start and end.",
    params={
        "max_blank": Param(ParamKind.INT, "blank lines allowed in a row", default=1, minimum=0)
    },
    build=lambda p: lambda lines: collapse_blank_lines(lines, max_blank=p["max_blank"]),
)
