"""Benchmark input: the dev corpus when it is there, otherwise the seed articles, replicated.

The dev corpus (``../shared/corpus/dev.jsonl.gz`` beside the repository) has two texts per
page: ``wet`` (the whole visible page) and ``extracted`` (what a main-content extractor kept).
Both are replicated, page by page, until each field holds the requested number of megabytes,
so every case and every alternative runs on exactly the same documents.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
# ``../shared`` beside the repository; a worktree one level deeper finds it one level up.
DEV_CORPUS_PLACES = (
    REPO.parent / "shared" / "corpus" / "dev.jsonl.gz",
    REPO.parent.parent / "shared" / "corpus" / "dev.jsonl.gz",
)
SEEDS = REPO / "seeds"
HTML_CORPUS_NAMES = ("dev_html.jsonl.gz", "train_readability_html.jsonl.gz")
"""HTML pages for the ``html`` benchmark group: the dev set's and Readability's test pages."""
FIELDS = ("wet", "extracted")


@dataclass(frozen=True)
class Corpus:
    """Documents per field, with their URLs, and where they came from."""

    source: str
    docs: dict[str, list[str]]
    urls: list[str | None]

    def megabytes(self, field: str) -> float:
        return sum(len(d.encode("utf-8")) for d in self.docs[field]) / 1e6


def _pages(corpus: Path | None) -> tuple[str, list[dict[str, Any]]]:
    path = corpus or next((p for p in DEV_CORPUS_PLACES if p.exists()), None)
    if path is not None and path.exists():
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pages = [json.loads(line) for line in handle]
        return str(path), [
            {"wet": p.get("wet") or "", "extracted": p.get("extracted") or "", "url": p.get("url")}
            for p in pages
        ]
    seeds = sorted(p for p in SEEDS.glob("*.txt") if not p.name.endswith(".expected.txt"))
    texts = [p.read_text(encoding="utf-8") for p in seeds]
    return str(SEEDS), [{"wet": t, "extracted": t, "url": None} for t in texts]


def load(megabytes: float, corpus: Path | None = None) -> Corpus:
    """Pages replicated until the ``wet`` field reaches ``megabytes`` (extracted follows along)."""
    source, pages = _pages(corpus)
    size = sum(len(p["wet"].encode("utf-8")) for p in pages) or 1
    copies = max(1, round(megabytes * 1e6 / size))
    chosen = pages * copies
    docs = {field: [p[field] for p in chosen] for field in FIELDS}
    # Keep the extracted field near the same size too, so both rates rest on enough text.
    extracted_size = sum(len(d.encode("utf-8")) for d in docs["extracted"]) or 1
    extra = max(1, round(megabytes * 1e6 / extracted_size))
    docs["extracted"] = docs["extracted"] * extra
    return Corpus(source, docs, [p["url"] for p in chosen])


def html_pages(
    megabytes: float, paths: list[Path] | None = None
) -> tuple[str, list[str], list[str]]:
    """HTML pages (with their URLs) taking turns from ``paths`` (default: the HTML corpora
    beside the repository) until they add up to about ``megabytes``; ``("", [], [])`` when none
    is there."""
    if paths is None:
        folder = next((p.parent for p in DEV_CORPUS_PLACES if p.exists()), None)
        paths = [folder / name for name in HTML_CORPUS_NAMES] if folder else []
    pages: list[tuple[str, str]] = []
    for path in paths:
        if path.exists():
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                pages += [(r["html"], r.get("url") or "") for r in map(json.loads, handle)]
    if not pages:
        return "", [], []
    html, urls, total = [], [], 0.0
    while total < megabytes:
        for page, url in pages:
            html.append(page)
            urls.append(url)
            total += len(page.encode("utf-8")) / 1e6
            if total >= megabytes:
                break
    return ", ".join(str(p) for p in paths if p.exists()), html, urls
