"""Which kind of text a whole dump holds, read from a sample of its documents.

The page detector (:mod:`cleantext.classify.kind`) judges one document at a time, and one
document's shape is weak evidence: a whole page of a site with few menus reads like article
text, a long list-heavy article reads like a page. A dump is different: it comes from one
scraper, so it is whole-page text (a WET file, a crawl's ``text`` field) or extracted article
text, and the detector's verdicts on its first documents say which far more surely than any
one verdict. Measured on the three shared corpora (detector on the raw text, the shipped
model): 79-84% of whole pages read as pages, 0-3% of extracted texts do.

So a dump whose sampled documents are mostly pages is cleaned as pages, one whose documents
are almost never pages as articles, and a mixed one document by document. Held out (leave one
corpus out, ``benchmarks/classifier/validate.py``), against each document judged alone: whole
pages 0.878 / 0.792 / 0.872 -> 0.899 / 0.786 / 0.876 token F1 (the detector's misses are cut down
as pages; WCXB's documentation and listing pages lose), extracted text 0.9595 / 0.8081 / 0.9398
-> 0.9595 / 0.8097 / 0.9398 (what the detector took for pages is only trimmed).

Core code: the engines (``cleantext clean``, Dask) read each input's first documents with
:class:`DumpSample` and pass the kind on; an API user does the same with :func:`read_dump`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from cleantext.classify import looks_like_whole_page

SAMPLE_DOCUMENTS = 100
"""How many of a dump's first documents are read to tell its kind (the engines hold them back
meanwhile: a stream's first output comes after them, or at its end)."""
SAMPLE_CHARS = 4_000_000
"""...or how many characters of them, whichever comes first (bounds the memory held back)."""
MIN_DOCUMENTS = 10
"""Fewer documents than this (a file of one article) say nothing of a dump: each document is
then judged alone."""
PAGE_SHARE = 0.5
"""A dump is whole pages when at least this share of its sampled documents reads as pages."""
ARTICLE_SHARE = 0.1
"""A dump is extracted text when at most this share of its sampled documents reads as pages;
between the two shares it is mixed, and each document is judged alone. Lower than it could be
(0-1% of the corpora's extracted documents read as pages, 75-95% of their whole pages): whole
pages misread as article text would keep all their menus, while extracted text judged document
by document loses little (what the detector takes for pages)."""

DumpKind = Literal["page", "article", "document"]


@dataclass(frozen=True, slots=True)
class DumpReading:
    """What a sample of a dump showed: how many documents were read, how many read as pages.

    >>> DumpReading(200, 170).input_kind, DumpReading(200, 6).input_kind
    ('page', 'article')
    >>> DumpReading(200, 70).input_kind, DumpReading(3, 3).input_kind
    ('document', 'document')
    """

    documents: int
    pages: int

    @property
    def share(self) -> float:
        """The share of sampled documents that read as whole pages."""
        return self.pages / self.documents if self.documents else 0.0

    @property
    def input_kind(self) -> DumpKind:
        """The ``input_kind`` to clean the dump's documents with (``document``: each one is
        judged alone)."""
        if self.documents < MIN_DOCUMENTS:
            return "document"
        if self.share >= PAGE_SHARE:
            return "page"
        if self.share <= ARTICLE_SHARE:
            return "article"
        return "document"

    def note(self, source: str) -> str | None:
        """What the end-of-run report says of the input ``source`` read so; ``None`` when it
        had too few documents to be read as a dump.

        >>> DumpReading(200, 170).note("in.jsonl")
        'in.jsonl: cleaned as whole-page text (170 of 200 sampled documents read as pages)'
        """
        if self.documents < MIN_DOCUMENTS:
            return None
        kinds = {
            "page": "cleaned as whole-page text",
            "article": "cleaned as extracted article text",
            "document": "a mix: each document judged alone",
        }
        counted = f"{self.pages} of {self.documents} sampled documents read as pages"
        return f"{source}: {kinds[self.input_kind]} ({counted})"


class DumpSample:
    """Reads documents one by one until the sample is complete (see :func:`read_dump`)."""

    def __init__(self) -> None:
        self.documents = 0
        self.pages = 0
        self.chars = 0

    @property
    def complete(self) -> bool:
        return self.documents >= SAMPLE_DOCUMENTS or self.chars >= SAMPLE_CHARS

    def add(self, text: str) -> None:
        """Count one document of the dump (blank ones say nothing and are not counted, nor
        is one larger than the whole sample's budget: reading it would cost more than the
        sample is worth)."""
        if len(text) > SAMPLE_CHARS:
            return
        lines = [line.strip() for line in text.split("\n")]
        if not any(lines):
            return
        self.documents += 1
        self.chars += len(text)
        self.pages += looks_like_whole_page(lines)

    def reading(self) -> DumpReading:
        return DumpReading(self.documents, self.pages)


def read_dump(texts: Iterable[str]) -> DumpReading:
    """Read the first documents of ``texts`` (up to :data:`SAMPLE_DOCUMENTS`) and say what
    kind of dump they come from; ``reading.input_kind`` is the option to clean it with.

    >>> menu = "\\n".join(["Home", "News", "Sport", "Weather", "Login"] * 6)
    >>> reading = read_dump([menu] * 12)
    >>> reading.input_kind
    'page'
    """
    sample = DumpSample()
    for text in texts:
        if sample.complete:
            break
        sample.add(text)
    return sample.reading()
