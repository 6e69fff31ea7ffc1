"""The training corpora, read as the classifier sees them, with labels from the scorer.

Three corpora of real pages with gold article text live in ``../shared/corpus/`` beside the
repository (never copied into it; see that folder's README for their sources and licences):

* ``dev``: the ScrapingHub article-extraction benchmark (MIT), 181 news pages, ~2019;
* ``train_wcxb``: the dev split of WCXB, the Web Content Extraction Benchmark by Murrough
  Foley (CC-BY-4.0), 1,476 pages of 2025-26 in seven page types;
* ``train_readability``: Mozilla Readability's test pages (Apache-2.0), 94 pages, 2010-24.

Every record has a whole-page text (``wet``) and an extractor's output (``extracted``); both
are used. A page is what the classify stage receives in the default pipeline: the lines the
rule stages leave and how many lines there were before them (``rule_inputs.py``, run in its
own process). Labels come from the scorer itself (``content_labels`` of ``score.py``) against the
headline and the article body (``gold_title`` + ``gold``): **the headline is content**.
"""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[2]
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if p.exists()),
    ROOT.parent / "shared",
)
CORPUS_DIR = SHARED / "corpus"
SCORER = SHARED / "eval" / "score.py"
CORPORA = ("dev", "train_wcxb", "train_readability")
FIELDS = ("wet", "extracted")
GOLD_FIELDS = ["gold_title", "gold"]


@dataclass
class Page:
    """One field of one corpus record, as the classifier receives it."""

    corpus: str
    rid: str
    site: str
    field: str
    lines: list[str]  # the non-empty lines the classify stage gets
    lines_before: int  # non-empty lines before the rule stages (the page detector's input)
    labels: npt.NDArray[np.bool_]
    tokens: npt.NDArray[np.float64]  # \\w+ tokens per line
    gold: str  # gold_title + gold, what the scorer compares with
    url: str = ""
    raw: str = ""  # the field as the corpus has it (the full pipeline's input)
    x: npt.NDArray[np.float64] = field(default_factory=lambda: np.empty((0, 0)))
    whole_page: bool = False  # the page detector's verdict (set by training)

    @property
    def weights(self) -> npt.NDArray[np.float64]:
        """Training weight of each line: every page weighs the same in total (token F1 is a
        mean over pages), and within a page a line weighs by the square root of its tokens."""
        w = np.sqrt(np.maximum(self.tokens, 1.0))
        return w / w.sum() * 100.0


def load_score(path: Path = SCORER) -> ModuleType:
    """The scorer ``score.py`` as a module (its labels and token metrics)."""
    spec = importlib.util.spec_from_file_location("score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot import the scorer from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def site_of(url: str) -> str:
    """The host of ``url`` without ``www.``: pages of one site share a fold."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def read_records(corpus: str, corpus_dir: Path = CORPUS_DIR) -> list[dict[str, str]]:
    with gzip.open(corpus_dir / f"{corpus}.jsonl.gz", "rt", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def rule_inputs(corpus: str, corpus_dir: Path = CORPUS_DIR) -> dict[tuple[str, str], dict]:
    """(id, field) -> the classify stage's input (``rule_inputs.py`` in its own process, so
    that this process may hold a classifier under construction)."""
    out = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).with_name("rule_inputs.py")),
            "--corpus",
            str(corpus_dir / f"{corpus}.jsonl.gz"),
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {(d["id"], d["field"]): d for d in map(json.loads, out.splitlines())}


def load_pages(corpora: tuple[str, ...] = CORPORA, score: ModuleType | None = None) -> list[Page]:
    """Every field of every record of ``corpora`` that leaves the classifier some lines."""
    score = score or load_score()
    pages = []
    for corpus in corpora:
        inputs = rule_inputs(corpus)
        for rec in read_records(corpus):
            gold = score.gold_text(rec, GOLD_FIELDS)
            for name in FIELDS:
                seen = inputs[(rec["id"], name)]
                lines = [s for s in seen["lines"] if s]
                if not lines:
                    continue
                text = "\n".join(lines)
                pages.append(
                    Page(
                        corpus=corpus,
                        rid=rec["id"],
                        site=site_of(rec.get("url") or rec["id"]),
                        field=name,
                        lines=lines,
                        lines_before=int(seen["lines_before"]),
                        labels=np.array(score.content_labels(text, gold), dtype=bool),
                        tokens=np.array(
                            [len(score.TOKEN_RE.findall(s)) for s in lines], dtype=np.float64
                        ),
                        gold=gold,
                        url=rec.get("url") or "",
                        raw=rec.get(name) or "",
                    )
                )
    return pages
