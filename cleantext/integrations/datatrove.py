"""A datatrove pipeline step that cleans each document's text with a :class:`Cleaner`.

Optional: needs ``datatrove`` (``pip install 'cleantext-news[datatrove]'``). It goes after
datatrove's own readers, as any of its steps::

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleantext.integrations.datatrove import CleanText

    LocalPipelineExecutor(
        pipeline=[
            JsonlReader("scraped/"),
            CleanText(exclusion_writer=JsonlWriter("emptied/")),
            JsonlWriter("clean/"),
        ],
        tasks=4,
    ).run()

Each task reads its documents as a dump, as ``cleantext clean`` reads an input: under the
cleaner's default ``input_kind="auto"`` its first 100 texts tell whether it holds whole-page text
or extracted article text (:mod:`cleantext.classify.dump`), and every text of the task is
cleaned as that kind (counted in the stats as ``read as page``, ``read as article`` or ``read as
document``, the last for a mix or too few texts).

Each document's ``metadata["url"]`` (the key is ``url_key``) chooses the site rules. A document
whose text is a whole HTML page (what datatrove's WARC reader gives) is cleaned as a page. What
the step did is counted in datatrove's stats: documents in, forwarded and dropped, pages read
as HTML, characters removed, the pipeline's warnings and (with ``rule_stats``) each rule's
removals. A document cleaned down to nothing is dropped; with an ``exclusion_writer`` it is
written there as it came in, with ``metadata["filter_reason"] = "cleantext_empty"``, so
nothing is lost.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from itertools import chain, islice
from typing import Any

from ..classify.dump import SAMPLE_DOCUMENTS
from ..errors import ConfigError
from ..pages import clean_page, looks_like_page
from ..pipeline import Cleaner
from ..records import annotation

try:
    from datatrove.pipeline.base import PipelineStep
    from datatrove.utils.typeshelper import StatHints
except ImportError as error:
    raise ConfigError(
        "the datatrove step needs datatrove: pip install 'cleantext-news[datatrove]'."
    ) from error

#: ``metadata["filter_reason"]`` of a document sent to the exclusion writer.
EMPTY_REASON = "cleantext_empty"


class CleanText(PipelineStep):  # type: ignore[misc]  # datatrove ships no type hints
    """Clean ``doc.text`` of every document; drop those cleaned down to nothing.

    Args:
        cleaner: the cleaner (default: the shipped rules), built once and sent to each task.
        exclusion_writer: a datatrove writer for the documents dropped as empty (unchanged).
        url_key: the metadata key of a document's URL, which chooses the site rules.
        html: ``True``: every text is an HTML page; ``False``: none is; ``None`` (default):
            a text that opens as a whole page (doctype, ``<html>``) is one.
        annotate: a metadata key to store the metadata found, the rule sets applied and every
            edit under (as ``cleantext clean --annotate`` does); ``None`` for none.
        rule_stats: count each rule's removals in the stats (needs the edit log: slower).
    """

    name = "🧹 cleantext"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        cleaner: Cleaner | None = None,
        *,
        exclusion_writer: Any = None,
        url_key: str = "url",
        html: bool | None = None,
        annotate: str | None = None,
        rule_stats: bool = False,
    ) -> None:
        super().__init__()
        self.cleaner = cleaner if cleaner is not None else Cleaner()
        self.exclusion_writer = exclusion_writer
        self.url_key = url_key
        self.html = html
        self.annotate = annotate
        self.rule_stats = rule_stats

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Iterator[Any]:
        """Clean each document of ``data`` (datatrove's entry point)."""
        if data is None:
            return
        docs, cleaner = self._read_dump(iter(data))
        writer_context = self.exclusion_writer or contextlib.nullcontext()
        with writer_context as writer:
            for doc in docs:
                self.stat_update(StatHints.total)
                with self.track_time():
                    kept = self._clean(doc, cleaner)
                if kept:
                    self.stat_update(StatHints.forwarded)
                    self.update_doc_stats(doc)
                    yield doc
                    continue
                self.stat_update(StatHints.dropped, f"dropped_{EMPTY_REASON}")
                if writer is not None:
                    doc.metadata["filter_reason"] = EMPTY_REASON
                    writer.write(doc, rank)

    def _read_dump(self, docs: Iterator[Any]) -> tuple[Iterator[Any], Cleaner]:
        """The documents (the first ones held back and put first again) and the cleaner for
        their dump's kind (see the module docstring), unless the cleaner's options say the kind
        or leave the classifier out."""
        if not self.cleaner.options.reads_dump_kind:
            return docs, self.cleaner
        held = list(islice(docs, SAMPLE_DOCUMENTS))
        cleaner = self.cleaner.for_dump(doc.text for doc in held if not self._is_page(doc.text))
        self.stat_update(f"read as {cleaner.options.input_kind}")
        return chain(held, docs), cleaner

    def _is_page(self, text: str) -> bool:
        return self.html if self.html is not None else looks_like_page(text)

    def _clean(self, doc: Any, cleaner: Cleaner) -> bool:
        """Clean ``doc`` in place, unless it is cleaned down to nothing; whether it is kept."""
        url = doc.metadata.get(self.url_key)
        url = url if isinstance(url, str) and url else None
        explain = self.annotate is not None or self.rule_stats
        if self._is_page(doc.text):
            self.stat_update("html_pages")
            cleaned = clean_page(cleaner, doc.text, url=url, explain=explain)
        else:
            cleaned = cleaner.explain(doc.text, url=url, edits=explain)
        for warning in cleaned.warnings:
            self.stat_update(f"warning: {warning}")
        if self.rule_stats:
            for rule, hits in cleaned.removed_by_rule().items():
                self.stat_update(f"rule: {rule}", value=hits)
        if not cleaned.text.strip():
            return False
        self.stat_update("removed_chars", value=max(len(doc.text) - len(cleaned.text), 0))
        doc.text = cleaned.text
        if self.annotate is not None:
            doc.metadata[self.annotate] = annotation(cleaned)
        return True
