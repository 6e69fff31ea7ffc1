"""The cleaning pipeline: the ordered steps a document goes through, and the ``Cleaner``.

Order (defined here and in :class:`~cleantext.actions.Stage`, nowhere else):

1. ``normalize``: the normalization rules of generic sets (whitespace, unicode repair);
2. detect: choose site sets by URL domain, else by content signature (on normalized text);
3. ``inline`` → ``extract`` → ``lines`` → ``blocks`` → ``classify`` → ``repair`` →
   ``finalize``: in each stage the rules of site sets run first (a site before the sets it
   extends), then those of generic sets (by set id), each set's rules in file order. All
   whole-line rules of the ``lines`` stage run as one combined pass.

A document is a list of lines; each step returns changes and the pipeline applies them. Only
when an explanation is asked for are the changes turned into character edits, so the plain
``clean`` path never pays for the edit log.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .actions import ACTIONS, Change, LineRule, Outcome, Stage, Step, run_line_rules
from .actions.repair import is_heading
from .actions.shape import ends_sentence, word_count
from .bounds import out_of_time, over_bound, over_bounds
from .changes import apply_changes, edits_for
from .classify import boilerplate_runs
from .detect import SiteDetector, checked_url, host_of
from .document import Cleaned, Edit, is_missing
from .errors import ConfigError
from .matcher import (
    OUTER_SPACE,
    JointScan,
    LineMatchers,
    Lines,
    PatternGate,
    joined,
    pattern_gate,
)
from .matcher.budget import Budgets
from .mine import line_key
from .rules import DEFAULT_MAX_REMOVED, Rule, RuleLibrary, RuleSet, default_library


@dataclass(frozen=True, slots=True)
class PlanStep:
    """One step of a plan: a callable over lines and the rules its change tags refer to."""

    stage: Stage
    run: Step = field(repr=False)
    rules: tuple[Rule, ...]
    #: ``(gate, index, strips)``: skip the step unless ``gate`` says pattern ``index`` may
    #: match (or, when ``strips``, some line has whitespace at an end); see ``_gated_steps``.
    gate: tuple[PatternGate, int, bool] | None = field(default=None, repr=False)
    #: an RE2 pattern that occurs in every text this step changes (``ActionSpec.presence``
    #: for a step of several rules), to gate it
    presence: str | None = field(default=None, repr=False)
    #: per rule (change tag), the share of the text it may remove (``Rule.max_removed``; 1 for
    #: none); ``None`` when no rule of the step is bounded
    bounds: tuple[float, ...] | None = field(default=None, repr=False)
    #: the smallest of ``bounds``: a step removing less than that share needs no count per rule
    tightest: float = field(default=1.0, repr=False)


def rule_step(stage: Stage, run: Step, rules: Sequence[Rule], **gates: Any) -> PlanStep:
    """A plan step running ``rules`` (one, or the combined whole-line rules) with their
    removal bounds (``Rule.max_removed``) attached."""
    limits = [rule.max_removed for rule in rules]
    if all(limit is None for limit in limits):
        return PlanStep(stage, run, tuple(rules), **gates)
    bounds = tuple(1.0 if limit is None else limit for limit in limits)
    return PlanStep(stage, run, tuple(rules), **gates, bounds=bounds, tightest=min(bounds))


def _line_step(rules: Sequence[Rule], generic: frozenset[str]) -> PlanStep:
    """The ``lines`` stage as one step: every whole-line rule in one combined scan."""
    line_rules: list[LineRule] = [r.line_rule for r in rules if r.line_rule is not None]
    # One matcher per run of site or of generic rules: the generic part is compiled once and
    # shared by the plans of every site.
    parts: list[list[str]] = []
    previous: bool | None = None
    for rule in rules:
        if rule.line_rule is not None:
            is_generic = rule.set_id in generic
            if is_generic is not previous:
                parts.append([])
                previous = is_generic
            parts[-1].append(rule.line_rule.pattern)
    matcher = LineMatchers([tuple(part) for part in parts])
    seconds = tuple(rule.seconds for rule in line_rules)

    def run(lines: Sequence[str]) -> Outcome:
        budgets = Budgets(seconds)
        outcome = run_line_rules(lines, matcher, line_rules, budgets)
        if budgets.spent:  # name the rules left out of this document
            held = tuple(out_of_time(rules[tag]) for tag in sorted(budgets.spent))
            return replace(outcome, warnings=(*outcome.warnings, *held))
        return outcome

    return rule_step(
        Stage.LINES,
        run,
        rules,
        # Gated where all rules are generic (then the joint scan answers the gate almost for
        # free): on most extracted texts the generic line rules find nothing.
        presence=matcher.presence if previous and len(parts) == 1 else None,
    )


def build_plan(
    rule_sets: Sequence[RuleSet], stages: Iterable[Stage], skip: frozenset[str]
) -> tuple[PlanStep, ...]:
    """Order the rules of ``rule_sets`` (already in precedence order) into plan steps."""
    steps: list[PlanStep] = []
    for stage in sorted(stages):
        rules = [
            rule
            for rule_set in rule_sets
            for rule in rule_set.rules
            if rule.stage is stage and rule.qualified_id not in skip
        ]
        if stage is Stage.LINES and rules:
            generic = frozenset(s.id for s in rule_sets if s.always)
            steps.append(_line_step(rules, generic))
        else:
            steps.extend(rule_step(stage, rule.step, (rule,)) for rule in rules)
    return _gated_steps(steps, frozenset(s.id for s in rule_sets if s.always))


# Whitespace at either end of a line: what span actions strip even where they do not match.
_OUTER_SPACE = (OUTER_SPACE, False)


def _gated_steps(steps: list[PlanStep], generic: frozenset[str]) -> tuple[PlanStep, ...]:
    """Attach a combined :class:`PatternGate` to the steps whose action declares a gate, so a
    document pays one scan, not one per rule, to learn which of them can act. Generic and site
    rules get one gate each: the generic one is compiled once and shared by every site's plan.
    """
    sources: dict[bool, list[tuple[str, bool]]] = {True: [_OUTER_SPACE], False: [_OUTER_SPACE]}
    raw: dict[bool, list[str]] = {True: [], False: []}  # indexes follow those of ``sources``
    wanted: dict[int, tuple[bool, int, bool]] = {}
    presences: dict[int, tuple[bool, int]] = {}
    for position, plan_step in enumerate(steps):
        rule = plan_step.rules[0]
        spec = ACTIONS[rule.action] if len(plan_step.rules) == 1 else None
        declared = spec.gate if spec is not None else None
        presence = plan_step.presence or (spec.presence if spec is not None else None)
        if declared and isinstance(rule.params.get(declared[0]), str):
            part = sources[rule.set_id in generic]
            wanted[position] = (rule.set_id in generic, len(part), declared[1] == "span-strip")
            part.append((rule.params[declared[0]], declared[1] == "line"))
        elif presence is not None:
            presences[position] = (rule.set_id in generic, len(raw[rule.set_id in generic]))
            raw[rule.set_id in generic].append(presence)
    for position, (key, index) in presences.items():
        wanted[position] = (key, len(sources[key]) + index, False)
    gates = {
        key: pattern_gate(tuple(part), tuple(raw[key]))
        for key, part in sources.items()
        if len(part) > 1 or raw[key]
    }
    return tuple(
        replace(s, gate=(gates[wanted[i][0]], *wanted[i][1:])) if i in wanted else s
        for i, s in enumerate(steps)
    )


#: lines above which a document is not given to the line classifier: its working memory
#: grows by some 640 bytes a line, so a 2 MB input of a million one-character lines took
#: 640 MB; real pages have at most a few thousand lines. Rules still apply to such documents.
CLASSIFY_MAX_LINES = 20_000
TOO_LONG_TO_CLASSIFY = (
    f"the document has more than {CLASSIFY_MAX_LINES:,} lines; the line classifier was not run"
)


@dataclass(slots=True)
class _Run:
    """The mutable state of one document going through the steps (never shared)."""

    lines: list[str]
    explain: bool
    edits: list[Edit] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    possible: dict[PatternGate, frozenset[int]] = field(default_factory=dict)  # until a change
    #: answers the gates it holds and the detection markers in one scan (see ``Cleaner._run``)
    joint: JointScan | None = None
    #: the marker hits of the joint scan (to confirm), with the lines it read
    markers: tuple[list[str], list[int]] | None = None
    #: steps that may act on the output (see ``Cleaner._run``): a step that passed over a
    #: line it would act on elsewhere (``Outcome.unsettled``), or one that judged lines a
    #: repair step changed after it
    recheck: list[Step] = field(default_factory=list)
    #: the steps that judged the lines so far in this pass (the classifier, repair steps)
    judges: list[Step] = field(default_factory=list)

    def step(self, plan_step: PlanStep, again: Step | None = None) -> None:
        """Apply ``plan_step``; ``again`` is how to run it on this pass's output, for a step
        that judges the lines (the classifier: :meth:`Cleaner._classify_again`)."""
        judges = len(self.judges)  # a repair step's changes concern those before it
        if again is not None or plan_step.stage is Stage.REPAIR:
            self.judges.append(again or plan_step.run)
        if plan_step.gate is not None:
            gate, index, strips = plan_step.gate
            found = self.possible.get(gate)
            if found is None:
                found = self.gate(gate)
            if index not in found and not (strips and 0 in found):
                return
        try:
            outcome: Outcome = plan_step.run(self.lines)
        except TimeoutError:  # a rule's pattern ran out of its time budget: leave it out
            self.warnings.append(out_of_time(plan_step.rules[0]))
            return
        changes: Sequence[Change] = outcome.changes
        if changes and plan_step.bounds is not None:
            changes = self.within_bounds(plan_step, changes)
            if not changes and len(plan_step.rules) == 1:
                return  # the rule is not applied to this document at all
        for key, value in outcome.metadata.items():
            self.metadata.setdefault(key, value)
        self.warnings.extend(outcome.warnings)
        if outcome.unsettled:
            self.recheck.append(again or plan_step.run)
        if changes:
            # The classifier and the earlier repair steps judged the lines as they were; a
            # line a repair step joins or drops after them changes what they would judge.
            if plan_step.stage is Stage.REPAIR:
                self.recheck.extend(self.judges[:judges])
            if self.explain:
                self.edits.extend(edits_for(self.lines, changes, plan_step.rules))
            self.lines = apply_changes(self.lines, changes)
            self.possible.clear()

    def within_bounds(self, plan_step: PlanStep, changes: Sequence[Change]) -> Sequence[Change]:
        """``changes`` without those of rules over their removal bound (see
        :mod:`cleantext.bounds`), which are named in the warnings. Apart from :meth:`step`,
        whose every call would otherwise make cells for what these expressions capture."""
        assert plan_step.bounds is not None
        over = over_bounds(self.lines, changes, plan_step.bounds, plan_step.tightest)
        if not over:
            return changes
        self.warnings.extend(over_bound(plan_step.rules[tag]) for tag in sorted(over))
        return tuple(change for change in changes if change.tag not in over)

    def gate(self, gate: PatternGate) -> frozenset[int]:
        """``gate.possible`` for the current lines; a gate of the joint scan has every other
        one of its gates answered, and the markers found, by the same scan."""
        if self.joint is not None and gate in self.joint.gates:
            answer = self.joint.scan(self.lines)
            if answer is not None:
                self.possible.update(answer[0])
                self.markers = (self.lines, answer[1])
                return answer[0][gate]
        found = self.possible[gate] = gate.possible(self.lines)
        return found

    def found_markers(self, late: list[int]) -> set[int] | None:
        """The detection markers in the current lines, from the joint scan (``None``: no
        joint scan can answer, ask the detector); markers out of time are added to ``late``."""
        if self.joint is None:
            return None
        if self.markers is None or self.markers[0] is not self.lines:
            answer = self.joint.scan(self.lines)
            if answer is None:
                return None
            self.possible.update(answer[0])
            self.markers = (self.lines, answer[1])
        return self.joint.markers.from_hits(self.markers[1], joined(self.lines), late)


def run_steps(text: str, steps: Sequence[PlanStep], *, explain: bool = True) -> Cleaned:
    """Run ``steps`` on ``text`` outside a :class:`Cleaner` (used to test one rule alone)."""
    run = _Run(Lines(text.split("\n")), explain)
    for plan_step in steps:
        run.step(plan_step)
    return Cleaned("\n".join(run.lines), tuple(run.edits), run.metadata, (), tuple(run.warnings))


def _has_article_text(lines: Sequence[str]) -> bool:
    return any(word_count(line) >= 8 and ends_sentence(line) for line in lines)


MAX_PASSES = 4
"""Most passes of the pipeline over one document (see ``Cleaner._run``)."""

CLASSIFIER_SET = "classifier"
CLASSIFIER_RULE = Rule(
    set_id=CLASSIFIER_SET,
    id="boilerplate-line",
    description="Drop lines the generic line classifier judges to be boilerplate.",
    why="Most pages come from sites nobody wrote rules for; their menus, footers and "
    "residual captions are recognised by shape, neighbourhood and position.",
    action="classify-lines",
    params={},
    examples=(),
    stage=Stage.CLASSIFY,
    step=lambda lines: Outcome(),
)
CONSERVATIVE_WARNING = "the classifier would have removed nearly everything; its lines were kept"


def _acts_again(run: _Run) -> bool:
    """Whether a step of ``run.recheck`` would change ``run``'s output: only then can another
    pass change it (the other steps give the same answer on their own output)."""
    for step in dict.fromkeys(run.recheck):
        try:
            if step(run.lines).changes:
                return True
        except TimeoutError:  # out of time again: the next pass leaves it out as well
            continue
    return False


def classifier_step(whole_page: bool | None, lines_before: int | None = None) -> PlanStep:
    """The ``classify`` stage: drop the lines :func:`boilerplate_runs` finds.

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

    return PlanStep(Stage.CLASSIFY, run, (CLASSIFIER_RULE,))


HEADLINE_RULE = Rule(
    set_id="headline",
    id="drop-headline",
    description="Drop the headline: the first line, when it is shaped like one.",
    why="Asked for with drop_headline (--drop-headline); headlines are article text otherwise.",
    action="drop-headline",
    params={},
    examples=(),
    stage=Stage.FINALIZE,
    step=lambda lines: Outcome(),
)
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


HEADLINE_STEP = PlanStep(Stage.FINALIZE, _drop_headline, (HEADLINE_RULE,))
"""Run last, once, when ``drop_headline`` is asked for (not a step of the plan: cleaning the
settled text again would take the next line)."""


class Cleaner:
    """A reusable, thread-safe cleaner holding compiled rule sets.

    Args:
        rules: a :class:`RuleLibrary`, or folders/files to load one from; ``None`` for the
            shipped rules.
        select: only these rule set ids may apply (default: all).
        ignore: rule set ids or qualified rule ids (``set/rule``) never to apply.
        sites: site sets to apply to every document, instead of choosing them by URL or content.
        classifier: run the generic line classifier on what the rules left (``classify``
            stage); it counts as the set ``classifier`` for ``select`` and ``ignore``.
        whole_page: the input is whole-page text (True) or extracted article text (False);
            ``None`` detects it per document.
        drop_headline: also remove the headline (the first line left, when shaped like one),
            explained as rule ``headline/drop-headline``; headlines are kept by default.
        drop_lines: per site (domain, or site set id for documents without a URL), line keys
            (:func:`cleantext.mine.line_key`) to drop in the ``lines`` stage, as mined by
            ``cleantext mine``; explained as rule ``mined/<site>``.

    >>> cleaner = Cleaner()
    >>> cleaner.clean("Gunfire was heard overnight in the city.\\n\\nNewspapers in English")
    'Gunfire was heard overnight in the city.'
    """

    def __init__(
        self,
        rules: RuleLibrary | str | Path | Sequence[str | Path] | None = None,
        *,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        sites: Iterable[str] | None = None,
        drop_lines: Mapping[str, Iterable[str]] | None = None,
        classifier: bool = True,
        whole_page: bool | None = None,
        drop_headline: bool = False,
    ) -> None:
        if rules is None:
            library = default_library()
        elif isinstance(rules, RuleLibrary):
            library = rules
        elif isinstance(rules, (str, Path)):
            library = RuleLibrary.load([rules])
        else:
            library = RuleLibrary.load(rules)
        self.library = library
        selected = tuple(select) if select is not None else None
        ignored = tuple(ignore)
        forced = tuple(sites) if sites is not None else None
        self._drop_lines = {
            site.lower().removeprefix("www."): frozenset(keys)
            for site, keys in (drop_lines or {}).items()
        }
        # What another process needs to build the same cleaner (see __reduce__).
        self._options: dict[str, Any] = {
            "select": selected,
            "ignore": ignored,
            "sites": forced,
            "drop_lines": self._drop_lines,
            "classifier": classifier,
            "whole_page": whole_page,
            "drop_headline": drop_headline,
        }
        self._mined_steps: dict[str, PlanStep] = {}
        self._variants: dict[tuple[tuple[str, str], ...], Cleaner] = {}
        unknown_sets = [n for n in selected or () if n not in library.sets and n != CLASSIFIER_SET]
        unknown_sets += [n for n in forced or () if n not in library.sets]
        if unknown_sets:
            raise ConfigError(
                f"unknown rule set {unknown_sets[0]!r}; `cleantext rules list` shows them."
            )
        known_rules = {r.qualified_id for s in library.sets.values() for r in s.rules}
        known_rules |= {CLASSIFIER_SET, CLASSIFIER_RULE.qualified_id}
        for name in ignored:
            if name not in library.sets and name not in known_rules:
                raise ConfigError(f"unknown rule set or rule {name!r} in ignore.")
        self._allowed = frozenset(selected) if selected is not None else frozenset(library.sets)
        self._allowed -= frozenset(ignored)
        self._skip = frozenset(ignored)
        self._forced = forced
        self._detector = SiteDetector(library)
        self._generic = tuple(
            s for s in library.sets.values() if s.always and s.id in self._allowed
        )
        self._normalize = build_plan(self._generic, [Stage.NORMALIZE], self._skip)
        #: per detected sites: the set ids in order and the steps
        self._plans: dict[tuple[str, ...], tuple[tuple[str, ...], tuple[PlanStep, ...]]] = {}
        self._joint: JointScan | bool | None = None  # built on first use; False: cannot be
        self._classify = (
            classifier_step(whole_page)
            if classifier
            and not {CLASSIFIER_SET, CLASSIFIER_RULE.qualified_id} & self._skip
            and (selected is None or CLASSIFIER_SET in selected)
            else None
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_cleaner, (self.library, self._options))

    def _plan(self, sites: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[PlanStep, ...]]:
        plan = self._plans.get(sites)
        if plan is None:
            site_ids = [s for s in self.library.closure(sites) if s in self._allowed]
            site_sets = [self.library.sets[s] for s in site_ids if not self.library.sets[s].always]
            ordered = [
                *site_sets,
                *(s for s in self._generic if s.id not in site_ids),
                *(self.library.sets[s] for s in site_ids if self.library.sets[s].always),
            ]
            stages = [s for s in Stage if s is not Stage.NORMALIZE]
            steps = build_plan(ordered, stages, self._skip)
            if self._classify is not None:
                steps = tuple(sorted((*steps, self._classify), key=lambda step: step.stage))
            plan = (tuple(s.id for s in ordered), steps)
            self._plans[sites] = plan
        return plan

    def _run(self, text: str, url: str | None, explain: bool) -> tuple[_Run, tuple[str, ...]]:
        """Clean ``text``, and clean the result again while that changes it.

        Cleaning is idempotent: ``clean(clean(text)) == clean(text)``. Each step gives the
        same answer on its own output (the classifier looks again at what it kept until it
        removes nothing more), except when its answer depends on what other steps do after
        it (``Outcome.unsettled``): a footer marker passed over because too little text came
        before it, which may change once lines are removed, or a byline below the lines a
        byline rule looks at; lines the repair stage joins or drops after the classifier or
        an earlier repair step judged them; a classifier still removing lines after its last
        look. Only then are those steps run on the result, and if one of them would change
        it, the result is cleaned again, until nothing changes (at most :data:`MAX_PASSES`
        passes); the edits of every pass are kept in order, so they still replay onto the
        input.
        """
        if not isinstance(text, str):
            raise TypeError(
                f"the text to clean must be a str, not {type(text).__name__}; "
                "clean_batch and clean_many pass missing texts (None, NaN) through as None."
            )
        warning = ""
        if url is not None:
            url, warning = checked_url(url)
        run, set_ids = self._pass(text, url, explain)
        if warning:
            run.warnings.insert(0, warning)
        passes = 1
        while run.recheck and passes < MAX_PASSES and _acts_again(run):
            output = "\n".join(run.lines)
            again, set_ids = self._pass(output, url, explain)
            if "\n".join(again.lines) == output:
                break
            again.edits[:0] = run.edits
            again.metadata = {**again.metadata, **run.metadata}
            again.warnings[:0] = run.warnings
            run, passes = again, passes + 1
        if self._options["drop_headline"]:
            run.step(HEADLINE_STEP)  # once, on the settled text: it takes the first line
        return run, set_ids

    def _pass(self, text: str, url: str | None, explain: bool) -> tuple[_Run, tuple[str, ...]]:
        """One pass of every step of the plan over ``text``."""
        run = _Run(Lines(text.split("\n")), explain, joint=self._joint_scan())
        for plan_step in self._normalize:
            run.step(plan_step)
        normalized, normalize_edits = run.lines, len(run.edits)
        forced = self._forced
        sites = forced if forced is not None else self._detect(run, url)
        set_ids, steps = self._plan(sites)
        mined = self._mined_step(url, sites) if self._drop_lines else None
        for plan_step in steps:
            if mined is not None and plan_step.stage > Stage.LINES:
                run.step(mined)
                mined = None
            if plan_step is self._classify:
                if len(run.lines) > CLASSIFY_MAX_LINES:
                    run.warnings.append(TOO_LONG_TO_CLASSIFY)
                    continue
                # Detection needs to know how much the rules removed: a per-document step.
                plan_step = classifier_step(self._options["whole_page"], sum(map(bool, normalized)))
                run.step(plan_step, again=self._classify_again)
                continue
            run.step(plan_step)
        if mined is not None:
            run.step(mined)
        if not any(run.lines) and _has_article_text(normalized):
            run.warnings.append("every line would have been removed; the text was kept")
            run.lines = Lines(normalized)
            del run.edits[normalize_edits:]
            run.metadata.clear()
        return run, set_ids

    def _classify_again(self, lines: Sequence[str]) -> Outcome:
        """The classifier as the next pass would run it on ``lines`` (this pass's output)."""
        return classifier_step(self._options["whole_page"], sum(map(bool, lines))).run(lines)

    def _detect(self, run: _Run, url: str | None) -> tuple[str, ...]:
        """Site sets by URL, else by content (markers found by the run's joint scan)."""
        by_domain = self._detector.by_domain(url)
        if by_domain:
            return by_domain
        late: list[int] = []
        found = run.found_markers(late)
        if found is None:
            sites = self._detector.by_content(run.lines, late)
        else:
            sites = self._detector.by_markers(found)
        if late:
            run.warnings.extend(map(self._late_marker, late))
        return sites

    def _late_marker(self, marker: int) -> str:
        """The warning for a detect marker that ran out of time (it counted as absent)."""
        return (
            f"a detect marker of rule set {self._detector.owner(marker)} ran out of its time "
            "budget; it counted as absent"
        )

    def _joint_scan(self) -> JointScan | None:
        """One scan for the gates of the normalize plan and of the generic plan and for the
        detection markers: they all read the normalized text, which repair rarely changes."""
        joint = self._joint
        if joint is None:
            plans = (self._normalize, self._plan(())[1])
            gates = list(dict.fromkeys(s.gate[0] for plan in plans for s in plan if s.gate))
            joint = JointScan(gates, self._detector.markers) if gates else False
            self._joint = joint
        return joint if isinstance(joint, JointScan) else None

    def _mined_step(self, url: str | None, sites: Sequence[str]) -> PlanStep | None:
        """The step dropping mined lines of this document's site (domain, parents, set ids)."""
        names: list[str] = []
        if url:
            labels = host_of(url).removeprefix("www.").split(".")
            names = [".".join(labels[i:]) for i in range(len(labels) - 1)]
        site = next((n for n in [*names, *sites] if n in self._drop_lines), None)
        if site is None:
            return None
        step = self._mined_steps.get(site)
        if step is None:
            step = mined_lines_step(site, self._drop_lines[site])
            self._mined_steps[site] = step
        return step

    def clean(self, text: str, *, url: str | None = None) -> str:
        """Return ``text`` without boilerplate; ``url`` (if known) selects site rules.

        Raises ``TypeError`` when ``text`` is not a string (``None`` included). A ``url`` that
        is missing (``None``, ``NaN``) or cannot be parsed means no URL.
        """
        run, _ = self._run(text, url, explain=False)
        return "\n".join(run.lines)

    def explain(self, text: str, *, url: str | None = None, edits: bool = True) -> Cleaned:
        """Clean ``text`` and say how: the edits, found metadata, rule sets applied, warnings.

        ``edits=False`` leaves the edit log out, which costs no more than :meth:`clean`.
        """
        run, set_ids = self._run(text, url, explain=edits)
        return Cleaned(
            "\n".join(run.lines), tuple(run.edits), run.metadata, set_ids, tuple(run.warnings)
        )

    def with_options(self, **overrides: Any) -> Cleaner:
        """This cleaner with the same rules and options except ``overrides`` (the keyword
        options of :class:`Cleaner`); built once per set of overrides and kept."""
        key = tuple(sorted((name, repr(value)) for name, value in overrides.items()))
        variant = self._variants.get(key)
        if variant is None:
            variant = Cleaner(self.library, **{**self._options, **overrides})
            self._variants[key] = variant
        return variant

    def clean_html(
        self, html: str | bytes, *, url: str | None = None, encoding: str | None = None
    ) -> str:
        """The article text of an HTML page (text, or bytes in ``encoding`` or the charset the
        page declares). See :mod:`cleantext.html.clean`."""
        from .html.clean import clean_html

        return clean_html(self, html, url=url, encoding=encoding)

    def explain_html(
        self, html: str | bytes, *, url: str | None = None, encoding: str | None = None
    ) -> Cleaned:
        """:meth:`clean_html` with the explanation: the blocks the HTML model dropped and the
        rules' edits (replaying on ``cleantext.html.parse_page(html).text``), and the page's
        metadata. See :mod:`cleantext.html.clean`."""
        from .html.clean import explain_html

        return explain_html(self, html, url=url, encoding=encoding)

    def clean_batch(
        self, texts: Iterable[str | None], urls: Iterable[str | None] | None = None
    ) -> list[str | None]:
        """Clean many texts in this process (``urls``, when given, pairs with ``texts``).

        A missing text (``None``, or the ``NaN`` of an empty pandas cell) comes back as ``None``
        and a missing URL means no URL, so one empty cell never stops a batch.
        Fits ``datasets.map(batched=True)``: ``lambda b: {"text": cleaner.clean_batch(b["text"])}``.
        """
        pairs = zip(texts, urls, strict=True) if urls is not None else ((t, None) for t in texts)
        return [
            None if text is None or is_missing(text) else self.clean(text, url=url)
            for text, url in pairs
        ]

    def clean_many(
        self,
        texts: Iterable[str | None],
        *,
        urls: Iterable[str | None] | None = None,
        jobs: int | None = None,
        batch_size: int = 64,
    ) -> Iterator[str | None]:
        """Clean ``texts`` lazily in ``jobs`` worker processes (default: all cores), in order;
        missing texts come back as ``None`` (see :meth:`clean_batch`).

        Each worker builds this cleaner once. Fits pandas
        (``df["text"] = list(cleaner.clean_many(df["text"]))``) and ``datasets.map``
        (``lambda b: {"text": list(cleaner.clean_many(b["text"], jobs=1))}``, batched).
        See :func:`cleantext.parallel.clean_many`.
        """
        from .parallel import clean_many

        return clean_many(self, texts, urls=urls, jobs=jobs, batch_size=batch_size)


def mined_lines_step(site: str, keys: frozenset[str]) -> PlanStep:
    """A ``lines``-stage step dropping every line whose :func:`line_key` is in ``keys``."""
    rule = Rule(
        set_id="mined",
        id=site,
        description=f"Drop lines mined as boilerplate of {site}.",
        why="They recur across a large share of this site's articles (cleantext mine).",
        action="drop-line",
        params={},
        examples=(),
        stage=Stage.LINES,
        step=lambda lines: Outcome(),
        max_removed=DEFAULT_MAX_REMOVED,  # mined statistics are data, bounded like any rule
    )

    def run(lines: Sequence[str]) -> Outcome:
        return Outcome(
            tuple(
                Change(i, i + 1) for i, line in enumerate(lines) if line and line_key(line) in keys
            )
        )

    return rule_step(Stage.LINES, run, (rule,))


def _rebuild_cleaner(library: RuleLibrary, options: dict[str, Any]) -> Cleaner:
    return Cleaner(library, **options)
