"""The ``Cleaner``: rules compiled once, options checked once, then any number of documents.

A :class:`Cleaner` builds its plans (:mod:`cleantext.pipeline.plan`) per combination of
detected sites and keeps them; each document gets a :class:`~cleantext.pipeline.run.DocumentRun`
that goes through normalize, detection and the plan's steps, again while that changes it
(:func:`~cleantext.pipeline.run.settled`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from pathlib import Path
from threading import Lock
from typing import Any

from ..actions.shape import ends_sentence, has_words
from ..classify.dump import read_dump
from ..detect import SiteDetector, checked_url
from ..document import Cleaned, is_missing
from ..errors import ConfigError
from ..matcher import Lines, joined
from ..options import CleanOptions
from ..rules import RuleLibrary
from .bounds import retired
from .plan import PlanStep
from .planner import Planner
from .run import DocumentRun, settled
from .steps import HEADLINE_STEP

#: what a pass gives: the document's run, and the ids of the rule sets applied
Passed = tuple[DocumentRun, tuple[str, ...]]

RETIRE_AFTER = 3
"""Documents on which a rule may run out of its time budget before a cleaner leaves it out of
every later document: a pattern that backtracks on this input spends its whole budget (a
second by default) on each document, and would slow a dump of millions of them a
thousandfold."""


def _has_article_text(lines: Sequence[str]) -> bool:
    return any(ends_sentence(line) and has_words(line, 8) for line in lines)


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
        self._variants: dict[tuple[tuple[str, str], ...], Cleaner] = {}
        self._detector = SiteDetector(library)
        #: the plans of this cleaner (its rule choices are checked against the library here)
        self.planner = Planner(library, options, self._detector.markers)
        # Bound once: every pass of every document reads them.
        self._normalize = self.planner.normalize
        self._plan = self.planner.plan
        self._forced = options.sites
        #: per rule id, the documents on which it ran out of time (see :data:`RETIRE_AFTER`)
        self._timeouts: Counter[str] = Counter()
        self._retiring = Lock()

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_cleaner, (self.library, self.options))

    def _run(self, text: str, url: str | None, explain: bool) -> Passed:
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
        if run.out_of_time:
            self._count_timeouts(run)
        if self.options.drop_headline:
            run.step(HEADLINE_STEP)  # once, on the settled text: it takes the first line
        return run, set_ids

    def _count_timeouts(self, run: DocumentRun) -> None:
        """Count the rules that ran out of time on this document; leave out of the later
        documents a rule that did so on :data:`RETIRE_AFTER` of them, and say so."""
        with self._retiring:
            for rule_id in dict.fromkeys(run.out_of_time):
                self._timeouts[rule_id] += 1
                if self._timeouts[rule_id] == RETIRE_AFTER:
                    self.planner.retire(rule_id)
                    self._normalize = self.planner.normalize
                    run.warnings.append(retired(rule_id, RETIRE_AFTER))

    def _pass(self, text: str, url: str | None, explain: bool) -> Passed:
        """One pass of every step of the plan over ``text``."""
        run = DocumentRun(Lines.split(text), explain, joint=self.planner.joint_scan())
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

    def clean(self, text: str, *, url: str | None = None) -> str:
        """Return ``text`` without boilerplate; ``url`` (if known) selects site rules.

        Raises ``TypeError`` when ``text`` is not a string (``None`` included). A ``url`` that
        is missing (``None``, ``NaN``) or cannot be parsed means no URL.
        """
        run, _ = self._run(text, url, explain=False)
        return joined(run.lines)

    def explain(self, text: str, *, url: str | None = None, edits: bool = True) -> Cleaned:
        """Clean ``text`` and say how: the edits, found metadata, rule sets applied, warnings.

        ``edits=False`` leaves the edit log out, which costs no more than :meth:`clean`.
        """
        run, set_ids = self._run(text, url, explain=edits)
        return Cleaned(
            joined(run.lines), tuple(run.edits), run.metadata, set_ids, tuple(run.warnings)
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

    def for_dump(self, texts: Iterable[str | None]) -> Cleaner:
        """The cleaner for a dump whose first documents are ``texts``: under ``input_kind``
        ``"auto"`` (with the classifier on) this cleaner with the kind they show, read from
        the first :data:`~cleantext.classify.dump.SAMPLE_DOCUMENTS` of them
        (:func:`~cleantext.classify.dump.read_dump`: whole pages, extracted text, or a mix
        judged document by document); else this cleaner. ``cleantext clean`` and the
        datatrove step read each input so, :meth:`clean_batch` and :meth:`clean_many` their
        texts: one document's shape is weak evidence of its kind, a hundred are strong.

        >>> menu = "\\n".join(["Home", "News", "Sport", "Weather", "Login"] * 6)
        >>> Cleaner().for_dump([menu] * 12).options.input_kind
        'page'
        """
        if not self.options.reads_dump_kind:
            return self
        present = (text for text in texts if isinstance(text, str))  # None, NaN: missing
        return self.with_options(input_kind=read_dump(present).input_kind)

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
        """Clean many texts in this process (``urls``, when given, pairs with ``texts``), as a
        dump: their kind is read from the first of them (:meth:`for_dump`).

        A missing text (``None``, or the ``NaN`` of an empty pandas cell) comes back as ``None``
        and a missing URL means no URL, so one empty cell never stops a batch.
        Fits ``datasets.map(batched=True)``: ``lambda b: {"text": cleaner.clean_batch(b["text"])}``.
        """
        pairs = list(
            zip(texts, urls, strict=True) if urls is not None else zip(texts, repeat(None))
        )
        cleaner = self.for_dump(text for text, _ in pairs)
        return [
            None if text is None or is_missing(text) else cleaner.clean(text, url=url)
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
        """Clean ``texts`` lazily in ``jobs`` worker processes (default: all cores), in order,
        as a dump (see :meth:`clean_batch`); missing texts come back as ``None``.

        Each worker builds this cleaner once. Fits pandas
        (``df["text"] = list(cleaner.clean_many(df["text"]))``) and ``datasets.map``
        (``lambda b: {"text": list(cleaner.clean_many(b["text"], jobs=1))}``, batched).
        See :func:`cleantext.parallel.clean_many`.
        """
        from ..parallel import clean_many

        return clean_many(self, texts, urls=urls, jobs=jobs, batch_size=batch_size)


def _rebuild_cleaner(library: RuleLibrary, options: CleanOptions) -> Cleaner:
    return Cleaner(library, options=options)
