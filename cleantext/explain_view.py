"""Show a cleaning on the original text: what each rule removed, changed or added, and where.

``Cleaned.edits`` are sequential: each span refers to the text just before that edit, so the
spans cannot be drawn on the original directly. :func:`align` replays the edits on a list of
character cells that remember where each character came from: a character of the original is
*kept* until an edit removes it (then it is *removed* by that rule, and stays in place so it
can be shown struck through); characters an edit puts in are *added* by that rule. A
replacement is aligned character by character with what it replaces (``difflib``), so a rule
that rejoins two lines shows only the newline it took out, not the whole paragraph twice
(past a size bound, only the part between their common start and end is diffed: see
:func:`_opcodes`).

The result is a list of :class:`Piece` values covering the original and the output at once:
the kept and removed pieces concatenate to the original, the kept and added pieces to the
output. The renderers (:func:`render_plain`, :func:`render_ansi`, :func:`render_html`) only
format those pieces.
"""

from __future__ import annotations

import difflib
import html
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .document import Cleaned, Edit

Kind = Literal["kept", "removed", "added"]


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of characters with one fate: kept, removed by ``rule``, or added by ``rule``."""

    kind: Kind
    text: str
    rule: str = ""


@dataclass(slots=True, eq=False)  # found by identity in the replay's lists
class _Cell:
    """One character during the replay (private, mutable while aligning)."""

    char: str
    original: bool
    rule: str = ""  # the rule that added it (added cells) or removed it (original cells)
    alive: bool = True


# Past this product of the lengths of a replacement's two sides, ``difflib`` (whose time grows
# with that product: two 4,000-character sides take most of a second) only sees what lies
# between their common prefix and suffix, and a middle still past it is shown as one cut: a
# character diff of a rewrite that long is not one a reader follows anyway.
_DIFF_LIMIT = 2500 * 2500


def _common_ends(old: str, new: str) -> tuple[int, int]:
    """The lengths of the common prefix and of the common suffix of ``old`` and ``new``,
    which never overlap (together at most the shorter text's length).

    >>> _common_ends("The fox ran.  ", "The fox ran.")
    (12, 0)
    >>> _common_ends("aXb", "ab")
    (1, 1)
    """
    shorter = min(len(old), len(new))
    # Halve the window while compared slices differ: C-speed comparisons, log n of them.
    low, high = 0, shorter
    while low < high:
        mid = (low + high + 1) // 2
        if old[:mid] == new[:mid]:
            low = mid
        else:
            high = mid - 1
    prefix = low
    low, high = 0, shorter - prefix
    while low < high:
        mid = (low + high + 1) // 2
        if old[len(old) - mid :] == new[len(new) - mid :]:
            low = mid
        else:
            high = mid - 1
    return prefix, low


def _opcodes(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
    """``difflib`` opcodes turning ``old`` into ``new``, with the work bounded.

    Up to :data:`_DIFF_LIMIT`, the plain character diff of the two. Past it, the common prefix
    and suffix are set aside first (a rule that strips the trailing space of a
    60,000-character line diffs one character, not the line), and a middle still past the
    limit is one ``replace``. Setting the ends aside can align a repeated phrase with its
    other copy, so texts within the limit keep the plain diff.
    """
    if len(old) * len(new) <= _DIFF_LIMIT:
        return list(difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes())
    prefix, suffix = _common_ends(old, new)
    old_end, new_end = len(old) - suffix, len(new) - suffix
    middle_old, middle_new = old[prefix:old_end], new[prefix:new_end]
    opcodes: list[tuple[str, int, int, int, int]] = []
    if prefix:
        opcodes.append(("equal", 0, prefix, 0, prefix))
    if len(middle_old) * len(middle_new) > _DIFF_LIMIT:
        opcodes.append(("replace", prefix, old_end, prefix, new_end))
    elif middle_old or middle_new:
        matcher = difflib.SequenceMatcher(None, middle_old, middle_new, autojunk=False)
        opcodes += [
            (op, i1 + prefix, i2 + prefix, j1 + prefix, j2 + prefix)
            for op, i1, i2, j1, j2 in matcher.get_opcodes()
        ]
    if suffix:
        opcodes.append(("equal", old_end, len(old), new_end, len(new)))
    return opcodes


def _merged_opcodes(removed: str, replacement: str) -> list[tuple[str, int, int, int, int]]:
    """Opcodes (:func:`_opcodes`) with neighbouring changes merged into one ``replace``.

    A lone space that happens to match inside a rewrite counts as changed too, so a rejoined
    sentence shows one clean cut instead of fragments around each matching blank.
    """
    opcodes = _opcodes(removed, replacement)
    merged: list[tuple[str, int, int, int, int]] = []
    for n, (op, i1, i2, j1, j2) in enumerate(opcodes):
        stray = 0 < n < len(opcodes) - 1 and len(removed[i1:i2]) < 3 and not removed[i1:i2].strip()
        if op == "equal" and not stray:
            merged.append((op, i1, i2, j1, j2))
        elif merged and merged[-1][0] != "equal":
            merged[-1] = ("replace", merged[-1][1], i2, merged[-1][3], j2)
        else:
            merged.append(("replace", i1, i2, j1, j2))
    return merged


class _Replay:
    """Every cell in view order (removed ones included) and the cells of the current text.

    An edit touches a few cells, so it is applied with slices of the two lists and searches
    by identity, which run in C: rebuilding the lists in Python for each edit made the
    replay quadratic (a page of 2,200 lines each stripped of a trailing space took close to
    a minute).
    """

    __slots__ = ("alive", "cells")

    def __init__(self, original: str) -> None:
        self.cells = [_Cell(char, True) for char in original]
        self.alive = list(self.cells)

    def apply(self, edit: Edit) -> None:
        region = self.alive[edit.start : edit.end]
        current = "".join(cell.char for cell in region)
        if current != edit.removed:
            raise ValueError(
                f"edit by {edit.rule} does not fit the text at {edit.start}:{edit.end}: "
                f"expected {edit.removed!r}, found {current!r}"
            )
        # For each position j of the removed text, the new cells that go just before it.
        before: dict[int, list[_Cell]] = {}
        dead: set[int] = set()
        for op, i1, i2, j1, j2 in _merged_opcodes(edit.removed, edit.replacement):
            if op in ("delete", "replace"):
                dead.update(range(i1, i2))
            if op in ("insert", "replace"):
                before.setdefault(i2, []).extend(
                    _Cell(char, False, edit.rule) for char in edit.replacement[j1:j2]
                )
        now: list[_Cell] = []  # the region's cells of the text after the edit
        for j, cell in enumerate(region):
            now.extend(before.get(j, ()))
            if j in dead:
                if cell.original:
                    cell.rule = edit.rule
                cell.alive = False
            else:
                now.append(cell)
        now.extend(before.get(len(region), ()))
        self.alive[edit.start : edit.end] = now
        cells = self.cells
        if not region:  # a pure insertion: before the cell now at its place, or at the end
            following = (
                self.alive[edit.start + len(now)]
                if edit.start + len(now) < len(self.alive)
                else None
            )
            at = cells.index(following) if following is not None else len(cells)
            cells[at:at] = before.get(0, [])
            return
        # From the last insertion back, so that the places found first stay right.
        for j in sorted(before, reverse=True):
            at = cells.index(region[-1]) + 1 if j == len(region) else cells.index(region[j])
            cells[at:at] = before[j]


def align(original: str, edits: Iterable[Edit]) -> list[Piece]:
    """Tag every character of ``original`` as kept or removed, and every inserted one as added.

    >>> from cleantext.document import Edit
    >>> edits = [Edit("s/a", "drop-span", 4, 8, "?? ?"), Edit("s/b", "replace", 0, 3, "Big", "big")]
    >>> for piece in align("Big ?? ?dog", edits):
    ...     print(piece.kind, repr(piece.text), piece.rule)
    removed 'B' s/b
    added 'b' s/b
    kept 'ig '
    removed '?? ?' s/a
    kept 'dog'
    """
    replay = _Replay(original)
    for edit in edits:
        replay.apply(edit)
    pieces: list[Piece] = []
    for cell in replay.cells:
        if cell.original:
            kind: Kind = "kept" if cell.alive else "removed"
        elif cell.alive:
            kind = "added"
        else:
            continue  # put in by one rule, taken out by a later one: in neither text
        rule = "" if kind == "kept" else cell.rule
        if pieces and pieces[-1].kind == kind and pieces[-1].rule == rule:
            pieces[-1] = Piece(kind, pieces[-1].text + cell.char, rule)
        else:
            pieces.append(Piece(kind, cell.char, rule))
    return pieces


def original_of(pieces: Iterable[Piece]) -> str:
    """The text before cleaning: kept and removed pieces."""
    return "".join(p.text for p in pieces if p.kind != "added")


def output_of(pieces: Iterable[Piece]) -> str:
    """The cleaned text: kept and added pieces."""
    return "".join(p.text for p in pieces if p.kind != "removed")


@dataclass(frozen=True, slots=True)
class RuleHits:
    """How often one rule fired on a document and how many characters it took out."""

    rule: str
    edits: int
    removed_chars: int
    added_chars: int


def hits_per_rule(cleaned: Cleaned, pieces: Sequence[Piece]) -> list[RuleHits]:
    """Per rule: edits made and characters removed/added (net, on the original), most first."""
    counts = cleaned.removed_by_rule()
    removed: dict[str, int] = {}
    added: dict[str, int] = {}
    for piece in pieces:
        if piece.kind == "removed":
            removed[piece.rule] = removed.get(piece.rule, 0) + len(piece.text)
        elif piece.kind == "added":
            added[piece.rule] = added.get(piece.rule, 0) + len(piece.text)
    hits = [
        RuleHits(rule, count, removed.get(rule, 0), added.get(rule, 0))
        for rule, count in counts.items()
    ]
    return sorted(hits, key=lambda h: (-h.edits, -h.removed_chars, h.rule))


def _visible(text: str) -> str:
    """Make a removed run of only whitespace visible (a bare newline would show nothing)."""
    if text.strip():
        return text
    return text.replace("\n", "⏎\n").replace(" ", "·")


def _mark(text: str) -> tuple[str, str]:
    """Split a removed or added run into what to mark and a line break to keep after the mark.

    A removed line ends with its newline; marking ``Daily Mirror⏎`` and then breaking the line
    keeps the rule id beside the line it explains instead of at the start of the next one.
    """
    if text.endswith("\n") and text.strip():
        return _visible(text[:-1]) + "⏎", "\n"
    return _visible(text), ""


def render_plain(pieces: Sequence[Piece]) -> str:
    """The pieces as text: ``[-removed-]{rule}`` and ``{+added+}{rule}`` (wdiff style).

    >>> render_plain([Piece("kept", "Hello "), Piece("removed", "?? ", "s/q")])
    'Hello [-?? -]{s/q}'
    """
    out = []
    for piece in pieces:
        if piece.kind == "kept":
            out.append(piece.text)
        else:
            text, tail = _mark(piece.text)
            if piece.kind == "removed":
                out.append(f"[-{text}-]{{{piece.rule}}}{tail}")
            else:
                out.append(f"{{+{text}+}}{{{piece.rule}}}{tail}")
    return "".join(out)


_RED_STRIKE, _GREEN, _DIM_CYAN, _RESET = "\x1b[9;31m", "\x1b[32m", "\x1b[2;36m", "\x1b[0m"


def render_ansi(pieces: Sequence[Piece]) -> str:
    """The pieces for a terminal: removed text red and struck through, added text green,
    each followed by its rule id, dimmed. Colour codes never span a newline, so pagers such
    as ``less -R`` show every line right."""

    def paint(code: str, text: str) -> str:
        return "\n".join(f"{code}{line}{_RESET}" if line else "" for line in text.split("\n"))

    out = []
    for piece in pieces:
        if piece.kind == "kept":
            out.append(piece.text)
        else:
            code = _RED_STRIKE if piece.kind == "removed" else _GREEN
            text, tail = _mark(piece.text)
            out.append(paint(code, text) + paint(_DIM_CYAN, f"⟨{piece.rule}⟩") + tail)
    return "".join(out)


def summary_lines(hits: Sequence[RuleHits]) -> list[str]:
    """The hit table as aligned text lines."""
    if not hits:
        return ["no rule changed this text"]
    width = max(len(h.rule) for h in hits)
    lines = [f"{'rule':<{width}}  edits  removed  added"]
    lines += [
        f"{h.rule:<{width}}  {h.edits:>5}  {h.removed_chars:>7}  {h.added_chars:>5}" for h in hits
    ]
    return lines


# Colour-blind-safe palette (Okabe-Ito, darkened for text on white), one colour per rule.
_PALETTE = ("#b35c00", "#0065a3", "#00795a", "#a6287a", "#8a6d00", "#4a4a9c", "#b3261e", "#2f6f8f")


def _rule_colours(rules: Iterable[str]) -> dict[str, str]:
    colours: dict[str, str] = {}
    for rule in rules:
        if rule not in colours:
            colours[rule] = _PALETTE[len(colours) % len(_PALETTE)]
    return colours


def _chart_svg(hits: Sequence[RuleHits], colours: Mapping[str, str]) -> str:
    """A horizontal bar chart of edits per rule, as inline SVG (no script, no external file)."""
    if not hits:
        return ""
    bar_height, gap, label_width, bar_width = 20, 6, 300, 460
    most = max(h.edits for h in hits)
    height = len(hits) * (bar_height + gap) + gap
    rows = []
    for i, h in enumerate(hits):
        y = gap + i * (bar_height + gap)
        width = max(2, round(bar_width * h.edits / most))
        rule = html.escape(h.rule)
        rows.append(
            f'<text x="{label_width - 8}" y="{y + 15}" text-anchor="end">{rule}</text>'
            f'<rect x="{label_width}" y="{y}" width="{width}" height="{bar_height}" '
            f'fill="{colours.get(h.rule, "#666")}"><title>{rule}: {h.edits} edits, '
            f"{h.removed_chars} characters removed</title></rect>"
            f'<text x="{label_width + width + 6}" y="{y + 15}">{h.edits}</text>'
        )
    total_width = label_width + bar_width + 60
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="edits per rule" '
        f'width="{total_width}" height="{height}" viewBox="0 0 {total_width} {height}" '
        f'font-family="sans-serif" font-size="13">{"".join(rows)}</svg>'
    )


_CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #1a1a1a;
       padding: 0 1em; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.text { white-space: pre-wrap; font-family: Georgia, serif; line-height: 1.6;
        border: 1px solid #ccc; padding: 1em 1.4em; background: #fcfcfa; }
del { text-decoration: line-through; background: #fde8e8; }
ins { text-decoration: none; background: #e3f6e3; }
.tag { font: 0.7em/1 ui-monospace, monospace; color: #fff; padding: 0 0.3em; border-radius: 3px;
       margin: 0 0.2em; vertical-align: super; white-space: nowrap; }
table { border-collapse: collapse; } td, th { padding: 0.2em 0.8em; text-align: left;
       border-bottom: 1px solid #ddd; } td.n { text-align: right; }
.meta { font-family: ui-monospace, monospace; font-size: 0.9em; }
.legend span { display: inline-block; margin-right: 1em; }
"""


def render_html(
    cleaned: Cleaned,
    pieces: Sequence[Piece],
    *,
    title: str = "cleantext explain",
) -> str:
    """A standalone page: the marked text, a hit-count chart, the hit table and the metadata.

    Pure HTML and CSS with inline SVG: no script, font or image is fetched, so the file can be
    mailed, attached to a pull request or opened offline.
    """
    hits = hits_per_rule(cleaned, pieces)
    colours = _rule_colours(h.rule for h in hits)
    body = []
    for piece in pieces:
        if piece.kind == "kept":
            body.append(html.escape(piece.text))
            continue
        marked, tail = _mark(piece.text)
        text = html.escape(marked)
        colour = colours.get(piece.rule, "#666")
        rule = html.escape(piece.rule)
        tag = "del" if piece.kind == "removed" else "ins"
        body.append(
            f'<{tag} title="{piece.kind} by {rule}">{text}</{tag}>'
            f'<span class="tag" style="background:{colour}">{rule}</span>{tail}'
        )
    table_rows = "".join(
        f'<tr><td><span class="tag" style="background:{colours[h.rule]}">&nbsp;</span>'
        f'{html.escape(h.rule)}</td><td class="n">{h.edits}</td>'
        f'<td class="n">{h.removed_chars}</td><td class="n">{h.added_chars}</td></tr>'
        for h in hits
    )
    metadata = html.escape(json.dumps(dict(cleaned.metadata), ensure_ascii=False, indent=2))
    warnings = "".join(
        f"<p><strong>warning:</strong> {html.escape(w)}</p>" for w in cleaned.warnings
    )
    removed = sum(len(p.text) for p in pieces if p.kind == "removed")
    total = removed + sum(len(p.text) for p in pieces if p.kind == "kept")
    share = f"{removed / total:.0%}" if total else "0%"
    sets = html.escape(", ".join(cleaned.rule_sets)) or "none"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body>
<h1>{html.escape(title)}</h1>
<p>Rule sets applied: <span class="meta">{sets}</span>.
{len(cleaned.edits)} edits by {len(hits)} rules removed {removed} of {total} characters ({share}).
<span class="legend"><span><del>struck through</del>: removed</span>
<span><ins>highlighted</ins>: added</span></span></p>
{warnings}
<h2>Edits per rule</h2>
{_chart_svg(hits, colours)}
<h2>Text</h2>
<div class="text">{"".join(body)}</div>
<h2>Hits per rule</h2>
<table><thead><tr><th>rule</th><th>edits</th><th>chars removed</th><th>chars added</th></tr></thead>
<tbody>{table_rows}</tbody></table>
<h2>Metadata</h2>
<pre class="meta">{metadata}</pre>
</body></html>
"""
