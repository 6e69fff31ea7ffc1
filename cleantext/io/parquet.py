"""Parquet in and out (optional: needs ``pyarrow``, the ``parquet`` extra).

Row batches travel between processes as Arrow IPC bytes, like JSONL lines do, so workers get
bytes and give bytes back. Every column other than the text column is passed through with its
Arrow type untouched; rejected rows are taken out, and ``--annotate`` adds a string column of
JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any

from ..errors import ConfigError
from .formats import Chunk, Format

if TYPE_CHECKING:
    from ..records import ChunkResult, Processor

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
    stream: IO[bytes], source: str, *, batch_rows: int = BATCH_ROWS
) -> Iterator[Chunk]:
    """Chunks of ``batch_rows`` rows; at least one (empty) chunk, so the schema is known."""
    pa = pyarrow()
    try:
        parquet = pa.parquet.ParquetFile(stream)
    except (pa.ArrowInvalid, OSError) as error:
        raise ConfigError(f"{source}: not a readable Parquet file ({error}).") from error
    first = 1
    batches = parquet.iter_batches(batch_size=batch_rows)
    while True:
        try:
            batch = next(batches, None)
        except (pa.ArrowException, OSError) as error:
            message = f"corrupt Parquet data after row {first - 1}: {error}"
            yield Chunk(Format.PARQUET, source, first, b"", error=message)
            return
        if batch is None:
            break
        yield Chunk(Format.PARQUET, source, first, _ipc(batch))
        first += batch.num_rows
    if first == 1:
        yield Chunk(Format.PARQUET, source, 1, _ipc(parquet.schema_arrow.empty_table()))


def process_batch(processor: Processor, chunk: Chunk) -> ChunkResult:
    """Clean the text column of one batch (the Parquet branch of ``Processor.process``)."""
    from ..records import Reject, _Tally, check_text, dump_json

    pa = pyarrow()
    options = processor.options
    table = _table(chunk.data)
    if options.text_field not in table.schema.names:
        raise ConfigError(
            f"{chunk.source}: no column {options.text_field!r} "
            f"(columns: {', '.join(table.schema.names)}); --text-field chooses it."
        )
    if options.annotate and options.annotate in table.schema.names:
        raise ConfigError(
            f"{chunk.source}: already has a column {options.annotate!r}, which --annotate would "
            "overwrite; choose another --annotate-field."
        )
    texts = table.column(options.text_field).to_pylist()
    urls = (
        table.column(options.url_field).to_pylist()
        if options.url_field in table.schema.names
        else [None] * len(texts)
    )
    tally = _Tally()
    keep: list[bool] = []
    cleaned: list[str] = []
    notes: list[str] = []
    for offset, (text, url) in enumerate(zip(texts, urls, strict=True)):
        tally.records_in += 1
        reason = check_text({options.text_field: text}, options.text_field)
        size = len(text.encode("utf-8", "surrogatepass")) if not reason else 0
        if not reason and options.max_bytes is not None and size > options.max_bytes:
            reason = f"text of {size} bytes is over --max-bytes {options.max_bytes}"
        if not reason:
            try:
                result, note = processor.clean(text, url if isinstance(url, str) else None, tally)
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
    out = out.set_column(
        index, out.schema.field(index), pa.array(cleaned, out.schema.field(index).type)
    )
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


class JsonlParquetSink:
    """Writes JSONL records (a database export's articles) to one Parquet file, in order.

    Every field an export can give is a column from the first batch on (null where an article
    did not have it), so articles of any export fit one schema; ``length_words`` is an integer
    column, nested values (an ``--annotate`` field) are JSON strings, as in :func:`process_batch`.
    """

    def __init__(self, stream: IO[bytes]) -> None:
        self._sink = ParquetSink(stream)
        self._columns: list[str] | None = None

    def _schema(self, records: list[dict[str, Any]]) -> Any:
        from .exports import FIELDS

        pa = pyarrow()
        if self._columns is None:
            seen = dict.fromkeys(key for record in records for key in record)
            known = ["id", *(key for key in seen if key not in FIELDS and key != "id"), *FIELDS]
            self._columns = list(dict.fromkeys(known))
        return pa.schema(
            [
                (name, pa.int64() if name == "length_words" else pa.string())
                for name in self._columns
            ]
        )

    def write(self, data: bytes) -> None:
        records = [json.loads(line) for line in data.splitlines() if line.strip()]
        if records:  # a rejected export gives no bytes, and must not fix the schema
            self._write(records)

    def _write(self, records: list[dict[str, Any]]) -> None:
        schema = self._schema(records or [{"id": "", "text": ""}])
        columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        for record in records:
            unknown = set(record) - set(columns)
            if unknown:
                raise ConfigError(
                    f"export record {record.get('id')!r} has fields {sorted(unknown)} that the "
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
            self._write([])  # no record at all: still a valid file with the export columns
        self._sink.close()
