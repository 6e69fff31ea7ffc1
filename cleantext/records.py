"""Record-level cleaning: what every format's processing shares.

A :class:`Processor` is built once per process (the CLI's own, each pool worker, each Dask
worker) with a :class:`Cleaner` and the record fields of its
:class:`~cleantext.options.CleanOptions` (``text_field``, ``annotate``, ``max_bytes``...);
it holds no state between
chunks, so any process can take any chunk and the results concatenate in input order. A
format (:mod:`cleantext.io.formats`) parses its records and calls :meth:`Processor.clean`
(a text) or :meth:`Processor.clean_page` (an HTML page) for each, which counts bytes, rule
hits and warnings and builds the ``--annotate`` value.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from .document import Cleaned, Edit
from .io.chunk import Chunk, ChunkResult, Tally
from .options import CleanOptions
from .pages import PAGE_AS_TEXT_WARNING, clean_page, looks_like_page
from .pipeline import Cleaner

RecordOptions = CleanOptions
"""The earlier name of the record options, now fields of the one options object."""


class _NotRoundTrip(ValueError):
    """A number JSON can hold but a float cannot (``1e400``): written back it would become
    ``Infinity``, which is not JSON."""


def _finite(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise _NotRoundTrip(
            f"number {text[:40]} is out of range for a float: it would be written back as "
            "Infinity, which is not JSON"
        )
    return value


def parse_record(line: str) -> tuple[Any, str]:
    """The JSON value of one line, or ``None`` and why it cannot be cleaned and written back.

    >>> parse_record('{"n": 1e400}')[1][:30]
    'number 1e400 is out of range f'
    """
    try:
        return json.loads(line, parse_float=_finite), ""
    except json.JSONDecodeError as error:
        return None, f"invalid JSON ({error.msg} at column {error.colno})"
    except _NotRoundTrip as error:
        return None, str(error)
    except ValueError as error:  # an integer of more digits than Python converts
        return None, f"cannot be read exactly: {error}"
    except RecursionError:
        return None, "nested too deeply to read (arrays or objects over ~1,000 levels deep)"


def annotation(cleaned: Cleaned) -> dict[str, Any]:
    """The ``--annotate`` field: metadata, rule sets, warnings and every edit."""
    return {
        "metadata": dict(cleaned.metadata),
        "rule_sets": list(cleaned.rule_sets),
        "edits": [
            {
                "rule": e.rule,
                "action": e.action,
                "start": e.start,
                "end": e.end,
                "removed": e.removed,
                "replacement": e.replacement,
            }
            for e in cleaned.edits
        ],
        "warnings": list(cleaned.warnings),
    }


def check_text(record: Mapping[str, Any], text_field: str) -> str:
    """Why ``record`` has no cleanable text in ``text_field`` (``""`` when it has)."""
    return _string_field(record, text_field, "--text-field")


def check_html(record: Mapping[str, Any], html_field: str) -> str:
    """Why ``record`` has no HTML page in ``html_field`` (``""`` when it has)."""
    return _string_field(record, html_field, "--html-field")


def _string_field(record: Mapping[str, Any], name: str, option: str) -> str:
    """Why ``record[name]`` is not a string (``""`` when it is); ``option`` chooses ``name``."""
    if name not in record:
        return f"no {name!r} field ({option} chooses it)"
    value = record[name]
    if not isinstance(value, str):
        kind = "null" if value is None else type(value).__name__
        return f"field {name!r} is {kind}, not a string"
    return ""


class Processor:
    """Cleans records with one :class:`Cleaner`; build once per process.

    ``options`` gives the record fields (:class:`~cleantext.options.CleanOptions`); by default
    the cleaner's own options. The cleaning itself is the cleaner's.

    >>> from cleantext.io.registry import format_named
    >>> p = Processor(Cleaner(options=CleanOptions(text_field="text")))
    >>> line = b'{"id": 1, "text": "Hi.\\\\n\\\\nShare this"}\\n'
    >>> r = p.process(Chunk(format_named("jsonl"), "in", 1, line))
    >>> r.data, r.counts.records_out
    (b'{"id": 1, "text": "Hi."}\\n', 1)
    """

    def __init__(self, cleaner: Cleaner, options: CleanOptions | None = None) -> None:
        self.cleaner = cleaner
        self.options = options if options is not None else cleaner.options
        self._kinds: dict[str, Processor] = {}

    def __reduce__(self) -> tuple[Any, ...]:
        return (Processor, (self.cleaner, self.options))

    def process(self, chunk: Chunk) -> ChunkResult:
        """Process one chunk with its format; never raises for bad records (they become
        rejects). A chunk that reports broken input rejects what was left of its record. A
        chunk marked with its input's kind (:mod:`cleantext.io.dump_kind`) is cleaned as
        that kind."""
        processor = self if chunk.input_kind is None else self.for_kind(chunk.input_kind)
        if chunk.error:
            return chunk.format.cut_short(processor, chunk)
        return chunk.format.process(processor, chunk)

    def for_kind(self, input_kind: str) -> Processor:
        """This processor with its cleaner's ``input_kind`` set (built once per kind)."""
        if input_kind == self.cleaner.options.input_kind:
            return self
        variant = self._kinds.get(input_kind)
        if variant is None:
            cleaner = self.cleaner.with_options(input_kind=input_kind)
            variant = Processor(cleaner, self.options.replace(input_kind=input_kind))
            self._kinds[input_kind] = variant
        return variant

    def too_big(self, raw: bytes | str) -> str:
        """Why a record of ``raw`` is over ``--max-bytes`` (``""`` when it is not)."""
        limit = self.options.max_bytes
        size = len(raw) if isinstance(raw, bytes) else len(raw.encode("utf-8", "surrogatepass"))
        if limit is not None and size > limit:
            return f"record of {size} bytes is over --max-bytes {limit}"
        return ""

    def clean(
        self, text: str, url: str | None, tally: Tally, *, prior: tuple[Edit, ...] = ()
    ) -> tuple[str, dict[str, Any] | None]:
        """Clean one text, counting bytes and rule hits; the annotation if asked for.

        A text that is a whole HTML page (a scraper that saved the markup) is cleaned as
        one (:meth:`clean_page`) and says so in its warnings, rather than coming back as its
        own markup. ``prior``: edits already made to reach ``text`` (an export reader's),
        explained first.
        """
        url = url or self.options.url
        if looks_like_page(text):
            cleaned = clean_page(self.cleaner, text, url=url, explain=self.options.explains)
            cleaned = replace(cleaned, warnings=(PAGE_AS_TEXT_WARNING, *cleaned.warnings))
        else:
            cleaned = self.cleaner.explain(text, url=url, edits=self.options.explains)
            if prior and self.options.explains:
                cleaned = replace(cleaned, edits=prior + cleaned.edits)
        return self._account(text, cleaned, tally)

    def clean_page(
        self, html: str | bytes, url: str | None, tally: Tally, *, charset: str | None = None
    ) -> tuple[str, dict[str, Any] | None, str | None]:
        """Clean one HTML page (bytes in ``charset``, else the page's own), as :meth:`clean`;
        also the page's own URL, if it gives one. Site rules come from ``url``, else that."""
        cleaned = clean_page(
            self.cleaner,
            html,
            url=url or self.options.url,
            charset=charset,
            explain=self.options.explains,
        )
        found = cleaned.metadata.get("url")
        return (*self._account(html, cleaned, tally), found if isinstance(found, str) else None)

    def _account(
        self, given: str | bytes, cleaned: Cleaned, tally: Tally
    ) -> tuple[str, dict[str, Any] | None]:
        result = cleaned.text
        if cleaned.warnings:
            tally.warnings.update(cleaned.warnings)
        if self.options.stats:
            tally.hits.update(cleaned.removed_by_rule())
            raw = given if isinstance(given, bytes) else given.encode("utf-8", "surrogatepass")
            tally.bytes_in += len(raw)
            tally.bytes_out += len(result.encode("utf-8", "surrogatepass"))
        return result, annotation(cleaned) if self.options.annotate else None
