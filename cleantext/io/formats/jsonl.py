"""JSONL (NDJSON): one JSON object per line, written back with its text field cleaned.

Every other field passes through as read. With ``--html-field`` the record carries an HTML
page instead: it is cleaned as a page and its text written to ``--text-field``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ...document import Document
from ...errors import InputError
from ...pages import page_text
from ...records import check_html, check_text, parse_record
from ..chunk import Chunk, ChunkResult, Payload, Reject, Tally, dump_json
from ..compression import Codec, compressor
from ..format import Fields, Format
from ..read import line_chunks

if TYPE_CHECKING:
    from ...records import Processor


def _lines(chunk: Chunk) -> Iterator[tuple[int, bytes]]:
    """``(line number, raw line)`` of each line of ``chunk`` that holds a record."""
    lines = chunk.data.split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    for number, raw in enumerate(lines, chunk.first):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        if raw.strip():  # a blank line holds no record
            yield number, raw


class JsonlFormat(Format):
    name = "jsonl"
    suffixes = (".jsonl", ".ndjson")
    payloads = (Payload.JSONL,)
    writes = frozenset({Payload.JSONL, Payload.RECORDS})
    holds = "one JSON object per line; its text field cleaned, other fields kept"

    def chunks(
        self,
        stream: IO[bytes],
        source: str,
        *,
        chunk_bytes: int,
        compress: Codec | None = None,
        payload: Payload | None = None,
    ) -> Iterator[Chunk]:
        return line_chunks(
            stream, source, self, chunk_bytes=chunk_bytes, compress=compress, payload=payload
        )

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        tally = Tally()
        out: list[bytes] = []
        for number, raw in _lines(chunk):
            tally.records_in += 1
            record, reason = _parse(processor, raw)
            if record is not None:
                try:
                    out.append(_cleaned(processor, record, tally))
                    continue
                except RecursionError:
                    reason = "nested too deeply to write back (over ~1,000 levels)"
                except Exception as error:  # one record must never stop a run: keep it whole
                    reason = f"could not be cleaned ({type(error).__name__}: {error})"
            tally.rejects.append(Reject(chunk.source, number, reason, raw))
        return tally.result(chunk, compressor(chunk.compress)(b"".join(out)), len(out))

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        for number, raw in _lines(chunk):
            where = f"{chunk.source}:{number}"
            try:
                record, reason = parse_record(raw.decode("utf-8"))
            except UnicodeDecodeError as error:
                raise InputError(f"{where}: not UTF-8 text: {error.reason}.") from error
            if reason:
                raise InputError(f"{where}: {reason}; each line must be one JSON object.")
            yield record_document(record, where, fields)


def record_document(record: Any, where: str, fields: Fields) -> Document:
    """The text and URL of a parsed record (a dict) for ``cleantext mine``.

    Raises:
        InputError: not an object, or none of the text fields (nor the HTML field) holds text.
    """
    if not isinstance(record, dict):
        raise InputError(f"{where}: a record must be an object with a 'text' field.")
    url = next((record[f] for f in fields.url if isinstance(record.get(f), str)), None)
    if fields.html is not None and isinstance(record.get(fields.html), str):
        page = page_text(record[fields.html])
        return Document(page.text, url or page.url, where)
    text = next((record[f] for f in fields.text if isinstance(record.get(f), str)), None)
    if text is None:
        raise InputError(
            f"{where}: no text field (looked for {', '.join(fields.text)}); "
            "give each record its article text under 'text'."
        )
    return Document(text, url or None, where)


def _parse(processor: Processor, raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The record as a dict, or ``None`` and the reason it cannot be cleaned."""
    reason = processor.too_big(raw)
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
    options = processor.options
    if options.annotate is not None and options.annotate in record:
        return None, (
            f"already has a field {options.annotate!r}, which --annotate would overwrite; "
            "choose another --annotate-field"
        )
    if options.html_field is not None:
        reason = check_html(record, options.html_field)
    else:
        reason = check_text(record, options.text_field)
    return (None, reason) if reason else (record, "")


def _cleaned(processor: Processor, record: dict[str, Any], tally: Tally) -> bytes:
    options = processor.options
    url = record.get(options.url_field)
    url = url if isinstance(url, str) else None
    if options.html_field is not None:
        text, note, _ = processor.clean_page(record[options.html_field], url, tally)
    else:
        text, note = processor.clean(record[options.text_field], url, tally)
    record[options.text_field] = text
    if note is not None:
        record[options.annotate] = note  # type: ignore[index]
    return dump_json(record) + b"\n"


JSONL = JsonlFormat()
FORMATS = (JSONL,)
