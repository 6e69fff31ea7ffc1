"""Compression chosen by file extension: open for reading, compress a chunk for writing.

Every codec here has a framing in which independently compressed pieces concatenate into one
valid file (gzip members, bzip2 and xz streams, zstd frames). That is what lets worker
processes compress their own output chunks while the parent only appends bytes, so the
parent's compressor never becomes the bottleneck of a parallel run.

gzip goes through zlib-ng where it is installed (a dependency; the standard library's zlib
otherwise): the same format, two to three times faster to read and to write at the same level.
Reading is the one serial part of a parallel run, and writing was a fifth of its work.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable
from enum import Enum
from functools import partial
from pathlib import PurePath
from typing import IO, Any

from ..errors import ConfigError

_gzip: Any
_zlib: Any
try:
    from zlib_ng import gzip_ng as _gzip
    from zlib_ng import zlib_ng as _zlib
except ImportError:  # pragma: no cover - exercised only where zlib-ng has no wheel
    _gzip, _zlib = gzip, zlib


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
    _zlib.error,
)

#: gzip level for output. On 104 MB of news pages, zlib-ng's level 6 writes 39 MB in the time
#: the standard zlib's level 1 takes to write 44 MB (its level 6 takes three times as long);
#: zlib-ng's level 1 is three times faster again but writes 56 MB.
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


#: zlib's window bits for a gzip wrapper: header and trailer (CRC, length) checked by zlib
_GZIP_WBITS = 16 + zlib.MAX_WBITS
#: compressed bytes read at a time, and the most decompressed bytes handed out by one read
_GZIP_BLOCK = 1 << 17
_GZIP_MOST = 1 << 22


class _Decompressing(io.BufferedIOBase):
    """A reader of decompressed bytes built on its ``read1`` (which subclasses define)."""

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        """``size`` decompressed bytes, fewer only at the end (everything if ``size < 0``)."""
        if size is None or size < 0:
            return b"".join(iter(self.read1, b""))
        pieces: list[bytes] = []
        while size > 0 and (piece := self.read1(size)):
            pieces.append(piece)
            size -= len(piece)
        return b"".join(pieces)


class GzipReader(_Decompressing):
    """The decompressed content of a gzip file of one or more members (as workers write them).

    The gzip modules' own readers hold back some of what they decompressed before a
    truncation or a corrupt block (zlib-ng's up to its 128 KB buffer); this one hands out
    every byte before the damage, so every whole record before it is still cleaned.

    >>> data = gzip.compress(b"a\\n", mtime=0) + gzip.compress(b"b\\n", mtime=0)
    >>> GzipReader(io.BytesIO(data)).read()
    b'a\\nb\\n'
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._inflate = _zlib.decompressobj(wbits=_GZIP_WBITS)
        self._input = b""  # compressed bytes read and not yet decompressed
        self._in_member = False  # input ending now would cut a member short

    def read1(self, size: int | None = -1) -> bytes:
        """Some decompressed bytes (at most ``size``); ``b""`` only at the end."""
        most = size if size is not None and size > 0 else _GZIP_MOST
        while True:
            if not self._input:
                self._input = self._raw.read(_GZIP_BLOCK)
                if not self._input:
                    if self._in_member:
                        raise EOFError("the compressed file ends inside a gzip member")
                    return b""
            if not self._in_member:
                self._input = self._input.lstrip(b"\0")  # gzip allows zeros between members
                self._in_member = bool(self._input)
                if not self._in_member:
                    continue
            out: bytes = self._inflate.decompress(self._input, most)
            self._input = self._inflate.unconsumed_tail
            if self._inflate.eof:
                self._input = self._inflate.unused_data
                self._inflate = _zlib.decompressobj(wbits=_GZIP_WBITS)
                self._in_member = False
            if out:
                return out


#: compressed bytes given to the zstd decompressor at once: at most 32 MB of output
_ZSTD_PIECE = 1 << 10


class ZstdReader(_Decompressing):
    """The decompressed content of a zstd file of one or more frames (as workers write them).

    zstandard's stream reader ends quietly where a file is cut inside a frame, so the records
    after the cut would vanish without a word; this one raises ``EOFError`` there, after
    handing out everything decompressed before it, as :class:`GzipReader` does.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        super().__init__()
        self._raw = raw
        self._zstd = _zstandard().ZstdDecompressor()
        self._frame = self._zstd.decompressobj()
        self._input = b""  # compressed bytes read and not yet given to the decompressor
        self._output = b""  # decompressed bytes not yet handed out
        self._in_frame = False  # input ending now would cut a frame short

    def _fill(self) -> bool:
        """Decompress more into ``_output``; ``False`` at the end of the input."""
        while not self._output:
            if not self._input:
                self._input = self._raw.read(_GZIP_BLOCK)
                if not self._input:
                    if self._in_frame:
                        raise EOFError("the compressed file ends inside a zstd frame")
                    return False
            # A small piece at a time: one 4-byte block can stand for 128 KB of output, so the
            # output of a piece is bounded only through the size of the piece.
            data, self._input = self._input[:_ZSTD_PIECE], self._input[_ZSTD_PIECE:]
            self._in_frame = True
            self._output = self._frame.decompress(data)
            if self._frame.eof:
                self._input = self._frame.unused_data + self._input
                self._frame = self._zstd.decompressobj()
                self._in_frame = False
        return True

    def read1(self, size: int | None = -1) -> bytes:
        """Some decompressed bytes (at most ``size``); ``b""`` only at the end."""
        if not self._output and not self._fill():
            return b""
        most = size if size is not None and size > 0 else len(self._output)
        out, self._output = self._output[:most], self._output[most:]
        return out


def open_decompressed(raw: IO[bytes], codec: Codec | None) -> IO[bytes]:
    """A binary stream of the decompressed content of ``raw`` (returned as is if uncompressed)."""
    stream: Any
    if codec is None:
        stream = raw
    elif codec is Codec.GZIP:
        stream = GzipReader(raw)
    elif codec is Codec.BZIP2:
        stream = bz2.BZ2File(raw, mode="rb")
    elif codec is Codec.XZ:
        stream = lzma.LZMAFile(raw, mode="rb")  # noqa: SIM115 (the caller closes it)
    else:
        stream = ZstdReader(raw)  # files written chunk by chunk hold many frames
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
        return partial(_gzip.compress, compresslevel=GZIP_LEVEL, mtime=0)
    if codec is Codec.BZIP2:
        return bz2.compress
    if codec is Codec.XZ:
        return lzma.compress
    return _zstandard().ZstdCompressor(level=3).compress  # type: ignore[no-any-return]
