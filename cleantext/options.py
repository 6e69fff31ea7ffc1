"""The options of a cleaning, in one object, under the same names in the API and the CLI.

:class:`CleanOptions` is what :class:`~cleantext.Cleaner` is built from, what the record
processor (:class:`~cleantext.records.Processor`) and the engines (``cleantext clean``,
``-j N``, Dask) read, and what the command line fills: each command-line option is the field
of the same name (``--input-kind`` is ``input_kind``, ``--no-default-rules`` is
``no_default_rules``, ``--text-field`` is ``text_field``...). It is a frozen value: change
it with :meth:`CleanOptions.replace`, or give overrides as keywords where it is taken::

    options = CleanOptions(input_kind="article", ignore=("share",))
    cleaner = Cleaner(options=options, drop_headline=True)   # an override on top

Rules come from the shipped rule sets, then the folders of the ``CLEANTEXT_RULES_DIR``
environment variable (separated like ``PATH``), then ``rules``; ``no_default_rules=True``
leaves the shipped sets out. The same order holds for ``Cleaner(rules=...)`` and
``--rules-dir``.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigError
from .rules import RuleLibrary, default_library, shipped_rules_dir

RULES_DIR_ENV = "CLEANTEXT_RULES_DIR"
"""Rule folders (separated by ``os.pathsep``) loaded after the shipped rules, everywhere."""

InputKind = Literal["auto", "document", "page", "article"]
INPUT_KINDS: tuple[InputKind, ...] = ("auto", "document", "page", "article")
_WHOLE_PAGE: dict[str, bool | None] = {
    "auto": None,
    "document": None,
    "page": True,
    "article": False,
}


def _as_tuple(value: Iterable[Any] | str | None) -> tuple[Any, ...] | None:
    if value is None:
        return None
    return (value,) if isinstance(value, (str, Path)) else tuple(value)


@dataclass(frozen=True, slots=True)
class CleanOptions:
    """How to clean: which rules, which steps, and how records are read and written.

    Rules (the ``rules`` options of the CLI):
        rules: rule folders or files to load besides the shipped ones (``--rules-dir``).
        no_default_rules: leave the shipped rule sets out (``--no-default-rules``); the
            folders of ``CLEANTEXT_RULES_DIR`` and ``rules`` are still loaded.
        select: only these rule set ids may apply (``--select``); ``None`` for all.
        ignore: rule set ids or qualified rule ids (``set/rule``) never to apply
            (``--ignore``).
        sites: site sets to apply to every document instead of choosing them by URL or
            content (``--site``); ``None`` to detect them.

    Steps:
        classifier: run the generic line classifier on what the rules left
            (``--no-classifier`` turns it off); it counts as the set ``classifier`` for
            ``select`` and ``ignore``.
        input_kind: what the input is, for the classifier: ``"page"`` (whole-page text with
            navigation and footers, cut down to its article), ``"article"`` (extracted
            article text, only trimmed), ``"document"`` (detected for each document alone) or
            ``"auto"`` (``--input-kind``). ``auto`` reads a dump's kind from its first
            documents where there is a dump (each input of ``cleantext clean`` and of the
            Dask engine: :mod:`cleantext.classify.dump`) and is ``document`` for a text
            cleaned on its own. ``Cleaner(whole_page=True/False/None)``, its older spelling,
            still works.
        drop_headline: also remove the headline (the first line left, when shaped like one),
            explained as rule ``headline/drop-headline`` (``--drop-headline``); headlines are
            article text and kept by default.
        drop_lines: per site (domain, or site set id for documents without a URL), the line
            keys (:func:`cleantext.pipeline.steps.line_key`) to drop in the ``lines`` stage,
            explained as rule ``mined/<site>``; ``cleantext clean --drop-repeated STATS``
            reads them from the statistics of ``cleantext mine``.

    Records (JSONL, Parquet, pages; read by :class:`~cleantext.records.Processor`):
        text_field: field / column holding the text to clean, and where the cleaned text of
            an HTML field goes (``--text-field``).
        url_field: field holding the page URL, used to choose site rules (``--url-field``).
        url: URL for records that carry none, and for plain-text documents (``--url``).
        html_field: field holding an HTML page to clean instead of a text; ``None`` for none
            (``--html-field``).
        annotate: name of a field to add with the metadata and edits; ``None`` for none
            (``--annotate`` adds it under ``--annotate-field``).
        stats: count edits per rule and bytes in and out (``--stats``; needs the edit log,
            so it is slower).
        max_bytes: records larger than this (raw bytes) are rejected; ``None`` for no limit
            (``--max-bytes``).

    >>> options = CleanOptions(input_kind="article").replace(ignore=["share"])
    >>> options.input_kind, options.ignore, options.whole_page
    ('article', ('share',), False)
    """

    rules: tuple[Path, ...] = ()
    no_default_rules: bool = False
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    sites: tuple[str, ...] | None = None
    classifier: bool = True
    input_kind: InputKind = "auto"
    drop_headline: bool = False
    drop_lines: Mapping[str, frozenset[str]] = field(default_factory=dict, hash=False)
    text_field: str = "text"
    url_field: str = "url"
    url: str | None = None
    html_field: str | None = None
    annotate: str | None = None
    stats: bool = False
    max_bytes: int | None = None

    def __post_init__(self) -> None:
        # Accept what reads naturally (a list, one folder, a dict of lists) and keep the
        # value immutable and comparable.
        rules = _as_tuple(self.rules) or ()
        object.__setattr__(self, "rules", tuple(Path(p) for p in rules))
        object.__setattr__(self, "select", _as_tuple(self.select))
        object.__setattr__(self, "ignore", _as_tuple(self.ignore) or ())
        object.__setattr__(self, "sites", _as_tuple(self.sites))
        drop = {
            site.lower().removeprefix("www."): frozenset(keys)
            for site, keys in (self.drop_lines or {}).items()
        }
        object.__setattr__(self, "drop_lines", drop)
        if self.input_kind not in INPUT_KINDS:
            raise ConfigError(
                f"input_kind must be one of {', '.join(INPUT_KINDS)}, not {self.input_kind!r}."
            )

    def replace(self, **overrides: Any) -> CleanOptions:
        """These options with ``overrides`` (field names, or the older ``whole_page``).

        >>> CleanOptions().replace(whole_page=True).input_kind
        'page'
        """
        if not overrides:
            return self
        if "whole_page" in overrides:  # the older name of input_kind
            whole_page = overrides.pop("whole_page")
            kinds = [kind for kind, value in _WHOLE_PAGE.items() if value is whole_page]
            if not kinds:
                raise ConfigError(f"whole_page must be True, False or None, not {whole_page!r}.")
            overrides.setdefault("input_kind", kinds[0])
        unknown = sorted(set(overrides) - set(FIELDS))
        if unknown:
            raise ConfigError(
                f"unknown option {unknown[0]!r}; the options are: {', '.join(FIELDS)} "
                "(see cleantext.options.CleanOptions)."
            )
        return dataclasses.replace(self, **overrides)

    @property
    def whole_page(self) -> bool | None:
        """``input_kind`` as the classifier takes it: True for a page, False for an article,
        ``None`` to detect it."""
        return _WHOLE_PAGE[self.input_kind]

    @property
    def reads_dump_kind(self) -> bool:
        """Whether a dump's kind is read from its first documents (``input_kind="auto"`` with
        the classifier on: the kind only matters to the classifier)."""
        return self.input_kind == "auto" and self.classifier

    @property
    def explains(self) -> bool:
        """Whether records need the edit log (slower than plain cleaning)."""
        return self.annotate is not None or self.stats

    def rule_paths(self) -> list[Path]:
        """Where rules are loaded from: the shipped folder (unless ``no_default_rules``), the
        folders of ``CLEANTEXT_RULES_DIR``, then ``rules``."""
        paths = [] if self.no_default_rules else [shipped_rules_dir()]
        paths += [Path(p) for p in os.environ.get(RULES_DIR_ENV, "").split(os.pathsep) if p]
        return paths + list(self.rules)

    def library(self) -> RuleLibrary:
        """The rule library of :meth:`rule_paths` (the shipped one is loaded once a process)."""
        paths = self.rule_paths()
        if paths == [shipped_rules_dir()]:
            return default_library()
        return RuleLibrary.load(paths)


FIELDS = tuple(f.name for f in dataclasses.fields(CleanOptions))
"""The names of the options, in the order documented."""
