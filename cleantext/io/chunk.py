"""The unit of work every engine moves: a chunk of raw records, and what processing it gives.

Readers cut input into :class:`Chunk` values that carry raw bytes, never parsed objects: the
parent process only splits bytes at record boundaries, and whoever processes a chunk (the
same process, a worker, a Dask task) parses, cleans and encodes it into a :class:`ChunkResult`.
Chunk boundaries depend only on the input and the chunk size, so every engine and worker count
gives the same output.

Nothing is dropped silently: every record read is written, skipped for a stated reason (a WARC
record that holds no HTML page) or rejected (:class:`Reject`, kept whole), which is what lets
the caller check ``records_in == records_out + skipped + rejected`` at the end
(:attr:`Counts.balanced`).
"""

from __future__ import annotations

import base64
import json
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

from .compression import Codec

if TYPE_CHECKING:
    from .format import Format


class Payload(Enum):
    """What the processed bytes of a chunk hold, which decides the outputs that can take them."""

    TEXT = "text"  # cleaned documents, one after another: a text output
    JSONL = "jsonl"  # the JSON records read, their text cleaned: a JSONL output
    RECORDS = "records"  # JSON records a format builds (export articles, WARC pages): JSONL or
    # a Parquet table with the format's columns
    ARROW = "arrow"  # Arrow record batches (Parquet in): a Parquet output


@dataclass(frozen=True, slots=True)
class Chunk:
    """Raw records to process together, with enough context to report them.

    Attributes:
        format: the format that reads ``data`` (and processes it: ``format.process``).
        source: input name shown in rejects and messages (``-`` for standard input).
        first: 1-based number of the first record in ``data`` (line, row or WARC record).
        data: raw records in the format's own framing (whole JSONL lines, one text document,
            an Arrow IPC stream...).
        compress: codec to compress the encoded output with, so workers do it in parallel.
        error: set when the input broke off here: ``data`` is what was left of a record cut
            by truncated or corrupt input, and ``error`` says what happened.
        unread: the input could not be opened at all (``error`` says why): its output is not
            written, so that ``--resume`` tries it again.
        payload: what the processed chunk must hold (for a format that can give more than one,
            an HTML page as text or as a record); ``None``: the format's first.
        input_kind: the ``input_kind`` its texts are cleaned with, when the engine read it
            from the input's first documents (:mod:`cleantext.io.dump_kind`); ``None``: the
            cleaner's own.
    """

    format: Format
    source: str
    first: int
    data: bytes
    compress: Codec | None = None
    error: str = ""
    unread: bool = False
    payload: Payload | None = None
    input_kind: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """A record that could not be processed, kept whole so nothing is lost.

    Attributes:
        source: input name.
        line: 1-based line (JSONL), row (Parquet), record (WARC) or 0 (a whole document: a
            text or HTML file, whose entry in the rejects file then names no line).
        reason: why, in words.
        record: the raw record as read.
        unit: what ``line`` counts: ``"line"``, ``"row"`` or ``"record"``.
    """

    source: str
    line: int
    reason: str
    record: bytes = field(repr=False)
    unit: str = "line"

    def location(self) -> str:
        """``source:line`` (or ``source row N``, ``source record N``) for messages."""
        if self.unit != "line":
            return f"{self.source} {self.unit} {self.line}"
        return f"{self.source}:{self.line}" if self.line else self.source

    def to_json(self) -> bytes:
        """One line of the rejects file; undecodable records also go there as base64. The
        raw record is under ``record``, so a WARC record's number is ``record_number``."""
        entry: dict[str, Any] = {"source": self.source}
        if self.line:
            entry["record_number" if self.unit == "record" else self.unit] = self.line
        entry["reason"] = self.reason
        try:
            entry["record"] = self.record.decode("utf-8")
        except UnicodeDecodeError:
            entry["record"] = self.record.decode("utf-8", "backslashreplace")
            entry["record_base64"] = base64.b64encode(self.record).decode("ascii")
        return dump_json(entry) + b"\n"


def dump_json(value: Any) -> bytes:
    """Compact-enough UTF-8 JSON; falls back to ASCII escapes for lone surrogates."""
    try:
        return json.dumps(value, ensure_ascii=False, default=str).encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(value, default=str).encode("ascii")


def _added(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    total = Counter(a)
    total.update(b)
    return dict(total)


@dataclass(frozen=True, slots=True)
class Counts:
    """What happened to the records of a chunk (or a whole run, by adding chunks).

    ``bytes_in`` / ``bytes_out`` measure the cleaned text (UTF-8) of written records only, so
    their ratio is the share of text removed; they and ``rule_hits`` are filled only when
    statistics are asked for (encoding every text to count it is not free). ``warnings``
    counts the documents per warning of the pipeline (``Cleaned.warnings``: a rule held back
    by its time budget or removal bound, a safety valve that kept text), always. ``skipped``
    counts, per reason, the records read but not meant to be cleaned (a WARC response that is
    not an HTML page, or not status 200).
    """

    records_in: int = 0
    records_out: int = 0
    rejected: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    rule_hits: Mapping[str, int] = field(default_factory=dict)
    warnings: Mapping[str, int] = field(default_factory=dict)
    skipped: Mapping[str, int] = field(default_factory=dict)

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.records_in + other.records_in,
            self.records_out + other.records_out,
            self.rejected + other.rejected,
            self.bytes_in + other.bytes_in,
            self.bytes_out + other.bytes_out,
            _added(self.rule_hits, other.rule_hits),
            _added(self.warnings, other.warnings),
            _added(self.skipped, other.skipped),
        )

    @property
    def records_skipped(self) -> int:
        """Records skipped, whatever the reason."""
        return sum(self.skipped.values())

    @property
    def balanced(self) -> bool:
        """Every record read was written, skipped for a reason, or rejected."""
        return self.records_in == self.records_out + self.records_skipped + self.rejected


@dataclass(frozen=True, slots=True)
class ChunkResult:
    """The processed form of one chunk: output bytes, rejects and counts, in input order
    (``error`` and ``unread`` as in :class:`Chunk`)."""

    data: bytes
    rejects: tuple[Reject, ...] = ()
    counts: Counts = field(default_factory=Counts)
    source: str = ""
    error: str = ""
    unread: bool = False


class Tally:
    """Counts for one chunk while it is processed (local to one call, never shared)."""

    __slots__ = ("bytes_in", "bytes_out", "hits", "records_in", "rejects", "skips", "warnings")

    def __init__(self) -> None:
        self.records_in = self.bytes_in = self.bytes_out = 0
        self.hits: Counter[str] = Counter()
        self.warnings: Counter[str] = Counter()
        self.skips: Counter[str] = Counter()
        self.rejects: list[Reject] = []

    def result(self, chunk: Chunk, data: bytes, written: int) -> ChunkResult:
        """The chunk's result: ``data`` holding ``written`` records, and these counts."""
        counts = Counts(
            self.records_in,
            written,
            len(self.rejects),
            self.bytes_in,
            self.bytes_out,
            dict(self.hits),
            dict(self.warnings),
            dict(self.skips),
        )
        return ChunkResult(
            data, tuple(self.rejects), counts, chunk.source, chunk.error, chunk.unread
        )
