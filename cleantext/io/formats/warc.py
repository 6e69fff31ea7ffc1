"""WARC and WET files (Common Crawl and web archives): one JSON record per page.

Optional: needs ``warcio``, the ``warc`` extra. A WARC ``response`` (or ``resource``) record
whose payload is an HTML page goes through :func:`cleantext.pages.clean_page`, with the charset
the HTTP header gives (else the page's own); a WET ``conversion`` record (a page's text, as
Common Crawl extracts it) goes through the text pipeline. Each record's ``WARC-Target-URI``
chooses the site rules, and the output record keeps it with the ``WARC-Record-ID`` and
``WARC-Date``: ``{"id", "url", "date", "text"}``.

A page record that holds no page to clean (another media type, an HTTP status other than 200,
a ``revisit`` without a payload of its own) is skipped and counted with its reason, never lost
silently; ``request``, ``metadata`` and ``warcinfo`` records describe pages rather than hold
them, and are passed over. So a file of N pages gives N = written + skipped + rejected.

The reading process only reads each record's headers and payload (the library parses the
framing) and hands on frames of raw payloads; workers clean them. A file that breaks off
(truncated download, corrupt gzip member) gives every whole record before the damage, then
an error naming the last whole record; a page cut short is rejected with what was left of it.

Why warcio and not FastWARC (``python benchmarks/warc_readers.py``: 3,000 generated pages of
40 kB, read through our gzip reader as this module does): the reading process spends 125 µs a
page decompressing either way, and parsing adds 104 µs with warcio 1.8.1, 14 µs with FastWARC
2.0.1; cleaning a page takes over a millisecond, so with warcio one reading process keeps about
five workers busy, against eight with FastWARC (the Dask engine reads each file on its own
worker). We chose warcio all the same: it is pure Python, so the extra installs wherever
cleantext does, whereas FastWARC 2.0.1 has no wheel for Linux aarch64 and only its older,
different API for macOS arm64; and FastWARC 2.0.1 panics (an exception that is not an
``Exception``) on a stream it cannot seek, such as a pipe or a decompressor, unless given a
stand-in ``seek``. Both hand back a record cut by truncation as if whole, and warcio ends
silently on a decompression error: the ``Content-Length`` check and the guarded stream below
are ours either way.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, ClassVar

from ...document import Document
from ...errors import ConfigError
from ...pages import looks_like_page, page_text
from ..chunk import Chunk, ChunkResult, Payload, Reject, Tally, dump_json
from ..compression import Codec, compressor, corrupt_errors
from ..format import Fields, Format
from ..read import FIRST_CHUNK_BYTES

if TYPE_CHECKING:
    from ...records import Processor

#: Media types read as HTML pages.
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: Record types that hold (or stand for) a page; the others describe pages.
PAGE_RECORDS = frozenset({"response", "resource", "revisit", "conversion"})


def warcio() -> Any:
    """The ``warcio`` archive iterator, or a :class:`ConfigError` saying how to install it."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as error:
        raise ConfigError(
            "WARC and WET files need warcio: pip install 'cleantext-news[warc]'."
        ) from error
    return ArchiveIterator


def _archive(stream: io.RawIOBase) -> Any:
    """warcio's iterator over ``stream``, with two of its habits changed.

    A ``response`` record without ``WARC-Target-URI`` makes warcio (1.8) fail inside its own
    header parsing (``None.startswith``), which would end the file there: such a record is
    read as one of an ``http:`` URI would be, so its page is cleaned without a URL. And a
    record not followed by a blank line (a wrong ``Content-Length``) makes warcio write a
    raw warning to standard error: it is silenced here, and :func:`warc_chunks` rejects the
    record instead, with the reason (warcio still counts it in ``err_count``).
    """
    from warcio.recordloader import ArcWarcRecordLoader

    class Loader(ArcWarcRecordLoader):  # type: ignore[misc]
        def load_http_headers(self, rec_type: str, uri: Any, stream: Any, length: Any) -> Any:
            uri = "http:" if uri is None else uri
            return super().load_http_headers(rec_type, uri, stream, length)

    archive = warcio()(stream)
    archive.loader = Loader(verify_http=False, arc2warc=False)  # as warcio builds its own
    archive.INC_RECORD = ""  # the warning's template: nothing is written
    return archive


class _Guarded(io.RawIOBase):
    """The decompressed stream as the WARC library reads it: decompression errors end it
    (and are kept, to be reported), since a library that meets them may stop silently."""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__()
        self._read = getattr(stream, "read1", stream.read)
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.error is not None:
            return 0
        try:
            data = self._read(len(buffer))
        except corrupt_errors() as error:
            self.error = error
            return 0
        buffer[: len(data)] = data
        return len(data)


def _media_type(value: str | None) -> tuple[str, str | None]:
    """The media type and charset of a ``Content-Type`` value."""
    if not value:
        return "", None
    kind, *parameters = value.split(";")
    charset = None
    for parameter in parameters:
        name, _, given = parameter.partition("=")
        if name.strip().lower() == "charset" and given.strip():
            charset = given.strip().strip("\"'")
    return kind.strip().lower(), charset


def _frame(header: dict[str, Any], payload: bytes = b"") -> bytes:
    """One record as a chunk carries it: a JSON header line, then ``length`` payload bytes."""
    header["length"] = len(payload)
    return dump_json(header) + b"\n" + payload


def _frames(data: bytes) -> Iterator[tuple[dict[str, Any], bytes]]:
    position = 0
    while position < len(data):
        end = data.index(b"\n", position)
        header = json.loads(data[position:end])
        position = end + 1 + header["length"]
        yield header, data[end + 1 : position]


#: Bytes read at a time from a record passed over (a video must not be held in memory whole).
_DRAIN_BYTES = 1 << 16


def _drained(record: Any) -> bool:
    """Read the rest of ``record`` as stored (not decoded) and drop it; whether the file cut
    it short."""
    while record.raw_stream.read(_DRAIN_BYTES):
        pass
    return bool(getattr(record.raw_stream, "limit", 0) > 0)


def _is_http(protocol: Any) -> bool:
    """Whether a parsed status line's first word is an HTTP version (``HTTP/1.1``)."""
    return isinstance(protocol, str) and protocol.upper().startswith("HTTP/")


#: Why a record warcio found not followed by a blank line is rejected.
WRONG_LENGTH = "not followed by a blank line: its Content-Length is probably wrong"


def _rejected(frame: bytes, reason: str) -> bytes:
    """``frame`` (see :func:`_frame`) turned into a rejected record, kept with its payload."""
    ((header, payload),) = _frames(frame)
    header.pop("skip", None)
    header["reject"] = reason
    return _frame(header, payload)


def _read_record(record: Any, number: int) -> tuple[bytes, bool]:
    """A page record's frame, and whether the record was cut short."""
    headers = record.rec_headers
    header: dict[str, Any] = {
        "n": number,
        "type": record.rec_type,
        "id": headers.get_header("WARC-Record-ID"),
        "url": headers.get_header("WARC-Target-URI"),
        "date": headers.get_header("WARC-Date"),
    }
    http = record.http_headers if record.rec_type == "response" else None
    status = http.get_statuscode() if http is not None else "200"
    given = http.get_header("Content-Type") if http is not None else None
    kind, charset = _media_type(given or headers.get_header("Content-Type"))
    if record.rec_type == "revisit":
        header["skip"] = "revisit record (its page is in an earlier record)"
    elif record.rec_type == "response" and (http is None or not _is_http(http.protocol)):
        # warcio takes any first line for a status line: a bare page's would be its markup
        header["skip"] = "response record without an HTTP response header"
    elif status != "200":
        header["skip"] = f"HTTP status {status}"
    elif kind and kind not in HTML_TYPES and record.rec_type != "conversion":
        header["skip"] = f"not an HTML page ({kind})"
    if "skip" in header:
        return _frame(header), _drained(record)
    try:
        payload = record.content_stream().read()
    except Exception as error:  # a corrupt chunked or compressed payload: kept as it was
        payload = record.raw_stream.read()
        header["reject"] = f"payload cannot be decoded ({type(error).__name__}: {error})"
    cut = _drained(record)
    if record.rec_type == "conversion":
        header["text"] = True
    elif not kind and not looks_like_page(payload[:4096].decode("utf-8", "replace")):
        header["skip"] = "not an HTML page (no media type, and no page markup)"
        return _frame(header), cut
    header["charset"] = charset
    return _frame(header, payload), cut


def _broken(error: BaseException | str, number: int, last: str | None) -> str:
    where = f"after record {number} ({last}), the last whole one" if number else "at the start"
    return f"truncated or corrupt WARC data {where}: {str(error).strip()}"


#: What a file cut inside a record says when the decompressor reported nothing.
CUT_INSIDE = "the file ends inside a record"


def warc_chunks(
    format: Format,
    stream: IO[bytes],
    source: str,
    *,
    chunk_bytes: int,
    compress: Codec | None,
    payload: Payload | None,
) -> Iterator[Chunk]:
    """Chunks of whole page records (framed by :func:`_frame`), numbered by their place among
    all the file's records; sizes grow as :func:`~cleantext.io.read.line_chunks`' do."""
    guarded = _Guarded(stream)
    archive = _archive(guarded)
    records = iter(archive)
    frames: list[bytes] = []
    pending = first = number = 0
    last: str | None = None
    size = min(FIRST_CHUNK_BYTES, chunk_bytes)
    problem: BaseException | str | None = None
    cut_frame = b""
    # The last page record's frame waits for the next record to be found where its
    # Content-Length said: only then is it known whole.
    held, held_number = b"", 0
    before: str | None = None  # the id of the record before the last
    while True:
        warnings = archive.err_count
        try:
            record = next(records, None)
        except Exception as error:  # the library's own error for a record it cannot parse
            problem, record = error, None
        if archive.err_count > warnings:  # the record before was not followed by a blank line
            if held:
                held = _rejected(held, f"record {WRONG_LENGTH}")
            if problem is not None:  # that record was not whole: the one before it was
                problem = f"record {number} is {WRONG_LENGTH}; then: {str(problem).strip()}"
                number, last = number - 1, before
        if held:
            first = first or held_number
            frames.append(held)
            pending += len(held)
            held = b""
        if pending >= size:
            yield Chunk(format, source, first, b"".join(frames), compress, payload=payload)
            frames, pending, first = [], 0, 0
            size = min(size * 2, chunk_bytes)
        if record is None:
            break
        try:
            if record.rec_type in PAGE_RECORDS:
                frame, cut = _read_record(record, number + 1)
            else:
                frame, cut = b"", _drained(record)
        except Exception as error:
            problem = error
            break
        if cut:
            problem, cut_frame = guarded.error or CUT_INSIDE, frame
            break
        number += 1
        before, last = last, record.rec_headers.get_header("WARC-Record-ID")
        held, held_number = frame, number
    if frames:
        yield Chunk(format, source, first, b"".join(frames), compress, payload=payload)
    problem = problem or guarded.error
    if problem is not None:
        message = _broken(problem, number, last)
        yield Chunk(format, source, number + 1, cut_frame, compress, message, payload=payload)


class WarcFormat(Format):
    name = "warc"
    text_dump = False  # HTML pages
    suffixes: ClassVar[tuple[str, ...]] = (".warc",)
    payloads = (Payload.RECORDS,)
    columns = MappingProxyType({"url": "string", "date": "string"})
    unit = "record"
    holds = "WARC records; one record per HTML page (id, url, date, text), others counted"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip()[:6] == b"WARC/1" and b"WARC-Type: conversion" not in head

    def chunks(
        self,
        stream: IO[bytes],
        source: str,
        *,
        chunk_bytes: int,
        compress: Codec | None = None,
        payload: Payload | None = None,
    ) -> Iterator[Chunk]:
        return warc_chunks(
            self, stream, source, chunk_bytes=chunk_bytes, compress=compress, payload=payload
        )

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        tally = Tally()
        out: list[bytes] = []
        for header, raw in _frames(chunk.data):
            tally.records_in += 1
            if "skip" in header:
                tally.skips[header["skip"]] += 1
                continue
            reason = header.get("reject") or processor.too_big(raw)
            if not reason:
                try:
                    out.append(_cleaned(processor, header, raw, tally))
                    continue
                except Exception as error:  # one page must never stop a run: keep it whole
                    reason = f"could not be cleaned ({type(error).__name__}: {error})"
            tally.rejects.append(Reject(chunk.source, header["n"], reason, raw, self.unit))
        return tally.result(chunk, compressor(chunk.compress)(b"".join(out)), len(out))

    def cut_short(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        tally = Tally()
        for header, raw in _frames(chunk.data):  # the page the damage cut, if it was one
            tally.records_in += 1
            reason = "record cut short by truncated or corrupt input"
            tally.rejects.append(Reject(chunk.source, header["n"], reason, raw, self.unit))
        return tally.result(chunk, b"", 0)

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        for header, raw in _frames(chunk.data):
            if "skip" in header or "reject" in header:
                continue
            where = f"{chunk.source} record {header['n']}"
            if header.get("text"):
                yield Document(raw.decode("utf-8", "replace"), header["url"], where)
            else:
                yield Document(page_text(raw, charset=header["charset"]).text, header["url"], where)


def _cleaned(processor: Processor, header: dict[str, Any], raw: bytes, tally: Tally) -> bytes:
    """The output record of one page."""
    options = processor.options
    url = header["url"] or options.url
    if header.get("text"):
        text, note = processor.clean(raw.decode("utf-8", "replace"), url, tally)
    else:
        text, note, _ = processor.clean_page(raw, url, tally, charset=header["charset"])
    record: dict[str, Any] = {"id": header["id"], "url": header["url"], "date": header["date"]}
    record[options.text_field] = text
    if note is not None:
        record[options.annotate] = note  # type: ignore[index]
    return dump_json(record) + b"\n"


class WetFormat(WarcFormat):
    name = "wet"
    text_dump = True
    suffixes = (".warc.wet", ".wet")
    holds = "WET records (a page's text); one record per page (id, url, date, text)"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip()[:6] == b"WARC/1" and b"WARC-Type: conversion" in head


FORMATS = (WarcFormat(), WetFormat())
