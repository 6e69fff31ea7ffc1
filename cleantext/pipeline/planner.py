"""The plans of one cleaner: which rule sets may run, in which order, for each detected site.

A :class:`Planner` checks the options' rule choices (``select``, ``ignore``, ``sites``)
against the library once, builds the ``normalize`` plan, and builds the plan of every
combination of detected sites on first use (then keeps it): the site sets in precedence
order, the generic sets, and the built-in steps (:mod:`.steps`) each after the rules of its
stage. It also builds the one scan (:class:`~cleantext.matcher.JointScan`) that answers the
gates of the normalize and generic plans and finds the detection markers.
"""

from __future__ import annotations

from ..actions import Stage
from ..errors import ConfigError
from ..matcher import JointScan, MarkerScan
from ..options import CleanOptions
from ..rules import RuleLibrary
from .plan import PlanStep, build_plan
from .steps import CLASSIFIER, CLASSIFIER_SET, ClassifierStep, DocumentStep, MinedLinesStep

#: what a plan holds: steps over lines, and the built-in steps that need the document
PlanItem = PlanStep | DocumentStep
#: per detected sites: the rule set ids in order, and the steps
Plan = tuple[tuple[str, ...], tuple[PlanItem, ...]]

#: what ``select`` and ``ignore`` may name besides the library's sets and rules
BUILTIN_NAMES = frozenset({CLASSIFIER_SET, CLASSIFIER.qualified_id})


class Planner:
    """The plans of a cleaner of ``library`` with ``options``; ``markers`` are the detection
    markers its scan finds besides the gates.

    Raises:
        ConfigError: ``select``, ``sites`` or ``ignore`` names a set (or rule) the library
            does not have.
    """

    def __init__(self, library: RuleLibrary, options: CleanOptions, markers: MarkerScan) -> None:
        selected, ignored, forced = options.select, options.ignore, options.sites
        unknown = [n for n in selected or () if n not in library.sets and n != CLASSIFIER_SET]
        unknown += [n for n in forced or () if n not in library.sets]
        if unknown:
            raise ConfigError(
                f"unknown rule set {unknown[0]!r}; `cleantext rules list` shows them."
            )
        known_rules = {r.qualified_id for s in library.sets.values() for r in s.rules}
        for name in ignored:
            if name not in library.sets and name not in known_rules | BUILTIN_NAMES:
                raise ConfigError(f"unknown rule set or rule {name!r} in ignore.")
        self.library = library
        self._markers = markers
        allowed = frozenset(selected) if selected is not None else frozenset(library.sets)
        self._allowed = allowed - frozenset(ignored)
        self._skip = frozenset(ignored)
        self._generic = tuple(
            s for s in library.sets.values() if s.always and s.id in self._allowed
        )
        #: the ``normalize`` stage: generic sets only, before detection
        self.normalize = build_plan(self._generic, [Stage.NORMALIZE], self._skip)
        #: the input is known to be extracted text: the generic line rules are gated
        self._article_text = options.whole_page is False
        builtin: list[DocumentStep] = []
        if options.drop_lines:
            builtin.append(MinedLinesStep(options.drop_lines))
        if (
            options.classifier
            and not BUILTIN_NAMES & self._skip
            and (selected is None or CLASSIFIER_SET in selected)
        ):
            builtin.append(ClassifierStep(options.whole_page))
        #: the built-in steps each plan holds besides the rules
        self.builtin = tuple(builtin)
        self._plans: dict[tuple[str, ...], Plan] = {}
        self._joint: JointScan | bool | None = None  # built on first use; False: cannot be

    def plan(self, sites: tuple[str, ...]) -> Plan:
        """The rule set ids, in order, and the steps for a document of ``sites``."""
        plan = self._plans.get(sites)
        if plan is None:
            sets = self.library.sets
            site_ids = [s for s in self.library.closure(sites) if s in self._allowed]
            ordered = [
                *(sets[s] for s in site_ids if not sets[s].always),
                *(s for s in self._generic if s.id not in site_ids),
                *(sets[s] for s in site_ids if sets[s].always),
            ]
            stages = [s for s in Stage if s is not Stage.NORMALIZE]
            steps: tuple[PlanItem, ...] = build_plan(
                ordered, stages, self._skip, gate_lines=self._article_text
            )
            if self.builtin:  # each after the rules of its stage
                steps = tuple(sorted((*steps, *self.builtin), key=lambda step: step.stage))
            plan = (tuple(s.id for s in ordered), steps)
            self._plans[sites] = plan
        return plan

    def retire(self, rule_id: str) -> None:
        """Leave the rule ``rule_id`` out of every plan from now on (a rule that keeps running
        out of time): the plans and the joint scan are built again without it."""
        self._skip = self._skip | {rule_id}
        self.normalize = build_plan(self._generic, [Stage.NORMALIZE], self._skip)
        self._plans = {}
        self._joint = None

    def joint_scan(self) -> JointScan | None:
        """One scan for the gates of the normalize plan and of the generic plan and for the
        detection markers: they all read the normalized text, which repair rarely changes."""
        joint = self._joint
        if joint is None:
            plans = (self.normalize, self.plan(())[1])
            gates = list(
                dict.fromkeys(
                    s.gate[0] for plan in plans for s in plan if isinstance(s, PlanStep) and s.gate
                )
            )
            joint = JointScan(gates, self._markers) if gates else False
            self._joint = joint
        return joint if isinstance(joint, JointScan) else None
