"""Worker processes keep input order and give byte-identical output to one process."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from cleantext import Cleaner, CleanOptions
from cleantext.dumps import run
from cleantext.io.plan import make_plan
from cleantext.parallel import WorkerPool
from cleantext.records import Processor

from .conftest import SEEDS

SEED_TEXTS = [
    p.read_text(encoding="utf-8")
    for p in sorted(SEEDS.glob("*.txt"))
    if not p.name.endswith(".expected.txt")
]


def _rows(count: int) -> list[dict]:
    return [
        {"id": i, "text": f"{SEED_TEXTS[i % 2]}\nRecord {i}." if i % 5 else f"Short {i}."}
        for i in range(count)
    ]


def _square(offset: int, item: int) -> int:
    return item * item + offset


def test_pool_map_keeps_order() -> None:
    with WorkerPool(1, jobs=2) as pool:
        assert list(pool.map(_square, range(200))) == [i * i + 1 for i in range(200)]


def test_two_workers_give_the_same_bytes_in_the_same_order(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(json.dumps(r).encode() + b"\n" for r in _rows(120)))
    processor = Processor(Cleaner(), CleanOptions(stats=True))
    outputs, summaries = [], []
    for jobs in (1, 2):
        out = io.BytesIO()
        summaries.append(
            run(make_plan([str(source)], None), processor, jobs=jobs, stdout=out, chunk_bytes=4096)
        )
        outputs.append(out.getvalue())
    assert outputs[0] == outputs[1]
    assert [json.loads(line)["id"] for line in outputs[1].splitlines()] == list(range(120))
    assert summaries[0].counts == summaries[1].counts
    assert summaries[1].counts.rule_hits


def test_cli_with_two_jobs_preserves_order(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl.gz"
    import gzip

    source.write_bytes(gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in _rows(300))))
    outs = []
    for jobs in ("1", "2"):
        target = tmp_path / f"out{jobs}.jsonl.gz"
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from cleantext.cli import run; run()",
                "clean",
                "-q",
                "-j",
                jobs,
                str(source),
                "-o",
                str(target),
            ],
            check=True,
            timeout=300,
        )
        outs.append(target.read_bytes())
    assert outs[0] == outs[1]
    ids = [json.loads(line)["id"] for line in gzip.decompress(outs[1]).splitlines()]
    assert ids == list(range(300))


def test_clean_many_matches_clean_batch(cleaner: Cleaner) -> None:
    texts = [r["text"] for r in _rows(40)]
    urls = ["https://www.pressreader.com/x" if i % 2 else None for i in range(40)]
    expected = cleaner.clean_batch(texts, urls)
    assert list(cleaner.clean_many(texts, urls=urls, jobs=2, batch_size=3)) == expected
    assert list(cleaner.clean_many(iter(texts), urls=urls, jobs=1)) == expected


def _page(topic: str, menu: list[str], footer: list[str]) -> str:
    """A whole page of a made-up paper: its title, a menu, the article, a footer."""
    paragraphs = [
        f"The council voted on Tuesday to fund the {topic}, ending a dispute that had divided "
        "residents of the harbour district for more than three years.",
        f"Supporters said the {topic} would bring visitors back to the centre, while opponents "
        "argued that the money should have gone to schools and the library instead.",
        "Work is expected to begin in the spring and to last about eighteen months, according "
        "to the engineer in charge of the project, who spoke after the meeting.",
        "The mayor, who had promised the project in her campaign, said she was relieved that "
        "the long argument was over and thanked the residents for their patience.",
    ]
    headline = f"Council funds the {topic}"
    return "\n".join([f"{headline} | Harbour Gazette", *menu, headline, *paragraphs, *footer])


MENU = ["Home", "News", "Sport", "Weather", "Business", "Opinion", "Video", "Subscribe", "Sign in"]
FOOTER = ["About us", "Contact", "Privacy policy", "Terms of use", "Advertise", "Follow us",
          "Newsletters", "Culture", "Jobs", "Careers", "Site map", "Archive"]  # fmt: skip


def test_a_batch_is_read_as_a_dump(cleaner: Cleaner) -> None:
    """clean_batch and clean_many read their texts' kind from the first of them, as
    ``cleantext clean`` reads a file: a page that alone reads as article text is cleaned as
    the page it is when it comes with other pages."""
    topics = ["bridge", "library", "ferry", "museum", "market", "harbour wall", "tram line",
              "sea wall", "park", "pool", "theatre"]  # fmt: skip
    small = _page("swimming pool", MENU[:2], FOOTER[:2])
    batch = [_page(topic, MENU, FOOTER) for topic in topics] + [small]
    as_pages = cleaner.with_options(input_kind="page")
    assert cleaner.for_dump(batch) is as_pages
    assert cleaner.clean(small) != as_pages.clean(small)  # judged alone: not read as a page
    expected = [as_pages.clean(text) for text in batch]
    assert cleaner.clean_batch(batch) == expected
    assert list(cleaner.clean_many(batch, jobs=1)) == expected
    # Fewer than ten texts say nothing of a dump: each is judged alone.
    assert cleaner.clean_batch([small]) == [cleaner.clean(small)]
