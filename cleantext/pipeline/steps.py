"""The built-in steps: the line classifier, the mined lines, the headline.

They are not rules (no rule file, no examples), but their edits and warnings name them as
rules' are named, by a :class:`StepName` (``classifier/boilerplate-line``,
``mined/<site>``, ``headline/drop-headline``), so explanations, statistics and ``ignore``
treat them alike.

The classifier and the mined lines need more than the lines to act on: how many lines the
text had before the rules (a page whose rules removed most of it), or the document's site.
They are :class:`DocumentStep` objects in the plan, which the run hands that context; every
other step of a plan is a :class:`~cleantext.pipeline.plan.PlanStep` over lines alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

import regex

from ..actions import Change, Outcome, Stage
from ..actions.repair import is_heading
from ..classify import boilerplate_runs
from ..detect import host_of
from ..matcher.budget import DEFAULT_SECONDS
from ..rules import DEFAULT_MAX_REMOVED
from .plan import PlanStep, rule_step
from .run import DocumentRun


@dataclass(frozen=True, slots=True)
class StepName:
    """How edits and warnings name a built-in step (as a :class:`~cleantext.rules.Rule` is
    named): ``qualified_id`` is ``"<set>/<id>"``; ``max_removed`` bounds its removals as a
    rule's does (``None``: no bound)."""

    qualified_id: str
    action: str
    max_removed: float | None = None
    max_seconds: float = DEFAULT_SECONDS


class DocumentStep(Protocol):
    """A plan step that needs the document, not only its lines: it applies itself to the run
    (through :meth:`DocumentRun.step`) given the lines as normalized (before any rule stage),
    the document's URL and the site sets detected for it."""

    @property
    def stage(self) -> Stage: ...

    def apply(
        self, run: DocumentRun, normalized: Sequence[str], url: str | None, sites: Sequence[str]
    ) -> None: ...


#: The set id the classifier counts as for ``select`` and ``ignore``.
CLASSIFIER_SET = "classifier"
CLASSIFIER = StepName(f"{CLASSIFIER_SET}/boilerplate-line", "classify-lines")
CONSERVATIVE_WARNING = "the classifier would have removed nearly everything; its lines were kept"
#: lines above which a document is not given to the line classifier: its working memory
#: grows by some 640 bytes a line, so a 2 MB input of a million one-character lines took
#: 640 MB; real pages have at most a few thousand lines. Rules still apply to such documents.
CLASSIFY_MAX_LINES = 20_000
TOO_LONG_TO_CLASSIFY = (
    f"the document has more than {CLASSIFY_MAX_LINES:,} lines; the line classifier was not run"
)


def classifier_step(whole_page: bool | None, lines_before: int | None = None) -> PlanStep:
    """The ``classify`` stage on lines alone: drop the lines :func:`boilerplate_runs` finds.

    ``whole_page`` says what the input is (True: a whole page, False: extracted article text);
    ``None`` lets the classifier detect it per document, helped by ``lines_before`` (non-empty
    lines before the rule stages: rules that removed most of a long text reveal a page).
    """

    def run(lines: Sequence[str]) -> Outcome:
        found = boilerplate_runs(lines, whole_page=whole_page, lines_before=lines_before)
        return Outcome(
            tuple(Change(first, end) for first, end in found.runs),
            warnings=(CONSERVATIVE_WARNING,) if found.conservative else (),
            unsettled=not found.settled,
        )

    return PlanStep(Stage.CLASSIFY, run, (CLASSIFIER,))


@dataclass(frozen=True, slots=True)
class ClassifierStep:
    """The generic line classifier as a step of the plan (see :func:`classifier_step`)."""

    stage: ClassVar[Stage] = Stage.CLASSIFY
    whole_page: bool | None

    def apply(
        self, run: DocumentRun, normalized: Sequence[str], url: str | None, sites: Sequence[str]
    ) -> None:
        if len(run.lines) > CLASSIFY_MAX_LINES:
            run.warnings.append(TOO_LONG_TO_CLASSIFY)
            return
        # Detection needs to know how much the rules removed: a per-document step.
        step = classifier_step(self.whole_page, sum(map(bool, normalized)))
        run.step(step, again=self.again)

    def again(self, lines: Sequence[str]) -> Outcome:
        """The classifier as the next pass would run it on ``lines`` (this pass's output)."""
        return classifier_step(self.whole_page, sum(map(bool, lines))).run(lines)


_SPACES = regex.compile(r"\s+")
_DIGITS = regex.compile(r"\d+")


def line_key(line: str) -> str:
    """The form lines are mined (counted by ``cleantext mine``) and dropped under: what
    varies between copies of a site's line is ignored.

    >>> line_key("  Updated  12:45 GMT, 3 March ")
    'updated 0:0 gmt, 0 march'
    """
    return str(_DIGITS.sub("0", _SPACES.sub(" ", line.strip()).casefold()))


def mined_lines_step(site: str, keys: frozenset[str]) -> PlanStep:
    """A ``lines``-stage step dropping every line whose :func:`line_key` is in ``keys``;
    mined statistics are data, bounded like any rule (``DEFAULT_MAX_REMOVED``)."""
    name = StepName(f"mined/{site}", "drop-line", max_removed=DEFAULT_MAX_REMOVED)

    def run(lines: Sequence[str]) -> Outcome:
        return Outcome(
            tuple(
                Change(i, i + 1) for i, line in enumerate(lines) if line and line_key(line) in keys
            )
        )

    return rule_step(Stage.LINES, run, (name,))


class MinedLinesStep:
    """The lines ``cleantext mine`` found recurring on a site, dropped at the end of the
    ``lines`` stage of that site's documents (explained as rule ``mined/<site>``).

    Args:
        drop_lines: per site (a domain, or a site set id for documents without a URL), the
            :func:`line_key` of the lines to drop.
    """

    stage: ClassVar[Stage] = Stage.LINES

    def __init__(self, drop_lines: Mapping[str, frozenset[str]]) -> None:
        self.drop_lines = drop_lines
        self._steps: dict[str, PlanStep] = {}  # per site, built on first use

    def apply(
        self, run: DocumentRun, normalized: Sequence[str], url: str | None, sites: Sequence[str]
    ) -> None:
        step = self.step_for(url, sites)
        if step is not None:
            run.step(step)

    def step_for(self, url: str | None, sites: Sequence[str]) -> PlanStep | None:
        """The step for a document of ``url`` and ``sites``: the first of its domain, the
        domain's parents and its site sets that has mined lines."""
        names: list[str] = []
        if url:
            labels = host_of(url).removeprefix("www.").split(".")
            names = [".".join(labels[i:]) for i in range(len(labels) - 1)]
        site = next((n for n in [*names, *sites] if n in self.drop_lines), None)
        if site is None:
            return None
        step = self._steps.get(site)
        if step is None:
            step = self._steps[site] = mined_lines_step(site, self.drop_lines[site])
        return step


HEADLINE = StepName("headline/drop-headline", "drop-headline")
HEADLINE_MAX_WORDS = 25


def _drop_headline(lines: Sequence[str]) -> Outcome:
    """Drop the first line of what is left when it is shaped like a headline (no sentence
    end, at most :data:`HEADLINE_MAX_WORDS` words) and text follows it."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None or not is_heading(lines[first], HEADLINE_MAX_WORDS):
        return Outcome()
    following = next((i for i in range(first + 1, len(lines)) if lines[i]), None)
    if following is None:
        return Outcome()
    return Outcome((Change(first, following),))  # with the blank lines after it


HEADLINE_STEP = PlanStep(Stage.FINALIZE, _drop_headline, (HEADLINE,))
"""Run last, once, when ``drop_headline`` is asked for (not a step of the plan: cleaning the
settled text again would take the next line)."""
