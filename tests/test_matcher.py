"""The fast matchers give the plain ``regex`` answers: shipped patterns, many generated lines."""

from __future__ import annotations

from collections.abc import Callable

import re2
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import example as case
from hypothesis import strategies as st

from cleantext import default_library
from cleantext.matcher import (
    LineFilter,
    LineMatcher,
    MarkerScan,
    Mode,
    PatternGate,
    available,
    match_spans,
    translate,
)
from cleantext.matcher.re2_syntax import ascii_exact

LIBRARY = default_library()
LINE_PATTERNS = [
    rule.line_rule.pattern
    for rule_set in LIBRARY.sets.values()
    for rule in rule_set.rules
    if rule.line_rule is not None
]
SPAN_PATTERNS = [
    rule.params[key]
    for rule_set in LIBRARY.sets.values()
    for rule in rule_set.rules
    for key in ("pattern", "lede")
    if isinstance(rule.params.get(key), str)
]
MARKERS = [marker for rule_set in LIBRARY.sets.values() for marker in rule_set.detect]

# Pieces of real-looking lines: words from every example, the words the rules look for, and
# characters where the engines' definitions differ (Unicode spaces, letters, digits, marks).
WORDS = sorted(
    {
        word
        for rule_set in LIBRARY.sets.values()
        for rule in rule_set.rules
        for example in rule.examples
        for word in regex.split(r"\s+", example.input + " " + example.output)
        if word
    }
    | {"Share", "this", "article", "Facebook", "Twitter", "Newspapers", "in", "from", "by"}
    | {"Comments", "(12)", "READ", "MORE:", "Sign", "up", "newsletter", "©", "Photo:", "Getty"}
)
ODD = [
    " ",
    " ",
    "\t",
    "\u00a0",
    "\u2009",
    "\u3000",
    "\x0b",
    "\x1c",
    "\r",
    "\u2019",
    "\u201c",
    "\u201d",
]
ODD += [
    "é",
    "ß",
    "\u017f",
    "\u212a",
    "İ",
    "ǅ",
    "Ω",
    "ж",
    "中",
    "\u0661",
    "\u0663",
    "²",
    "\u0301",
    "_",
    "-",
    "|",
]
FRAGMENT = st.one_of(st.sampled_from(WORDS), st.sampled_from(ODD), st.text(max_size=3))
LINE = st.lists(FRAGMENT, max_size=14).map(" ".join) | st.lists(FRAGMENT, max_size=6).map("".join)
LINES = st.lists(LINE.map(lambda s: s.replace("\n", " ")), max_size=12)

SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_re2_is_installed_here() -> None:
    """The fast path is what these tests check; without RE2 they would compare regex to itself."""
    assert available()


def test_every_shipped_line_pattern_runs_on_the_fast_path() -> None:
    assert all(translate(p, relaxed=True) is not None for p in LINE_PATTERNS)
    assert all(translate(p, Mode.TEXT, relaxed=True) is not None for p in MARKERS)


MATCHER = LineMatcher(LINE_PATTERNS)
SINGLE = [LineMatcher([p]) for p in LINE_PATTERNS]


@SETTINGS
@given(LINES)
def test_scan_equals_first_on_every_line(lines: list[str]) -> None:
    expected = [
        (i, f) for i, line in enumerate(lines) if line and (f := MATCHER.first(line)) is not None
    ]
    assert MATCHER.scan(lines) == expected


@SETTINGS
@given(LINES)
def test_each_pattern_alone_agrees_with_regex(lines: list[str]) -> None:
    for pattern, matcher in zip(LINE_PATTERNS, SINGLE, strict=True):
        compiled = regex.compile(pattern)
        expected = [(i, 0) for i, line in enumerate(lines) if line and compiled.fullmatch(line)]
        assert matcher.scan(lines) == expected, pattern


def test_examples_of_line_rules_scan_like_first() -> None:
    for rule_set in LIBRARY.sets.values():
        for rule in rule_set.rules:
            for example in rule.examples:
                lines = example.input.split("\n")
                expected = [
                    (i, f)
                    for i, line in enumerate(lines)
                    if line and (f := MATCHER.first(line)) is not None
                ]
                assert MATCHER.scan(lines) == expected


EXACT = [
    (pattern, re2.compile(translated), regex.compile(pattern))
    for pattern in [*LINE_PATTERNS, *SPAN_PATTERNS]
    if (translated := translate(pattern)) is not None
]


@SETTINGS
@given(LINES)
def test_exact_translations_match_like_regex(lines: list[str]) -> None:
    for pattern, fast, plain in EXACT:
        for line in lines:
            assert bool(fast.fullmatch(line)) == bool(plain.fullmatch(line)), (pattern, line)


ASCII_EXACT = [
    (pattern, re2.compile(form), regex.compile(pattern))
    for pattern in LINE_PATTERNS
    if (form := ascii_exact(pattern)) is not None
]
ASCII_FRAGMENT = st.one_of(
    st.sampled_from([w for w in WORDS if w.isascii()]),
    st.text(alphabet=[chr(c) for c in range(32, 127)] + ["\t"], max_size=3),
)
ASCII_LINES = st.lists(
    st.lists(ASCII_FRAGMENT, max_size=14).map(" ".join) | st.lists(ASCII_FRAGMENT).map("".join),
    max_size=12,
)


@SETTINGS
@given(ASCII_LINES)
# Case-insensitive RE2 folds the non-ASCII long s and Kelvin sign into "s" and "k": a class
# widened to every non-ASCII character would then take the "s" of "Videos" for a space.
@case(["Videos: Crowds gathered in the old square", "Pics: kites", "Photos - Skyline"])
def test_ascii_exact_forms_match_like_regex_on_ascii_lines(lines: list[str]) -> None:
    """On an ASCII line the whole-line scan takes these forms' answer without ``regex``."""
    assert len(ASCII_EXACT) > len(LINE_PATTERNS) // 2
    for pattern, fast, plain in ASCII_EXACT:
        for line in lines:
            assert bool(fast.fullmatch(line)) == bool(plain.fullmatch(line)), (pattern, line)


@SETTINGS
@given(LINES)
def test_gate_never_misses_a_match(lines: list[str]) -> None:
    sources = [(p, True) for p in LINE_PATTERNS] + [(p, False) for p in SPAN_PATTERNS]
    gate = GATE
    possible = gate.possible("\n".join(lines))
    for index, (pattern, whole) in enumerate(sources):
        compiled = regex.compile(pattern)
        hit = any((compiled.fullmatch(line) if whole else compiled.search(line)) for line in lines)
        if hit:
            assert index in possible, pattern


GATED = [(p, True, regex.compile(p)) for p in LINE_PATTERNS] + [
    (p, False, regex.compile(p)) for p in SPAN_PATTERNS
]
GATE = PatternGate([(p, whole) for p, whole, _ in GATED])
COMPILED_MARKERS = [regex.compile(m, regex.MULTILINE) for m in MARKERS]
SCAN = MarkerScan(MARKERS)


@SETTINGS
@given(LINES)
def test_marker_scan_is_exact(lines: list[str]) -> None:
    text = "\n".join(lines)
    expected = {i for i, m in enumerate(COMPILED_MARKERS) if m.search(text)}
    assert SCAN.found(text) == expected


def test_patterns_re2_cannot_express_still_work() -> None:
    sources = [r"(\w+) \1", r"(?<=x)y+", r"a\b", r"(?i)Share this"]
    matcher = LineMatcher(sources)
    lines = ["go go", "yy", "xyy", "a", "share THIS", "", "nothing"]
    assert matcher.scan(lines) == [
        (i, f) for i, line in enumerate(lines) if line and (f := matcher.first(line)) is not None
    ]
    assert matcher.scan(lines) == [(0, 0), (3, 2), (4, 3)]


def test_lone_surrogates_fall_back_to_regex() -> None:
    matcher = LineMatcher(["Share this"])
    assert matcher.scan(["Share this", "\udcff"]) == [(0, 0)]
    assert sorted(SCAN.found("\udcff\nPost a Comment")) == [MARKERS.index("^Post a Comment$")]


def test_many_rules_keep_rule_order() -> None:
    sources = [f"item {i}" for i in range(2000)] + [r"item \d+", "item 5"]
    matcher = LineMatcher(sources)
    assert matcher.scan(["item 5", "item 99999", "item"]) == [(0, 5), (1, 2000)]


def test_thousands_of_unicode_class_rules_stay_on_the_fast_path() -> None:
    """Rules in the shipped style (case-insensitive, ``\\s``, ``\\w``): a set of exact
    translations of three thousand of them is too large for RE2, and every line then went to
    ``regex`` (found by the benchmark, 370 -> 2 MB/s); the relaxed forms must stay usable."""
    verbs = ["share", "follow", "subscribe to", "read more from"]
    sources = [rf"(?i){verbs[i % 4]} (?:the )?desk {i}(?:\s+\w+){{0,3}}[.!:]?" for i in range(3000)]
    matcher = LineMatcher(sources)
    assert matcher.presence is not None  # every pattern is answered by the RE2 scan
    lines = ["Share the desk 4 today!", "Follow desk 5", "Subscribe to desk 6 now", "Text."]
    assert matcher.scan(lines) == [(0, 4), (1, 5), (2, 6)]


FILTERS = [(regex.compile(p), LineFilter(p, outer_space=True)) for p in SPAN_PATTERNS]


@SETTINGS
@given(LINES.map(lambda ls: [f" {x}" if i % 3 == 1 else x for i, x in enumerate(ls)]))
def test_line_filter_never_misses_a_line(lines: list[str]) -> None:
    def wanted(pattern: regex.Pattern[str], line: str) -> bool:
        return bool(pattern.search(line)) or line != line.strip()

    assert missed_lines(FILTERS, lines, wanted) == []


def missed_lines(
    filters: list[tuple[regex.Pattern[str], LineFilter]],
    lines: list[str],
    wanted: Callable[[regex.Pattern[str], str], bool],
) -> list[tuple[str, str]]:
    """``(pattern, line)`` for each line a filter left out although ``wanted`` says it must
    name it."""
    missed = []
    for compiled, line_filter in filters:
        candidates = line_filter.lines(lines)
        if candidates is not None:
            missed += [
                (compiled.pattern, line)
                for i, line in enumerate(lines)
                if wanted(compiled, line) and i not in candidates
            ]
    return missed


# Actions that fullmatch a line filter with whole-line scans; their examples' lines (a third
# of which some pattern matches), varied, are the lines to try.
WHOLE_LINE_RULES = [
    rule
    for rule_set in LIBRARY.sets.values()
    for rule in rule_set.rules
    if rule.action in {"extract-byline", "extract-masthead", "truncate-before"}
]
WHOLE_LINE_FILTERS = [
    (regex.compile(rule.params["pattern"]), LineFilter(rule.params["pattern"], whole_line=True))
    for rule in WHOLE_LINE_RULES
]
EXAMPLE_LINES = sorted(
    {line for rule in WHOLE_LINE_RULES for e in rule.examples for line in e.input.split("\n")}
)
VARIED_EXAMPLE_LINE = st.builds(
    lambda line, odd, at: line[:at] + odd + line[at:] if odd else line,
    st.sampled_from(EXAMPLE_LINES),
    st.sampled_from(["", *ODD]),
    st.integers(0, 80),
)


def test_example_lines_are_matched() -> None:
    """The lines tried below reach the patterns: many are lines the rules act on."""
    hits = [line for line in EXAMPLE_LINES if any(c.fullmatch(line) for c, _ in WHOLE_LINE_FILTERS)]
    assert len(hits) > 10


@SETTINGS
@given(st.lists(VARIED_EXAMPLE_LINE | LINES.map(" ".join), max_size=8))
def test_whole_line_filter_never_misses_a_matching_line(lines: list[str]) -> None:
    def wanted(pattern: regex.Pattern[str], line: str) -> bool:
        return bool(pattern.fullmatch(line))

    assert missed_lines(WHOLE_LINE_FILTERS, lines, wanted) == []


SYNTAX = [*list("()[]{}|*+?.^$\\-,:=!<>#aZ09_ "), "\\p{Lu}", "\\w", "\\d", "\\s", "(?P<n>", "(?i)"]
SYNTAX += ["(?<=", "(?<!", "(?=", "(?:", "{2,3}", "{,2}", "\\b", "\\1", "\\x4", "\\u00e9", "’"]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(SYNTAX), max_size=12).map("".join))
def test_patterns_validated_by_translation_compile_with_regex(source: str) -> None:
    """compile_pattern skips regex's parser only for patterns regex is sure to accept."""
    from cleantext.actions.base import compile_pattern

    try:
        pattern = compile_pattern(source)
    except regex.error:
        return
    regex.compile(source)  # must not raise
    assert pattern.pattern == source


def test_shipped_patterns_are_valid_either_way() -> None:
    from cleantext.actions.base import compile_pattern

    for source in [*LINE_PATTERNS, *SPAN_PATTERNS, *MARKERS]:
        assert compile_pattern(source).search("") == regex.compile(source).search("")


BYTE_PATTERNS = [b"a*", b"(?m)^", b"(?m)$", b"(?m)^a+$", b"b|", b"\\n", b"(?m)^(?:ab|b)*$", b"x"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(BYTE_PATTERNS), st.text(alphabet="ab\nxé", max_size=12))
def test_match_spans_equal_finditer(pattern: bytes, text: str) -> None:
    compiled = re2.compile(pattern)
    data = text.encode()
    assert match_spans(compiled, data) == [match.span() for match in compiled.finditer(data)]
