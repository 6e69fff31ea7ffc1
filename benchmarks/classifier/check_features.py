"""Check that the compiled kernel computes the line features bit for bit as numpy does.

    python benchmarks/classifier/check_features.py
    python benchmarks/classifier/check_features.py --corpus ../shared/corpus/dev.jsonl.gz

``features.page_features`` (numpy, the reference the training reads) against the kernel's
``features`` (what the pipeline runs) on the non-empty lines of every page of the corpora, both
fields. The kernel tests compare the two on generated text; real pages are longer and stranger
(a pairwise ``mean()`` against a sum in line order differed in the last bit on 303 of the 3,497
corpus pages, which no generated page showed). Prints the columns that differ and on how many
pages; exit status 1 on any difference. Run it after adding or changing a feature.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from corpora import CORPORA, CORPUS_DIR, FIELDS  # noqa: E402

from cleantext.classify import _model  # noqa: E402
from cleantext.classify.features import FEATURE_NAMES, page_features  # noqa: E402


def pages(corpus: Path) -> list[list[str]]:
    """The non-empty stripped lines of every field of every record (the classifier's input)."""
    found = []
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for record in map(json.loads, handle):
            for field in FIELDS:
                lines = [s.strip() for s in (record.get(field) or "").split("\n") if s.strip()]
                if lines:
                    found.append(lines)
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    default = [CORPUS_DIR / f"{name}.jsonl.gz" for name in CORPORA]
    ap.add_argument("--corpus", type=Path, action="append", help="JSONL.gz (default: all three)")
    args = ap.parse_args()
    kernel = _model().kernel
    if kernel is None:
        print("the kernel is not built (or stale): pip install -e .", file=sys.stderr)
        return 1
    checked, differing, columns = 0, 0, Counter[str]()
    for corpus in args.corpus or default:
        for lines in pages(corpus):
            expected = page_features(lines)
            got = np.empty(expected.size)
            kernel.features(lines, got)
            checked += 1
            wrong = np.flatnonzero((expected.ravel() != got).reshape(expected.shape).any(axis=0))
            if wrong.size:
                differing += 1
                columns.update(FEATURE_NAMES[c] for c in wrong)
    print(f"{checked} pages, {differing} with a feature that differs")
    for name, count in columns.most_common():
        print(f"  {name}: {count} pages")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
