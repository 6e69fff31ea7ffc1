"""Readers formats share: cut an input stream into :class:`~cleantext.io.chunk.Chunk` values.

They never parse records: the line reader only looks for newlines, so the process that reads
stays cheap and the parsing happens wherever chunks are processed. When compressed input
breaks off (truncated download, corrupt block), the reader does not raise: it hands on every
whole record it got, then one last chunk carrying the error and whatever was left of the cut
record, so the run can report the file, the last good record, and account for the rest.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, TYPE_CHECKING

from .chunk import Chunk, Payload
from .compression import Codec, corrupt_errors

if TYPE_CHECKING:
    from .format import Format

#: Raw bytes per chunk: big enough that a worker round trip costs nothing, small enough that
#: a few chunks in flight per worker keep memory flat.
CHUNK_BYTES = 1 << 19

#: The first chunk is this small and each next one twice as big up to the chunk size, so a
#: small input (a filter fed a few hundred records) is still spread over every worker.
FIRST_CHUNK_BYTES = 1 << 15


def _broken(error: BaseException, last_good: int) -> str:
    """What the run says when the input breaks off after line ``last_good``.

    A truncated file (``EOFError``) is whole up to the cut. Corrupt data is another matter:
    a decompressor checks its output only at the end of a gzip member (an xz or bz2 block, a
    zstd frame), so the lines it handed out before noticing may already be damaged; knowing
    which would mean holding whole members back, so the message says so instead.
    """
    if isinstance(error, EOFError):
        where = f"after line {last_good} (the last good record)" if last_good else "at the start"
        return f"truncated or corrupt compressed data {where}: {error}"
    if not last_good:
        return f"corrupt compressed data at the start: {error}"
    return (
        f"corrupt compressed data, unreadable from line {last_good + 1} ({error}); the lines "
        "just before it may be damaged too, since compressed data is only checked at the end "
        "of a gzip member (or of an xz or bz2 block, a zstd frame)"
    )


def _cut(buffer: bytearray, size: int, scanned: int) -> int:
    """Where the next chunk ends: after the last newline before ``size``, else the first one
    after it; 0 when there is none yet (``scanned``: bytes already known to hold none)."""
    cut = buffer.rfind(b"\n", 0, size) + 1
    return cut or buffer.find(b"\n", max(size, scanned)) + 1


def _line_ends(buffer: bytearray, eof: bool) -> bool | None:
    """Whether the input ends its lines with a lone ``\\r`` (old Mac files), from its first
    line break; ``None`` while the buffer cannot tell yet. A lone ``\\r`` cannot occur inside
    a JSON record (strings escape it), so such an input holds one record per ``\\r``.
    """
    cr, lf = buffer.find(b"\r"), buffer.find(b"\n")
    if cr < 0 or 0 <= lf < cr:
        return False if lf >= 0 or eof else None
    if cr + 1 < len(buffer):
        return buffer[cr + 1] != 0x0A
    return True if eof else None


def line_chunks(
    stream: IO[bytes],
    source: str,
    format: Format,
    *,
    chunk_bytes: int = CHUNK_BYTES,
    compress: Codec | None = None,
    payload: Payload | None = None,
) -> Iterator[Chunk]:
    """Chunks of whole lines from ``stream``, numbered from line 1 (JSONL: a record a line).

    Chunk sizes grow from :data:`FIRST_CHUNK_BYTES` to ``chunk_bytes`` and depend only on
    the content, never on how the stream hands out bytes, so every engine and worker count
    cuts the same chunks. Reads use ``read1`` so that data decompressed before a corrupt
    block is never held back in a buffer and lost. Lines end with ``\\n`` or ``\\r\\n``,
    or with a lone ``\\r`` when that is how the first line ends.

    >>> import io
    >>> from cleantext.io.registry import format_named
    >>> data = io.BytesIO(b"{}\\n{}\\n{}\\n")
    >>> [c.first for c in line_chunks(data, "x", format_named("jsonl"), chunk_bytes=3)]
    [1, 2, 3]
    """
    read = getattr(stream, "read1", stream.read)
    broken = corrupt_errors()
    buffer = bytearray()
    line, scanned = 1, 0
    size = min(FIRST_CHUNK_BYTES, chunk_bytes)
    eof = False
    carriage: bool | None = None  # lines end with a lone "\r" (``None``: not known yet)
    while buffer or not eof:
        if carriage is None:
            carriage = _line_ends(buffer, eof)
            if carriage:
                buffer[:] = buffer.replace(b"\r", b"\n")
        cut = _cut(buffer, size, scanned) if len(buffer) >= size or eof else 0
        if eof and not cut:
            cut = len(buffer)  # the last record, without a newline
        if cut:
            data = bytes(buffer[:cut])
            del buffer[:cut]
            scanned = 0
            yield Chunk(format, source, line, data, compress, payload=payload)
            line += data.count(b"\n")
            size = min(size * 2, chunk_bytes)
            continue
        scanned = len(buffer)
        try:
            block = read(max(size, 1 << 16))
        except broken as error:
            whole = buffer.rfind(b"\n") + 1
            if whole:
                yield Chunk(format, source, line, bytes(buffer[:whole]), compress, payload=payload)
                line += buffer.count(b"\n", 0, whole)
            rest = bytes(buffer[whole:])
            yield Chunk(
                format, source, line, rest, compress, _broken(error, line - 1), payload=payload
            )
            return
        if block:
            buffer += block.replace(b"\r", b"\n") if carriage else block
        else:
            eof = True


def whole_chunks(
    stream: IO[bytes],
    source: str,
    format: Format,
    *,
    compress: Codec | None = None,
    payload: Payload | None = None,
) -> Iterator[Chunk]:
    """The whole stream as one chunk (a plain-text file is one document, an export one file
    of articles)."""
    read = getattr(stream, "read1", stream.read)
    blocks: list[bytes] = []
    while True:
        try:
            block = read(CHUNK_BYTES)
        except corrupt_errors() as error:
            message = f"truncated or corrupt compressed data: {error}"
            yield Chunk(format, source, 0, b"".join(blocks), compress, message, payload=payload)
            return
        if not block:
            break
        blocks.append(block)
    yield Chunk(format, source, 0, b"".join(blocks), compress, payload=payload)
