"""Compression chosen by file extension: open for reading, compress a chunk for writing.

Every codec here has a framing in which independently compressed pieces concatenate into one
valid file (gzip members, bzip2 and xz streams, zstd frames). That is what lets worker
processes compress their own output chunks while the parent only appends bytes, so the
parent's compressor never becomes the bottleneck of a parallel run.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import zlib
from collections.abc import Callable
from enum import Enum
from functools import partial
from pathlib import PurePath
from typing import IO, Any

from ..errors import ConfigError


class Codec(Enum):
    """A compression format, named by its file extension."""

    GZIP = ".gz"
    BZIP2 = ".bz2"
    XZ = ".xz"
    ZSTD = ".zst"


#: Errors a decompressor raises on truncated or corrupt data (zstd's is added when loaded).
CORRUPT_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    gzip.BadGzipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
)

#: gzip level for output: level 6 costs about twice level 1 for a few percent smaller files.
GZIP_LEVEL = 6


def codec_for(name: str | PurePath) -> Codec | None:
    """The codec a file name's last extension asks for, or ``None`` for uncompressed.

    >>> codec_for("dump.jsonl.gz"), codec_for("dump.jsonl")
    (<Codec.GZIP: '.gz'>, None)
    """
    suffix = PurePath(name).suffix.lower()
    return next((codec for codec in Codec if codec.value == suffix), None)


def strip_codec(name: str | PurePath) -> str:
    """The file name without its compression extension (``a.jsonl.gz`` → ``a.jsonl``)."""
    name = str(name)
    codec = codec_for(name)
    return name[: -len(codec.value)] if codec else name


def _zstandard() -> Any:
    try:
        import zstandard
    except ImportError as error:
        raise ConfigError(
            ".zst files need the zstandard package: pip install 'cleantext-news[zstd]'."
        ) from error
    return zstandard


def corrupt_errors() -> tuple[type[BaseException], ...]:
    """The exceptions that mean "this compressed input is truncated or corrupt"."""
    try:
        import zstandard
    except ImportError:
        return CORRUPT_ERRORS
    return (*CORRUPT_ERRORS, zstandard.ZstdError)


def open_decompressed(raw: IO[bytes], codec: Codec | None) -> IO[bytes]:
    """A binary stream of the decompressed content of ``raw`` (returned as is if uncompressed)."""
    stream: Any
    if codec is None:
        stream = raw
    elif codec is Codec.GZIP:
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
    elif codec is Codec.BZIP2:
        stream = bz2.BZ2File(raw, mode="rb")
    elif codec is Codec.XZ:
        stream = lzma.LZMAFile(raw, mode="rb")  # noqa: SIM115 (the caller closes it)
    else:
        # read_across_frames: files written chunk by chunk hold many frames.
        zstd = _zstandard().ZstdDecompressor()
        stream = zstd.stream_reader(raw, read_across_frames=True, closefd=False)
    return stream  # type: ignore[no-any-return]


def compressor(codec: Codec | None) -> Callable[[bytes], bytes]:
    """A function compressing one chunk into a self-contained piece (identity if ``None``).

    Pieces are deterministic (gzip's timestamp is fixed to 0), so the same input gives
    byte-identical files whatever the number of workers or the engine.

    >>> import gzip
    >>> piece = compressor(Codec.GZIP)
    >>> gzip.decompress(piece(b"a\\n") + piece(b"b\\n"))
    b'a\\nb\\n'
    """
    if codec is None:
        return bytes
    if codec is Codec.GZIP:
        return partial(gzip.compress, compresslevel=GZIP_LEVEL, mtime=0)
    if codec is Codec.BZIP2:
        return bz2.compress
    if codec is Codec.XZ:
        return lzma.compress
    return _zstandard().ZstdCompressor(level=3).compress  # type: ignore[no-any-return]
