"""The datatrove step (``cleantext.integrations.datatrove``) in a datatrove pipeline, as the
README runs it: a reader, the step with an exclusion writer, a writer (issue 19)."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleantext import Cleaner

from .warcgen import article, html_page

pytest.importorskip("datatrove")
from datatrove.data import Document
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from cleantext.integrations.datatrove import EMPTY_REASON, CleanText

PRESSREADER = "https://www.pressreader.com/uk/harbour-gazette/20240304/281500755"


def _read(folder: Path) -> list[dict]:
    return [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl.gz"))
        for line in gzip.decompress(path.read_bytes()).splitlines()
    ]


def test_the_readme_pipeline_cleans_counts_and_excludes(tmp_path: Path, cleaner: Cleaner) -> None:
    scraped = tmp_path / "scraped"
    scraped.mkdir()
    rows = [
        {"id": "a", "text": f"{article(1)}\nShare this", "metadata": {"url": PRESSREADER}},
        {"id": "b", "text": "Share this\nFollow us on Twitter"},
        {"id": "c", "text": html_page(2).decode()},
    ]
    (scraped / "part.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    clean, emptied = tmp_path / "clean", tmp_path / "emptied"
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(str(scraped)),
            CleanText(exclusion_writer=JsonlWriter(str(emptied)), annotate="cleantext"),
            JsonlWriter(str(clean)),
        ],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    written = _read(clean)
    assert [d["id"] for d in written] == ["a", "c"]
    assert written[0]["text"] == cleaner.clean(rows[0]["text"], url=PRESSREADER)
    assert "pressreader" in written[0]["metadata"]["cleantext"]["rule_sets"]
    assert article(2).split("\n")[0] in written[1]["text"] and "<" not in written[1]["text"]
    (excluded,) = _read(emptied)
    assert excluded["text"] == rows[1]["text"]  # as it came in: nothing lost
    assert excluded["metadata"]["filter_reason"] == EMPTY_REASON
    stats = json.loads((tmp_path / "logs" / "stats.json").read_text())
    step = next(s for s in stats if "cleantext" in s["name"])["stats"]
    assert step["total"] == 3 and step["forwarded"] == 2 and step["dropped"] == 1
    assert step["html_pages"] == 1 and step["removed_chars"]["total"] > 0


def test_the_step_alone_counts_rules_and_honours_html_false() -> None:
    step = CleanText(html=False, rule_stats=True)
    page = html_page(1).decode()
    docs = list(step.run(iter([Document(page, "p"), Document(f"{article(3)}\nShare this", "t")])))
    assert docs[0].text.startswith("<!DOCTYPE html>")  # told it is not HTML: text rules only
    assert docs[1].text == article(3)
    assert step.stats.to_dict()["stats"]["rule: share/share-buttons"] == 1


def test_each_task_reads_its_documents_as_a_dump() -> None:
    """A task of whole pages cleans them all as pages, the quiet one too (as cleantext clean
    does with an input: tests/test_dump_kind.py)."""
    from .test_dump_kind import QUIET_PAGE, WHOLE_PAGE

    step = CleanText()
    texts = [WHOLE_PAGE] * 11 + [QUIET_PAGE]
    docs = list(step.run(iter(Document(t, str(k)) for k, t in enumerate(texts))))
    as_page = Cleaner(input_kind="page")
    assert [d.text for d in docs] == [as_page.clean(t) for t in texts]
    assert step.stats.to_dict()["stats"]["read as page"] == 1
    alone = list(CleanText(Cleaner(input_kind="document")).run(iter([Document(QUIET_PAGE, "q")])))
    assert alone[0].text == QUIET_PAGE
