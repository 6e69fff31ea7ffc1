"""Each format and compression round-trips: records come back cleaned, in order, fields kept."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import lzma
from pathlib import Path

import pytest

from cleantext import Cleaner
from cleantext.cli import main
from cleantext.io import Codec, codec_for
from cleantext.io.compression import compressor, open_decompressed
from cleantext.io.registry import format_for, format_named

JSONL, TEXT = format_named("jsonl"), format_named("text")

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
SEED_TEXTS = [
    p.read_text(encoding="utf-8")
    for p in sorted(SEEDS.glob("*.txt"))
    if not p.name.endswith(".expected.txt")
]


def records(count: int = 12) -> list[dict]:
    """Records with the seed texts, short texts, extra fields of several JSON types."""
    out = []
    for i in range(count):
        text = SEED_TEXTS[i % len(SEED_TEXTS)] if i % 3 else f"Short note {i}.\n\nShare this"
        out.append(
            {"id": i, "text": text, "score": i / 7, "tags": ["a", f"t{i}"], "meta": {"n": None}}
        )
    return out


def jsonl_bytes(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def read_compressed(path: Path) -> bytes:
    codec = codec_for(path)
    with open(path, "rb") as raw, open_decompressed(raw, codec) as stream:
        return stream.read()


def write_compressed(path: Path, data: bytes) -> None:
    path.write_bytes(compressor(codec_for(path))(data))


def test_format_for_and_codec() -> None:
    assert format_for("a/b.jsonl.gz") is JSONL
    assert format_for("b.NDJSON") is JSONL
    assert format_for("b.parquet") is format_named("parquet")
    assert format_for("page.txt.xz") is TEXT
    assert format_for("noextension") is TEXT
    assert codec_for("a.jsonl.zst") is Codec.ZSTD
    assert codec_for("a.jsonl") is None


EXTENSIONS = ["", ".gz", ".bz2", ".xz", ".zst"]


@pytest.mark.parametrize("ext", EXTENSIONS, ids=lambda e: e or "plain")
def test_jsonl_round_trip(tmp_path: Path, cleaner: Cleaner, ext: str) -> None:
    if ext == ".zst":
        pytest.importorskip("zstandard")
    rows = records()
    source = tmp_path / f"in.jsonl{ext}"
    write_compressed(source, jsonl_bytes(rows))
    target = tmp_path / f"out.jsonl{ext}"
    assert main(["clean", "-q", str(source), "-o", str(target)]) == 0
    got = [json.loads(line) for line in read_compressed(target).splitlines()]
    assert [g["id"] for g in got] == [r["id"] for r in rows]
    for row, out in zip(rows, got, strict=True):
        assert out["text"] == cleaner.clean(row["text"])
        assert {k: v for k, v in out.items() if k != "text"} == {
            k: v for k, v in row.items() if k != "text"
        }


@pytest.mark.parametrize("ext", EXTENSIONS, ids=lambda e: e or "plain")
def test_text_folder_round_trip(tmp_path: Path, cleaner: Cleaner, ext: str) -> None:
    if ext == ".zst":
        pytest.importorskip("zstandard")
    folder = tmp_path / "in"
    (folder / "deep" / "er").mkdir(parents=True)
    names = [f"a{ext}", f"deep/b{ext}", f"deep/er/c.txt{ext}"]
    for name, text in zip(names, [*SEED_TEXTS, "Line one.\n\nShare this"], strict=False):
        write_compressed(folder / name, text.encode())
    (folder / ".hidden").write_text("ignored")
    assert main(["clean", "-q", str(folder), "-o", str(tmp_path / "out")]) == 0
    written = sorted(
        p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*")
    )
    assert written == sorted([*names, "deep", "deep/er"])
    for name in names:
        raw = read_compressed(folder / name).decode()
        expected = cleaner.clean(raw)
        assert read_compressed(tmp_path / "out" / name).decode() == expected + "\n"


def test_parquet_round_trip(tmp_path: Path, cleaner: Cleaner) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = records(30)
    table = pa.Table.from_pylist(rows)
    pq.write_table(table, tmp_path / "in.parquet", row_group_size=7)
    target = tmp_path / "out.parquet"
    assert main(["clean", "-q", str(tmp_path / "in.parquet"), "-o", str(target), "-j", "2"]) == 0
    out = pq.read_table(target)
    assert out.schema == table.schema
    got = out.to_pylist()
    assert [g["text"] for g in got] == [cleaner.clean(r["text"]) for r in rows]
    assert [{**g, "text": None} for g in got] == [{**r, "text": None} for r in rows]


def test_parquet_annotate_and_reject(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = records(4)
    rows[1]["text"] = None
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    rejects = tmp_path / "rejects.jsonl"
    argv = ["clean", "-q", str(tmp_path / "in.parquet"), "-o", str(tmp_path / "out.parquet")]
    assert main([*argv, "--annotate", "--rejects", str(rejects)]) == 1
    out = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [r["id"] for r in out] == [0, 2, 3]
    assert "edits" in json.loads(out[0]["cleantext"])
    (reject,) = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert reject["row"] == 2 and "null" in reject["reason"]
    assert json.loads(reject["record"])["id"] == 1


def test_rejected_text_file_names_the_file_and_no_line(tmp_path: Path) -> None:
    """A text file is one document: its entry in the rejects file has no line number to give."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.txt").write_text(SEED_TEXTS[0], encoding="utf-8")
    (tmp_path / "in" / "bad.txt").write_bytes(b"Caf\xe9 society\n")
    rejects = tmp_path / "rejects.jsonl"
    argv = ["clean", "-q", str(tmp_path / "in"), "-o", str(tmp_path / "out")]
    assert main([*argv, "--rejects", str(rejects)]) == 1
    (reject,) = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert reject["source"].endswith("bad.txt") and "not UTF-8 (byte 3" in reject["reason"]
    assert set(reject) == {"source", "reason", "record", "record_base64"}
    assert (tmp_path / "out" / "good.txt").read_text(encoding="utf-8")


def test_jsonl_chunks_cut_only_at_line_ends() -> None:
    data = jsonl_bytes(records(40))
    chunks = list(JSONL.chunks(io.BytesIO(data), "x", chunk_bytes=1000))
    assert len(chunks) > 5
    assert b"".join(c.data for c in chunks) == data
    assert all(c.data.endswith(b"\n") for c in chunks)
    line = 1
    for chunk in chunks:
        assert chunk.first == line
        line += chunk.data.count(b"\n")


def test_last_line_without_newline_is_a_record(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b'{"text": "One."}\n{"text": "Two."}')
    assert main(["clean", "-q", str(source), "-o", str(tmp_path / "o.jsonl")]) == 0
    assert (tmp_path / "o.jsonl").read_bytes() == b'{"text": "One."}\n{"text": "Two."}\n'


@pytest.mark.parametrize(
    ("codec", "cut"),
    [(gzip.compress, 0.6), (bz2.compress, 0.6), (lzma.compress, 0.6)],
    ids=["gz", "bz2", "xz"],
)
def test_truncated_input_gives_every_whole_record_then_the_error(codec, cut) -> None:
    data = jsonl_bytes(records(60))
    packed = codec(data)
    chunks = list(
        JSONL.chunks(_open(packed[: int(len(packed) * cut)], codec), "d", chunk_bytes=512)
    )
    *whole, last = chunks
    assert last.error and "truncated or corrupt" in last.error
    assert all(not c.error for c in whole)
    read = b"".join(c.data for c in chunks)
    assert data.startswith(read)


def _open(data: bytes, codec) -> io.BufferedIOBase:
    kind = {gzip.compress: Codec.GZIP, bz2.compress: Codec.BZIP2, lzma.compress: Codec.XZ}[codec]
    return open_decompressed(io.BytesIO(data), kind)  # type: ignore[return-value]


def test_truncated_document_is_rejected_whole() -> None:
    packed = gzip.compress(SEED_TEXTS[0].encode())
    (chunk,) = TEXT.chunks(_open(packed[:-30], gzip.compress), "doc.txt.gz", chunk_bytes=1 << 19)
    assert chunk.error
    assert SEED_TEXTS[0].encode().startswith(chunk.data)


def test_corrupt_parquet_is_reported_not_a_traceback(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(records(40)), tmp_path / "in.parquet", row_group_size=5)
    data = bytearray((tmp_path / "in.parquet").read_bytes())
    middle = len(data) // 2
    data[middle : middle + 2000] = b"\x00" * 2000
    (tmp_path / "bad.parquet").write_bytes(bytes(data))
    code = main(["clean", "-q", str(tmp_path / "bad.parquet"), "-o", str(tmp_path / "o.parquet")])
    assert code in (1, 2)
