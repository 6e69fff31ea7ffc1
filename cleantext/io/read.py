"""Readers: cut an input stream into :class:`~cleantext.io.formats.Chunk` values of raw bytes.

They never parse records: a JSONL reader only looks for newlines, so the process that reads
stays cheap and the parsing happens wherever chunks are processed. When compressed input
breaks off (truncated download, corrupt block), the reader does not raise: it hands on every
whole record it got, then one last chunk carrying the error and whatever was left of the cut
record, so the run can report the file, the last good record, and account for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO

from .compression import Codec, corrupt_errors
from .formats import Chunk, Format

#: Raw bytes per chunk: big enough that a worker round trip costs nothing, small enough that
#: a few chunks in flight per worker keep memory flat.
CHUNK_BYTES = 1 << 19

#: The first chunk is this small and each next one twice as big up to the chunk size, so a
#: small input (a filter fed a few hundred records) is still spread over every worker.
FIRST_CHUNK_BYTES = 1 << 15


def _broken(error: BaseException, last_good: int) -> str:
    where = f"after line {last_good} (the last good record)" if last_good else "at the start"
    return f"truncated or corrupt compressed data {where}: {error}"


def jsonl_chunks(
    stream: IO[bytes],
    source: str,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    compress: Codec | None = None,
) -> Iterator[Chunk]:
    """Chunks of whole lines from ``stream``, numbered from line 1.

    Chunk sizes grow from :data:`FIRST_CHUNK_BYTES` to ``chunk_bytes`` and depend only on
    the input, so every engine and worker count cuts the same chunks.

    >>> import io
    >>> [c.first for c in jsonl_chunks(io.BytesIO(b"{}\\n{}\\n{}\\n"), "x", chunk_bytes=3)]
    [1, 2, 3]
    """
    broken = corrupt_errors()
    line = 1
    pending = b""
    size = min(FIRST_CHUNK_BYTES, chunk_bytes)
    while True:
        try:
            block = stream.read(size)
        except broken as error:
            cut = pending.rfind(b"\n") + 1
            if cut:
                yield Chunk(Format.JSONL, source, line, pending[:cut], compress)
                line += pending.count(b"\n", 0, cut)
            yield Chunk(
                Format.JSONL, source, line, pending[cut:], compress, _broken(error, line - 1)
            )
            return
        if not block:
            break
        pending += block
        cut = pending.rfind(b"\n") + 1
        if cut:
            data, pending = pending[:cut], pending[cut:]
            yield Chunk(Format.JSONL, source, line, data, compress)
            line += data.count(b"\n")
            size = min(size * 2, chunk_bytes)
    if pending:
        yield Chunk(Format.JSONL, source, line, pending, compress)


def document_chunks(
    stream: IO[bytes], source: str, *, compress: Codec | None = None
) -> Iterator[Chunk]:
    """The whole stream as one document (a plain-text file is one document)."""
    blocks: list[bytes] = []
    while True:
        try:
            block = stream.read(CHUNK_BYTES)
        except corrupt_errors() as error:
            message = f"truncated or corrupt compressed data: {error}"
            yield Chunk(Format.TEXT, source, 0, b"".join(blocks), compress, message)
            return
        if not block:
            break
        blocks.append(block)
    yield Chunk(Format.TEXT, source, 0, b"".join(blocks), compress)
