"""Nexis and Factiva exports: one record per article, header and footer out of the text.

The four exports in ``tests/fixtures/exports/`` are synthetic (written for these tests) in the
layouts the databases produce; each has its expected output beside it, compared exactly.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED
from cleantext.document import replay
from cleantext.io.exports import (
    FACTIVA,
    NEXIS,
    ExportLayoutError,
    parse_date,
    read_export,
    sniff_export,
)
from cleantext.io.plan import make_plan

from ..conftest import SEEDS

EXPORTS = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
CASES = [
    ("nexis_classic.TXT", NEXIS),
    ("nexis_uni.txt", NEXIS),
    ("factiva_plain.txt", FACTIVA),
    ("factiva_coded.txt", FACTIVA),
]


def expected(name: str) -> list[dict]:
    path = EXPORTS / f"{name.rsplit('.', 1)[0]}.expected.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_cli_writes_one_exact_record_per_article(name: str, kind: str, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(EXPORTS / name), "--format", kind, "-o", str(out), "-q"]) == EXIT_OK
    assert read_jsonl(out) == expected(name)


@pytest.mark.parametrize(("name", "kind"), CASES)
def test_edits_replay_and_no_export_line_is_left(name: str, kind: str) -> None:
    labels = (
        "DOCUMENTS",
        "LOAD-DATE",
        "LANGUAGE:",
        "Load-Date",
        "End of Document",
        "Copyright",
        "words",
        "Document ",
        "BYLINE",
        "Byline:",
        "Classification",
    )
    source = (EXPORTS / name).read_text(encoding="utf-8")
    for article in read_export(source, kind):
        assert replay(article.raw, article.edits) == article.text
        assert {"publication", "date", "headline", "length_words"} <= set(article.fields)
        assert not [line for line in article.text.splitlines() if line.startswith(labels)]
        assert article.text[:20] in source.splitlines()[article.line - 1]


def test_annotated_edits_replay_from_the_article_to_the_record(tmp_path: Path) -> None:
    source = (EXPORTS / "nexis_classic.TXT").read_text(encoding="utf-8")
    out = tmp_path / "out.jsonl"
    args = ["clean", str(EXPORTS / "nexis_classic.TXT"), "--format", "nexis", "-o", str(out)]
    assert main([*args, "--annotate", "-q"]) == EXIT_OK
    for article, record in zip(read_export(source, NEXIS), read_jsonl(out), strict=True):
        edits = record["cleantext"]["edits"]
        assert edits[0]["rule"].startswith("nexis/")
        text = article.raw
        for edit in edits:
            assert text[edit["start"] : edit["end"]] == edit["removed"]
            text = text[: edit["start"]] + edit["replacement"] + text[edit["end"] :]
        assert text == record["text"]


def test_auto_finds_exports_by_content_and_names_their_outputs(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name, _ in CASES:
        (inputs / name).write_bytes((EXPORTS / name).read_bytes())
    (inputs / "article.txt").write_bytes((SEEDS / "000_277d1107e5220382.txt").read_bytes())
    out = tmp_path / "out"
    assert main(["clean", str(inputs), "--format", "auto", "-o", str(out), "-q"]) == EXIT_OK
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "article.txt",
        "factiva_coded.jsonl",
        "factiva_plain.jsonl",
        "nexis_classic.jsonl",
        "nexis_uni.jsonl",
    ]
    for name, _ in CASES:
        assert read_jsonl(out / f"{name.rsplit('.', 1)[0]}.jsonl") == expected(name)
    assert not (out / "article.txt").read_text(encoding="utf-8").startswith("{")


def test_exports_of_both_databases_share_a_parquet_output(tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "all.parquet"
    names = [str(EXPORTS / "nexis_uni.txt"), str(EXPORTS / "factiva_coded.txt")]
    assert main(["clean", *names, "--format", "auto", "-o", str(out), "-q"]) == EXIT_OK
    rows = pq.read_table(out).to_pylist()
    wanted = expected("nexis_uni.txt") + expected("factiva_coded.txt")
    assert [{k: v for k, v in row.items() if v is not None} for row in rows] == wanted
    assert pq.read_table(out).schema.field("length_words").type == "int64"


def test_a_file_not_in_the_layout_is_rejected_whole_with_its_line(tmp_path: Path) -> None:
    text = (EXPORTS / "nexis_uni.txt").read_text(encoding="utf-8")
    cut = text[: text.rindex("Load-Date: March 8")]  # the download broke off
    path = tmp_path / "cut.txt"
    path.write_text(cut, encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    args = ["clean", str(path), "--format", "nexis", "--rejects", str(rejects), "-q"]
    assert main([*args, "-o", str(tmp_path / "out.jsonl")]) == EXIT_REJECTED
    (reject,) = read_jsonl(rejects)
    last_end = cut[: cut.rindex("End of Document")].count("\n") + 1
    assert reject["line"] > last_end
    assert "End of Document" in reject["reason"] and reject["record"] == cut
    assert (tmp_path / "out.jsonl").read_bytes() == b""


@pytest.mark.parametrize(
    ("text", "kind", "line", "words"),
    [
        ("A plain article.\n\nNothing else.", NEXIS, 1, "no article start"),
        ("1 of 2 DOCUMENTS\n\nThe Times\n\nNo date here\n", NEXIS, 3, "no date line"),
        (
            "1 of 3 DOCUMENTS\n\nThe Times\nMay 1, 2020\n\nText.\n\n"
            "3 of 3 DOCUMENTS\n\nThe Times\nMay 2, 2020\n\nText.\n",
            NEXIS,
            8,
            "follows document 1",
        ),
        ("Headline\n\nThe Times\nMay 1, 2020\n\nText.\n\nEnd of Document\n", NEXIS, 1, "'Body'"),
        ("Headline\nMay 1, 2020\nText.\nDocument ABCDEF0020200501eg510000a\n", FACTIVA, 1, "words"),
        ("HD Title\nWC 3 words\nAN Document ABCDEF0020200501eg510000a\n", FACTIVA, 1, "LP"),
    ],
)
def test_layout_errors_name_the_line(text: str, kind: str, line: int, words: str) -> None:
    with pytest.raises(ExportLayoutError) as caught:
        read_export(text, kind)
    assert caught.value.line == line
    assert words in str(caught.value)


def test_sniffing_needs_the_layout_not_a_word() -> None:
    for name, kind in CASES:
        assert sniff_export((EXPORTS / name).read_text(encoding="utf-8")) == kind
    for seed in SEEDS.glob("*.txt"):
        assert sniff_export(seed.read_text(encoding="utf-8")) is None
    assert sniff_export("He read the 1 of 3 DOCUMENTS aloud.\nEnd of Document") is None


def test_plan_reads_content_only_when_asked(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes((EXPORTS / "factiva_plain.txt").read_bytes())
    assert make_plan([str(path)], None).units[0].format.name == "text"
    plan = make_plan([str(path)], None, by_content=True)
    assert plan.units[0].format.name == FACTIVA and plan.output_format.name == "jsonl"


def test_dates() -> None:
    assert parse_date("July 1, 2015 Wednesday") == "2015-07-01"
    assert parse_date("11. Januar 2010 Montag") == "2010-01-11"
    assert parse_date("Sept. 3, 2019") == "2019-09-03"
    assert parse_date("January 2010") == "2010-01"
    assert parse_date("Council votes 7-2") is None


SENTENCE = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12), min_size=4, max_size=40
).map(lambda words: " ".join(words).capitalize() + ".")
PARAGRAPHS = st.lists(SENTENCE, min_size=1, max_size=6)


def classic(paragraphs: list[str]) -> str:
    body = "\n\n".join(textwrap.fill(p, 80) for p in paragraphs)
    return (
        "                1 of 1 DOCUMENTS\n\n            Harbour Gazette\n\n"
        "          May 4, 2021 Tuesday\n\nA headline\n\nBYLINE: Jo Kent\n\n"
        f"LENGTH: 99 words\n\n\n{body}\n\nLOAD-DATE: May 5, 2021\n\nLANGUAGE: ENGLISH\n"
    )


def uni(paragraphs: list[str]) -> str:
    body = "\n\n".join(paragraphs)
    return (
        "A headline\n\nHarbour Gazette\nMay 4, 2021 Tuesday\n\nLength: 99 words\n"
        f"Byline: Jo Kent\n\nBody\n\n{body}\n\nLoad-Date: May 5, 2021\n\nEnd of Document\n"
    )


def factiva_plain(paragraphs: list[str]) -> str:
    body = "\n\n".join(paragraphs)
    return (
        "A headline\nJo Kent\n99 words\n4 May 2021\nHarbour Gazette\nEnglish\n"
        f"(c) 2021 Harbour Gazette\n\n{body}\n\nDocument HGZ0000020210504eh540000a\n"
    )


def factiva_coded(paragraphs: list[str]) -> str:
    body = "\n\n".join(paragraphs)
    return (
        "HD A headline\nWC 99 words\nPD 4 May 2021\nSN Harbour Gazette\nLA English\n"
        f"LP {body}\nNS gcat : General News\nAN Document HGZ0000020210504eh540000a\n"
    )


@settings(max_examples=40, deadline=None)
@given(PARAGRAPHS, st.sampled_from([classic, uni, factiva_plain, factiva_coded]))
def test_article_paragraphs_survive_every_layout(paragraphs: list[str], layout: object) -> None:
    kind = NEXIS if layout in (classic, uni) else FACTIVA
    (article,) = read_export(layout(paragraphs), kind)  # type: ignore[operator]
    assert article.text.split("\n\n") == paragraphs
    assert replay(article.raw, article.edits) == article.text
