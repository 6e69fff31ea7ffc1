"""Rule files: load them, validate them all at once, compile them once.

A rule file is a TOML document describing one rule set (see ``rules/README.md`` for the
tutorial). Loading is all-or-nothing: every file is read and checked, every problem is
collected with its file, rule id and key, and only when there is none are the sets compiled
and returned, frozen. The result carries no per-document state and is safe to share between
threads; processes rebuild it from the same files (see :meth:`RuleLibrary.__reduce__`).
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import regex

from .actions import ACTIONS, LINE_RULE_BUILDERS, ActionSpec, LineRule, ParamKind, Stage, Step
from .actions.base import compile_pattern
from .errors import Problem, RuleFileError
from .matcher.budget import DEFAULT_SECONDS, UserPattern

ID_PATTERN = regex.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""What a rule or rule set id must fully match (kebab-case); ``cleantext rules new`` checks a
new set's id against it before writing anything."""
#: a host name as ``domains`` lists it (lowercased, ``www.`` taken off): dot-separated labels
DOMAIN_PATTERN = regex.compile(
    r"[\p{Ll}\p{N}](?:[\p{Ll}\p{N}-]*[\p{Ll}\p{N}])?(?:\.[\p{Ll}\p{N}](?:[\p{Ll}\p{N}-]*[\p{Ll}\p{N}])?)+"
)
SET_KEYS = frozenset(
    {"id", "name", "description", "extends", "always", "domains", "detect", "detect_min", "rules"}
)
RULE_KEYS = frozenset(
    {"id", "description", "why", "action", "examples", "aliases", "max_removed", "max_seconds"}
)
#: share of a document's characters one rule may remove unless its ``max_removed`` says
#: otherwise; above it the rule is not applied to that document (shipped footer and comment
#: cuts stop at half a page by their ``min_position``, hostile rules take three quarters)
DEFAULT_MAX_REMOVED = 0.6
#: the most ``max_seconds`` may allow: a budget is a safety valve, not a licence to crawl
MAX_SECONDS = 60.0
EXAMPLE_KEYS = frozenset({"input", "output", "keep", "metadata", "note"})
_PARAM_TYPES: dict[ParamKind, tuple[type, ...]] = {
    ParamKind.STRING: (str,),
    ParamKind.STRINGS: (list,),
    ParamKind.INT: (int,),
    ParamKind.FLOAT: (int, float),
    ParamKind.BOOL: (bool,),
}


@dataclass(frozen=True, slots=True)
class Example:
    """One example a rule carries: ``input`` becomes ``output``, or ``keep`` stays as is."""

    input: str
    output: str
    metadata: Mapping[str, Any] | None = None

    @property
    def is_keep(self) -> bool:
        """A keep-example: text the rule must leave byte-identical."""
        return self.input == self.output


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated, compiled rule.

    ``step`` runs the rule alone; ``line_rule`` is set for whole-line actions, which the
    pipeline merges into one combined pass per document.
    """

    set_id: str
    id: str
    description: str
    why: str
    action: str
    params: Mapping[str, Any]
    examples: tuple[Example, ...]
    stage: Stage
    step: Step = field(repr=False, compare=False)
    line_rule: LineRule | None = field(default=None, repr=False, compare=False)
    aliases: tuple[str, ...] = ()
    #: the share of a document's characters this rule may remove (``None``: no bound, for
    #: actions that only change whitespace); see :data:`DEFAULT_MAX_REMOVED`
    max_removed: float | None = None
    #: seconds of pattern matching this rule may spend on one document
    max_seconds: float = DEFAULT_SECONDS

    @property
    def qualified_id(self) -> str:
        """``"<set>/<rule>"``: how edits, statistics and ``--ignore`` name the rule."""
        return f"{self.set_id}/{self.id}"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A validated rule set: one TOML file."""

    id: str
    name: str
    description: str
    path: Path
    rules: tuple[Rule, ...]
    extends: tuple[str, ...] = ()
    always: bool = False
    domains: tuple[str, ...] = ()
    detect: tuple[str, ...] = ()
    detect_min: int = 1


def _hint(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" Did you mean {close[0]!r}?" if close else ""


class RuleFileChecker:
    """Collects the problems of one file while turning its TOML into a :class:`RuleSet`.

    Public because lint reads files through it too, to report the same problems as loading.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.problems: list[Problem] = []

    def problem(self, rule: str, key: str, message: str) -> None:
        self.problems.append(Problem(str(self.path), rule, key, message))

    def text(self, table: Mapping[str, Any], key: str, rule: str, *, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(rule, key, "is missing; add a one-line text.")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(rule, key, "must be a non-empty string.")
            return ""
        return value

    def strings(self, table: Mapping[str, Any], key: str, rule: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(rule, key, "must be a list of strings.")
            return ()
        return tuple(value)

    def pattern(
        self, source: Any, rule: str, key: str, seconds: float = DEFAULT_SECONDS
    ) -> UserPattern | None:
        if not isinstance(source, str) or not source:
            self.problem(rule, key, "must be a non-empty regular expression string.")
            return None
        try:
            return compile_pattern(source, seconds)
        except regex.error as error:
            self.problem(
                rule,
                key,
                f"does not compile: {error}. Check escaping (use '...' "
                "literal strings in TOML so backslashes stay as written).",
            )
            return None

    def limit(
        self, table: Mapping[str, Any], key: str, rule: str, default: float, most: float
    ) -> float:
        """A safety-valve key (``max_removed``, ``max_seconds``): a number above 0, at most
        ``most``."""
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= most:
            self.problem(rule, key, f"must be a number above 0 and at most {most:g}.")
            return default
        return float(value)

    def param(
        self, spec: ActionSpec, name: str, value: Any, rule: str, seconds: float = DEFAULT_SECONDS
    ) -> Any:
        param = spec.params[name]
        if param.kind is ParamKind.PATTERN:
            return self.pattern(value, rule, name, seconds)
        types = _PARAM_TYPES[param.kind]
        # bool is an int in Python, but `max_words = true` is a mistake, not a number.
        if not isinstance(value, types) or (
            param.kind is not ParamKind.BOOL and isinstance(value, bool)
        ):
            self.problem(
                rule, name, f"must be of type {param.kind.value}, not {type(value).__name__}."
            )
            return None
        items: Any = value
        if param.kind is ParamKind.STRINGS and not all(isinstance(v, str) for v in items):
            self.problem(rule, name, "must be a list of strings.")
            return None
        number: Any = value
        if param.minimum is not None and number < param.minimum:
            self.problem(rule, name, f"must be at least {param.minimum}, not {value}.")
        if param.maximum is not None and number > param.maximum:
            self.problem(rule, name, f"must be at most {param.maximum}, not {value}.")
        return float(number) if param.kind is ParamKind.FLOAT else value

    def examples(self, raw: Any, rule: str) -> tuple[Example, ...]:
        if not isinstance(raw, list) or not raw:
            self.problem(
                rule,
                "examples",
                "is missing: add at least one [[rules.examples]] "
                "with input/output and one with keep.",
            )
            return ()
        found: list[Example] = []
        for i, table in enumerate(raw):
            key = f"examples[{i}]"
            if not isinstance(table, dict):
                self.problem(rule, key, "must be a table with input/output or keep.")
                continue
            for unknown in sorted(set(table) - EXAMPLE_KEYS):
                self.problem(
                    rule,
                    f"{key}.{unknown}",
                    "is not an example key (input, output, "
                    f"keep, metadata, note).{_hint(unknown, EXAMPLE_KEYS)}",
                )
            if "keep" in table:
                if "input" in table or "output" in table:
                    self.problem(rule, key, "has keep and input/output; use one or the other.")
                elif isinstance(table["keep"], str) and table["keep"]:
                    found.append(Example(table["keep"], table["keep"]))
                else:
                    self.problem(rule, f"{key}.keep", "must be a non-empty string.")
            elif isinstance(table.get("input"), str) and isinstance(table.get("output"), str):
                metadata = table.get("metadata")
                if metadata is not None and not isinstance(metadata, dict):
                    self.problem(rule, f"{key}.metadata", "must be a table.")
                    metadata = None
                if table["input"] == table["output"]:
                    self.problem(rule, key, 'input equals output; write it as keep = "...".')
                found.append(Example(table["input"], table["output"], metadata))
            else:
                self.problem(rule, key, "needs input and output strings, or keep.")
        if not any(e.is_keep for e in found):
            self.problem(
                rule,
                "examples",
                "has no keep-example: add one with real-looking text that must survive this rule.",
            )
        if not any(not e.is_keep for e in found):
            self.problem(rule, "examples", "has no example that changes text: add input/output.")
        return tuple(found)

    def rule(self, set_id: str, table: Any, index: int) -> Rule | None:
        if not isinstance(table, dict):
            self.problem(f"#{index}", "", "each [[rules]] entry must be a table.")
            return None
        rule_id = table.get("id")
        name = rule_id if isinstance(rule_id, str) and rule_id else f"#{index}"
        if not isinstance(rule_id, str) or not ID_PATTERN.fullmatch(rule_id):
            self.problem(name, "id", "must be kebab-case (lowercase letters, digits, hyphens).")
        description = self.text(table, "description", name)
        why = self.text(table, "why", name)
        action = table.get("action")
        spec = ACTIONS.get(action) if isinstance(action, str) else None
        if spec is None:
            choices = ", ".join(sorted(ACTIONS))
            self.problem(
                name,
                "action",
                f"{action!r} is not an action.{_hint(str(action), ACTIONS)} Actions: {choices}.",
            )
        examples = self.examples(table.get("examples"), name)
        aliases = self.strings(table, "aliases", name)
        if spec is None:
            return None  # its parameters cannot be checked against an unknown action
        allowed = RULE_KEYS | set(spec.params)
        for unknown in sorted(set(table) - allowed):
            self.problem(
                name, unknown, f"is not a key of {action!r} rules.{_hint(unknown, allowed)}"
            )
        max_removed = self.limit(table, "max_removed", name, DEFAULT_MAX_REMOVED, 1.0)
        max_seconds = self.limit(table, "max_seconds", name, DEFAULT_SECONDS, MAX_SECONDS)
        params: dict[str, Any] = {}
        for pname, param in spec.params.items():
            if pname in table:
                params[pname] = self.param(spec, pname, table[pname], name, max_seconds)
            elif param.required:
                self.problem(name, pname, f"is required by action {spec.name!r}: {param.doc}.")
            else:
                params[pname] = param.default
        if self.problems:
            return None
        line_builder = LINE_RULE_BUILDERS.get(spec.name)
        try:
            step = spec.build(params)
        except regex.error as error:  # a pattern the action wraps (collapse-repeat's unit)
            self.problem(name, "", f"cannot be used by action {spec.name!r}: {error}.")
            return None
        return Rule(
            set_id=set_id,
            id=name,
            description=description,
            why=why,
            action=spec.name,
            params={k: table[k] for k in spec.params if k in table},
            examples=examples,
            stage=spec.stage,
            step=step,
            line_rule=line_builder(params) if line_builder else None,
            aliases=aliases,
            max_removed=max_removed if spec.bounded else None,
            max_seconds=max_seconds,
        )

    def rule_set(self) -> RuleSet | None:
        try:
            with self.path.open("rb") as handle:
                data = tomllib.load(handle)
        except tomllib.TOMLDecodeError as error:
            self.problem("", "", f"is not valid TOML: {error}.")
            return None
        except UnicodeDecodeError as error:
            self.problem(
                "", "", f"is not UTF-8 text (byte {error.start}: {error.reason}); save it as UTF-8."
            )
            return None
        except RecursionError:
            self.problem("", "", "is not valid TOML: arrays or tables nested too deeply to read.")
            return None
        except OSError as error:
            self.problem("", "", f"cannot be read: {error.strerror}.")
            return None
        set_id = data.get("id")
        if not ID_PATTERN.fullmatch(self.path.stem):
            wanted = regex.sub(r"[^a-z0-9]+", "-", self.path.stem.lower()).strip("-")
            self.problem(
                "",
                "id",
                f"the file name must be kebab-case and the id the same: rename the file to "
                f"{wanted or 'my-site'}.toml and set id = {wanted or 'my-site'!r}.",
            )
        elif set_id != self.path.stem:
            self.problem(
                "",
                "id",
                f"must be {self.path.stem!r}, the file name without .toml (found {set_id!r}).",
            )
        for unknown in sorted(set(data) - SET_KEYS):
            self.problem("", unknown, f"is not a rule-set key.{_hint(unknown, SET_KEYS)}")
        description = self.text(data, "description", "")
        name = self.text(data, "name", "", required=False) or str(set_id)
        extends = self.strings(data, "extends", "")
        domains = tuple(d.lower().removeprefix("www.") for d in self.strings(data, "domains", ""))
        for domain in domains:
            if not DOMAIN_PATTERN.fullmatch(domain):
                self.problem(
                    "",
                    "domains",
                    f"{domain!r} is not a host name: give the site's domain alone "
                    "('example.com'), without scheme, path or port; it matches its subdomains.",
                )
        detect = self.strings(data, "detect", "")
        for i, source in enumerate(detect):
            self.pattern(source, "", f"detect[{i}]")
        always = data.get("always", False)
        if not isinstance(always, bool):
            self.problem("", "always", "must be true or false.")
        detect_min = data.get("detect_min", 1)
        if not isinstance(detect_min, int) or detect_min < 1:
            self.problem("", "detect_min", "must be a whole number of at least 1.")
        raw_rules = data.get("rules")
        if not isinstance(raw_rules, list) or not raw_rules:
            self.problem("", "rules", "is missing: add at least one [[rules]] table.")
            raw_rules = []
        rules = [self.rule(str(set_id), table, i) for i, table in enumerate(raw_rules)]
        seen: set[str] = set()
        for rule in rules:
            if rule is None:
                continue
            for rid in (rule.id, *rule.aliases):
                if rid in seen:
                    self.problem(
                        rule.id,
                        "id",
                        f"{rid!r} is used twice in this set; ids are never "
                        "reused (keep old ids as aliases).",
                    )
                seen.add(rid)
        if self.problems:
            return None
        return RuleSet(
            id=str(set_id),
            name=name,
            description=description,
            path=self.path,
            rules=tuple(r for r in rules if r is not None),
            extends=extends,
            always=always,
            domains=domains,
            detect=detect,
            detect_min=detect_min,
        )


def check_extends(sets: Mapping[str, RuleSet], problems: list[Problem]) -> None:
    """Add a problem for every ``extends`` that names a set not in ``sets`` (loading and lint)."""
    for rule_set in sets.values():
        for parent in rule_set.extends:
            if parent not in sets:
                problems.append(
                    Problem(
                        str(rule_set.path),
                        "",
                        "extends",
                        f"names unknown rule set {parent!r}.{_hint(parent, sets)}",
                    )
                )
    state: dict[str, int] = {}

    def visit(set_id: str, trail: list[str]) -> None:
        if state.get(set_id) == 2 or set_id not in sets:
            return
        if state.get(set_id) == 1:
            cycle = " -> ".join([*trail[trail.index(set_id) :], set_id])
            problems.append(
                Problem(str(sets[set_id].path), "", "extends", f"forms a cycle: {cycle}.")
            )
            return
        state[set_id] = 1
        for parent in sets[set_id].extends:
            visit(parent, [*trail, set_id])
        state[set_id] = 2

    for set_id in sorted(sets):
        visit(set_id, [])


def rule_files(
    directories: Iterable[Path], *, unreadable: list[Problem] | None = None
) -> list[Path]:
    """Every ``*.toml`` below the given folders, in a stable order (files may also be given),
    each file once however many of the paths reach it.

    A folder that cannot be read is added to ``unreadable`` (when given): a rule set that is
    silently missing would change what gets cleaned.
    """
    files: list[Path] = []
    seen: set[Path] = set()

    def refused(error: OSError) -> None:
        if unreadable is not None:
            unreadable.append(
                Problem(
                    str(error.filename),
                    "",
                    "",
                    f"cannot be read: {error.strerror}; fix its permissions or leave it out.",
                )
            )

    for directory in directories:
        found: list[Path] = []
        if directory.is_file():
            found.append(directory)
        else:
            for root, dirs, names in os.walk(directory, onerror=refused):
                dirs.sort()
                found += [Path(root, name) for name in names if name.endswith(".toml")]
        for path in sorted(found):
            key = path.resolve()
            if key not in seen:
                seen.add(key)
                files.append(path)
    return files


class RuleLibrary:
    """All loaded rule sets, indexed for selection by domain and content signature.

    Build it with :meth:`load` (or :func:`default_library`); it is immutable afterwards.
    """

    __slots__ = ("_domain_index", "_sources", "sets")

    def __init__(self, sets: Sequence[RuleSet], sources: tuple[Path, ...]) -> None:
        self.sets: Mapping[str, RuleSet] = {s.id: s for s in sorted(sets, key=lambda s: s.id)}
        self._sources = sources
        index: dict[str, list[str]] = {}
        for rule_set in self.sets.values():
            for domain in rule_set.domains:
                index.setdefault(domain, []).append(rule_set.id)
        self._domain_index = {domain: tuple(ids) for domain, ids in index.items()}

    @classmethod
    def load(cls, paths: Iterable[str | Path]) -> RuleLibrary:
        """Load every rule file under ``paths`` (folders or files); raise on any problem.

        Raises:
            RuleFileError: listing every problem in every file; nothing is loaded then.
        """
        sources = tuple(Path(p) for p in paths)
        problems: list[Problem] = []
        sets: dict[str, RuleSet] = {}
        for source in sources:
            if not source.exists():
                problems.append(Problem(str(source), "", "", "does not exist."))
        for path in rule_files((s for s in sources if s.exists()), unreadable=problems):
            checker = RuleFileChecker(path)
            rule_set = checker.rule_set()
            problems.extend(checker.problems)
            if rule_set is None:
                continue
            if rule_set.id in sets:
                problems.append(
                    Problem(
                        str(path),
                        "",
                        "id",
                        f"rule set {rule_set.id!r} is also "
                        f"defined in {sets[rule_set.id].path}; set ids are unique.",
                    )
                )
                continue
            sets[rule_set.id] = rule_set
        check_extends(sets, problems)
        if problems:
            raise RuleFileError(problems)
        return cls(list(sets.values()), sources)

    def __reduce__(self) -> tuple[Any, tuple[tuple[Path, ...]]]:
        # Compiled steps are closures; another process rebuilds them from the same files.
        return (RuleLibrary.load, (self._sources,))

    @property
    def sources(self) -> tuple[Path, ...]:
        """The folders and files this library was loaded from."""
        return self._sources

    def sets_for_domain(self, host: str) -> tuple[str, ...]:
        """Site sets registered for ``host`` or its closest parent domain (dictionary lookups).

        >>> lib = default_library()
        >>> lib.sets_for_domain("www.pressreader.com")
        ('pressreader',)
        """
        labels = host.lower().removeprefix("www.").split(".")
        for start in range(len(labels) - 1):
            found = self._domain_index.get(".".join(labels[start:]))
            if found:
                return found
        return ()

    def unreachable(self) -> list[RuleSet]:
        """The sets of this library that never apply (:func:`never_applies`)."""
        extended = {parent for rule_set in self.sets.values() for parent in rule_set.extends}
        return [s for s in self.sets.values() if never_applies(s, extended)]

    def closure(self, set_ids: Iterable[str]) -> list[str]:
        """The given sets followed by what they extend, depth first, each once."""
        order: list[str] = []

        def visit(set_id: str) -> None:
            if set_id not in order:
                order.append(set_id)
                for parent in self.sets[set_id].extends:
                    visit(parent)

        for set_id in set_ids:
            visit(set_id)
        return order


def never_applies(rule_set: RuleSet, extended: Collection[str]) -> bool:
    """Whether ``rule_set`` never applies: no domains, no detect markers, not ``always``, and
    not among the ``extended`` sets (its rules run only when it is forced with ``--site``)."""
    return not (rule_set.always or rule_set.domains or rule_set.detect or rule_set.id in extended)


def shipped_rules_dir() -> Path:
    """The ``rules/`` folder shipped with the package (inside the wheel, or the checkout)."""
    packaged = Path(__file__).parent / "_rules"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "rules"


@cache
def default_library() -> RuleLibrary:
    """The shipped rule sets, loaded once per process."""
    return RuleLibrary.load([shipped_rules_dir()])
