"""A dump's kind (whole pages or extracted text), read from its first documents, decides how
each of its documents is cleaned (``input_kind="auto"``; :mod:`cleantext.classify.dump`)."""

from __future__ import annotations

import json

import pytest

from cleantext import Cleaner
from cleantext.classify import dump
from cleantext.classify.dump import DumpReading, read_dump
from cleantext.cli import main
from cleantext.io.chunk import Chunk
from cleantext.io.dump_kind import sampled_fields, with_dump_kind
from cleantext.io.format import Fields
from cleantext.io.registry import format_named
from cleantext.options import CleanOptions
from cleantext.records import Processor

from .test_pipeline import ARTICLE, FOOTER, HEADLINE, NAVIGATION, WHOLE_PAGE

QUIET_PAGE = "\n".join([NAVIGATION[0], "Menu", "Search", HEADLINE, *ARTICLE, *FOOTER[-4:]])
"""A whole page with little around its article: alone, it reads as article text."""
EXTRACTED = "\n".join([HEADLINE, *ARTICLE])


def test_the_reading_needs_a_clear_majority_and_enough_documents() -> None:
    assert DumpReading(200, 100).input_kind == "page"
    assert DumpReading(200, 20).input_kind == "article"
    assert DumpReading(200, 21).input_kind == "document"  # mixed: each judged alone
    assert DumpReading(dump.MIN_DOCUMENTS - 1, 0).input_kind == "document"
    assert DumpReading(0, 0).note("x") is None


def test_read_dump_reads_pages_articles_and_skips_blank_documents() -> None:
    assert read_dump([WHOLE_PAGE] * 11 + [QUIET_PAGE]) == DumpReading(12, 11)
    assert read_dump([EXTRACTED] * 12).input_kind == "article"
    assert read_dump(["", "  \n "] * 20 + [EXTRACTED] * 3).documents == 3


def test_read_dump_stops_at_its_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dump, "SAMPLE_DOCUMENTS", 5)
    assert read_dump(iter([EXTRACTED] * 50)).documents == 5
    monkeypatch.setattr(dump, "SAMPLE_CHARS", len(WHOLE_PAGE) * 2)
    assert read_dump([WHOLE_PAGE * 3, EXTRACTED, WHOLE_PAGE]).documents == 2  # too big: not read
    assert read_dump([WHOLE_PAGE] * 9).documents == 2  # the budget is spent


def test_a_quiet_page_in_a_dump_of_pages_is_cleaned_as_a_page() -> None:
    assert Cleaner().clean(QUIET_PAGE) == QUIET_PAGE  # alone: read as article text
    as_page = Cleaner(input_kind="page").clean(QUIET_PAGE)
    kept = as_page.split("\n")
    assert HEADLINE in kept and set(ARTICLE) <= set(kept) and not set(FOOTER) & set(kept)
    processor = Processor(Cleaner())
    line = json.dumps({"text": QUIET_PAGE}).encode() + b"\n"
    chunk = Chunk(format_named("jsonl"), "in", 1, line, input_kind="page")
    assert json.loads(processor.process(chunk).data)["text"] == as_page


def _chunks(texts: list[str | bytes], per_chunk: int = 3) -> list[Chunk]:
    """JSONL chunks of ``texts``; a ``bytes`` item is a raw line."""
    lines = [t if isinstance(t, bytes) else json.dumps({"text": t}).encode() + b"\n" for t in texts]
    return [
        Chunk(format_named("jsonl"), "in", k + 1, b"".join(lines[k : k + per_chunk]))
        for k in range(0, len(lines), per_chunk)
    ]


def test_every_chunk_goes_on_in_order_marked_with_the_kind() -> None:
    chunks = _chunks([WHOLE_PAGE] * 11 + [QUIET_PAGE, b"not json\n"] + [WHOLE_PAGE] * 4)
    heard: list[DumpReading] = []
    marked = list(with_dump_kind(chunks, Fields(), heard.append))
    assert [c.data for c in marked] == [c.data for c in chunks]  # nothing held or lost
    assert {c.input_kind for c in marked} == {"page"}
    # the bad line and the rest of its chunk are left to the processing
    assert heard == [DumpReading(14, 13)]


def test_only_auto_with_the_classifier_on_dumps_of_text_reads_the_dump() -> None:
    jsonl = format_named("jsonl")
    assert sampled_fields(CleanOptions(), jsonl) == Fields(("text",), ("url",))
    assert sampled_fields(CleanOptions(), format_named("wet")) is not None
    assert sampled_fields(CleanOptions(input_kind="document"), jsonl) is None
    assert sampled_fields(CleanOptions(classifier=False), jsonl) is None
    assert sampled_fields(CleanOptions(html_field="html"), jsonl) is None
    for one_document_or_html in ("text", "html", "warc"):
        assert sampled_fields(CleanOptions(), format_named(one_document_or_html)) is None


def test_a_chunk_the_sample_cannot_read_goes_on_unread() -> None:
    broken = Chunk(format_named("parquet"), "in", 1, b"not an arrow stream")
    marked = list(with_dump_kind([broken, *_chunks([EXTRACTED] * 12)], Fields()))
    assert marked[0].data == broken.data and {c.input_kind for c in marked} == {"article"}


def _dump(path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts), encoding="utf-8")


def _texts(path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_cli_cleans_a_dump_of_pages_as_pages(tmp_path, capsys, jobs: str) -> None:
    texts = [WHOLE_PAGE] * 11 + [QUIET_PAGE]
    _dump(tmp_path / "pages.jsonl", texts)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(tmp_path / "pages.jsonl"), "-o", str(out), "-j", jobs]) == 0
    as_page = Cleaner(input_kind="page")
    assert _texts(out) == [as_page.clean(t) for t in texts]
    err = capsys.readouterr().err
    assert "cleaned as whole-page text (11 of 12 sampled documents read as pages)" in err


def test_the_cli_judges_each_document_alone_when_told_or_too_few(tmp_path, capsys) -> None:
    texts = [WHOLE_PAGE] * 11 + [QUIET_PAGE]
    _dump(tmp_path / "pages.jsonl", texts)
    out = tmp_path / "out.jsonl"
    args = ["clean", str(tmp_path / "pages.jsonl"), "-o", str(out), "--force"]
    assert main([*args, "--input-kind", "document"]) == 0
    assert _texts(out)[-1] == QUIET_PAGE
    assert "sampled documents" not in capsys.readouterr().err
    _dump(tmp_path / "pages.jsonl", texts[-3:])  # three documents say nothing of a dump
    assert main(args) == 0
    assert _texts(out)[-1] == QUIET_PAGE
    assert "sampled documents" not in capsys.readouterr().err


def test_a_dump_of_extracted_text_is_only_trimmed(tmp_path, capsys) -> None:
    texts = [EXTRACTED] * 11 + [WHOLE_PAGE]
    _dump(tmp_path / "articles.jsonl", texts)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(tmp_path / "articles.jsonl"), "-o", str(out)]) == 0
    as_article = Cleaner(input_kind="article")
    assert _texts(out) == [as_article.clean(t) for t in texts]
    assert "cleaned as extracted article text" in capsys.readouterr().err


def test_the_dask_engine_reads_each_file_the_same_way(tmp_path) -> None:
    pytest.importorskip("dask.bag")
    from cleantext.distributed import clean_dask

    texts = [WHOLE_PAGE] * 11 + [QUIET_PAGE]
    _dump(tmp_path / "pages.jsonl", texts)
    summary = clean_dask([str(tmp_path / "pages.jsonl")], str(tmp_path / "out"), scheduler="sync")
    as_page = Cleaner(input_kind="page")
    assert _texts(tmp_path / "out" / "pages.jsonl") == [as_page.clean(t) for t in texts]
    assert summary.kinds == (
        f"{tmp_path / 'pages.jsonl'}: cleaned as whole-page text "
        "(11 of 12 sampled documents read as pages)",
    )


def test_a_cleaned_dump_is_read_as_articles_and_comes_out_unchanged(tmp_path, capsys) -> None:
    """Cleaning is idempotent per dump too: cut down to their articles, pages read as article
    text, which the classifier leaves whole."""
    _dump(tmp_path / "pages.jsonl", [WHOLE_PAGE] * 11 + [QUIET_PAGE])
    once, twice = tmp_path / "once.jsonl", tmp_path / "twice.jsonl"
    assert main(["clean", str(tmp_path / "pages.jsonl"), "-o", str(once)]) == 0
    assert main(["clean", str(once), "-o", str(twice)]) == 0
    assert twice.read_bytes() == once.read_bytes()
    assert "once.jsonl: cleaned as extracted article text" in capsys.readouterr().err


def _text_files(folder, texts: list[str]) -> None:
    folder.mkdir()
    for k, text in enumerate(texts):
        (folder / f"{k:02d}.txt").write_text(text, encoding="utf-8")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_of_text_files_is_read_as_one_dump(tmp_path, capsys, jobs: str) -> None:
    """A plain-text file is one document, so a run's text files are read together."""
    texts = [WHOLE_PAGE] * 11 + [QUIET_PAGE]
    _text_files(tmp_path / "pages", texts)
    out = tmp_path / "out"
    assert main(["clean", str(tmp_path / "pages"), "-o", f"{out}/", "-j", jobs]) == 0
    as_page = Cleaner(input_kind="page")
    cleaned = [(out / f"{k:02d}.txt").read_text(encoding="utf-8") for k in range(len(texts))]
    assert cleaned == [as_page.clean(t) + "\n" for t in texts]
    err = capsys.readouterr().err
    assert "the run's plain-text files: cleaned as whole-page text (11 of 12" in err


def test_the_dask_engine_reads_a_folder_of_text_files_the_same_way(tmp_path) -> None:
    pytest.importorskip("dask.bag")
    from cleantext.distributed import clean_dask

    texts = [WHOLE_PAGE] * 11 + [QUIET_PAGE]
    _text_files(tmp_path / "pages", texts)
    summary = clean_dask([str(tmp_path / "pages")], str(tmp_path / "out"), scheduler="sync")
    quiet = (tmp_path / "out" / "11.txt").read_text(encoding="utf-8")
    assert quiet == Cleaner(input_kind="page").clean(QUIET_PAGE) + "\n"
    assert any("plain-text files: cleaned as whole-page text" in k for k in summary.kinds)


def test_read_files_passes_over_what_it_cannot_read(tmp_path) -> None:
    from cleantext.io.dump_kind import read_files

    _text_files(tmp_path / "pages", [WHOLE_PAGE] * 10)
    text, jsonl = format_named("text"), format_named("jsonl")
    files = [(str(p), text) for p in sorted((tmp_path / "pages").iterdir())]
    files.insert(3, (str(tmp_path / "gone.txt"), text))

    def opener(name: str):
        return open(name, "rb")

    assert read_files(files, CleanOptions(), opener) == DumpReading(10, 10)
    assert read_files(files, CleanOptions(input_kind="document"), opener) is None
    assert read_files([("x.jsonl", jsonl)], CleanOptions(), opener) is None
