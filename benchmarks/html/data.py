"""Load the corpora's HTML pages with their gold text, parsed into block lines and labelled.

Labels come from the scorer itself (``content_labels`` of ``score.py``, gold = ``gold_title`` +
``gold``): a block line is content when at least half of its tokens are covered by the gold
article, headline included. Nothing from the corpora is stored in the repository; parsed pages
are cached under the system's temporary folder to speed up repeated runs.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "benchmarks" / "classifier"))

# The corpora, their scorer and their sites as the text classifier's training reads them.
from corpora import CORPORA, CORPUS_DIR, load_score, read_records, site_of  # noqa: E402, F401

from cleantext.html import HtmlPage, parse_page  # noqa: E402


@dataclass
class Page:
    """One corpus page: its parse, labels and gold."""

    corpus: str
    rid: str
    url: str
    site: str
    page: HtmlPage
    labels: np.ndarray
    gold: str
    page_type: str


def gold_of(record: dict) -> str:
    """The scorer's default gold: ``gold_title`` then ``gold``."""
    return "\n".join(record.get(f) or "" for f in ("gold_title", "gold") if record.get(f))


def _code_stamp() -> str:
    """A hash of the parsing code, so a cache built by other code is not reused."""
    digest = hashlib.sha256()
    for name in ("blocks.py", "page.py", "metadata.py", "vocabulary.py"):
        digest.update((ROOT / "cleantext" / "html" / name).read_bytes())
    return digest.hexdigest()[:12]


def load_corpus(
    name: str,
    corpus_dir: Path = CORPUS_DIR,
    score: ModuleType | None = None,
    cache: bool = True,
) -> list[Page]:
    """The parsed, labelled pages of one corpus (``dev``, ``train_wcxb``, ``train_readability``)."""
    cache_file = Path(tempfile.gettempdir()) / f"cleantext-html-{name}-{_code_stamp()}.pickle"
    if cache and cache_file.exists():
        with cache_file.open("rb") as handle:
            return pickle.load(handle)
    score = score or load_score()
    records = {r["id"]: r for r in read_records(name, corpus_dir)}
    pages = []
    for item in read_records(f"{name}_html", corpus_dir):
        record = records[item["id"]]
        page = parse_page(item["html"])
        gold = gold_of(record)
        # Labelled on the lines the model reads (a <pre> block is one line there).
        labels = np.array(score.content_labels("\n".join(page.blocks.lines), gold), dtype=bool)
        assert len(labels) == len(page.blocks.lines)
        pages.append(
            Page(
                name,
                item["id"],
                item["url"],
                site_of(item["url"]),
                page,
                labels,
                gold,
                record.get("page_type") or "article",
            )
        )
    if cache:
        tmp = cache_file.with_suffix(f".{os.getpid()}")
        with tmp.open("wb") as handle:
            pickle.dump(pages, handle, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(cache_file)
    return pages
