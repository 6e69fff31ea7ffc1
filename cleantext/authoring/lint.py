"""Find what is wrong with rule files before anyone runs them on a dump.

Loading (:class:`~cleantext.rules.RuleLibrary`) already rejects what cannot work: unknown keys
and actions, patterns that do not compile, duplicate ids, rules without a keep-example. Lint
reports those per file (one broken file does not hide the problems of the others) and adds the
checks that need the compiled rules:

- ``failing-example``: an example that does not pass (:func:`cleantext.testing.check_example`);
- ``unreachable-set``: a site set with no ``domains``, no ``detect`` and no set extending it;
- ``never-matches``: a whole-line rule whose pattern can only match the empty string, which
  line rules never see;
- ``shadowed``: a whole-line rule each of whose change-example lines is already taken by an
  earlier rule of the same stage, so it never gets a line to act on;
- ``too-broad``: a whole-line rule that matches an ordinary article sentence;
- ``backtracking``: a pattern whose structure lets the regex engine backtrack exponentially
  (a quantified group holding a quantifier that can match the same characters, as in
  ``(a+)+``, ``(.*)*`` or ``(\\w+\\s?)*``).

The backtracking check is static and deterministic: patterns are parsed with Python's own
regular-expression parser after mapping the ``regex``-only syntax (``\\p{..}``) to classes it
knows, and the character sets involved are compared on a small sample alphabet.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Python's own pattern parser (3.11+ name; ``sre_parse`` is its deprecated alias).
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any

import regex

from ..actions import ACTIONS, ParamKind
from ..errors import Problem
from ..matcher import line_matcher
from ..matcher.budget import Budgets
from ..matcher.re2_syntax import MAX_COUNT, Mode, re2, standalone, translate
from ..rules import (
    Rule,
    RuleFileChecker,
    RuleSet,
    check_extends,
    never_applies,
    rule_files,
    shipped_rules_dir,
)
from ..testing import check_example


@dataclass(frozen=True, slots=True)
class LintProblem:
    """One finding: where (file, rule), which check, what is wrong and how to fix it."""

    file: str
    rule: str
    check: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.rule}" if self.rule else self.file
        return f"{where}: [{self.check}] {self.message}\n    fix: {self.hint}"


#: seconds lint gives one pattern on one sample line before calling it too slow
LINT_SECONDS = 1.0
#: span actions, and what they would do to the words a pattern matches
_SPAN_ACTIONS = {"drop-span": "delete", "replace": "rewrite"}

# Sentences an article certainly contains; a whole-line rule that removes one is too broad.
_ARTICLE_LINES = (
    "The minister said the talks would resume on Monday after a week of delays.",
    "Police said two men had been arrested and would appear in court on Friday.",
    "“We are not going anywhere,” she told reporters outside the building.",
    "Prices rose by 4.2 per cent in the year to March, official figures show.",
)


def _from_load_problem(problem: Problem) -> LintProblem:
    """Turn a loader problem into a finding; the loader's message already says what to do."""
    text = problem.message
    if "keep-example" in text:
        check, hint = (
            "no-keep-example",
            (
                'add [[rules.examples]] keep = "..." with a real article line that looks like the '
                "boilerplate but must survive"
            ),
        )
    elif "used twice" in text or "also defined in" in text:
        check, hint = (
            "duplicate-id",
            "give each rule (and each set) its own id; keep old ids as aliases",
        )
    elif "example that changes" in text:
        check, hint = "no-change-example", "add [[rules.examples]] with input and output"
    elif "is not valid TOML" in text:
        check, hint = "toml", "correct the TOML at the line and column given"
    elif "does not compile" in text:
        check, hint = "schema", "correct the pattern (the `regex` module's syntax)"
    elif problem.key == "id":
        check, hint = "schema", "give the file a kebab-case name and the set that name as its id"
    elif problem.key == "domains":
        check, hint = "schema", "list host names only ('example.com')"
    else:
        check, hint = "schema", "see rules/README.md for the keys each action takes"
    key = f"{problem.key}: " if problem.key else ""
    return LintProblem(problem.file, problem.rule, check, key + text, hint)


# -- backtracking ------------------------------------------------------------------------------

# One representative of each character class that rule patterns tell apart.
_ALPHABET = frozenset("aZé0 \t\n.,:;-_'\"!?/()|@#€&*+")
_PROPERTY = re.compile(r"\\([pP])\{\^?([^}]*)\}|\\([pP])([A-Za-z])")
# Unicode properties as class contents that keep their overlaps right on the sample alphabet.
_PROPERTY_CLASSES = {"lu": "A-ZÀ-Þ", "ll": "a-zß-ÿ", "l": "A-Za-zÀ-ÿ", "n": "0-9", "nd": "0-9"}
_TOKEN = re.compile(r"\\[pP]\{[^}]*\}|\\[pP][A-Za-z]|\\.|\[\^?\]?|\]|\(\?<(?=[A-Za-z_])|.", re.S)


def _property(token: str, in_class: bool) -> str:
    match = _PROPERTY.fullmatch(token)
    assert match is not None
    negated = (match.group(1) or match.group(3)) == "P"
    name = (match.group(2) or match.group(4) or "").lower().split("=")[-1].replace("_", "")
    chars = _PROPERTY_CLASSES.get(name)
    if chars is None:
        return "\\W" if negated else "\\w"
    if in_class:
        return "\\W" if negated else chars
    return f"[^{chars}]" if negated else f"[{chars}]"


def _python_syntax(source: str) -> str:
    """Map ``regex``-only syntax to something ``re`` parses with the same structure.

    Unicode properties become ASCII/Latin-1 classes that keep their overlaps right on the
    sample alphabet (``\\p{Lu}`` and ``\\p{Ll}`` stay disjoint, ``\\p{L}`` covers both).
    """
    out = []
    in_class = False
    for token in _TOKEN.findall(source):
        if token.startswith(("\\p", "\\P")):
            out.append(_property(token, in_class))
        elif token in ("\\X", "\\m", "\\M"):
            out.append("\\w")
        elif token == "(?<":
            out.append("(?P<")
        else:
            if token.startswith("[") and not in_class:
                in_class = True
            elif token == "]" and in_class:
                in_class = False
            elif token.startswith("[") and in_class:
                token = "\\" + token  # a literal bracket inside a class (regex's nested sets)
            out.append(token)
    return "".join(out)


def _category_chars(category: Any) -> frozenset[str]:
    name = str(category).lower()
    tests: dict[str, Callable[[str], bool]] = {
        "digit": str.isdigit,
        "space": str.isspace,
        "word": lambda c: c.isalnum() or c == "_",
        "linebreak": lambda c: c == "\n",
    }
    for key, test in tests.items():
        if key in name:
            chars = frozenset(c for c in _ALPHABET if test(c))
            return _ALPHABET - chars if "not" in name else chars
    return _ALPHABET


def _in_chars(items: Any) -> frozenset[str]:
    chars: set[str] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            chars.add(chr(arg))
        elif name == "RANGE":
            chars.update(c for c in _ALPHABET if arg[0] <= ord(c) <= arg[1])
        elif name == "CATEGORY":
            chars |= _category_chars(arg)
    return _ALPHABET - chars if negate else frozenset(chars)


def _children(op: Any, arg: Any) -> list[Any]:
    """The item lists nested in one parsed item (groups, branches, repeats)."""
    name = str(op)
    if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        return [arg[2]]
    if name == "SUBPATTERN":
        return [arg[-1]]
    if name == "ATOMIC_GROUP":
        return [arg]
    if name == "BRANCH":
        return list(arg[1])
    if name in ("ASSERT", "ASSERT_NOT"):
        return [arg[1]]
    return []


def _chars(items: Any) -> frozenset[str]:
    """Every character (of the sample alphabet, or a literal) a subpattern can consume."""
    chars: set[str] = set()
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            chars.add(chr(arg))
        elif name == "NOT_LITERAL":
            chars |= _ALPHABET - {chr(arg)}
        elif name == "ANY":
            chars |= _ALPHABET - {"\n"}
        elif name == "IN":
            chars |= _in_chars(arg)
        elif name not in ("ASSERT", "ASSERT_NOT"):
            for child in _children(op, arg):
                chars |= _chars(child)
    return frozenset(chars)


def _unbounded(op: Any, arg: Any) -> bool:
    # Counted repeats up to 15 cannot blow up far; ``{0,200}`` and ``*`` can.
    return str(op) in ("MAX_REPEAT", "MIN_REPEAT") and arg[1] >= 16


def _inner_repeats(items: Any) -> list[tuple[Any, frozenset[str]]]:
    """Unbounded repeats inside ``items``, looking through groups, branches, short repeats."""
    found: list[tuple[Any, frozenset[str]]] = []
    for item in items:
        op, arg = item
        if _unbounded(op, arg):
            found.append((item, _chars(arg[2])))
        elif str(op) not in ("ASSERT", "ASSERT_NOT", "POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
            for child in _children(op, arg):
                found += _inner_repeats(child)
    return found


def _contains(item: Any, target: Any) -> bool:
    return item is target or any(
        _contains(child_item, target) for child in _children(*item) for child_item in child
    )


def _sequence(items: Any) -> list[Any]:
    """The items of a group body, looking through groups that wrap everything."""
    found: list[Any] = list(items)
    while len(found) == 1 and str(found[0][0]) == "SUBPATTERN":
        found = list(found[0][1][-1])
    return found


def _risky(items: Any, state: Any) -> str | None:
    """Describe the first exponential-backtracking shape in a parsed pattern, if any."""
    for op, arg in items:
        if _unbounded(op, arg):
            body = _sequence(arg[2])
            for inner, inner_chars in _inner_repeats(body):
                rest = [item for item in body if not _contains(item, inner)]
                required = [i for i in rest if sre_parse.SubPattern(state, [i]).getwidth()[0]]
                if all(_chars([item]) <= inner_chars for item in required):
                    return "a repeated group holds a repeat that can match the same text"
        if str(op) in ("POSSESSIVE_REPEAT", "ATOMIC_GROUP"):
            continue  # no backtracking into these
        for child in _children(op, arg):
            found = _risky(child, state)
            if found:
                return found
    return None


# A quantifier that repeats what it follows more than once: *, +, {n,} or {n,m} with m > 1.
_REPEAT = re.compile(r"[*+]|\{\d*,\d*\}|\{(?:\d*[2-9]|\d{2,})\}")
_GROUP_REFERENCE = re.compile(r"\\[1-9]|\\g<[^>]*>|\(\?P=")


def _repeated_references(source: str) -> str | None:
    """A backreference or a branch reset group ``(?|...)`` under repetition, found by reading
    the pattern's groups: Python's parser knows neither form in all its spellings, and both
    defeat ``regex``'s guards against exponential backtracking (``(a+)\\1*b``,
    ``((a+)\\2)+b``, ``(?|(a+)|(b+))+$``)."""
    opened: list[list[str]] = []  # per open group: what it holds ("reference", "reset")
    in_class = False
    position = 0
    for token in _TOKEN.finditer(source):
        if token.start() < position:
            continue
        text = token.group()
        end = token.end()
        if in_class:
            in_class = text != "]"
            continue
        if text.startswith("["):
            in_class = True
            continue
        found: list[str] = []
        if text == "(":
            kind = ["reset"] if source.startswith("(?|", token.start()) else []
            if source.startswith("(?P=", token.start()):
                close = source.find(")", end)
                end = position = close + 1 if close > 0 else len(source)
                found = ["reference"]
            else:
                opened.append(kind)
                continue
        elif text == ")" and opened:
            found = opened.pop()
        elif _GROUP_REFERENCE.match(source, token.start()):
            found = ["reference"]
            if text.startswith("\\g"):
                end = position = source.find(">", end) + 1 or len(source)
        else:
            continue
        if found and _REPEAT.match(source, end):
            what = "a backreference" if "reference" in found else "a branch reset group"
            return f"{what} is repeated, which defeats the engine's guards"
        if opened:
            opened[-1] += found
    return None


def backtracking_risk(source: str) -> str | None:
    """Why ``source`` can backtrack catastrophically, or ``None`` when its shape is safe.

    >>> backtracking_risk(r"(\\w+\\s?)*:") is not None, backtracking_risk(r"(\\w+\\s)*:")
    (True, None)
    >>> backtracking_risk(r"(?:\\p{L}+ ?)+") is not None
    True
    >>> backtracking_risk(r"(?:\\p{Lu}\\p{Ll}+ ?)+") is None
    True
    >>> backtracking_risk(r"(a+)\\1*b") is not None, backtracking_risk(r"(\\w+) said \\1")
    (True, None)
    """
    structural = _repeated_references(source)
    if structural:
        return structural
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = sre_parse.parse(_python_syntax(source))
    except (re.error, OverflowError, RecursionError):
        parsed = None  # syntax only ``regex`` knows: the load already proved it compiles
    found = _risky(parsed, parsed.state) if parsed is not None else None
    return found or _probed(source)


#: how long one probe may take before the pattern counts as backtracking: a safe pattern
#: answers on a probe's 64 characters in microseconds, an exponential one takes seconds
PROBE_SECONDS = 0.05
_PROBE_LENGTH = 64
_PROBE_CHARS = "aA0 .-,'"


def _probed(source: str) -> str | None:
    """Whether ``source`` backtracks on a run of one character that it cannot end on: the
    shapes the structural check does not read (alternatives that overlap under a repeat,
    ``(a|aa)+$``), found by timing. Each character of the pattern's own literals and a few
    of each class is tried; ``regex`` stops a probe at :data:`PROBE_SECONDS`.

    >>> _probed(r"(a|aa)+$") is not None, _probed(r"(?:cat|car)+s")
    (True, None)
    """
    try:
        compiled = regex.compile(source)
    except (regex.error, OverflowError, RecursionError):
        return None
    literals = [c for c in dict.fromkeys(source) if c.isalnum() or c in " .,-'/:"]
    for char in dict.fromkeys([*literals[:24], *_PROBE_CHARS]):
        probe = char * _PROBE_LENGTH + "\x00"
        for method in (compiled.fullmatch, compiled.search):
            try:
                method(probe, timeout=PROBE_SECONDS)
            except TimeoutError:
                return (
                    f"{_PROBE_LENGTH} characters {char!r} in a row take it more than "
                    f"{PROBE_SECONDS:g} s: alternatives or repeats that match the same text"
                )
    return None


_COUNT = regex.compile(r"(?<!\\)\{(\d*),?(\d*)\}")


_FUZZY = regex.compile(r"\{[^}]*\b[eisd]\s*<")


def not_for_re2(source: str) -> str | None:
    """Why RE2, when in use, cannot scan ``source`` (a count above 1000, RE2's limit, or a
    construct its translation does not read, such as a flag turned off inside the pattern),
    or ``None`` when it can. Patterns RE2 never runs by design (backreferences, verbose and
    fuzzy patterns) are not reported.

    >>> not_for_re2(r"Share.{0,1000}") is None
    True
    >>> (not_for_re2(r"Share.{0,1200}") is not None) == (re2 is not None)  # RE2 counts to 1000
    True
    """
    if re2 is None or standalone(source) or _FUZZY.search(source):
        return None
    line, text = translate(source, relaxed=True), translate(source, Mode.TEXT, relaxed=True)
    if line is not None and text is not None:
        return None
    counts = (int(n) for found in _COUNT.finditer(source) for n in found.groups() if n)
    if any(n > MAX_COUNT for n in counts):
        return f"a count above {MAX_COUNT}"
    return "a construct its translation does not read, such as (?-i:...)"


def _short(source: str) -> str:
    return source if len(source) <= 80 else source[:77] + "..."


def _patterns_of(rule_set: RuleSet, rule: Rule) -> list[tuple[str, str]]:
    """(key, source) of every pattern a rule (and its set's detect list) uses."""
    spec = ACTIONS[rule.action]
    found = []
    for name, param in spec.params.items():
        value = rule.params.get(name)
        if value is None:
            continue
        if param.kind is ParamKind.PATTERN:
            found.append((name, str(value)))
    return found


# -- the checks --------------------------------------------------------------------------------


def _line_order(rule_set: RuleSet, generic: Sequence[RuleSet]) -> list[Rule]:
    """The whole-line rules in the order they run where ``rule_set`` applies, through its own:
    a site set's rules come first, so only its own can take a line before one of them; a
    generic set's come after those of the generic sets before it (by id). All generic sets
    share one order (its prefixes), hence one matcher per lint run."""
    order: list[Rule] = []
    if rule_set.always:
        order += [r for other in generic for r in other.rules if r.line_rule is not None]
        if rule_set.id not in {other.id for other in generic}:
            order += [r for r in rule_set.rules if r.line_rule is not None]
        return order
    return [r for r in rule_set.rules if r.line_rule is not None]


def _shadowed(rule_set: RuleSet, generic: Sequence[RuleSet]) -> dict[str, str]:
    """For each shadowed rule of ``rule_set``, the earlier rules that take all the lines its
    change-examples remove."""
    order = _line_order(rule_set, generic)
    if len(order) < 2:
        return {}
    position = {id(rule): i for i, rule in enumerate(order)}
    return _taken(rule_set, order, lambda rule: position[id(rule)])


def _redundant(rule_set: RuleSet, generic: Sequence[RuleSet]) -> dict[str, str]:
    """For each rule of a site set whose change-examples' lines the generic whole-line rules
    remove anyway, those rules: the site rule adds nothing (a contributor's "READ MORE:"
    rule beside ``share/read-more-link``)."""
    if rule_set.always:
        return {}
    rules = [r for other in generic for r in other.rules if r.line_rule is not None]
    return _taken(rule_set, rules, lambda rule: len(rules)) if rules else {}


def _taken(
    rule_set: RuleSet, order: Sequence[Rule], before: Callable[[Rule], int]
) -> dict[str, str]:
    """For each whole-line rule of ``rule_set`` all of whose change-examples' removed lines
    a rule of ``order`` (whole-line rules, in the order they run) placed before
    ``before(rule)`` takes first, those rules. One combined scan per set, not a matcher per
    rule: a set of a thousand rules lints in seconds, not in minutes."""
    everything = line_matcher(tuple(r.line_rule.pattern for r in order if r.line_rule))
    found: dict[str, str] = {}
    for rule in rule_set.rules:
        if rule.line_rule is None:
            continue
        matched = _removed_example_lines(rule)
        if not matched:
            continue
        first = dict(everything.scan(matched, Budgets([LINT_SECONDS] * len(order))))
        here = before(rule)
        takers = [order[first[i]] for i in range(len(matched)) if first.get(i, here) < here]
        if len(takers) == len(matched):
            found[rule.qualified_id] = ", ".join(dict.fromkeys(t.qualified_id for t in takers))
    return found


def _removed_example_lines(rule: Rule) -> list[str]:
    """The lines of a whole-line rule's change-examples that the rule itself removes."""
    assert rule.line_rule is not None
    lines = [
        line.strip()
        for example in rule.examples
        if not example.is_keep
        for line in example.input.split("\n")
    ]
    own = line_matcher((rule.line_rule.pattern,))
    return [lines[i] for i, _ in own.scan(lines, Budgets([LINT_SECONDS]))]


_WORD = re.compile(r"\w+")


def _word_share(pattern: regex.Pattern[str], line: str) -> float:
    """The share of the word characters of ``line`` inside matches of ``pattern``."""
    words = [match.span() for match in _WORD.finditer(line)]
    total = sum(end - start for start, end in words) or 1
    covered = 0
    for match in pattern.finditer(line, timeout=LINT_SECONDS):
        first, last = match.span()
        covered += sum(max(0, min(last, end) - max(first, start)) for start, end in words)
    return covered / total


def broad_span(source: str) -> str | None:
    """Why a span pattern would cut or replace article text: most words of an article
    sentence, or words in half the ordinary sentences (a pattern for common words, not for a
    boilerplate phrase); ``None`` when neither."""
    try:
        pattern = regex.compile(source)
        hit = []
        for line in _ARTICLE_LINES:
            if _word_share(pattern, line) > 0.5:
                return f"pattern matches most words of an ordinary article sentence ({line!r})"
            if pattern.search(line, timeout=LINT_SECONDS):
                hit.append(line)
    except (regex.error, TimeoutError):
        return None
    if 2 * len(hit) >= len(_ARTICLE_LINES):
        return (
            f"pattern matches in {len(hit)} of {len(_ARTICLE_LINES)} ordinary article "
            f"sentences ({hit[0]!r})"
        )
    return None


def _test_command(rule_set: RuleSet, rule_id: str) -> str:
    """The command that shows a rule's failing examples: shipped rules load by themselves,
    others from their file (their folder may hold files that do not load)."""
    path = rule_set.path.resolve()
    if shipped_rules_dir().resolve() in path.parents:
        return f"cleantext rules test {rule_id}"
    return f"cleantext rules test --rules-dir {path} {rule_id}"


def check_set(
    rule_set: RuleSet, *, extended: frozenset[str], generic: Sequence[RuleSet]
) -> list[LintProblem]:
    """The checks that need a compiled set (anything the loader rejects is reported before)."""
    file = str(rule_set.path)
    problems: list[LintProblem] = []
    if never_applies(rule_set, extended):
        problems.append(
            LintProblem(
                file,
                "",
                "unreachable-set",
                f"rule set {rule_set.id!r} never applies: it has no domains, no detect markers, "
                "is not always = true and no set extends it.",
                'add domains = ["example.com"] and/or detect = [\'^A line only this site '
                "prints$'], or list it in another set's extends",
            )
        )
    for i, source in enumerate(rule_set.detect):
        risk = backtracking_risk(source)
        if risk:
            problems.append(_backtracking(file, "", f"detect[{i}]", source, risk))
    shadowed = _shadowed(rule_set, generic)
    redundant = _redundant(rule_set, generic)
    for rule in rule_set.rules:
        rid = rule.qualified_id
        for i, example in enumerate(rule.examples):
            failures = check_example(rule, example)
            if failures:
                kind = "keep-example" if example.is_keep else "example"
                problems.append(
                    LintProblem(
                        file,
                        rid,
                        "failing-example",
                        f"{kind} {i} fails: " + "; ".join(f.replace("\n", " ") for f in failures),
                        f"run `{_test_command(rule_set, rid)}` for a diff, then fix the pattern "
                        "or the example",
                    )
                )
        for key, source in _patterns_of(rule_set, rule):
            risk = backtracking_risk(source)
            if risk:
                problems.append(_backtracking(file, rid, key, source, risk))
            slow_scan = not_for_re2(source)
            if slow_scan:
                problems.append(
                    LintProblem(
                        file,
                        rid,
                        "no-fast-scan",
                        f"{key} {_short(source)!r} cannot be scanned by RE2 ({slow_scan}), so "
                        "it is tried with the backtracking engine on every line where the set "
                        "applies: one such generic rule made the default pipeline three times "
                        "slower on whole pages.",
                        f"keep counts at {MAX_COUNT} or below ('.{{0,{MAX_COUNT}}}'); scope "
                        "flags that apply to a part only as (?i:...) around that part",
                    )
                )
        if rule.action in _SPAN_ACTIONS:
            too_broad = broad_span(rule.params["pattern"])
            if too_broad:
                problems.append(
                    LintProblem(
                        file,
                        rid,
                        "too-broad",
                        f"{too_broad}: it would {_SPAN_ACTIONS[rule.action]} article text.",
                        "match the fixed words of the boilerplate phrase, not any word ('\\w+', "
                        "'.+')",
                    )
                )
        if rule.line_rule is None:
            continue
        pattern = rule.params["pattern"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                widest = sre_parse.parse(_python_syntax(pattern)).getwidth()[1]
        except (re.error, OverflowError, RecursionError):
            widest = 1
        if widest == 0:
            problems.append(
                LintProblem(
                    file,
                    rid,
                    "never-matches",
                    f"pattern {pattern!r} can only match an empty line, and whole-line rules "
                    "never see empty lines: this rule can never fire.",
                    "write the pattern for the whole text of the line to remove "
                    "(anchors ^ and $ are implied)",
                )
            )
            continue
        budget = Budgets([LINT_SECONDS])
        found = line_matcher((pattern,)).scan(_ARTICLE_LINES, budget)
        if budget.spent:
            slow = f"it took over {LINT_SECONDS:g} s on an ordinary sentence"
            problems.append(_backtracking(file, rid, "pattern", pattern, slow))
        broad = [_ARTICLE_LINES[i] for i, _ in found]
        if broad:
            problems.append(
                LintProblem(
                    file,
                    rid,
                    "too-broad",
                    f"pattern matches an ordinary article sentence ({broad[0]!r}): it would "
                    "remove real text.",
                    "anchor the pattern on the fixed words of the boilerplate line instead of "
                    "'.*' or '.+'",
                )
            )
        shadow = shadowed.get(rid)
        if shadow:
            problems.append(
                LintProblem(
                    file,
                    rid,
                    "shadowed",
                    f"every line its change-examples remove is already removed by an earlier "
                    f"rule ({shadow}), so this rule never gets a line to act on.",
                    "delete the rule, or give it an example line the earlier rule does not "
                    "match (and narrow the earlier rule if it takes too much)",
                )
            )
        takers = redundant.get(rid)
        if takers:
            problems.append(
                LintProblem(
                    file,
                    rid,
                    "redundant",
                    f"every line its change-examples remove is removed by the generic rules "
                    f"too ({takers}), which run wherever this set does.",
                    "delete the rule, or give it an example line of the site's own that the "
                    "generic rules leave",
                )
            )
    return problems


def _backtracking(file: str, rule: str, key: str, source: str, risk: str) -> LintProblem:
    return LintProblem(
        file,
        rule,
        "backtracking",
        f"{key} {_short(source)!r} can backtrack catastrophically: {risk} (like "
        "'(a+)+'), so a long line that almost matches takes exponential time.",
        "make the parts of a repeated group exclusive (e.g. '(\\w+\\s)*' instead of "
        "'(\\w+\\s?)*'), bound the repeats ({1,40}), or use a possessive quantifier ('++')",
    )


def lint(paths: Iterable[str | Path], *, context: Iterable[str | Path] = ()) -> list[LintProblem]:
    """Lint every rule file under ``paths``.

    Args:
        paths: rule files or folders to check.
        context: other rule folders (the shipped rules, typically) that the checked sets may
            extend, and whose generic sets run alongside them; they are not reported on.
    """
    targets = [Path(p) for p in paths]
    problems: list[LintProblem] = [
        LintProblem(str(p), "", "schema", "does not exist.", "check the path")
        for p in targets
        if not p.exists()
    ]
    checked: dict[str, RuleSet] = {}
    others: dict[str, RuleSet] = {}
    unreadable: list[Problem] = []
    target_files = rule_files((p for p in targets if p.exists()), unreadable=unreadable)
    problems += [_from_load_problem(p) for p in unreadable]
    target_set = {f.resolve() for f in target_files}
    context_files = [
        f for f in rule_files(Path(c) for c in context) if f.resolve() not in target_set
    ]
    for path in target_files:
        checker = RuleFileChecker(path)
        rule_set = checker.rule_set()
        problems += [_from_load_problem(p) for p in checker.problems]
        if rule_set is None:
            continue
        if rule_set.id in checked:
            problems.append(
                LintProblem(
                    str(path),
                    "",
                    "duplicate-id",
                    f"rule set id {rule_set.id!r} is also used by {checked[rule_set.id].path}.",
                    "rename one of the files (and its id)",
                )
            )
            continue
        checked[rule_set.id] = rule_set
    for path in context_files:
        context_set = RuleFileChecker(path).rule_set()
        if context_set is not None and context_set.id not in checked:
            others.setdefault(context_set.id, context_set)
    every = {**others, **checked}
    extends_problems: list[Problem] = []
    check_extends(every, extends_problems)
    problems += [
        _from_load_problem(p) for p in extends_problems if Path(p.file).resolve() in target_set
    ]
    extended = frozenset(parent for s in every.values() for parent in s.extends)
    generic = sorted((s for s in every.values() if s.always), key=lambda s: s.id)
    for rule_set in checked.values():
        problems += check_set(rule_set, extended=extended, generic=generic)
    return problems
