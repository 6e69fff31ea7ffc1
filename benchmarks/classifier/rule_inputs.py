"""What the line classifier receives at run time, for every page and field of the corpus.

In the default pipeline the classifier never sees a raw field: the rule stages run first
(normalization, site and generic rules up to ``blocks``), and whether the text is a whole page
is decided by the page detector, told how many non-empty lines there were before the rules.
``corpora.py`` trains on this instead of the raw fields, so training sees what running sees.

Run as a separate process by ``corpora.py``; prints one JSON object per page and field:
``{"id", "field", "lines", "lines_before"}`` where ``lines`` are the non-empty lines the
classify stage would get, in order::

    python benchmarks/classifier/rule_inputs.py --corpus /work/shared/corpus/dev.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cleantext import Cleaner  # noqa: E402
from cleantext.actions import Stage  # noqa: E402
from cleantext.rules import default_library  # noqa: E402

FIELDS = ("wet", "extracted")


def stage_cleaners() -> tuple[Cleaner, Cleaner]:
    """Two cleaners without the classifier: one stopping after ``normalize`` (to count the
    lines the detector is told about), one stopping before ``classify`` (what it classifies).

    Rules are switched off by id rather than the document cut at a stage, so the pipeline's
    own ordering and site detection are used unchanged. The repair stage is off too: it runs
    after the classifier and would change lines the classifier never saw.
    """
    library = default_library()
    rules = [r for s in library.sets.values() for r in s.rules]
    after_normalize = [r.qualified_id for r in rules if r.stage > Stage.NORMALIZE]
    after_blocks = [r.qualified_id for r in rules if r.stage > Stage.BLOCKS]
    return (
        Cleaner(library, classifier=False, ignore=after_normalize),
        Cleaner(library, classifier=False, ignore=after_blocks),
    )


def rule_inputs(text: str, normalizer: Cleaner, rules: Cleaner) -> dict[str, object]:
    """The classify stage's input for one document, as in ``Cleaner(...)`` with no URL."""
    lines_before = sum(map(bool, normalizer.clean(text).split("\n")))
    result = rules.explain(text)
    # When the rules remove every line the pipeline restores the text, but the classifier
    # had nothing to judge: such a document gives no training lines.
    emptied = any("every line would have been removed" in w for w in result.warnings)
    lines = [] if emptied else result.text.split("\n")
    return {"lines": [s for s in lines if s], "lines_before": lines_before}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--corpus", default="/work/shared/corpus/dev.jsonl.gz")
    a = ap.parse_args(argv)
    normalizer, rules = stage_cleaners()
    with gzip.open(a.corpus, "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for rec in records:
        for field in FIELDS:
            row = {"id": rec["id"], "field": field}
            row.update(rule_inputs(rec.get(field) or "", normalizer, rules))
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
