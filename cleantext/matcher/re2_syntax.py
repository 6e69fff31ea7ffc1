"""``regex`` patterns rendered for RE2: the same meaning, or a relaxed superset, or ``None``.

RE2 runs in linear time and answers many patterns in one scan, but it reads a smaller syntax
than ``regex`` and differs in details (``\\w``, ``\\s``, case-insensitive classes). The
translator writes each construct out explicitly (classes as the characters ``regex`` matches)
and gives up on what it cannot render exactly; a *relaxed* translation may drop what RE2
lacks (lookarounds, ``\\b``) and widen classes, so it matches at least what the original does.
"""

from __future__ import annotations

import enum
import sys
from array import array
from functools import cache, lru_cache

import regex

try:
    import re2 as re2  # re-exported: the other scans use the same optional module
except ImportError:  # pragma: no cover - exercised only where google-re2 has no wheel
    re2 = None

_LEADING_FLAGS = regex.compile(r"^\(\?([aiLmsux]+)\)")
#: a backreference: no linear-time engine can run it, so such patterns stay with ``regex``
BACKREFERENCE = regex.compile(r"\\[1-9]|\(\?P=")
#: verbose mode turned on anywhere: a ``# comment`` then runs to the end of the line, so the
#: pattern cannot be wrapped in a group without its closing parenthesis becoming comment
_VERBOSE = regex.compile(r"\(\?[a-zA-Z]*x[a-zA-Z-]*[:)]")
#: the largest repetition count RE2 compiles: a pattern counting higher stays with ``regex``
MAX_COUNT = 1000
_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_GROUP_NAME = regex.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PROPERTY = regex.compile(r"\{\^?[A-Za-z_ =&.-]+\}")
# RE2 builds a DFA per scan; a generous budget keeps thousands of rules on the fast path.
_MAX_MEM = 256 << 20


def available() -> bool:
    """Whether the linear-time engine (``google-re2``) is installed."""
    return re2 is not None


def standalone(source: str) -> bool:
    """Whether ``source`` must be matched on its own rather than inside a combined alternation
    (:func:`scoped`): a backreference counts groups of the whole alternation, and a verbose
    pattern's trailing comment would swallow the group's closing parenthesis.

    >>> standalone(r"(a)\\1"), standalone("(?x) a b # note"), standalone("(?i)share")
    (True, True, False)
    """
    return bool(BACKREFERENCE.search(source) or _VERBOSE.search(source))


def scoped(source: str) -> str:
    """Rewrite a leading ``(?i)`` into ``(?i:...)`` so the pattern can sit inside an alternation
    (only for patterns that are not :func:`standalone`).

    >>> scoped("(?i)share this")
    '(?i:share this)'
    """
    match = _LEADING_FLAGS.match(source)
    if match:
        return f"(?{match.group(1)}:{source[match.end() :]})"
    return f"(?:{source})"


class Mode(enum.Enum):
    """How a translated pattern will be used, which decides what must be preserved."""

    #: matched within one line of a text scanned as a whole: classes never cross a newline.
    LINE = "line"
    #: searched in a whole text with ``regex.MULTILINE``: classes may cross newlines.
    TEXT = "text"


#: the first code point after the surrogates, which :func:`_all_characters` leaves out
_AFTER_SURROGATES = 0xE000
_SURROGATES = 0xE000 - 0xD800


@cache
def _all_characters() -> str:
    """Every code point but the surrogates, in order (built as UTF-32: a Python loop over
    1.1 million characters cost half a second of every process's first cleaner)."""
    points = array("I", range(0xD800))
    points.extend(range(_AFTER_SURROGATES, 0x110000))
    return points.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


@cache
def _ranges(escape: str) -> tuple[tuple[int, int], ...]:
    """The code point ranges ``regex`` matches with ``escape`` (a one-character class), from
    the runs of one scan."""
    ranges: list[tuple[int, int]] = []
    for match in regex.finditer(f"(?:{escape})+", _all_characters()):
        lo, hi = match.start(), match.end() - 1
        lo += _SURROGATES if lo >= 0xD800 else 0
        hi += _SURROGATES if hi >= 0xD800 else 0
        if lo <= 0xD800 <= hi:  # a run across the gap: the surrogates are not members
            ranges += [(lo, 0xD7FF), (_AFTER_SURROGATES, hi)]
        else:
            ranges.append((lo, hi))
    return tuple(ranges)


@cache
def _class_body(escape: str, *, keep_newline: bool, ascii_only: bool = False) -> str:
    """The RE2 class body (no brackets) matching what ``regex`` matches with ``escape``.

    ``ascii_only`` keeps the ASCII members alone (used to build cheap supersets).
    """
    parts = []
    for lo, hi in _ranges(escape):
        if ascii_only:
            if lo >= 128:
                break
            hi = min(hi, 127)
        pieces = [(lo, hi)]
        if not keep_newline and lo <= 10 <= hi:
            pieces = [(a, b) for a, b in ((lo, 9), (11, hi)) if a <= b]
        for a, b in pieces:
            parts.append(f"\\x{{{a:x}}}" if a == b else f"\\x{{{a:x}}}-\\x{{{b:x}}}")
    return "".join(parts)


class _Untranslatable(Exception):
    """The pattern uses something RE2 cannot express with the same meaning."""


class _Translator:
    """One pass over a pattern's source, writing the RE2 equivalent."""

    def __init__(self, source: str, mode: Mode, relaxed: bool, counted: bool = False) -> None:
        self.source = source
        self.mode = mode
        self.relaxed = relaxed
        self.counted = counted  # relaxed classes, but counts kept (see :func:`ascii_exact`)
        self.keep_newline = mode is Mode.TEXT
        self.insensitive = False
        self.dropped = False  # relaxed: some syntax (a lookaround, \b) never reached RE2
        self.out: list[str] = []
        self.i = 0

    def fail(self) -> _Untranslatable:
        return _Untranslatable(self.source)

    def run(self) -> str:
        source = self.source
        flags = _LEADING_FLAGS.match(source)
        if flags:
            if set(flags.group(1)) - {"i"}:
                raise self.fail()
            self.insensitive = True
            self.i = flags.end()
        if "(?i" in source[self.i :]:
            self.insensitive = True
        groups: list[tuple[int, bool]] = []
        n = len(source)
        while self.i < n:
            c = source[self.i]
            if c == "\\":
                self.out.append(self.escape(in_class=False))
            elif c == "[":
                self.out.append(self.character_class())
            elif c == "(":
                groups.append((len(self.out), self.group()))
            elif c == ")":
                if not groups:
                    raise self.fail()
                start, drop = groups.pop()
                if drop:
                    del self.out[start:]
                else:
                    self.out.append(")")
                self.i += 1
            elif c in "*+?":
                self.out.append(c)
                self.i += 1
                self.quantifier_suffix()
            elif c == "{":
                self.braces()
            elif c == "\n":
                if not self.keep_newline:
                    raise self.fail()
                self.out.append("\\n")
                self.i += 1
            elif c in "}]":
                self.out.append("\\" + c)
                self.i += 1
            else:
                self.out.append(c)
                self.i += 1
        if groups:
            raise self.fail()
        body = "".join(self.out)
        return f"(?i:{body})" if flags else body

    def quantifier_suffix(self) -> None:
        if self.i < len(self.source) and self.source[self.i] == "?":
            self.out.append("?")
            self.i += 1
        elif self.i < len(self.source) and self.source[self.i] == "+":
            if not self.relaxed:  # possessive: RE2 has none; dropping it only widens
                raise self.fail()
            self.dropped = True
            self.i += 1

    def braces(self) -> None:
        match = _QUANTIFIER.match(self.source, self.i)
        if match is None or (not match.group(1) and not match.group(2)):
            # Not a count: a fuzzy constraint ({e<=1}) or a literal brace, which regex tells
            # apart by rules of its own. Read as literal text, a fuzzy rule would never fire.
            raise self.fail()
        low, comma, high = match.group(1) or "0", match.group(2), match.group(3)
        if int(low) > MAX_COUNT or (high and (int(high) > MAX_COUNT or int(high) < int(low))):
            raise self.fail()
        self.i = match.end()
        if self.relaxed and not self.counted:
            # Counted repetition makes RE2's automaton count; an open bound only widens.
            self.out.append(f"{{{low},}}")
        else:
            self.out.append(f"{{{low}{(comma or '') + (high or '')}}}")
        self.quantifier_suffix()

    def group(self) -> bool:
        """Translate a group opening; returns True when its content is to be dropped."""
        source = self.source
        if not source.startswith("(?", self.i):
            self.out.append("(?:")
            self.i += 1
            return False
        rest = source[self.i + 2 : self.i + 4]
        if rest.startswith(":"):
            self.out.append("(?:")
            self.i += 3
            return False
        if rest.startswith("P<") or (rest.startswith("<") and rest[1:2] not in ("=", "!")):
            close = source.find(">", self.i)
            start = self.i + (4 if rest.startswith("P<") else 3)
            if close < 0 or not _GROUP_NAME.fullmatch(source, start, close):
                raise self.fail()
            self.out.append("(?:")
            self.i = close + 1
            return False
        if rest[:1] in ("=", "!") or rest in ("<=", "<!"):
            if not self.relaxed:
                raise self.fail()
            self.dropped = True
            self.i += 3 if rest[:1] in ("=", "!") else 4
            return True
        if rest.startswith(">"):
            if not self.relaxed:
                raise self.fail()
            self.dropped = True
            self.out.append("(?:")
            self.i += 3
            return False
        flags = regex.match(r"\(\?([a-zA-Z]+):", source[self.i :])
        if flags and set(flags.group(1)) <= {"i"}:
            self.insensitive = True
            self.out.append("(?i:")
            self.i += flags.end()
            return False
        raise self.fail()

    def positive(self, escape: str) -> str:
        """Class body for ``escape``; relaxed, its ASCII members plus all non-ASCII (smaller
        automata, never a narrower match); for :func:`ascii_exact`, its ASCII members alone
        (case-insensitive, RE2 would fold the non-ASCII ``ſ`` and Kelvin sign into ``s``
        and ``k``)."""
        if not self.relaxed:
            return _class_body(escape, keep_newline=self.keep_newline)
        ascii_part = _class_body(escape, keep_newline=self.keep_newline, ascii_only=True)
        return ascii_part if self.counted else ascii_part + "\\x{80}-\\x{10ffff}"

    def negative(self, escape: str) -> str:
        """A whole negated class for the complement of ``escape`` (relaxed: complement of its
        ASCII members, a superset)."""
        body = _class_body(escape, keep_newline=True, ascii_only=self.relaxed)
        return f"[^{body}]" if self.keep_newline else f"[^{body}\\n]"

    def property_class(self) -> str:
        match = _PROPERTY.match(self.source, self.i + 2)
        if match is None or (self.insensitive and not self.relaxed):
            raise self.fail()
        if self.insensitive and self.counted:
            self.dropped = True  # how regex folds the case of a property is its own
        self.i = match.end()
        return "\\p" + str(match.group())

    def escape(self, *, in_class: bool) -> str:
        source = self.source
        if self.i + 1 >= len(source):
            raise self.fail()
        c = source[self.i + 1]
        if c in "wsd":
            self.i += 2
            body = self.positive("\\" + c)
            return body if in_class else f"[{body}]"
        if c in "WSD":
            if in_class:
                raise self.fail()
            self.i += 2
            return self.negative("\\" + c.lower())
        if c in "pP":
            if c == "P" and in_class:
                raise self.fail()
            escape = self.property_class()
            if c == "P":
                return self.negative(escape)
            body = self.positive(escape)
            return body if in_class else f"[{body}]"
        if c in "bB" and not in_class:
            if not self.relaxed:
                raise self.fail()
            self.i += 2
            if self.counted:  # on an ASCII line RE2's ASCII word boundary is regex's
                return "\\" + c
            self.dropped = True
            return ""
        if c in "tfvr":
            self.i += 2
            return "\\" + c
        if c == "n":
            if not self.keep_newline:
                raise self.fail()
            self.i += 2
            return "\\n"
        if c in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[c]
            digits = source[self.i + 2 : self.i + 2 + width]
            if len(digits) != width or not all(d in "0123456789abcdefABCDEF" for d in digits):
                raise self.fail()
            if int(digits, 16) == 10 and not self.keep_newline:
                raise self.fail()
            self.i += 2 + width
            return f"\\x{{{digits}}}"
        if c.isascii() and c.isalnum():
            raise self.fail()  # \A \Z \G \K \X \N \m \M, backreferences, octal
        self.i += 2
        if not c.isascii():
            return c
        return "\\" + c

    def character_class(self) -> str:
        source = self.source
        n = len(source)
        self.i += 1
        negated = self.i < n and source[self.i] == "^"
        if negated:
            self.i += 1
        parts: list[str] = []
        first = True
        while True:
            if self.i >= n:
                raise self.fail()
            c = source[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            if c == "\\":
                parts.append(self.escape(in_class=True))
            elif c == "[":
                if source.startswith("[:", self.i):
                    raise self.fail()
                parts.append("\\[")
                self.i += 1
            elif c == "\n":
                if not self.keep_newline:
                    raise self.fail()
                parts.append("\\n")
                self.i += 1
            elif c in "]^":
                parts.append("\\" + c)
                self.i += 1
            else:
                parts.append(c)
                self.i += 1
            first = False
        body = "".join(parts)
        if negated:
            return f"[^{body}]" if self.keep_newline else f"[^{body}\\n]"
        if not self.keep_newline and re2 is not None and re2.search(f"[{body}]", "\n"):
            raise self.fail()
        return f"[{body}]"


@lru_cache(maxsize=8192)
def translate(source: str, mode: Mode = Mode.LINE, *, relaxed: bool = False) -> str | None:
    """RE2 syntax for a ``regex`` pattern with the same meaning in ``mode``, or ``None``.

    User groups become non-capturing, so the caller can number alternatives itself.
    ``relaxed`` asks for a pattern matching at least what the original matches (and maybe
    more): lookarounds and ``\\b`` are dropped, counted repetitions open, Unicode classes
    widened to "their ASCII members or any non-ASCII character". That is all a prefilter
    needs, and RE2 runs such patterns fast whatever their number.

    >>> translate(r"(?i)share (?P<what>this|that)")
    '(?i:share (?:this|that))'
    >>> translate(r"(?<!\\S)\\?{2,3}") is None, translate(r"(?<!\\S)\\?{2,3}", relaxed=True)
    (True, '\\\\?{2,}')
    """
    if re2 is None or BACKREFERENCE.search(source):
        return None
    try:
        translated = _Translator(source, mode, relaxed).run()
        re2.compile(translated, re2_options())
    except (_Untranslatable, re2.error, regex.error):
        return None
    return translated


@lru_cache(maxsize=8192)
def ascii_exact(source: str) -> str | None:
    """RE2 syntax that fully matches a line of ASCII characters exactly when ``regex`` does
    (:data:`Mode.LINE`), or ``None``: the relaxed translation with its counts and ``\\b`` kept
    (RE2's word boundary is ASCII's, which on such a line is regex's), when it dropped nothing.
    Its classes hold only their ASCII members, which is all an ASCII line can show them, so
    they cost an automaton no more than the relaxed ones (exact Unicode classes are too large
    for sets of many patterns).

    >>> ascii_exact(r"Page \\d{1,3}\\b"), ascii_exact(r"Share(?= this)")
    ('Page [\\\\x{30}-\\\\x{39}]{1,3}\\\\b', None)
    """
    if re2 is None or BACKREFERENCE.search(source):
        return None
    try:
        translator = _Translator(source, Mode.LINE, relaxed=True, counted=True)
        translated = translator.run()
        re2.compile(translated, re2_options())
    except (_Untranslatable, re2.error, regex.error):
        return None
    return None if translator.dropped else translated


def known_valid(source: str) -> bool:
    """True when ``regex`` is sure to compile ``source``: the translator parsed all of it and
    RE2 compiled the result (much faster than ``regex``'s own parser). ``False`` says nothing.

    >>> known_valid(r"(?i)share (?P<what>this|that)\\s+\\p{Lu}"), known_valid(r"(?<=a)b")
    (True, False)
    """
    if re2 is None or BACKREFERENCE.search(source):
        return False
    try:
        translator = _Translator(source, Mode.TEXT, relaxed=True)
        re2.compile(translator.run(), re2_options())
    except (_Untranslatable, re2.error, regex.error):
        return False
    return not translator.dropped


@cache
def re2_options() -> re2.Options:
    """The options of every RE2 pattern and set here (one object, shared)."""
    options = re2.Options()
    options.max_mem = _MAX_MEM
    options.log_errors = False
    return options
