"""Combined matchers: many patterns answered by one pass, whatever the number of rules.

Rule patterns are written for the ``regex`` module. Trying each rule on each line would make
the cost grow with the number of rules, so the patterns of a stage are combined, and RE2
(``google-re2``, linear time, one automaton for all patterns) finds where anything can match:

* :class:`LineMatcher` answers "which is the first rule (in rule order) whose pattern matches
  this whole line?" for every line of a document: one RE2 scan of the whole text with a
  relaxed form of every pattern, ``(?m)^(?:r0|r1|...)$``, names the few candidate lines; on
  each, an RE2 set says which relaxed patterns match and ``regex`` confirms them in rule
  order. Patterns with backreferences, which RE2 cannot relax, are tried on every line.
* :class:`PatternGate`: which of these patterns may match somewhere in this text (one RE2
  set scan); :class:`LineFilter`: on which lines may this pattern match (one RE2 scan).
* :class:`MarkerScan`: which of these patterns occur in a text searched with
  ``regex.MULTILINE`` (site detection): an RE2 set scan, then ``regex`` on the candidates.

Relaxed forms (:func:`translate` with ``relaxed=True``) match everything the original matches
and maybe more: lookarounds and ``\\b`` are dropped, counted repetitions opened, Unicode
classes widened to their ASCII members plus every non-ASCII character. A relaxed pattern can
only add candidates, which ``regex`` then rejects, so results are exactly those of ``regex``
by construction; the tests compare both on generated text. :func:`translate` gives up
(``None``) on anything it cannot render, and then ``regex`` alone is used, as it is for
everything when ``google-re2`` is not installed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache
from typing import Any

import regex

try:
    import re2
except ImportError:  # pragma: no cover - exercised only where google-re2 has no wheel
    re2 = None

_LEADING_FLAGS = regex.compile(r"^\(\?([aiLmsux]+)\)")
_BACKREFERENCE = regex.compile(r"\\[1-9]|\(\?P=")
_QUANTIFIER = regex.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_GROUP_NAME = regex.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PROPERTY = regex.compile(r"\{\^?[A-Za-z_ =&.-]+\}")
# RE2 builds a DFA per scan; a generous budget keeps thousands of rules on the fast path.
_MAX_MEM = 256 << 20


def available() -> bool:
    """Whether the linear-time engine (``google-re2``) is installed."""
    return re2 is not None


def scoped(source: str) -> str:
    """Rewrite a leading ``(?i)`` into ``(?i:...)`` so the pattern can sit inside an alternation.

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


@cache
def _all_characters() -> str:
    return "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)


@cache
def _class_body(escape: str, *, keep_newline: bool, ascii_only: bool = False) -> str:
    """The RE2 class body (no brackets) matching what ``regex`` matches with ``escape``.

    ``ascii_only`` keeps the ASCII members alone (used to build cheap supersets).
    """
    found = sorted({ord(c) for c in regex.findall(escape, _all_characters())})
    if ascii_only:
        found = [c for c in found if c < 128]
    if not keep_newline and 10 in found:
        found.remove(10)
    parts = []
    i = 0
    while i < len(found):
        j = i
        while j + 1 < len(found) and found[j + 1] == found[j] + 1:
            j += 1
        lo, hi = found[i], found[j]
        parts.append(f"\\x{{{lo:x}}}" if lo == hi else f"\\x{{{lo:x}}}-\\x{{{hi:x}}}")
        i = j + 1
    return "".join(parts)


class _Untranslatable(Exception):
    """The pattern uses something RE2 cannot express with the same meaning."""


class _Translator:
    """One pass over a pattern's source, writing the RE2 equivalent."""

    def __init__(self, source: str, mode: Mode, relaxed: bool) -> None:
        self.source = source
        self.mode = mode
        self.relaxed = relaxed
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
            self.out.append("\\{")  # not a quantifier: regex reads a literal brace
            self.i += 1
            return
        low, comma, high = match.group(1) or "0", match.group(2), match.group(3)
        if int(low) > 1000 or (high and (int(high) > 1000 or int(high) < int(low))):
            raise self.fail()
        self.i = match.end()
        if self.relaxed:
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
        automata, never a narrower match)."""
        if not self.relaxed:
            return _class_body(escape, keep_newline=self.keep_newline)
        ascii_part = _class_body(escape, keep_newline=self.keep_newline, ascii_only=True)
        return ascii_part + "\\x{80}-\\x{10ffff}"

    def negative(self, escape: str) -> str:
        """A whole negated class for the complement of ``escape`` (relaxed: complement of its
        ASCII members, a superset)."""
        body = _class_body(escape, keep_newline=True, ascii_only=self.relaxed)
        return f"[^{body}]" if self.keep_newline else f"[^{body}\\n]"

    def property_class(self) -> str:
        match = _PROPERTY.match(self.source, self.i + 2)
        if match is None or (self.insensitive and not self.relaxed):
            raise self.fail()
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
            self.dropped = True
            self.i += 2
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
    if re2 is None or _BACKREFERENCE.search(source):
        return None
    try:
        translated = _Translator(source, mode, relaxed).run()
        re2.compile(translated, _options())
    except (_Untranslatable, re2.error, regex.error):
        return None
    return translated


def known_valid(source: str) -> bool:
    """True when ``regex`` is sure to compile ``source``: the translator parsed all of it and
    RE2 compiled the result (much faster than ``regex``'s own parser). ``False`` says nothing.

    >>> known_valid(r"(?i)share (?P<what>this|that)\\s+\\p{Lu}"), known_valid(r"(?<=a)b")
    (True, False)
    """
    if re2 is None or _BACKREFERENCE.search(source):
        return False
    try:
        translator = _Translator(source, Mode.TEXT, relaxed=True)
        re2.compile(translator.run(), _options())
    except (_Untranslatable, re2.error, regex.error):
        return False
    return not translator.dropped


@cache
def _options() -> re2.Options:
    options = re2.Options()
    options.max_mem = _MAX_MEM
    options.log_errors = False
    return options


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


def _encoded(text: str) -> bytes | None:
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
            found = _encoded(joined(lines))
            lines._encoded = _UNENCODABLE if found is None else found
            return found
        return None if found is _UNENCODABLE else found
    return _encoded(joined(lines))


class LineMatcher:
    """Find the first of several patterns that matches a whole line.

    :meth:`first` answers for one line with a ``regex`` alternation; :meth:`scan` answers for
    every line of a document at once: one RE2 scan of the whole text finds the few lines a
    relaxed form of some pattern matches (never missing one), and only those lines are
    checked with the exact patterns, in rule order. Patterns RE2 cannot relax (backreferences)
    are tried on every line.

    >>> m = LineMatcher(["Share this", "(?i)advertisement"])
    >>> m.first("ADVERTISEMENT"), m.first("Shares rose"), m.first("Share this")
    (1, None, 0)
    >>> m.scan(["Text.", "Share this", "", "advertisement"])
    [(1, 0), (3, 1)]
    """

    __slots__ = (
        "_combined",
        "_combined_built",
        "_exact",
        "_fast",
        "_rest",
        "_sources",
        "_standalone",
        "presence",
    )

    def __init__(self, sources: Sequence[str]) -> None:
        self._sources = tuple(sources)
        self._standalone = tuple(
            (i, regex.compile(s)) for i, s in enumerate(sources) if _BACKREFERENCE.search(s)
        )
        # The alternation :meth:`first` uses is compiled on first use: with RE2 it serves only
        # texts RE2 cannot read, and it costs more to compile than everything else here.
        self._combined: regex.Pattern[str] | None = None
        self._combined_built = False
        self._exact = tuple(regex.compile(s) for s in sources)
        relaxed = [translate(s, relaxed=True) for s in sources]
        fast = [i for i, t in enumerate(relaxed) if t is not None]
        self._fast = None
        #: an RE2 pattern (multi-line) found in every text where some pattern matches a line,
        #: or ``None`` when some pattern cannot be relaxed: a gate can then skip :meth:`scan`
        self.presence: str | None = None
        if fast:
            try:
                anywhere = "|".join(f"(?:{relaxed[i]})" for i in fast)
                which = re2.Set.FullMatchSet(_options())
                for i in fast:
                    which.Add(relaxed[i])
                which.Compile()
                prefilter = re2.compile(f"(?m)^(?:{anywhere})$".encode(), _options())
                self._fast = (prefilter, which, tuple(fast))
            except re2.error:
                fast = []
        self._rest = tuple(i for i in range(len(sources)) if i not in set(fast))
        if fast and not self._rest:
            self.presence = f"^(?:{anywhere})$"

    def __reduce__(self) -> tuple[type[LineMatcher], tuple[tuple[str, ...]]]:
        return (LineMatcher, (self._sources,))

    def first(self, line: str) -> int | None:
        """Index of the first pattern that matches all of ``line``, or ``None``."""
        found: int | None = None
        if not self._combined_built:  # two threads may both build it: the same pattern
            combinable = [i for i, s in enumerate(self._sources) if not _BACKREFERENCE.search(s)]
            self._combined = _alternation(self._sources, combinable)
            self._combined_built = True
        if self._combined is not None:
            match = self._combined.fullmatch(line)
            if match is not None:
                found = int(match.lastgroup[1:])
        for index, pattern in self._standalone:
            if found is not None and index > found:
                break
            if pattern.fullmatch(line):
                return index
        return found

    def scan(self, lines: Sequence[str]) -> list[tuple[int, int]]:
        """``(line index, pattern index)`` of every non-empty line some pattern matches.

        The same answer as calling :meth:`first` on each line.
        """
        return self.scan_encoded(lines, encoded(lines) if self._fast is not None else None)

    def scan_encoded(self, lines: Sequence[str], text: bytes | None) -> list[tuple[int, int]]:
        """:meth:`scan` with the lines already joined and UTF-8 encoded (``None``: cannot be)."""
        if text is None or self._fast is None:
            return [
                (i, found)
                for i, line in enumerate(lines)
                if line and (found := self.first(line)) is not None
            ]
        prefilter, which, fast = self._fast
        # Candidate line -> its UTF-8 bytes (a prefilter match spans the whole line), which the
        # set reads without encoding the line again; ``None`` for lines tried for ``_rest`` only.
        candidates: dict[int, bytes | None] = self._candidate_lines(prefilter, text)
        if self._rest:
            candidates.update(
                (i, None) for i, line in enumerate(lines) if line and i not in candidates
            )
        exact = self._exact
        hits: list[tuple[int, int]] = []
        for i in sorted(candidates):
            line = lines[i]
            data = candidates[i]
            tried = [fast[k] for k in which.Match(line if data is None else data) or ()]
            tried.extend(self._rest)
            for index in sorted(tried):
                if exact[index].fullmatch(line):
                    hits.append((i, index))
                    break
        return hits

    @staticmethod
    def _candidate_lines(prefilter: re2._Regexp, encoded: bytes) -> dict[int, bytes | None]:
        found: dict[int, bytes | None] = {}
        line = 0
        position = 0
        for start, end in match_spans(prefilter, encoded):
            if start == end:
                continue
            line += encoded.count(b"\n", position, start)
            position = start
            found[line] = encoded[start:end]
        return found


@lru_cache(maxsize=1024)
def line_matcher(sources: tuple[str, ...]) -> LineMatcher:
    """A shared :class:`LineMatcher` for these patterns (plans of many sites reuse the generic
    part instead of compiling it again)."""
    return LineMatcher(sources)


class LineMatchers:
    """Several :class:`LineMatcher` in rule order, answering as one matcher over all patterns.

    A plan keeps the generic rules' matcher shared between sites and compiles only the site
    part; the first part with a hit on a line holds the first rule in order.

    >>> chain = LineMatchers([("Share this",), ("(?i)share this", "Advertisement")])
    >>> chain.scan(["Share this", "SHARE THIS", "Advertisement", "Text."])
    [(0, 0), (1, 1), (2, 2)]
    """

    __slots__ = ("_parts",)

    def __init__(self, parts: Sequence[tuple[str, ...]]) -> None:
        offsets = [0]
        for part in parts:
            offsets.append(offsets[-1] + len(part))
        self._parts = tuple(
            (line_matcher(tuple(part)), offset)
            for part, offset in zip(parts, offsets, strict=False)
        )

    @property
    def presence(self) -> str | None:
        """:attr:`LineMatcher.presence` of the one part (``None`` for several)."""
        return self._parts[0][0].presence if len(self._parts) == 1 else None

    def scan(self, lines: Sequence[str]) -> list[tuple[int, int]]:
        """``(line index, pattern index)`` for every non-empty line some pattern matches."""
        text = encoded(lines) if re2 is not None else None
        if len(self._parts) == 1:
            return self._parts[0][0].scan_encoded(lines, text)
        found: dict[int, int] = {}
        for matcher, offset in self._parts:
            for line, index in matcher.scan_encoded(lines, text):
                found.setdefault(line, index + offset)
        return sorted(found.items())


def _alternation(sources: Sequence[str], indexes: Sequence[int]) -> regex.Pattern[str] | None:
    if not indexes:
        return None
    return regex.compile("|".join(f"(?P<r{i}>{scoped(sources[i])})" for i in indexes))


class PatternGate:
    """Which patterns may match somewhere in a text: one scan, never a false "no".

    Args:
        sources: ``(pattern, whole_line)`` pairs; ``whole_line`` patterns must match a line
            from start to end, the others anywhere inside a line.
        raw: RE2 patterns searched as they are in the UTF-8 text (an action's own fixed scan,
            see ``ActionSpec.presence``); their indexes follow those of ``sources``.

    >>> gate = PatternGate([(r"\\?{2,}", False), (r"By \\w+", True)])
    >>> sorted(gate.possible("x ?? y\\nBy Ann"))
    [0, 1]
    >>> sorted(gate.possible("By Ann Lee, Reuters"))
    []
    """

    __slots__ = ("_always", "_raw", "_set", "_sources", "set_patterns")

    def __init__(self, sources: Sequence[tuple[str, bool]], raw: Sequence[str] = ()) -> None:
        self._sources = tuple(sources)
        self._raw = tuple(raw)
        translated = [translate(source, relaxed=True) for source, _ in sources]
        if re2 is None:  # pragma: no cover - raw patterns need RE2 too
            translated += [None] * len(raw)
        else:
            translated += list(raw)
        self._always = frozenset(i for i, t in enumerate(translated) if t is None)
        self._set = None
        wholes = [whole_line for _, whole_line in sources] + [False] * len(raw)
        #: the RE2 set's patterns, in the order of ``indexes`` (see :class:`JointScan`)
        self.set_patterns = [
            f"(?m)^(?:{source})$" if whole_line else f"(?m:{source})"
            for source, whole_line in zip(translated, wholes, strict=True)
            if source is not None
        ]
        if self.set_patterns:
            pattern_set = re2.Set.SearchSet(_options())
            for pattern in self.set_patterns:
                pattern_set.Add(pattern)
            pattern_set.Compile()
            self._set = (pattern_set, [i for i, t in enumerate(translated) if t is not None])

    def __reduce__(self) -> tuple[Any, ...]:
        return (PatternGate, (self._sources, self._raw))

    def possible(self, text: str | Sequence[str]) -> frozenset[int]:
        """Indexes of the patterns that can match in ``text`` (a superset of those that do);
        ``text`` may be given as its lines (their joined bytes are cached on :class:`Lines`)."""
        if self._set is None:
            return self._always
        data = _encoded(text) if isinstance(text, str) else encoded(text)
        if data is None:
            return frozenset(range(len(self._sources) + len(self._raw)))
        return self.from_hits(self._set[0].Match(data) or ())

    def from_hits(self, hits: Iterable[int]) -> frozenset[int]:
        """:meth:`possible` from the hits of a set built from :attr:`set_patterns`."""
        if self._set is None:
            return self._always
        indexes = self._set[1]
        return self._always.union(indexes[h] for h in hits)


# Whitespace as str.strip() sees it (regex's \s leaves out \x1c-\x1f), at either end of a
# line. Every such character lies below U+3001.
_SPACE = "".join(f"\\u{c:04x}" for c in range(0x3001) if chr(c).isspace() and c != 10)
OUTER_SPACE = f"^[{_SPACE}]|[{_SPACE}]$"


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


class LineFilter:
    """The lines of a document where a pattern may match (inside the line): one RE2 scan.

    Never misses a line the pattern matches; ``outer_space`` adds the lines with whitespace at
    either end. :meth:`lines` answers ``None`` when it cannot tell (no RE2, a pattern it cannot
    relax, one that matches the empty string): then every line must be tried.

    >>> LineFilter(r"\\?{2,}").lines(["a ?? b", "plain", "", "??"])
    [0, 3]
    """

    __slots__ = ("_pattern", "_source")

    def __init__(self, source: str, *, outer_space: bool = False) -> None:
        self._source = (source, outer_space)
        relaxed = translate(source, relaxed=True)
        self._pattern = None
        if relaxed is not None and not re2.fullmatch(relaxed, ""):
            if outer_space:
                relaxed = f"{relaxed}|{translate(OUTER_SPACE, relaxed=True)}"
            self._pattern = re2.compile(f"(?m:{relaxed})".encode(), _options())

    def __reduce__(self) -> tuple[Any, ...]:
        return (_line_filter, self._source)

    def lines(self, lines: Sequence[str]) -> list[int] | None:
        """Sorted indexes of the lines that may match, or ``None`` for "try them all"."""
        if self._pattern is None:
            return None
        text = encoded(lines)
        if text is None:
            return None
        return matched_lines(self._pattern, text)


def _line_filter(source: str, outer_space: bool) -> LineFilter:
    return LineFilter(source, outer_space=outer_space)


@lru_cache(maxsize=1024)
def pattern_gate(sources: tuple[tuple[str, bool], ...], raw: tuple[str, ...] = ()) -> PatternGate:
    """A shared :class:`PatternGate` for these patterns (plans with the same rules reuse it)."""
    return PatternGate(sources, raw)


class MarkerScan:
    """Which patterns are found in a text searched with ``regex.MULTILINE``: one scan, exact.

    One RE2 set scan of the text with relaxed forms of all patterns names the few that may
    occur; only those are confirmed with ``regex``.

    >>> scan = MarkerScan([r"^Post a Comment$", r"(?<=x)y", r"Newspapers in \\p{Lu}\\p{Ll}+"])
    >>> sorted(scan.found("Text.\\nPost a Comment\\nxy"))
    [0, 1]
    """

    __slots__ = ("_always", "_compiled", "_set", "_sources", "set_patterns")

    def __init__(self, sources: Sequence[str]) -> None:
        self._sources = tuple(sources)
        #: markers compiled on first use: thousands cost nothing until they are candidates
        self._compiled: dict[int, regex.Pattern[str]] = {}
        translated = [translate(source, Mode.TEXT, relaxed=True) for source in sources]
        self._always = tuple(i for i, t in enumerate(translated) if t is None)
        self._set = None
        fast = [i for i, t in enumerate(translated) if t is not None]
        #: the RE2 set's patterns, in the order of ``fast`` (see :class:`JointScan`)
        self.set_patterns = [f"(?m:{translated[i]})" for i in fast]
        if fast:
            pattern_set = re2.Set.SearchSet(_options())
            for pattern in self.set_patterns:
                pattern_set.Add(pattern)
            pattern_set.Compile()
            self._set = (pattern_set, fast)

    def __reduce__(self) -> tuple[type[MarkerScan], tuple[tuple[str, ...]]]:
        return (MarkerScan, (self._sources,))

    def found(self, text: str | Sequence[str]) -> set[int]:
        """Indexes of the patterns that occur in ``text``; ``text`` may be given as its lines
        (their joined text and bytes are cached on :class:`Lines`, so the scan reuses them)."""
        data: bytes | None = None
        if self._set is not None:
            data = _encoded(text) if isinstance(text, str) else encoded(text)
        if not isinstance(text, str):
            text = joined(text)
        if data is None:
            return self._confirm(range(len(self._sources)), text)
        pattern_set = self._set[0]  # type: ignore[index]
        return self.from_hits(pattern_set.Match(data) or (), text)

    def from_hits(self, hits: Iterable[int], text: str) -> set[int]:
        """:meth:`found` from the hits of a set built from :attr:`set_patterns` on ``text``."""
        indexes = self._set[1] if self._set is not None else []
        return self._confirm([*self._always, *(indexes[h] for h in hits)], text)

    def _confirm(self, candidates: Iterable[int], text: str) -> set[int]:
        return {i for i in candidates if self._pattern(i).search(text)}

    def _pattern(self, index: int) -> regex.Pattern[str]:
        # Filling the cache from several threads at once only compiles a pattern twice.
        pattern = self._compiled.get(index)
        if pattern is None:
            pattern = self._compiled[index] = regex.compile(self._sources[index], regex.MULTILINE)
        return pattern


class JointScan:
    """Several :class:`PatternGate` and a :class:`MarkerScan` answered by one RE2 set scan.

    Unicode repair's gate, site detection and the generic rules' gate read the same normalized
    text (unless a repair changed it), and each RE2 scan costs about the same whatever its
    patterns: one scan for all of them costs about one third. The answers are those of
    ``gate.possible(lines)`` for each gate and ``markers.found(joined(lines))``.
    """

    __slots__ = ("_bounds", "_set", "gates", "markers")

    def __init__(self, gates: Sequence[PatternGate], markers: MarkerScan) -> None:
        self.gates = tuple(gates)
        self.markers = markers
        patterns = [pattern for gate in self.gates for pattern in gate.set_patterns]
        bounds = [0]
        for gate in self.gates:
            bounds.append(bounds[-1] + len(gate.set_patterns))
        self._bounds = bounds
        self._set = None
        if patterns and markers.set_patterns and re2 is not None:
            pattern_set = re2.Set.SearchSet(_options())
            for pattern in [*patterns, *markers.set_patterns]:
                pattern_set.Add(pattern)
            pattern_set.Compile()
            self._set = pattern_set

    def __reduce__(self) -> tuple[type[JointScan], tuple[tuple[PatternGate, ...], MarkerScan]]:
        return (JointScan, (self.gates, self.markers))

    def scan(
        self, lines: Sequence[str]
    ) -> tuple[dict[PatternGate, frozenset[int]], list[int]] | None:
        """``({gate: possible}, marker hits)`` for ``lines``; ``None`` when one scan cannot
        answer (no RE2, or lone surrogates): then ask each on its own. The marker hits are
        for ``markers.from_hits``, which confirms them (only when detection needs them)."""
        data = encoded(lines) if self._set is not None else None
        if data is None:
            return None
        hits = sorted(self._set.Match(data) or ())  # type: ignore[union-attr]
        bounds = self._bounds
        possible = {
            gate: gate.from_hits([h - low for h in hits if low <= h < high])
            for gate, low, high in zip(self.gates, bounds, bounds[1:], strict=False)
        }
        end = bounds[-1]
        return possible, [h - end for h in hits if h >= end]
