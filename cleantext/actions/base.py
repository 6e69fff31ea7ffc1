"""The contract every action follows, and the parameter types rule files can use.

An action is a pure function from a document's lines to an :class:`Outcome`: the changes it
wants (line ranges and what replaces them) and any metadata it found. Actions never mutate
their input and never record edits themselves: the pipeline applies the changes and, when asked
to explain, turns them into character-level :class:`~cleantext.document.Edit` records. Keeping
actions this small is what lets each be tested on its own and lets a new one be added in one place.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..matcher.budget import DEFAULT_SECONDS, PatternLike, UserPattern


class Stage(enum.IntEnum):
    """Pipeline stages, in the order they run (the one place that order is defined).

    Within a stage, rules of site sets run before rules of generic sets; within a set, in file
    order. ``CLASSIFY`` is not driven by rule files: it is the generic line classifier.
    """

    NORMALIZE = 1  #: unicode repair, whitespace
    INLINE = 2  #: spans inside a line: placeholders, repeated bylines, replacements
    EXTRACT = 3  #: metadata lines: masthead, byline
    LINES = 4  #: whole lines: drop-line, truncate-from (one combined pass)
    BLOCKS = 5  #: multi-line shapes: caption blocks, glued and inserted captions
    CLASSIFY = 6  #: generic content/boilerplate decision for lines no rule matched
    REPAIR = 7  #: rejoin split sentences, drop orphan headings
    FINALIZE = 8  #: blank-line runs, leading and trailing blank lines


class Change(NamedTuple):
    """Replace ``lines[first:last]`` by ``lines`` (an empty tuple deletes them).

    ``tag`` says which rule of a combined step asked for the change (0 for single-rule steps).
    A named tuple, not a dataclass: steps create one per changed line, and a tuple is made
    in half the time of a frozen dataclass.
    """

    first: int
    last: int
    lines: tuple[str, ...] = ()
    tag: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one step wants done: sorted, non-overlapping changes and found metadata.

    ``warnings`` report a step that held back (a safety valve kept text it would have removed,
    a rule out of time left out), so callers can count such documents. ``unsettled`` says
    the step passed over a line it would have acted on elsewhere in the document (a footer
    marker too early in the text, a byline below the lines a byline rule looks at): once
    other steps remove lines, the same step may decide otherwise, so the pipeline looks at
    the result again.
    """

    changes: tuple[Change, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    unsettled: bool = False
    #: tags of the rules that ran out of their time budget on this document (their changes
    #: are not among ``changes``; a warning names each)
    ran_out: tuple[int, ...] = ()


Step = Callable[[Sequence[str]], Outcome]


def matches_from(
    lines: Sequence[str], start: int, pattern: PatternLike, only: Sequence[int] | None
) -> bool:
    """Whether ``pattern`` matches a whole non-blank line at ``start`` or after it, among the
    lines ``only`` names (a prefilter's candidates; ``None``: all): what a step passed over
    that could come into its reach (``Outcome.unsettled``)."""
    later = range(start, len(lines)) if only is None else [j for j in only if j >= start]
    return any(lines[j] and pattern.fullmatch(lines[j]) for j in later)


class ParamKind(enum.Enum):
    """The types a rule parameter can have in TOML."""

    PATTERN = "pattern"  #: a regular expression (``regex`` module syntax), compiled at load
    STRING = "string"
    STRINGS = "strings"  #: a list of strings
    INT = "int"
    FLOAT = "float"
    BOOL = "bool"


REQUIRED: Any = object()


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of an action: its TOML type, default (or REQUIRED) and meaning."""

    kind: ParamKind
    doc: str
    default: Any = REQUIRED
    minimum: float | None = None
    maximum: float | None = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


@dataclass(frozen=True, slots=True)
class ActionSpec:
    """An entry of the action vocabulary.

    Attributes:
        name: the word used in rule files (``action = "drop-line"``).
        stage: when its rules run.
        summary: one line for listings and the tutorial.
        params: accepted parameters (anything else in the rule table is an error).
        build: turns validated parameters into a step; called once, at load time.
        gate: ``(parameter, kind)`` when a rule changes only lines its pattern parameter
            matches: ``"line"`` (the whole line), ``"span"`` (inside the line), or
            ``"span-strip"`` (inside, and it also strips lines with whitespace at either end).
            The pipeline then skips the rule, after one combined scan, where it cannot act.
        presence: an RE2 pattern (UTF-8) that occurs in every text the action changes, for
            actions with a fixed scan of their own: the pipeline skips the step when the
            combined scan finds no match.
        bounded: whether what one rule of this action removes from a document is bounded by
            the rule's ``max_removed``; ``False`` for actions that only change whitespace or
            repair characters, which cannot take article text away.
    """

    name: str
    stage: Stage
    summary: str
    params: Mapping[str, Param]
    build: Callable[[Mapping[str, Any]], Step]
    gate: tuple[str, str] | None = None
    presence: str | None = None
    bounded: bool = True


def compile_pattern(source: str, seconds: float = DEFAULT_SECONDS) -> UserPattern:
    """Compile a rule pattern the one way all rule files share (``regex``, version 0), with its
    rule's time budget per document (see :mod:`cleantext.matcher.budget`).

    Raises ``regex.error`` for a pattern that does not compile. A pattern the RE2 translator
    fully parses and RE2 compiles is known valid without ``regex``'s slower parser
    (:func:`cleantext.matcher.known_valid`), so it is compiled on first use: a library of thousands
    of site rules loads fast and pays only for the sites it meets.

    >>> compile_pattern("Share (this|that)").fullmatch("Share this") is not None
    True
    """
    from ..matcher import known_valid  # the matcher imports the actions: import late

    pattern = UserPattern(source, seconds)
    if not known_valid(source):
        _ = pattern.compiled  # raises regex.error now, at load time
    return pattern
