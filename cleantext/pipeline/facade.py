"""The ``Cleaner``: rules compiled once, options checked once, then any number of documents.

A :class:`Cleaner` builds its plans (:mod:`cleantext.pipeline.plan`) per combination of
detected sites and keeps them; each document gets a :class:`~cleantext.pipeline.run.DocumentRun`
that goes through normalize, detection and the plan's steps, again while that changes it
(:func:`~cleantext.pipeline.run.settled`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..actions import Stage
from ..actions.shape import ends_sentence, word_count
from ..detect import SiteDetector, checked_url
from ..document import Cleaned, is_missing
from ..errors import ConfigError
from ..matcher import JointScan, Lines
from ..options import CleanOptions
from ..rules import RuleLibrary
from .plan import PlanStep, build_plan
from .run import DocumentRun, settled
from .steps import (
    CLASSIFIER,
    CLASSIFIER_SET,
    HEADLINE_STEP,
    ClassifierStep,
    DocumentStep,
    MinedLinesStep,
)

#: what a plan holds: steps over lines, and the built-in steps that need the document
PlanItem = PlanStep | DocumentStep
#: per detected sites: the rule set ids in order, and the steps
Plan = tuple[tuple[str, ...], tuple[PlanItem, ...]]
#: what a pass gives: the document's run, and the ids of the rule sets applied
Passed = tuple[DocumentRun, tuple[str, ...]]


def _has_article_text(lines: Sequence[str]) -> bool:
    return any(word_count(line) >= 8 and ends_sentence(line) for line in lines)


class Cleaner:
    """A reusable, thread-safe cleaner holding compiled rule sets.

    Args:
        rules: a :class:`RuleLibrary` (used as it is), or rule folders/files loaded besides
            the shipped rule sets and those of ``CLEANTEXT_RULES_DIR`` (as ``--rules-dir``
            does; ``no_default_rules=True`` leaves the shipped ones out); ``None``: the
            shipped rules and ``CLEANTEXT_RULES_DIR``.
        options: a :class:`~cleantext.options.CleanOptions` (default: all defaults).
        **overrides: options to change on top of ``options``, by their names in
            :class:`~cleantext.options.CleanOptions`: ``select``, ``ignore``, ``sites``,
            ``classifier``, ``input_kind`` (or its older name ``whole_page``),
            ``drop_headline``, ``drop_lines``, ``no_default_rules``...

    >>> cleaner = Cleaner()
    >>> cleaner.clean("Gunfire was heard overnight in the city.\\n\\nNewspapers in English")
    'Gunfire was heard overnight in the city.'
    """

    def __init__(
        self,
        rules: RuleLibrary | str | Path | Sequence[str | Path] | None = None,
        *,
        options: CleanOptions | None = None,
        **overrides: Any,
    ) -> None:
        options = (options if options is not None else CleanOptions()).replace(**overrides)
        if isinstance(rules, RuleLibrary):
            library = rules
        else:
            if rules is not None:
                extra = [rules] if isinstance(rules, (str, Path)) else list(rules)
                options = options.replace(rules=(*options.rules, *extra))
            library = options.library()
        self.library = library
        self.options = options
        selected, ignored, forced = options.select, options.ignore, options.sites
        self._variants: dict[tuple[tuple[str, str], ...], Cleaner] = {}
        unknown_sets = [n for n in selected or () if n not in library.sets and n != CLASSIFIER_SET]
        unknown_sets += [n for n in forced or () if n not in library.sets]
        if unknown_sets:
            raise ConfigError(
                f"unknown rule set {unknown_sets[0]!r}; `cleantext rules list` shows them."
            )
        known_rules = {r.qualified_id for s in library.sets.values() for r in s.rules}
        known_rules |= {CLASSIFIER_SET, CLASSIFIER.qualified_id}
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
        self._plans: dict[tuple[str, ...], Plan] = {}
        self._joint: JointScan | bool | None = None  # built on first use; False: cannot be
        builtin: list[DocumentStep] = []
        if options.drop_lines:
            builtin.append(MinedLinesStep(options.drop_lines))
        if (
            options.classifier
            and not {CLASSIFIER_SET, CLASSIFIER.qualified_id} & self._skip
            and (selected is None or CLASSIFIER_SET in selected)
        ):
            builtin.append(ClassifierStep(options.whole_page))
        #: the built-in steps each plan holds besides the rules (see :mod:`.steps`)
        self._builtin = tuple(builtin)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_cleaner, (self.library, self.options))

    def _plan(self, sites: tuple[str, ...]) -> Plan:
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
            steps: tuple[PlanItem, ...] = build_plan(ordered, stages, self._skip)
            if self._builtin:  # each after the rules of its stage
                steps = tuple(sorted((*steps, *self._builtin), key=lambda step: step.stage))
            plan = (tuple(s.id for s in ordered), steps)
            self._plans[sites] = plan
        return plan

    def _run(
        self, text: str, url: str | None, explain: bool
    ) -> tuple[DocumentRun, tuple[str, ...]]:
        """Clean ``text`` until it settles (:func:`~cleantext.pipeline.run.settled`), then
        drop the headline if asked."""
        if not isinstance(text, str):
            raise TypeError(
                f"the text to clean must be a str, not {type(text).__name__}; "
                "clean_batch and clean_many pass missing texts (None, NaN) through as None."
            )
        warning = ""
        if url is not None:
            url, warning = checked_url(url)
        run, set_ids = settled(self._pass, text, url, explain)
        if warning:
            run.warnings.insert(0, warning)
        if self.options.drop_headline:
            run.step(HEADLINE_STEP)  # once, on the settled text: it takes the first line
        return run, set_ids

    def _pass(
        self, text: str, url: str | None, explain: bool
    ) -> tuple[DocumentRun, tuple[str, ...]]:
        """One pass of every step of the plan over ``text``."""
        run = DocumentRun(Lines(text.split("\n")), explain, joint=self._joint_scan())
        for plan_step in self._normalize:
            run.step(plan_step)
        normalized, normalize_edits = run.lines, len(run.edits)
        forced = self._forced
        sites = forced if forced is not None else self._detect(run, url)
        set_ids, steps = self._plan(sites)
        for step in steps:
            if isinstance(step, PlanStep):
                run.step(step)
            else:
                step.apply(run, normalized, url, sites)
        if not any(run.lines) and _has_article_text(normalized):
            run.warnings.append("every line would have been removed; the text was kept")
            run.lines = Lines(normalized)
            del run.edits[normalize_edits:]
            run.metadata.clear()
        return run, set_ids

    def _detect(self, run: DocumentRun, url: str | None) -> tuple[str, ...]:
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
            gates = list(
                dict.fromkeys(
                    s.gate[0] for plan in plans for s in plan if isinstance(s, PlanStep) and s.gate
                )
            )
            joint = JointScan(gates, self._detector.markers) if gates else False
            self._joint = joint
        return joint if isinstance(joint, JointScan) else None

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
        """This cleaner with the same rules and options except ``overrides`` (names of
        :class:`~cleantext.options.CleanOptions`); built once per set of overrides and kept.
        The rules stay those of this cleaner: build a new one to load others."""
        if {"rules", "no_default_rules"} & set(overrides):
            raise ConfigError(
                "with_options keeps this cleaner's rules; build a new Cleaner to load others."
            )
        key = tuple(sorted((name, repr(value)) for name, value in overrides.items()))
        variant = self._variants.get(key)
        if variant is None:
            variant = Cleaner(self.library, options=self.options.replace(**overrides))
            self._variants[key] = variant
        return variant

    def clean_html(
        self, html: str | bytes, *, url: str | None = None, encoding: str | None = None
    ) -> str:
        """The article text of an HTML page (text, or bytes in ``encoding`` or the charset the
        page declares). See :mod:`cleantext.html.clean`."""
        from ..html.clean import clean_html

        return clean_html(self, html, url=url, encoding=encoding)

    def explain_html(
        self, html: str | bytes, *, url: str | None = None, encoding: str | None = None
    ) -> Cleaned:
        """:meth:`clean_html` with the explanation: the blocks the HTML model dropped and the
        rules' edits (replaying on ``cleantext.html.parse_page(html).text``), and the page's
        metadata. See :mod:`cleantext.html.clean`."""
        from ..html.clean import explain_html

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
        from ..parallel import clean_many

        return clean_many(self, texts, urls=urls, jobs=jobs, batch_size=batch_size)


def _rebuild_cleaner(library: RuleLibrary, options: CleanOptions) -> Cleaner:
    return Cleaner(library, options=options)
