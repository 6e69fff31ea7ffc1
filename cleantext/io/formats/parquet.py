"""Parquet in and out (optional: needs ``pyarrow``, the ``parquet`` extra).

Row batches travel between processes as Arrow IPC bytes, like JSONL lines do, so workers get
bytes and give bytes back. Every column other than the text column is passed through with its
Arrow type untouched; rejected rows are taken out, and ``--annotate`` adds a string column of
JSON. As an output, Parquet also takes the JSON records other formats build (export articles,
WARC pages), as a table with the columns those formats declare.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any

from ...document import Document
from ...errors import ConfigError
from ...pages import page_text
from ...records import check_html, check_text
from ..chunk import Chunk, ChunkResult, Payload, Reject, Tally, dump_json
from ..compression import Codec
from ..format import Fields, Format
from ..sinks import Sink

if TYPE_CHECKING:
    from ...options import CleanOptions
    from ...records import Processor

#: Rows per chunk; news articles are a few kB each, so this is about a megabyte.
BATCH_ROWS = 256


def pyarrow() -> Any:
    """The ``pyarrow`` module, or a :class:`ConfigError` saying how to install it."""
    try:
        import pyarrow as pa
        import pyarrow.ipc
        import pyarrow.parquet
    except ImportError as error:
        raise ConfigError(
            "Parquet needs pyarrow: pip install 'cleantext-news[parquet]'."
        ) from error
    return pa


def _ipc(table: Any) -> bytes:
    """A table or record batch as Arrow IPC stream bytes."""
    pa = pyarrow()
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write(table)
    return bytes(sink.getvalue())


def _table(data: bytes) -> Any:
    pa = pyarrow()
    return pa.ipc.open_stream(pa.py_buffer(data)).read_all()


def parquet_chunks(
    format: Format, stream: IO[bytes], source: str, *, batch_rows: int = BATCH_ROWS
) -> Iterator[Chunk]:
    """Chunks of ``batch_rows`` rows; at least one (empty) chunk, so the schema is known.

    A file that is not Parquet at all gives one chunk marked ``unread``: it is named with the
    reason and gets no output while the other inputs of the run are cleaned.
    """
    pa = pyarrow()
    try:
        parquet = pa.parquet.ParquetFile(stream)
    except (pa.ArrowInvalid, OSError) as error:
        reason = f"not a readable Parquet file ({error})"
        yield Chunk(format, source, 0, b"", error=reason, unread=True)
        return
    first = 1
    batches = parquet.iter_batches(batch_size=batch_rows)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as error:
            message = f"corrupt Parquet data after row {first - 1}: {error}"
            yield Chunk(format, source, first, b"", error=message)
            return
        if batch is None:
            break
        yield Chunk(format, source, first, _ipc(batch))
        first += batch.num_rows
    if first == 1:
        yield Chunk(format, source, 1, _ipc(parquet.schema_arrow.empty_table()))


def _unfit(table: Any, options: CleanOptions) -> str:
    """Why no row of ``table`` can be cleaned with ``options`` (``""`` when they can): the
    column to clean is missing, or ``--annotate`` would overwrite one."""
    names = table.schema.names
    column, option = (
        (options.html_field, "--html-field")
        if options.html_field is not None
        else (options.text_field, "--text-field")
    )
    if column not in names:
        return f"no column {column!r} (columns: {', '.join(names)}); {option} chooses it"
    if options.annotate and options.annotate in names:
        return (
            f"already has a column {options.annotate!r}, which --annotate would overwrite; "
            "choose another --annotate-field"
        )
    return ""


def process_batch(processor: Processor, chunk: Chunk) -> ChunkResult:
    """Clean the text (or HTML) column of one batch.

    A table whose columns do not fit the options (:func:`_unfit`) is a problem of the whole
    file, not of its rows: the result is marked ``unread``, so the file is named with the
    reason and gets no output (``--resume`` with the right option tries it again), and the
    other inputs of the run are still cleaned.
    """
    pa = pyarrow()
    options = processor.options
    table = _table(chunk.data)
    unfit = _unfit(table, options)
    if unfit:
        return ChunkResult(b"", source=chunk.source, error=unfit, unread=True)
    html = options.html_field
    texts = table.column(html if html is not None else options.text_field).to_pylist()
    urls = (
        table.column(options.url_field).to_pylist()
        if options.url_field in table.schema.names
        else [None] * len(texts)
    )
    field = html if html is not None else options.text_field
    tally = Tally()
    keep: list[bool] = []
    cleaned: list[str] = []
    notes: list[str] = []
    for offset, (text, url) in enumerate(zip(texts, urls, strict=True)):
        tally.records_in += 1
        reason = check_html({field: text}, field) if html else check_text({field: text}, field)
        size = len(text.encode("utf-8", "surrogatepass")) if not reason else 0
        if not reason and options.max_bytes is not None and size > options.max_bytes:
            reason = f"text of {size} bytes is over --max-bytes {options.max_bytes}"
        if not reason:
            page_url = url if isinstance(url, str) else None
            try:
                if html is not None:
                    result, note, _ = processor.clean_page(text, page_url, tally)
                else:
                    result, note = processor.clean(text, page_url, tally)
            except Exception as error:  # one row must never stop a run: keep it whole
                reason = f"could not be cleaned ({type(error).__name__}: {error})"
        keep.append(not reason)
        if reason:
            row = table.slice(offset, 1).to_pylist()[0]
            tally.rejects.append(
                Reject(chunk.source, chunk.first + offset, reason, dump_json(row), "row")
            )
            continue
        cleaned.append(result)
        if note is not None:
            notes.append(json.dumps(note, ensure_ascii=False, default=str))
    out = table.filter(pa.array(keep, pa.bool_())) if not all(keep) else table
    index = out.schema.get_field_index(options.text_field)
    if index >= 0:
        kind = out.schema.field(index).type
        out = out.set_column(index, out.schema.field(index), pa.array(cleaned, kind))
    else:  # an HTML column whose text goes to a new column
        out = out.append_column(options.text_field, pa.array(cleaned, pa.string()))
    if options.annotate:
        out = out.append_column(options.annotate, pa.array(notes, pa.string()))
    return tally.result(chunk, _ipc(out), len(cleaned))


class ParquetSink:
    """Writes processed batches (IPC bytes) to one Parquet file, in order.

    The schema comes from the first batch, which is why readers always give at least one.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._writer: Any = None

    def write(self, data: bytes) -> None:
        if not data:
            return  # what a chunk that reports broken input gives back
        pa = pyarrow()
        table = _table(data)
        if self._writer is None:
            self._writer = pa.parquet.ParquetWriter(self._stream, table.schema)
        if table.num_rows:
            self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()


class RecordsParquetSink:
    """Writes JSON records a format builds (export articles, WARC pages) to one Parquet file.

    Every column the formats declare (``columns``: name to Arrow type name) is there from the
    first batch on (null where a record did not have it), so records of any such input fit one
    schema; fields no format declares (the text field, an ``--annotate`` field) come after
    ``id``, from the first batch; nested values are JSON strings, as in :func:`process_batch`.
    """

    def __init__(self, stream: IO[bytes], columns: Mapping[str, str]) -> None:
        self._sink = ParquetSink(stream)
        self._declared = dict(columns)
        self._columns: list[str] | None = None

    def _schema(self, records: list[dict[str, Any]]) -> Any:
        pa = pyarrow()
        if self._columns is None:
            seen = dict.fromkeys(key for record in records for key in record)
            extra = (key for key in seen if key not in self._declared and key != "id")
            self._columns = list(dict.fromkeys(["id", *extra, *self._declared]))
        return pa.schema(
            [
                (name, pa.int64() if self._declared.get(name) == "int64" else pa.string())
                for name in self._columns
            ]
        )

    def write(self, data: bytes) -> None:
        records = [json.loads(line) for line in data.splitlines() if line.strip()]
        if records:  # a rejected input gives no bytes, and must not fix the schema
            self._write(records)

    def _write(self, records: list[dict[str, Any]]) -> None:
        schema = self._schema(records or [{"id": "", "text": ""}])
        columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        for record in records:
            unknown = set(record) - set(columns)
            if unknown:
                raise ConfigError(
                    f"record {record.get('id')!r} has fields {sorted(unknown)} that the "
                    "Parquet output's first records did not; write JSONL instead."
                )
            for name, values in columns.items():
                value = record.get(name)
                if isinstance(value, (dict, list)):
                    value = json.dumps(value, ensure_ascii=False, default=str)
                values.append(value)
        pa = pyarrow()
        self._sink.write(_ipc(pa.table(columns, schema=schema)))

    def close(self) -> None:
        if self._columns is None:
            self._write([])  # no record at all: still a valid file with the declared columns
        self._sink.close()


class ParquetFormat(Format):
    name = "parquet"
    suffixes = (".parquet", ".pq")
    payloads = (Payload.ARROW,)
    writes = frozenset({Payload.ARROW, Payload.RECORDS})
    decompress = False  # Parquet compresses itself, inside the file
    unit = "row"
    holds = "a table; its text column cleaned, other columns kept with their types"

    def chunks(
        self,
        stream: IO[bytes],
        source: str,
        *,
        chunk_bytes: int,
        compress: Codec | None = None,
        payload: Payload | None = None,
    ) -> Iterator[Chunk]:
        return parquet_chunks(self, stream, source)

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        return process_batch(processor, chunk)

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        table = _table(chunk.data)
        names = table.schema.names
        text = next((f for f in fields.text if f in names), None)
        html = fields.html if fields.html in names else None
        if text is None and html is None:
            raise ConfigError(f"{chunk.source}: no text column (looked for {fields.text}).")
        url = next((f for f in fields.url if f in names), None)
        urls = table.column(url).to_pylist() if url else [None] * table.num_rows
        values = table.column(html or text).to_pylist()
        for offset, (value, link) in enumerate(zip(values, urls, strict=True)):
            if not isinstance(value, str):
                continue  # a null cell holds no article
            where = f"{chunk.source} row {chunk.first + offset}"
            if html is not None:
                page = page_text(value)
                yield Document(page.text, link or page.url, where)
            else:
                yield Document(value, link if isinstance(link, str) else None, where)

    def sink(
        self,
        stream: IO[bytes],
        payload: Payload,
        *,
        flush: bool = False,
        columns: Mapping[str, str] = MappingProxyType({}),
    ) -> Sink:
        pyarrow()  # the missing extra is reported before anything is read
        if payload is Payload.RECORDS:
            return RecordsParquetSink(stream, columns)
        return ParquetSink(stream)


PARQUET = ParquetFormat()
FORMATS = (PARQUET,)
