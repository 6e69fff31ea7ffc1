"""Normalization: unicode repair, whitespace, blank-line runs.

Unicode repair uses ftfy, which fixes text line by line, so it is applied only to the lines that
can need it, found by one regular-expression scan of the whole text. ftfy returns a line
unchanged when it has no HTML entity and is made of printable ASCII and the typographic
characters and symbol blocks below, provided no two ``ISOLATED`` ones touch (lowercase accented
letters may, and so may quotation marks), Cyrillic letters touch none of them but quotation
marks, and no quotation mark sits between two Cyrillic letters: read from ftfy's source (6.x),
its mojibake detector only fires on such neighbours (or on characters left out here), and its
other fixes (controls, ligatures, widths, line breaks, NFC) touch none of them. The scan runs on
RE2 when it is installed. ``tests/actions/test_normalize_gate.py`` checks that claim
exhaustively on short strings and against ftfy itself on generated text. The configuration keeps
typographic quotes (``uncurl_quotes=False``): they are part of the article text, and unescapes
HTML entities on every line (``unescape_html=True``) because input here is text, never markup,
and a fixed choice keeps each line's repair independent of the lines before it. Full-width
letters and digits are left as written (``fix_character_width=False``): in Japanese and Chinese
text they are the normal typesetting, not damage.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Sequence

import ftfy
from ftfy import badness, chardata

try:
    import re2
except ImportError:  # pragma: no cover - where google-re2 has no wheel
    re2 = None

from ..matcher import encoded, joined, matched_lines
from .base import ActionSpec, Change, Outcome, Param, ParamKind, Stage

FTFY_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False, unescape_html=True, fix_character_width=False, explain=False
)

#: Typographic characters ftfy's mojibake detector never looks at (dashes, ellipsis, NBSP).
NEUTRAL = (
    "\u2019\u2013\u2014\u2010\u2011\u2212\u2026\u00b7\u00a0\u2032\u2033"
    "\u00fd\u00ff\u0144\u0159\u0151\u0171\u0131"
)
#: Typographic characters and accented letters that are safe when no two of them touch.
ISOLATED = (
    "\u2018\u201c\u201d\u201e\u00ab\u00bb\u2039\u203a\u2022\u00b0\u20ac\u00a3\u00a5\u00a2"
    "\u00a9\u00ae\u2122\u00a7\u00b6\u00bd\u00bc\u00be\u00d7\u00f7\u00b1\u00b2\u00b3\u00b9"
    "\u2020\u2021\u00a1\u00bf\u201a\u00e0\u00e1\u00e2\u00e4\u00e5\u00e6\u00e7\u00e8\u00e9"
    "\u00ea\u00eb\u00ec\u00ed\u00ef\u00f1\u00f2\u00f3\u00f4\u00f6\u00f9\u00fa\u00fb\u00fc"
    "\u00df\u00c0\u00c1\u00c4\u00c5\u00c6\u00c7\u00c8\u00c9\u00ca\u00cb\u00cc\u00cd\u00cf"
    "\u00d1\u00d2\u00d3\u00d4\u00d6\u00da\u00db\u00dc\u00dd\u0105\u0107\u0119\u0142\u015b"
    "\u017a\u017c\u010d\u011b\u0161\u017e\u011f\u015f\u0130\u00e3\u00f5\u00f8\u00ee"
)
#: The lowercase accented letters among them, which may touch each other (Portuguese "ção").
LOWER_ACCENTED = "".join(c for c in ISOLATED if c.isalpha() and c.islower())
_NOT_LOWER = "".join(c for c in ISOLATED if c not in LOWER_ACCENTED)
#: Caseless scripts ftfy's detector has no category for (kana, CJK, Hangul, Arabic, Hebrew
#: letters; no combining marks, no compatibility or width forms).
NEUTRAL_RANGES = (
    "\u3001\u3002\u300c-\u300f\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff"
    "\uac00-\ud7a3\u0621-\u063a\u0641-\u064a\u060c\u061f\u05d0-\u05ea"
)
#: Unicode blocks of symbols that ftfy's detector has (almost) no category for: punctuation,
#: arrows, technical and geometric symbols, dingbats, emoji, variation selectors, kana,
#: full-width forms. Whole blocks are named here and filtered against ftfy's own tables by
#: :func:`_neutral_block_characters`, so whatever ftfy does read in them stays gated. (Scripts
#: with combining marks would rarely pass: those marks go to ftfy.)
NEUTRAL_BLOCKS = (
    (0x2000, 0x206F),  # General Punctuation (ftfy's quotes, dashes and controls filtered out)
    (0x2070, 0x209F),  # Superscripts and Subscripts
    (0x20A0, 0x20CF),  # Currency Symbols (the euro and peseta filtered out)
    (0x2100, 0x218F),  # Letterlike Symbols, Number Forms
    (0x2190, 0x23FF),  # Arrows, Mathematical Operators, Miscellaneous Technical
    (0x2460, 0x27BF),  # Enclosed Alphanumerics ... Dingbats (box drawing filtered out)
    (0x27C0, 0x2BFF),  # Mathematical and arrow supplements, Braille, Miscellaneous Symbols
    (0x3000, 0x30FF),  # CJK Symbols and Punctuation, Hiragana, Katakana
    (0xFE00, 0xFE0F),  # Variation Selectors (emoji presentation)
    (0xFF01, 0xFFEF),  # Halfwidth and Fullwidth Forms (width fixing is off)
    (0x1F000, 0x1FAFF),  # Mahjong ... Symbols and Pictographs Extended-A (emoji)
)


def _expand(chars: str) -> set[str]:
    """The characters of a regex class body made of characters and ``a-z`` ranges."""
    found: set[str] = set()
    for first, last in re.findall(r"(.)(?:-(.))?", chars, re.DOTALL):
        found.update(map(chr, range(ord(first), ord(last or first) + 1)))
    return found


def _neutral_block_characters() -> str:
    """The characters of ``NEUTRAL_BLOCKS`` ftfy leaves alone wherever they stand.

    Left out: any character in one of ftfy's mojibake categories or written anywhere in its
    detector's pattern, its control characters and ligatures (width forms too, were width
    fixing on), whitespace (line breaks), unassigned code points, and what NFC changes
    (non-starters, singletons). No block holds the second half of a canonical composition:
    ``tests/actions/test_normalize_gate.py`` checks that, and the rest, on the result.
    """
    excluded = set(badness.BADNESS_RE.pattern) | set(ISOLATED) | set(NEUTRAL)
    for chars in badness.MOJIBAKE_CATEGORIES.values():
        excluded |= _expand(chars)
    kept = []
    for first, last in NEUTRAL_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            if (
                char not in excluded
                and code not in chardata.CONTROL_CHARS
                and code not in chardata.LIGATURES
                and (code not in chardata.WIDTH_MAP or not FTFY_CONFIG.fix_character_width)
                and not char.isspace()
                and unicodedata.category(char) != "Cn"
                and not unicodedata.combining(char)
                and unicodedata.normalize("NFC", char) == char
            ):
                kept.append(char)
    return "".join(kept)


def _class_ranges(chars: str) -> str:
    """``chars`` (sorted, none of them ASCII) as a character class body with ``a-z`` ranges."""
    parts: list[str] = []
    start = previous = -2
    for code in [*map(ord, chars), -2]:
        if code != previous + 1:
            if start >= 0:
                parts.append(chr(start) if start == previous else f"{chr(start)}-{chr(previous)}")
            start = code
        previous = code
    return "".join(parts)


NEUTRAL_BLOCK_CHARACTERS = _neutral_block_characters()
#: The ISOLATED quotation marks. They may touch each other (``›‹`` in menus, ``«“`` in nested
#: quotes): ftfy's detector has no pattern with two of them side by side, only patterns where
#: another ISOLATED character touches one (``€›‹``, ``é»x``), which the gate catches anyway.
QUOTES = "\u00ab\u00bb\u201c\u201d\u201e\u2018\u201a\u2039\u203a"
_NOT_QUOTE = "".join(c for c in ISOLATED if c not in QUOTES)
_NOT_LOWER_NOR_QUOTE = "".join(c for c in _NOT_LOWER if c not in QUOTES)
#: Cyrillic letters: safe next to each other, to NEUTRAL characters and to QUOTES, but not next
#: to another ISOLATED character (``Ж†``, ``жÀ``) nor around a quote (``В«Г``): read from
#: ftfy's detector, every pattern with a Cyrillic letter needs one of these.
CYRILLIC = "\u0410-\u044f\u0401\u0451"
_GATE = (
    f"[^\\t\\n\\x20-\\x7e{NEUTRAL}{NEUTRAL_RANGES}{_class_ranges(NEUTRAL_BLOCK_CHARACTERS)}"
    f"{ISOLATED}{CYRILLIC}]"
    f"|[{_NOT_LOWER_NOR_QUOTE}][{ISOLATED}]|[{ISOLATED}][{_NOT_LOWER_NOR_QUOTE}]"
    f"|[{QUOTES}][{LOWER_ACCENTED}]|[{LOWER_ACCENTED}][{QUOTES}]|&#?[0-9A-Za-z]{{1,24}};"
    f"|[{CYRILLIC}][{_NOT_QUOTE}]|[{CYRILLIC}][{QUOTES}][{CYRILLIC}]"
)
_MAY_NEED_REPAIR = re.compile(_GATE)
# The same scan on RE2 runs in linear time at hundreds of MB/s; Python's re is the fallback.
_MAY_NEED_REPAIR_RE2 = re2.compile(_GATE.encode("utf-8")) if re2 is not None else None


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


def _lines_to_repair(lines: Sequence[str]) -> list[int]:
    """Indexes of the lines the gate sends to ftfy, from one scan of the whole text."""
    if _MAY_NEED_REPAIR_RE2 is not None:
        text_bytes = encoded(lines)  # None for lone surrogates: RE2 reads UTF-8 only
        if text_bytes:
            return matched_lines(_MAY_NEED_REPAIR_RE2, text_bytes)
    found: list[int] = []
    text = joined(lines)
    position = 0
    index = 0
    match = _MAY_NEED_REPAIR.search(text)
    while match is not None:
        start = match.start()
        index += text.count("\n", position, start)
        found.append(index)
        end = text.find("\n", start)
        position = len(text) if end < 0 else end
        match = _MAY_NEED_REPAIR.search(text, position)
    return found


_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"
"""Zero-width space, non-joiner and joiner, word joiner and byte-order mark: invisible, not
whitespace to ``str.strip``, and the whole of some lines of scraped pages (an editor's empty
paragraph)."""
_STRIPPED = "".join(chr(c) for c in range(0x3001) if chr(c).isspace()) + _INVISIBLE
"""Every whitespace character (none is above U+3000) and the invisible ones."""
_strip = operator.methodcaller("strip", _STRIPPED)
_STRIPPED_CLASS = "".join(f"\\x{{{ord(c):x}}}" for c in _STRIPPED if c != "\n")
STRIP_PRESENCE = f"^[{_STRIPPED_CLASS}]|[{_STRIPPED_CLASS}]$"
"""An RE2 pattern (searched line by line) found in every text :func:`strip_lines` changes: a
character it strips at either end of a line. Almost no page needs stripping (7 of ``dev``'s
181 pages), and the joint scan answers this for a few bytes of its automaton."""


def repair_unicode(lines: Sequence[str]) -> Outcome:
    """Repair mojibake, entities, control characters and odd widths, line by line.

    A repair can turn one line into several (a Unicode line separator becomes ``\\n``).

    >>> repair_unicode(["Fine “quotes” – café.", "wasnâ€™t"]).changes
    (Change(first=1, last=2, lines=('wasn’t',), tag=0),)
    """
    changes = []
    for index in _lines_to_repair(lines):
        line = lines[index]
        fixed = _repair(line, _MAX_REPAIR_ROUNDS)
        if fixed != line:
            parts = tuple(map(_strip, fixed.split("\n")))
            changes.append(Change(index, index + 1, parts))
    return Outcome(tuple(changes))


def strip_lines(lines: Sequence[str]) -> Outcome:
    """Strip leading and trailing whitespace and invisible characters (:data:`_INVISIBLE`) from
    every line (blank lines become empty).

    >>> strip_lines(["  text \\r", "\\t", "\\u200b"]).changes[1:]
    (Change(first=1, last=2, lines=('',), tag=0), Change(first=2, last=3, lines=('',), tag=0))
    """
    # str.strip alone where no line holds an invisible character: five times faster than
    # stripping a set of characters, and most documents hold none (a one-character search of
    # a string without characters that wide returns at once; the pipeline's lines know their
    # joined text, which the scans after this step reuse when no line changes)
    text = joined(lines)
    invisible = any(char in text for char in _INVISIBLE)
    stripped = list(map(_strip if invisible else str.strip, lines))
    if stripped == lines:  # the usual case, found without a Python-level step per line
        return Outcome()
    changes = [
        Change(i, i + 1, (new,))
        for i, (line, new) in enumerate(zip(lines, stripped, strict=True))
        if line != new
    ]
    return Outcome(tuple(changes))


def collapse_blank_lines(lines: Sequence[str], *, max_blank: int) -> Outcome:
    """Shorten runs of blank lines to ``max_blank`` and drop blank lines at both ends.

    >>> [(c.first, c.last) for c in collapse_blank_lines(["", "a", "", "", "", "b", ""],
    ...                                                   max_blank=1).changes]
    [(0, 1), (3, 5), (6, 7)]
    """
    if not _blank_run_in(joined(lines), max_blank):
        return Outcome()
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


def _blank_run_in(text: str, max_blank: int) -> bool:
    """Whether the lines joined as ``text`` may start or end with a blank line or hold more
    than ``max_blank`` in a row: the rare text :func:`collapse_blank_lines` changes, told by
    two string searches instead of a Python step per line (the pipeline's lines keep the
    joined text, which the cleaned output then reuses)."""
    return not text or text[0] == "\n" or text[-1] == "\n" or "\n" * (max_blank + 2) in text


REPAIR_UNICODE = ActionSpec(
    name="repair-unicode",
    stage=Stage.NORMALIZE,
    summary="Repair mojibake and other unicode damage with ftfy (typographic quotes kept).",
    params={},
    build=lambda p: repair_unicode,
    # No line needs ftfy unless the gate matches somewhere (exact: _lines_to_repair's own scan).
    presence=_GATE,
    bounded=False,
)

NORMALIZE_WHITESPACE = ActionSpec(
    name="normalize-whitespace",
    stage=Stage.NORMALIZE,
    summary="Strip whitespace and zero-width characters at both ends of every line.",
    params={},
    build=lambda p: strip_lines,
    presence=STRIP_PRESENCE,
    bounded=False,
)

COLLAPSE_BLANK_LINES = ActionSpec(
    name="collapse-blank-lines",
    stage=Stage.FINALIZE,
    summary="Shorten runs of blank lines; drop blank lines at the start and end.",
    params={
        "max_blank": Param(ParamKind.INT, "blank lines allowed in a row", default=1, minimum=0)
    },
    build=lambda p: lambda lines: collapse_blank_lines(lines, max_blank=p["max_blank"]),
    bounded=False,
)
