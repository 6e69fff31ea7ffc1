"""The gzip reader: any member layout reads back whole, and damage loses nothing before it."""

from __future__ import annotations

import gzip
import io
import os
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleantext.io import compression
from cleantext.io.compression import Codec, GzipReader, compressor, corrupt_errors


@pytest.fixture(autouse=True, params=["installed", "stdlib"])
def inflate_module(request, monkeypatch):
    """Every test runs with zlib-ng (when installed) and with the standard library's zlib."""
    if request.param == "stdlib":
        monkeypatch.setattr(compression, "_zlib", zlib)


def _read_until_error(data: bytes, size: int = 1 << 16) -> tuple[bytes, BaseException | None]:
    reader, got = GzipReader(io.BytesIO(data)), []
    try:
        while piece := reader.read1(size):
            got.append(piece)
    except corrupt_errors() as error:
        return b"".join(got), error
    return b"".join(got), None


@given(
    members=st.lists(st.tuples(st.binary(max_size=3000), st.integers(0, 3)), max_size=6),
    size=st.sampled_from([1, 7, 1 << 16, -1]),
)
def test_members_and_zero_padding_read_back_whole(members, size) -> None:
    data = b"".join(gzip.compress(piece, mtime=0) + b"\0" * zeros for piece, zeros in members)
    content = b"".join(piece for piece, _ in members)
    got, error = _read_until_error(data, size)
    assert error is None
    assert got == content
    assert GzipReader(io.BytesIO(data)).read() == content


def test_pieces_of_the_output_compressor_concatenate() -> None:
    piece = compressor(Codec.GZIP)
    lines = [b"line %d\n" % i * 50 for i in range(40)]
    assert GzipReader(io.BytesIO(b"".join(map(piece, lines)))).read() == b"".join(lines)


def test_read_with_a_size_fills_it_until_the_end() -> None:
    text = os.urandom(20_000).hex().encode()
    reader = GzipReader(io.BytesIO(gzip.compress(text[:9000]) + gzip.compress(text[9000:])))
    assert reader.read(10_000) == text[:10_000]
    assert reader.read(50_000) == text[10_000:]
    assert reader.read(5) == b""


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.5, 0.9, 0.999])
def test_a_truncated_file_hands_out_everything_before_the_cut(fraction) -> None:
    text = os.urandom(400_000).hex().encode()  # hex digits compress about 2:1
    packed = gzip.compress(text)
    cut = packed[: max(int(len(packed) * fraction), 1)]
    got, error = _read_until_error(cut)
    assert isinstance(error, EOFError)
    assert text.startswith(got)
    # Never less than the standard library's reader, which hands out all it decompressed.
    stdlib = gzip.GzipFile(fileobj=io.BytesIO(cut))
    theirs = bytearray()
    with pytest.raises(corrupt_errors()):
        while piece := stdlib.read1(1 << 16):
            theirs += piece
    assert len(got) >= len(theirs)


def test_a_corrupt_block_is_a_corrupt_error() -> None:
    text = os.urandom(200_000).hex().encode()
    packed = bytearray(gzip.compress(text))
    packed[len(packed) // 2] ^= 0xFF  # inflates to garbage or fails; the CRC catches garbage
    _, error = _read_until_error(bytes(packed))
    assert error is not None


def test_not_gzip_is_a_corrupt_error() -> None:
    got, error = _read_until_error(b"plain text, not gzip\n")
    assert got == b""
    assert error is not None
