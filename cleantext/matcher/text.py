"""A document's text as the scans read it: joined once, UTF-8 encoded once, and the spans
and line numbers of matches in it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from .re2_syntax import re2

# google-re2's ``finditer`` builds a match object per hit in Python; the scans below only need
# spans, so they call the compiled regexp's own match loop when it is there (same semantics).
_UNANCHORED = getattr(getattr(re2, "_Anchor", None), "UNANCHORED", None)


def match_spans(pattern: Any, text: bytes) -> list[tuple[int, int]]:
    """``[m.span() for m in pattern.finditer(text)]`` for an RE2 ``pattern`` and bytes ``text``,
    without the match objects (the same successive searches, advancing past empty matches).

    >>> match_spans(re2.compile(b"a*"), b"baab")
    [(0, 0), (1, 3), (3, 3), (4, 4)]
    """
    regexp = getattr(pattern, "_regexp", None)
    if regexp is None or _UNANCHORED is None:  # pragma: no cover - another google-re2 layout
        return [match.span() for match in pattern.finditer(text)]
    spans: list[tuple[int, int]] = []
    position, end = 0, len(text)
    while True:
        span = regexp.Match(_UNANCHORED, text, position, end)[0]
        if span[0] < 0:
            return spans
        spans.append(span)
        if position == end:
            return spans
        position = span[1] if span[1] != position else position + 1


def encode_text(text: str) -> bytes | None:
    """``text`` as UTF-8, or ``None`` when it holds lone surrogates (then RE2 cannot read it)."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates: RE2 only reads UTF-8
        return None


# A document's lines with their joined text and its UTF-8 bytes, each computed once: several
# steps scan the whole text (gates, the combined line rules, candidate searches), and between
# two changes the lines stay the same. The pipeline holds them as ``Lines``, builds a new one
# for every change and never mutates one, so the cache cannot go stale; a plain list works
# everywhere too, it is just joined again each time.


class Lines(list[str]):
    """A list of lines remembering ``"\\n".join`` of itself and its UTF-8 encoding.

    Never mutate one after reading :func:`joined` or :func:`encoded` from it.
    """

    __slots__ = ("_encoded", "_text")
    _encoded: bytes
    _text: str

    @classmethod
    def split(cls, text: str) -> Lines:
        """The lines of ``text``, which is their joined text already (not joined again).

        >>> joined(Lines.split("a\\nb")) == "a\\nb"
        True
        """
        lines = cls(text.split("\n"))
        lines._text = text
        return lines


_UNENCODABLE = b"\x00unencodable"  # a marker object, compared by identity


def joined(lines: Sequence[str]) -> str:
    """``"\\n".join(lines)``, cached on :class:`Lines`.

    >>> joined(Lines(["a", "b"]))
    'a\\nb'
    """
    if type(lines) is not Lines:
        return "\n".join(lines)
    try:
        return lines._text
    except AttributeError:
        text = lines._text = "\n".join(lines)
        return text


def joined_length(lines: Sequence[str]) -> int:
    """``len(joined(lines))``, from the cached text when there is one, else without joining.

    >>> joined_length(Lines(["ab", "c"])), joined_length([])
    (4, 0)
    """
    if type(lines) is Lines:
        try:
            return len(lines._text)
        except AttributeError:
            pass
    return sum(map(len, lines)) + len(lines) - 1 if lines else 0


def encoded(lines: Sequence[str]) -> bytes | None:
    """The joined text in UTF-8, or ``None`` when it has lone surrogates (RE2 reads UTF-8 only).

    >>> encoded(Lines(["é", "b"])), encoded(["\\ud800"])
    (b'\\xc3\\xa9\\nb', None)
    """
    found: bytes | None
    if type(lines) is Lines:
        try:
            found = lines._encoded
        except AttributeError:
            found = encode_text(joined(lines))
            lines._encoded = _UNENCODABLE if found is None else found
            return found
        return None if found is _UNENCODABLE else found
    return encode_text(joined(lines))


def line_numbers(text: str | bytes, starts: Iterable[int]) -> list[int]:
    """Ascending indexes of the lines of ``text`` holding the ascending offsets ``starts``,
    each once: what a scan of the whole text found, told per line.

    >>> line_numbers("a\\nbb\\nc", [0, 2, 3, 5])
    [0, 1, 2]
    """
    newline: Any = "\n" if isinstance(text, str) else b"\n"
    found: list[int] = []
    line = 0
    position = 0
    for start in starts:
        line += text.count(newline, position, start)
        position = start
        if not found or found[-1] != line:
            found.append(line)
    return found


def matched_lines(pattern: Any, text: bytes) -> list[int]:
    """Ascending indexes of the lines of UTF-8 ``text`` where a match of the RE2 ``pattern``
    starts, each once: one scan of the whole text instead of a search per line."""
    return line_numbers(text, (start for start, _ in match_spans(pattern, text)))
