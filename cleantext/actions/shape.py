"""Shape tests on single lines: does it end a sentence, look like a heading, start uppercase.

These predicates are language-neutral on purpose (punctuation and letter case, not word
lists) so the structural actions built on them work for any language written in a cased script.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import regex

_SENTENCE_ENDS = frozenset(".!?…。！？")
_CLOSERS = "\"'’”»)]"
_SPACE = "".join(regex.findall(r"\s", "".join(map(chr, range(0x3001)))))
"""What ``regex``'s ``\\s`` matches: ``str.isspace`` less U+001C-U+001F (none above U+3000)."""
_WORD = regex.compile(r"\w+")
_FIRST_LETTER = regex.compile(r"\p{L}")
# Marks of program code that prose hardly has: a line opening a comment or a directive, a
# brace, a statement's final semicolon, a call written against its name, an assignment or
# comparison between spaces, a shell comment after a command.
_CODE = regex.compile(r"^(?://|/\*|#|\*)|[{}]|;\s*$|\w\(|\s(?:[=!<>+\-*/:]?=|=>|===|#)\s")
# Every mark above holds one of these characters; most lines hold none, and Python's re finds
# a character of a class several times faster than ``regex`` tries the whole pattern (the
# repair stage's rejoin took an eighth of the time of whole pages in it).
_CODE_CHAR = re.compile(r"[{};(=#*/]")


def ends_sentence(line: str) -> bool:
    """True when the line ends with sentence-final punctuation (closing quotes allowed).

    >>> ends_sentence('He said: “No.”'), ends_sentence("people cannot")
    (True, False)
    """
    # ``[.!?…。！？][\"'’”»)\]]*\s*$`` read from the end: a search for it steps the regex
    # engine over the whole line, and long lines of prose are what it is asked about most.
    return line.rstrip(_SPACE).rstrip(_CLOSERS)[-1:] in _SENTENCE_ENDS


def looks_like_code(line: str) -> bool:
    """True when the line carries a mark of program code (see ``_CODE``): a code line's
    break is part of the code, never a sentence split in two.

    >>> looks_like_code("// find the sign"), looks_like_code("const i = line.indexOf('=')")
    (True, True)
    >>> looks_like_code("the council (which met on Monday) agreed; then it voted")
    False
    """
    return _CODE_CHAR.search(line) is not None and _CODE.search(line) is not None


def word_count(line: str) -> int:
    """Number of whitespace-separated words."""
    return len(line.split())


def has_words(line: str, count: int) -> bool:
    """``word_count(line) >= count``, without making a string of every word of a long line.

    >>> has_words("one two  three ", 3), has_words("one two ", 3)
    (True, False)
    """
    return len(line.split(None, count - 1)) >= count


def word_tokens(line: str) -> list[str]:
    """The ``\\w+`` tokens of a line, used to compare lines while ignoring punctuation."""
    words: list[str] = _WORD.findall(line)
    return words


def first_letter(line: str) -> str:
    """The first letter of the line, or ``""`` when it has none."""
    match = _FIRST_LETTER.search(line)
    return match.group() if match else ""


def starts_uppercase(line: str) -> bool:
    """True when the first letter of the line is uppercase (a sentence or a name starts)."""
    letter = first_letter(line)
    return bool(letter) and letter.isupper()


def is_all_caps(line: str) -> bool:
    """True when the line has letters and none of them is lowercase (``RUSSIAN TANKS``)."""
    return any(c.isalpha() for c in line) and not any(c.islower() for c in line)


def capitalised_share(line: str) -> float:
    """Share of words whose first letter is uppercase; Title Case headings score high."""
    words = [w for w in line.split() if first_letter(w)]
    if not words:
        return 0.0
    return sum(1 for w in words if first_letter(w).isupper()) / len(words)


def next_nonblank(lines: Sequence[str], index: int) -> int:
    """Index of the first non-blank line after ``index``, or ``-1``."""
    for j in range(index + 1, len(lines)):
        if lines[j]:
            return j
    return -1


def previous_nonblank(lines: Sequence[str], index: int) -> int:
    """Index of the last non-blank line before ``index``, or ``-1``."""
    for j in range(index - 1, -1, -1):
        if lines[j]:
            return j
    return -1
