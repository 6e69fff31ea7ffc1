"""Records that used to abort a whole run or come out corrupted (issue 17): each is now
cleaned, or rejected with a reason, and the run goes on."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import cleantext
from cleantext import Cleaner, CleanOptions
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from cleantext.io.chunk import Chunk
from cleantext.io.registry import format_named
from cleantext.records import Processor

BAD_URL = "http://[::1"
TEXT = "The minister said the talks would resume on Monday.\n\nShare this article"
CLEAN = "The minister said the talks would resume on Monday."


def _process(data: bytes, **options: object) -> tuple[list[dict], list[tuple[int, str]]]:
    result = Processor(Cleaner(), CleanOptions(**options)).process(  # type: ignore[arg-type]
        Chunk(format_named("jsonl"), "in.jsonl", 1, data)
    )
    assert result.counts.balanced
    written = [json.loads(line) for line in result.data.decode().splitlines()]
    return written, [(r.line, r.reason) for r in result.rejects]


def test_an_invalid_url_means_no_url_and_says_so() -> None:
    assert cleantext.clean(TEXT, url=BAD_URL) == CLEAN
    explained = Cleaner().explain(TEXT, url=BAD_URL)
    assert explained.text == CLEAN
    assert any("not a valid URL" in w for w in explained.warnings)


def test_a_record_with_an_invalid_url_is_cleaned_not_fatal() -> None:
    rows = [{"text": TEXT, "url": BAD_URL}, {"text": TEXT, "url": "https://example.com/a"}]
    written, rejects = _process(b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    assert [r["text"] for r in written] == [CLEAN, CLEAN]
    assert rejects == []


def test_parquet_and_dask_and_mine_survive_an_invalid_url(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    source = tmp_path / "in.parquet"
    pq.write_table(pa.table({"text": [TEXT], "url": [BAD_URL]}), source)
    out = tmp_path / "out.parquet"
    assert main(["clean", "-q", str(source), "-o", str(out)]) == EXIT_OK
    assert pq.read_table(out).column("text").to_pylist() == [CLEAN]

    pytest.importorskip("dask.bag")
    from cleantext.distributed import clean_dask

    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "a.jsonl").write_text(json.dumps({"text": TEXT, "url": BAD_URL}) + "\n")
    summary = clean_dask([str(folder)], str(tmp_path / "dask-out"), scheduler="sync")
    assert summary.counts.records_out == 1 and summary.counts.balanced

    from cleantext.authoring.mine import Miner
    from cleantext.io.documents import iter_documents

    miner = Miner().add_all(iter_documents(folder / "a.jsonl"))
    assert miner.documents == 1


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"text": "a", "n": ' + b"1" * 5000 + b"}", "digits"),
        (b'{"text": "a", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested"),
        (b'{"text": "a", "n": 1e400}', "out of range"),
        (b'{"text": "a", "n": -1e400}', "out of range"),
    ],
)
def test_numbers_and_nesting_json_cannot_round_trip_are_rejected(raw: bytes, reason: str) -> None:
    written, rejects = _process(raw + b"\n" + b'{"text": "ok"}\n')
    assert written == [{"text": "ok"}]
    assert len(rejects) == 1 and reason in rejects[0][1]


def test_big_but_exact_numbers_pass_through() -> None:
    written, rejects = _process(b'{"text": "a", "n": 1e300, "m": ' + b"9" * 400 + b"}\n")
    assert rejects == [] and written[0]["n"] == 1e300 and written[0]["m"] == int("9" * 400)


def test_cr_only_jsonl_counts_every_record() -> None:
    import io

    data = b'{"text": "a"}\r{"text": "b"}\r{"text": "c"}\r'
    chunks = list(format_named("jsonl").chunks(io.BytesIO(data), "cr.jsonl", chunk_bytes=8))
    written = []
    for chunk in chunks:
        result = Processor(Cleaner(), CleanOptions()).process(chunk)
        assert not result.rejects
        written += [json.loads(line)["text"] for line in result.data.decode().splitlines()]
    assert written == ["a", "b", "c"]
    assert [c.first for c in chunks][:3] == [1, 2, 3]


def test_crlf_jsonl_is_unchanged() -> None:
    written, rejects = _process(b'{"text": "a"}\r\n{"text": "b"}\r\n')
    assert [r["text"] for r in written] == ["a", "b"] and rejects == []


def test_annotate_field_may_not_overwrite_a_field(tmp_path: Path, capsys) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text('{"id": 1, "text": "A."}\n{"text": "B."}\n')
    argv = ["clean", str(source), "--annotate"]
    assert main([*argv, "--annotate-field", "text"]) == EXIT_USAGE
    assert "--annotate-field" in capsys.readouterr().err
    assert main([*argv, "--annotate-field", "id"]) == EXIT_REJECTED
    out, err = capsys.readouterr()
    assert [json.loads(line)["text"] for line in out.splitlines()] == ["B."]
    assert "already has a field 'id'" in err


def test_clean_of_none_is_a_clear_type_error() -> None:
    with pytest.raises(TypeError, match="str"):
        Cleaner().clean(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        cleantext.clean(42)  # type: ignore[arg-type]


def test_batches_pass_missing_texts_through_and_ignore_missing_urls() -> None:
    cleaner = Cleaner()
    texts = [TEXT, None, math.nan, TEXT]
    urls = [math.nan, None, "https://example.com/", BAD_URL]
    expected = [CLEAN, None, None, CLEAN]
    assert cleaner.clean_batch(texts, urls) == expected  # type: ignore[arg-type]
    assert list(cleaner.clean_many(texts, urls=urls, jobs=1)) == expected  # type: ignore[arg-type]
    assert cleaner.clean(TEXT, url=math.nan) == CLEAN  # type: ignore[arg-type]


def test_tiny_lines_cost_a_small_multiple_of_the_input_in_memory(cleaner: Cleaner) -> None:
    """The issue's input was a million one-character lines (2 MB, 728 MB of memory, 640 MB of
    it the line classifier's, which such a document no longer reaches); 30,000 of them show
    the same growth per line. What is left is some 70 bytes a line (lists of line numbers, the
    compiled scans' tables): 35 bytes per byte of such text, far less for lines of real length.
    """
    import random
    import tracemalloc

    text = "\n".join(random.Random(17).choice("abcdefghij") for _ in range(30_000))
    cleaner.clean("Warm up: compile what the first document needs.")
    tracemalloc.start()
    try:
        result = cleaner.explain(text, edits=False)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * len(text)
    assert result.text == text
    assert any("line classifier was not run" in w for w in result.warnings)
