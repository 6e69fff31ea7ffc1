"""HTML pages in (issue 19): ``.html`` files, ``--html-field`` records, and pages given as text.

What is checked is the plumbing: a page comes out as its article text (never as its markup),
site rules follow the record's URL or the page's canonical URL, the page's metadata reaches
``--annotate``, and every page is written or rejected. How well the text is extracted is the
HTML engine's business (:mod:`cleantext.pages`).
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from cleantext.pages import PAGE_AS_TEXT_WARNING, clean_page, decode_page, looks_like_page

from ..warcgen import article, html_page

PRESSREADER = "https://www.pressreader.com/uk/harbour-gazette/20240304/281500755"


def canonical(page: bytes, url: str) -> bytes:
    return page.replace(b"<head>", f"<head><link rel='canonical' href='{url}'>".encode())


def test_an_html_file_gives_its_article_text(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    source = tmp_path / "page.html"
    source.write_bytes(html_page(3))
    assert main(["clean", "-q", str(source)]) == EXIT_OK
    text = capsysbinary.readouterr().out.decode()
    assert "Council backs quay plan 3" in text
    assert article(3).split("\n")[0] in text and "<" not in text and "Sport" not in text


def test_html_files_become_records_with_their_metadata(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.htm").write_bytes(canonical(html_page(1), PRESSREADER))
    out = tmp_path / "pages.jsonl"
    assert main(["clean", "-q", str(tmp_path / "in" / "a.htm"), "-o", str(out), "--annotate"]) == 0
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["id"] == "a.htm" and record["url"] == PRESSREADER
    assert "pressreader" in record["cleantext"]["rule_sets"]  # site rules by canonical URL
    assert record["cleantext"]["metadata"]["headline"] == "Council backs quay plan 1"
    assert article(1).split("\n")[2] in record["text"]


def test_a_folder_of_pages_gives_text_files(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.html").write_bytes(html_page(1))
    assert main(["clean", "-q", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == EXIT_OK
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["a.txt"]
    assert article(1).split("\n")[0] in (tmp_path / "out" / "a.txt").read_text()


def test_annotating_a_page_written_as_text_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.html").write_bytes(html_page(1))
    assert main(["clean", str(tmp_path / "a.html"), "--annotate"]) == EXIT_USAGE
    assert ".jsonl or .parquet" in capsys.readouterr().err


def test_jsonl_records_with_an_html_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"id": 1, "html": html_page(1).decode(), "url": PRESSREADER},
        {"id": 2, "html": canonical(html_page(2), PRESSREADER).decode()},
        {"id": 3, "html": None},
        {"id": 4, "text": "no page here"},
    ]
    source = tmp_path / "pages.jsonl.gz"
    source.write_bytes(gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in rows)))
    out, rejects = tmp_path / "clean.jsonl", tmp_path / "rejects.jsonl"
    argv = ["clean", str(source), "--format", "jsonl", "--html-field", "html", "-o", str(out)]
    argv += ["--annotate", "--rejects", str(rejects)]
    assert main(argv) == EXIT_REJECTED
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in written] == [1, 2]
    for i, record in enumerate(written, 1):
        assert article(i).split("\n")[1] in record["text"] and "<" not in record["text"]
        assert record["html"] == rows[i - 1]["html"]  # the other fields pass through
        assert "pressreader" in record["cleantext"]["rule_sets"]
    reasons = [json.loads(line)["reason"] for line in rejects.read_text().splitlines()]
    assert reasons == [
        "field 'html' is null, not a string",
        "no 'html' field (--html-field chooses it)",
    ]
    assert "4 records in, 2 out, 2 rejected" in capsys.readouterr().err


def test_parquet_rows_with_an_html_column(tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    rows = [{"id": i, "page": html_page(i).decode()} for i in range(3)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    out = tmp_path / "out.parquet"
    argv = ["clean", "-q", str(tmp_path / "in.parquet"), "-o", str(out), "--html-field", "page"]
    assert main(argv) == EXIT_OK
    table = pq.read_table(out)
    assert table.schema.names == ["id", "page", "text"]
    for i, text in enumerate(table.column("text").to_pylist()):
        assert article(i).split("\n")[0] in text and "<" not in text


def test_html_field_on_plain_text_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Text.")
    assert main(["clean", str(tmp_path / "a.txt"), "--html-field", "html"]) == EXIT_USAGE
    assert "--html-field names a field of JSONL or Parquet records" in capsys.readouterr().err


@pytest.mark.parametrize("shape", ["text", "jsonl"])
def test_a_page_given_as_text_is_cleaned_as_a_page_and_says_so(
    tmp_path: Path, shape: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = html_page(5).decode()
    if shape == "text":
        source = tmp_path / "page.txt"
        source.write_text(page)
    else:
        source = tmp_path / "pages.jsonl"
        source.write_text(json.dumps({"text": page}) + "\n")
    out = tmp_path / f"out.{'txt' if shape == 'text' else 'jsonl'}"
    assert main(["clean", str(source), "-o", str(out)]) == EXIT_OK
    written = out.read_text()
    assert article(5).split("\n")[0] in written and "<p>" not in written
    assert f"1 document: {PAGE_AS_TEXT_WARNING}" in capsys.readouterr().err


def test_what_looks_like_a_page() -> None:
    assert looks_like_page("\ufeff  <!-- saved --><html lang='en'><body>x</body></html>")
    assert looks_like_page("<?xml version='1.0'?>\n<!DOCTYPE html><html></html>")
    assert not looks_like_page("<p>A fragment</p>")
    assert not looks_like_page("The <head> of the river is in the hills.")


def test_charsets_and_undecodable_bytes() -> None:
    assert decode_page("café".encode("cp1252"), "windows-1252") == "café"
    assert decode_page(b"\xef\xbb\xbfcaf\xc3\xa9") == "café"
    assert decode_page(b"caf\xe9", "no-such-charset") == "caf\ufffd"


def test_a_deep_page_does_not_exhaust_the_stack() -> None:
    from cleantext import Cleaner

    deep = "<html><body>" + "<div>" * 5000 + "<p>Deep text stays here.</p>" + "</div>" * 5000
    assert "Deep text stays here." in clean_page(Cleaner(), deep).text
