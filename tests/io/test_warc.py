"""WARC and WET files in, one JSON record per page out, every page accounted for (issue 19).

The files are written by hand (:mod:`tests.warcgen`): a WARC holds a request and a response
per page, a ``.warc.gz`` each record as its own gzip member, as crawlers write them.
"""

from __future__ import annotations

import gzip
import io
import json
import re
from pathlib import Path

import pytest

from cleantext import Cleaner, CleanOptions
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE
from cleantext.dumps import run
from cleantext.io.documents import iter_documents
from cleantext.io.plan import make_plan
from cleantext.records import Processor

from ..warcgen import (
    Page,
    article,
    html_page,
    request,
    response,
    warc,
    warcinfo,
    wet,
)
from ..warcgen import record as warc_record

pytest.importorskip("warcio")

BALANCE = re.compile(r"([\d,]+) records in, ([\d,]+) out, (?:([\d,]+) skipped, )?([\d,]+) rejected")


def balance(err: str) -> tuple[int, int, int, int]:
    found = BALANCE.search(err)
    assert found is not None, err
    return tuple(int(g or 0) for g in found.groups())  # type: ignore[return-value]


def records(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return [json.loads(line) for line in data.splitlines()]


def pages(count: int) -> list[Page]:
    return [Page(f"https://harbour.example/news/{i}", html_page(i)) for i in range(count)]


def test_a_wet_file_of_three_pages_gives_three_records(
    tmp_path: Path, cleaner: Cleaner, capsys: pytest.CaptureFixture[str]
) -> None:
    texts = [f"Menu\nHome\n{article(i)}\nShare this" for i in range(3)]
    urls = [f"https://harbour.example/{i}" for i in range(3)]
    source = tmp_path / "CC-MAIN-1.warc.wet.gz"
    source.write_bytes(wet([Page(u, t.encode()) for u, t in zip(urls, texts, strict=True)]))
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(source), "-o", str(out)]) == EXIT_OK
    got = records(out)
    assert [r["url"] for r in got] == urls
    assert [r["text"] for r in got] == [
        cleaner.clean(t, url=u) for t, u in zip(texts, urls, strict=True)
    ]
    assert got[0]["id"] == "<urn:uuid:00000000-0000-0000-0000-000000000001>"
    assert got[0]["date"] == "2024-03-04T10:00:00Z"
    assert balance(capsys.readouterr().err) == (3, 3, 0, 0)


def test_warc_pages_are_cleaned_as_html_and_the_rest_counted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pressreader = Page("https://www.pressreader.com/uk/harbour-gazette/1", html_page(0))
    crawl = [
        pressreader,
        *pages(3)[1:],
        Page("https://harbour.example/logo.png", b"\x89PNG\r\n", content_type="image/png"),
        Page("https://harbour.example/gone", b"<html><p>Not here</p></html>", status=404),
    ]
    source = tmp_path / "crawl.warc.gz"
    source.write_bytes(warc(crawl))
    out = tmp_path / "clean.jsonl"
    assert main(["clean", str(source), "-o", str(out), "--annotate"]) == EXIT_OK
    got = records(out)
    assert [r["url"] for r in got] == [p.url for p in crawl[:3]]
    for i, record in enumerate(got):
        assert article(i).split("\n")[1] in record["text"]
        assert f"Council backs quay plan {i}" in record["text"]
        assert "<" not in record["text"] and "charset" not in record["text"]
        assert record["cleantext"]["metadata"]["headline"] == f"Council backs quay plan {i}"
    assert "pressreader" in got[0]["cleantext"]["rule_sets"]  # site rules by WARC-Target-URI
    assert "pressreader" not in got[1]["cleantext"]["rule_sets"]
    err = capsys.readouterr().err
    assert balance(err) == (5, 3, 2, 0)
    assert "1 skipped: HTTP status 404" in err
    assert "1 skipped: not an HTML page (image/png)" in err


def test_the_http_charset_decodes_the_page(tmp_path: Path) -> None:
    body = html_page(1, extra="<p>The café on the quay reopened on Friday after the storm.</p>")
    latin = body.decode().replace("charset='utf-8'", "charset='utf-8'").encode("latin-1")
    page = Page("https://harbour.example/cafe", latin, content_type="text/html; charset=latin-1")
    source = tmp_path / "cafe.warc"
    source.write_bytes(warc([page], gz=False))
    out = tmp_path / "out.jsonl"
    assert main(["clean", "-q", str(source), "-o", str(out)]) == EXIT_OK
    assert "The café on the quay reopened" in records(out)[0]["text"]


def _http(body: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body


def test_a_response_without_target_uri_is_cleaned_without_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl = pages(3)
    middle = warc_record("response", 2, _http(crawl[1].body), Content_Type="application/http")
    source = tmp_path / "nouri.warc"
    source.write_bytes(response(crawl[0], 1) + middle + response(crawl[2], 3))
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "-j", "1"]) == EXIT_OK
    got = records(out)
    assert [r["url"] for r in got] == [crawl[0].url, None, crawl[2].url]
    assert all(f"Council backs quay plan {i}" in r["text"] for i, r in enumerate(got))
    assert balance(capsys.readouterr().err) == (3, 3, 0, 0)


def test_a_response_without_http_header_is_skipped_with_a_plain_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl = pages(2)
    bare = warc_record("response", 2, crawl[1].body, WARC_Target_URI=crawl[1].url)
    source = tmp_path / "bare.warc"
    source.write_bytes(response(crawl[0], 1) + bare)
    assert main(["clean", str(source), "-o", str(tmp_path / "out.jsonl")]) == EXIT_OK
    err = capsys.readouterr().err
    assert balance(err) == (2, 1, 1, 0)
    assert "1 skipped: response record without an HTTP response header\n" in err
    assert "<" not in err


@pytest.mark.parametrize("wrong", ["short", "negative"])
def test_a_record_with_a_wrong_content_length_is_rejected_without_warcio_noise(
    tmp_path: Path, wrong: str, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl = pages(3)
    bad = response(crawl[1], 2)
    length = len(bad.split(b"\r\n\r\n", 1)[1]) - 4  # the block, without the two line ends
    given = str(length - 40) if wrong == "short" else "-5"
    bad = bad.replace(f"Content-Length: {length}".encode(), f"Content-Length: {given}".encode())
    source = tmp_path / "badlen.warc"
    source.write_bytes(response(crawl[0], 1) + bad + response(crawl[2], 3))
    rejects = tmp_path / "rejects.jsonl"
    argv = ["clean", str(source), "-o", str(tmp_path / "o.jsonl"), "--rejects", str(rejects)]
    assert main(argv) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert "WARNING" not in err and "Offset:" not in err
    kept = [crawl[0].url]
    if wrong == "short":  # the rest of its page is one line: warcio finds record 3 after it
        kept.append(crawl[2].url)
        assert balance(err) == (3, 2, 0, 1)
    else:  # warcio then reads the page's HTTP header as WARC headers, and gives up
        assert "after record 1 (<urn" in err and "record 2 is not followed by a blank line" in err
    (entry,) = [json.loads(line) for line in rejects.read_text().splitlines()]
    assert entry["record_number"] == 2
    assert entry["reason"] == (
        "record not followed by a blank line: its Content-Length is probably wrong"
    )
    assert [r["url"] for r in records(tmp_path / "o.jsonl")] == kept


@pytest.mark.parametrize("share", [0.3, 0.55, 0.8])
def test_a_truncated_warc_keeps_every_whole_record_and_says_where(
    tmp_path: Path, share: float, capsys: pytest.CaptureFixture[str]
) -> None:
    crawl = pages(6)
    cut = warc(crawl)[: int(len(warc(crawl)) * share)]
    # The pages whose response record (a gzip member of its own) ends before the cut.
    end, kept = len(gzip.compress(warcinfo(), mtime=0)), 0
    for i, page in enumerate(crawl):
        end += len(gzip.compress(request(page, 2 * i + 1), mtime=0))
        end += len(gzip.compress(response(page, 2 * i + 2), mtime=0))
        kept += end <= len(cut)
    source = tmp_path / "cut.warc.gz"
    source.write_bytes(cut)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    code = main(["clean", str(source), "-o", str(out), "--rejects", str(rejects)])
    assert code == EXIT_REJECTED
    err = capsys.readouterr().err
    assert [r["url"] for r in records(out)] == [p.url for p in crawl[:kept]]
    assert re.search(r"cut\.warc\.gz: truncated or corrupt WARC data after record \d+ \(<urn", err)
    records_in, records_out, skipped, rejected = balance(err)
    assert records_in == records_out + skipped + rejected and records_out == kept
    for line in rejects.read_text().splitlines():
        entry = json.loads(line)
        assert entry["reason"] == "record cut short by truncated or corrupt input"
        assert entry["record_number"] == 2 * kept + 3  # warcinfo, then request and response


def test_two_workers_write_the_same_bytes(tmp_path: Path) -> None:
    source = tmp_path / "crawl.warc.gz"
    source.write_bytes(warc(pages(40)))
    processor = Processor(Cleaner(), CleanOptions(stats=True))
    outputs, summaries = [], []
    for jobs in (1, 2):
        out = io.BytesIO()
        plan = make_plan([str(source)], None)
        summaries.append(run(plan, processor, jobs=jobs, stdout=out, chunk_bytes=8192))
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["url"] for line in outputs[0].splitlines()] == [
        p.url for p in pages(40)
    ]
    assert summaries[0].counts == summaries[1].counts and summaries[0].counts.balanced


def test_a_folder_resumes_and_keeps_its_rejects(tmp_path: Path) -> None:
    folder, out = tmp_path / "crawl", tmp_path / "out"
    folder.mkdir()
    big = Page("https://harbour.example/big", html_page(9, extra="<p>x</p>" * 2000))
    (folder / "a.warc.gz").write_bytes(warc([*pages(2), big]))
    (folder / "b.warc.wet.gz").write_bytes(wet([Page("https://h.example/1", b"One page.")]))
    rejects = tmp_path / "rejects.jsonl"
    argv = ["clean", "-q", str(folder), "-o", str(out), "--rejects", str(rejects)]
    argv += ["--max-bytes", "10K"]
    assert main(argv) == EXIT_REJECTED
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl.gz", "b.jsonl.gz"]
    first, logged = (out / "a.jsonl.gz").read_bytes(), rejects.read_bytes()
    assert json.loads(logged)["record_number"] == 7 and b"over --max-bytes" in logged
    (out / "b.jsonl.gz").unlink()
    assert main([*argv, "--resume"]) == EXIT_OK
    assert (out / "a.jsonl.gz").read_bytes() == first and rejects.read_bytes() == logged
    assert records(out / "b.jsonl.gz")[0]["text"] == "One page."


def test_parquet_output_has_the_record_columns(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    source = tmp_path / "crawl.warc"
    source.write_bytes(warc(pages(2), gz=False))
    out = tmp_path / "out.parquet"
    assert main(["clean", "-q", str(source), "-o", str(out)]) == EXIT_OK
    table = pq.read_table(out)
    assert table.schema.names == ["id", "text", "url", "date"]
    assert table.column("url").to_pylist() == [p.url for p in pages(2)]


def test_the_dask_engine_writes_what_the_local_one_does(tmp_path: Path) -> None:
    pytest.importorskip("dask.bag")
    from cleantext.distributed import clean_dask

    folder = tmp_path / "crawl"
    folder.mkdir()
    (folder / "a.warc.gz").write_bytes(warc(pages(3)))
    assert main(["clean", "-q", str(folder), "-o", str(tmp_path / "local")]) == EXIT_OK
    summary = clean_dask([str(folder)], str(tmp_path / "dask"), scheduler="sync")
    assert summary.counts.balanced and summary.counts.records_out == 3
    local = (tmp_path / "local" / "a.jsonl.gz").read_bytes()
    assert (tmp_path / "dask" / "a.jsonl.gz").read_bytes() == local


def test_standard_input_read_as_wet(
    monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    data = wet([Page("https://h.example/1", b"First page."), Page("https://h.example/2", b"Two.")])
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["clean", "-q", "--format", "wet"]) == EXIT_OK
    lines = capsysbinary.readouterr().out.splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["First page.", "Two."]


def test_format_auto_recognises_a_warc_by_content(tmp_path: Path) -> None:
    source = tmp_path / "crawl.dat"
    source.write_bytes(warc(pages(1), gz=False))
    plan = make_plan([str(source)], None, by_content=True)
    assert plan.units[0].format.name == "warc"
    wet_file = tmp_path / "text.dat"
    wet_file.write_bytes(wet([Page("https://h.example/1", b"x")], gz=False))
    assert make_plan([str(wet_file)], None, by_content=True).units[0].format.name == "wet"


def test_mine_reads_warc_and_wet_pages(tmp_path: Path) -> None:
    (tmp_path / "a.warc.gz").write_bytes(warc(pages(2)))
    (tmp_path / "b.warc.wet.gz").write_bytes(wet([Page("https://h.example/1", b"Text.")]))
    docs = list(iter_documents(tmp_path))
    assert [d.url for d in docs] == [p.url for p in pages(2)] + ["https://h.example/1"]
    assert "Council backs quay plan 0" in docs[0].text and docs[2].text == "Text."


def test_without_warcio_the_error_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "warcio.archiveiterator", None)
    source = tmp_path / "crawl.warc"
    source.write_bytes(warc(pages(1), gz=False))
    assert main(["clean", str(source), "-o", str(tmp_path / "out.jsonl")]) == EXIT_USAGE
    assert "pip install 'cleantext-news[warc]'" in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


def test_an_interrupted_run_leaves_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cleantext.io.formats.warc import WarcFormat

    source = tmp_path / "crawl.warc.gz"
    source.write_bytes(warc(pages(60)))  # more than the first chunk
    original = WarcFormat.process

    def interrupted(self, processor, chunk):  # type: ignore[no-untyped-def]
        if chunk.first > 1:
            raise KeyboardInterrupt
        return original(self, processor, chunk)

    monkeypatch.setattr(WarcFormat, "process", interrupted)
    out = tmp_path / "out.jsonl"
    assert main(["clean", "-q", "-j", "1", str(source), "-o", str(out)]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crawl.warc.gz"]
