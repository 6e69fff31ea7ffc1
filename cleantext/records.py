"""Record-level processing: parse raw records, clean their text, encode them, count, reject.

A :class:`Processor` turns one :class:`~cleantext.io.formats.Chunk` of raw bytes into a
:class:`ChunkResult`: encoded output bytes, the records it could not process (each a
:class:`Reject` with source, line, reason and the raw record) and :class:`Counts`. It is built
once per process (the CLI's own, each pool worker, each Dask worker) and holds no state
between chunks, so any process can take any chunk and the results concatenate in input order.

Nothing is dropped silently: every record read is either written or rejected, which is what
lets the caller check ``records_in == records_out + rejected`` at the end.
"""

from __future__ import annotations

import base64
import json
import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from .document import Cleaned, Edit
from .io.compression import compressor
from .io.formats import EXPORTS, Chunk, Format
from .pipeline import Cleaner


@dataclass(frozen=True, slots=True)
class RecordOptions:
    """How records are read and what is written besides the cleaned text.

    Attributes:
        text_field: JSONL field / Parquet column holding the text to clean.
        url_field: field holding the page URL, used to choose site rules when present.
        url: URL for records that carry none (and for plain-text documents).
        annotate: name of a field to add with the metadata and edits; ``None`` for none.
        stats: count edits per rule (needs the edit log, so it is slower).
        max_bytes: records larger than this (raw bytes) are rejected; ``None`` for no limit.
    """

    text_field: str = "text"
    url_field: str = "url"
    url: str | None = None
    annotate: str | None = None
    stats: bool = False
    max_bytes: int | None = None

    @property
    def explains(self) -> bool:
        """Whether records need the edit log (slower than plain cleaning)."""
        return self.annotate is not None or self.stats


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be processed, kept whole so nothing is lost.

    Attributes:
        source: input name.
        line: 1-based line (JSONL), row (Parquet) or 0 (a whole text document).
        reason: why, in words.
        record: the raw record as read.
        unit: what ``line`` counts: ``"line"`` or ``"row"``.
    """

    source: str
    line: int
    reason: str
    record: bytes = field(repr=False)
    unit: str = "line"

    def location(self) -> str:
        """``source:line`` (or ``source row N``) for messages."""
        if self.unit == "row":
            return f"{self.source} row {self.line}"
        return f"{self.source}:{self.line}" if self.line else self.source

    def to_json(self) -> bytes:
        """One line of the rejects file; undecodable records also go there as base64."""
        entry: dict[str, Any] = {"source": self.source, self.unit: self.line, "reason": self.reason}
        try:
            entry["record"] = self.record.decode("utf-8")
        except UnicodeDecodeError:
            entry["record"] = self.record.decode("utf-8", "backslashreplace")
            entry["record_base64"] = base64.b64encode(self.record).decode("ascii")
        return dump_json(entry) + b"\n"


@dataclass(frozen=True, slots=True)
class Counts:
    """What happened to the records of a chunk (or a whole run, by adding chunks).

    ``bytes_in`` / ``bytes_out`` measure the cleaned text (UTF-8) of written records only, so
    their ratio is the share of text removed; they and ``rule_hits`` are filled only when
    statistics are asked for (encoding every text to count it is not free). ``warnings``
    counts the documents per warning of the pipeline (``Cleaned.warnings``: a rule held back
    by its time budget or removal bound, a safety valve that kept text), always.
    """

    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    rule_hits: Mapping[str, int] = field(default_factory=dict)
    warnings: Mapping[str, int] = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        hits = Counter(self.rule_hits)
        hits.update(other.rule_hits)
        warnings = Counter(self.warnings)
        warnings.update(other.warnings)
        return Counts(
            self.records_in + other.records_in,
            self.records_out + other.records_out,
            self.rejected + other.rejected,
            self.bytes_in + other.bytes_in,
            self.bytes_out + other.bytes_out,
            dict(hits),
            dict(warnings),
        )

    @property
    def balanced(self) -> bool:
        """Every record read was either written or rejected."""
        return self.records_in == self.records_out + self.rejected


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The processed form of one chunk: output bytes, rejects and counts, in input order
    (``error`` and ``unread`` as in :class:`~cleantext.io.formats.Chunk`)."""

    data: bytes
    rejects: tuple[Reject, ...] = ()
    counts: Counts = field(default_factory=Counts)
    source: str = ""
    error: str = ""
    unread: bool = False


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


def dump_json(value: Any) -> bytes:
    """Compact-enough UTF-8 JSON; falls back to ASCII escapes for lone surrogates."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, default=str).encode("ascii")


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


class _Tally:
    """Counts for one chunk while it is processed (local to one call, never shared)."""

    __slots__ = ("bytes_in", "bytes_out", "hits", "records_in", "rejects", "warnings")

    def __init__(self) -> None:
        self.records_in = self.bytes_in = self.bytes_out = 0
        self.hits: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.rejects: list[Reject] = []

    def result(self, chunk: Chunk, data: bytes, written: int) -> ChunkResult:
        counts = Counts(
            self.records_in,
            written,
            len(self.rejects),
            self.bytes_in,
            self.bytes_out,
            dict(self.hits),
            dict(self.warnings),
        )
        return ChunkResult(
            data, tuple(self.rejects), counts, chunk.source, chunk.error, chunk.unread
        )


class Processor:
    """Cleans chunks of raw records with one :class:`Cleaner`; build once per process.

    >>> from cleantext.io.formats import Chunk, Format
    >>> p = Processor(Cleaner(), RecordOptions())
    >>> line = b'{"id": 1, "text": "Hi.\\\\n\\\\nShare this"}\\n'
    >>> r = p.process(Chunk(Format.JSONL, "in", 1, line))
    >>> r.data, r.counts.records_out
    (b'{"id": 1, "text": "Hi."}\\n', 1)
    """

    def __init__(self, cleaner: Cleaner, options: RecordOptions) -> None:
        self.cleaner = cleaner
        self.options = options

    def __reduce__(self) -> tuple[Any, ...]:
        return (Processor, (self.cleaner, self.options))

    def clean(
        self, text: str, url: str | None, tally: _Tally, *, prior: tuple[Edit, ...] = ()
    ) -> tuple[str, dict[str, Any] | None]:
        """Clean one text, counting bytes and rule hits; the annotation if asked for.

        ``prior``: edits already made to reach ``text`` (an export reader's), explained first.
        """
        url = url or self.options.url
        note: dict[str, Any] | None = None
        cleaned = self.cleaner.explain(text, url=url, edits=self.options.explains)
        if prior and self.options.explains:
            cleaned = replace(cleaned, edits=prior + cleaned.edits)
        result = cleaned.text
        if cleaned.warnings:
            tally.warnings.update(cleaned.warnings)
        if self.options.stats:
            tally.hits.update(cleaned.removed_by_rule())
            tally.bytes_in += len(text.encode("utf-8", "surrogatepass"))
            tally.bytes_out += len(result.encode("utf-8", "surrogatepass"))
        if self.options.annotate:
            note = annotation(cleaned)
        return result, note

    def process(self, chunk: Chunk) -> ChunkResult:
        """Process one chunk; never raises for bad records (they become rejects)."""
        tally = _Tally()
        if chunk.error:
            if chunk.data:
                tally.records_in += 1
                reason = "record cut short by truncated or corrupt input"
                tally.rejects.append(Reject(chunk.source, chunk.first, reason, chunk.data))
            return tally.result(chunk, b"", 0)
        if chunk.format is Format.PARQUET:
            from .io.parquet import process_batch

            return process_batch(self, chunk)
        if chunk.format is Format.TEXT:
            pieces, written = self._document(chunk, tally)
        elif chunk.format in EXPORTS:
            pieces, written = self._export(chunk, tally)
        else:
            pieces, written = self._lines(chunk, tally)
        return tally.result(chunk, compressor(chunk.compress)(b"".join(pieces)), written)

    def _too_big(self, raw: bytes) -> str:
        limit = self.options.max_bytes
        if limit is not None and len(raw) > limit:
            return f"record of {len(raw)} bytes is over --max-bytes {limit}"
        return ""

    def _document(self, chunk: Chunk, tally: _Tally) -> tuple[list[bytes], int]:
        tally.records_in += 1
        reason = self._too_big(chunk.data)
        if not reason:
            try:
                text = chunk.data.decode("utf-8")
            except UnicodeDecodeError as error:
                reason = f"not UTF-8 (byte {error.start}: {error.reason})"
        if not reason:
            try:
                cleaned, _ = self.clean(text, None, tally)
                return ([(cleaned + "\n").encode("utf-8")] if cleaned else []), 1
            except Exception as error:  # keep the document whole in the rejects
                reason = f"could not be cleaned ({type(error).__name__}: {error})"
        tally.rejects.append(Reject(chunk.source, 0, reason, chunk.data))
        return [], 0

    def _export(self, chunk: Chunk, tally: _Tally) -> tuple[list[bytes], int]:
        """One JSONL record per article of a database export (:mod:`cleantext.io.exports`).

        A file whose layout cannot be followed is rejected whole, at the line where reading
        went wrong; an article over ``--max-bytes`` is rejected alone, at the line its text
        starts on.
        """
        from .io.exports import ExportLayoutError, read_export

        reject: Reject | None = None
        try:
            articles = read_export(chunk.data.decode("utf-8"), chunk.format.value)
        except UnicodeDecodeError as error:
            reject = Reject(chunk.source, 0, f"not UTF-8 (byte {error.start}: {error.reason})", b"")
        except ExportLayoutError as error:
            reject = Reject(chunk.source, error.line, str(error), b"")
        if reject is not None:
            tally.records_in += 1
            tally.rejects.append(replace(reject, record=chunk.data))
            return [], 0
        name = "stdin" if chunk.source == "-" else PurePath(chunk.source).name
        out: list[bytes] = []
        for article in articles:
            tally.records_in += 1
            raw = article.raw.encode("utf-8")
            reason = self._too_big(raw)
            if reason:
                tally.rejects.append(Reject(chunk.source, article.line, reason, raw))
                continue
            text, note = self.clean(article.text, None, tally, prior=article.edits)
            record: dict[str, Any] = {"id": f"{name}#{article.number}"}
            record[self.options.text_field] = text
            record.update(article.fields)
            if note is not None and self.options.annotate:
                record[self.options.annotate] = note
            out.append(dump_json(record) + b"\n")
        return out, len(out)

    def _lines(self, chunk: Chunk, tally: _Tally) -> tuple[list[bytes], int]:
        out: list[bytes] = []
        lines = chunk.data.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        for number, raw in enumerate(lines, chunk.first):
            if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            if not raw.strip():
                continue  # a blank line holds no record
            tally.records_in += 1
            record, reason = self._parse(raw)
            if record is not None:
                try:
                    out.append(self._cleaned_record(record, tally))
                    continue
                except RecursionError:
                    reason = "nested too deeply to write back (over ~1,000 levels)"
                except Exception as error:  # one record must never stop a run: keep it whole
                    reason = f"could not be cleaned ({type(error).__name__}: {error})"
            tally.rejects.append(Reject(chunk.source, number, reason, raw))
        return out, len(out)

    def _cleaned_record(self, record: dict[str, Any], tally: _Tally) -> bytes:
        url = record.get(self.options.url_field)
        text, note = self.clean(
            record[self.options.text_field], url if isinstance(url, str) else None, tally
        )
        record[self.options.text_field] = text
        if note is not None:
            record[self.options.annotate] = note  # type: ignore[index]
        return dump_json(record) + b"\n"

    def _parse(self, raw: bytes) -> tuple[dict[str, Any] | None, str]:
        """The record as a dict, or ``None`` and the reason it cannot be cleaned."""
        reason = self._too_big(raw)
        if reason:
            return None, reason
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            return None, f"not UTF-8 (byte {error.start}: {error.reason})"
        record, reason = parse_record(line)
        if reason:
            return None, reason
        if not isinstance(record, dict):
            return None, f"not a JSON object but {type(record).__name__}"
        annotate = self.options.annotate
        if annotate is not None and annotate in record:
            return None, (
                f"already has a field {annotate!r}, which --annotate would overwrite; "
                "choose another --annotate-field"
            )
        reason = check_text(record, self.options.text_field)
        return (None, reason) if reason else (record, "")


def check_text(record: Mapping[str, Any], text_field: str) -> str:
    """Why ``record`` has no cleanable text (``""`` when it has)."""
    if text_field not in record:
        return f"no {text_field!r} field (--text-field chooses it)"
    value = record[text_field]
    if not isinstance(value, str):
        kind = "null" if value is None else type(value).__name__
        return f"field {text_field!r} is {kind}, not a string"
    return ""
