"""What each rule removes that the corpora's gold keeps: whether a rule generalises.

Usage (from the repository root)::

    python benchmarks/rule_audit.py                          # both inputs, the three corpora
    python benchmarks/rule_audit.py --field extracted --rule share/ --examples 10

Every page of ``../shared/corpus/`` is cleaned with ``Cleaner.explain``, each field as
``cleantext clean`` reads a dump of it (``wet`` as whole pages, ``extracted`` as article
text). A removal (an edit that puts nothing in its place) took article text when one of its
lines has words that, in order, are words of the page's gold (headline included), make at
least :data:`MIN_CHARS` characters and are in the gold more often than in the output (a
copy of a line the output keeps took nothing); it is judged line by line, so a cut that
takes a footer and the article's last paragraphs with it counts those paragraphs. Per
corpus and rule the table gives such removals and the others, in edits and in the scorer's
tokens (the lines found in the gold, and the rest), and examples of the lines taken.

Why: a rule is written from a few pages and must hold on every other. A rule that takes more
gold than boilerplate somewhere, or any gold on a kind of page it was not written for (a
configuration file's ``image:`` line taken for a photo credit), needs a narrower pattern or a
``keep`` example. The corpora's gold follows its annotators (some keep bylines, which the
mission removes): read the examples, not only the counts. The classifier's removals are listed
too; the shipped model was trained on these corpora, so they are in-sample.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks" / "classifier"))

from corpora import CORPORA, GOLD_FIELDS, load_score, read_records  # noqa: E402

from cleantext import Cleaner  # noqa: E402

MIN_CHARS = 12
"""Shorter removals ("Share", "Photo") are in any long gold by chance: not counted as gold."""

KIND_OF_FIELD = {"wet": "page", "extracted": "article"}


@dataclass
class Tally:
    """What one rule removed from one corpus's field."""

    gold_edits: int = 0
    other_edits: int = 0
    gold_tokens: int = 0
    other_tokens: int = 0
    examples: list[str] = field(default_factory=list)


def removals(cleaner: Cleaner, text: str) -> tuple[str, list[tuple[str, str]]]:
    """The cleaned text, and ``(rule, removed text)`` of every edit that removed text
    without replacing it."""
    cleaned = cleaner.explain(text)
    removed = [
        (edit.rule, edit.removed)
        for edit in cleaned.edits
        if not edit.replacement and edit.removed.strip()
    ]
    return cleaned.text, removed


def audit(
    score: ModuleType,
    records: Sequence[tuple[str, dict[str, str]]],
    fields: Sequence[str],
    examples: int,
) -> dict[tuple[str, str, str], Tally]:
    """Tallies per ``(corpus, field, rule)`` of ``(corpus, record)`` pairs; ``score`` is the
    scorer (its ``TOKEN_RE`` and ``gold_text``)."""
    words = score.TOKEN_RE
    tallies: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    for name in fields:
        cleaner = Cleaner(input_kind=KIND_OF_FIELD[name])
        for corpus, record in records:
            gold = " ".join(words.findall(score.gold_text(record, GOLD_FIELDS)))
            output, removed_by_rule = removals(cleaner, record.get(name) or "")
            kept = " ".join(words.findall(output))
            for rule, removed in removed_by_rule:
                tally = tallies[(corpus, name, rule)]
                taken = 0
                for line in removed.splitlines():
                    found = words.findall(line)
                    joined = " ".join(found)
                    # A copy of a line the output still holds as often as the gold does
                    # (a doubled byline, a passage printed twice) took nothing of it.
                    if len(joined) >= MIN_CHARS and gold.count(joined) > kept.count(joined):
                        taken += 1
                        tally.gold_tokens += len(found)
                        if len(tally.examples) < examples:
                            tally.examples.append(" ".join(line.split())[:120])
                    else:
                        tally.other_tokens += len(found)
                if taken:
                    tally.gold_edits += 1
                elif words.search(removed):
                    tally.other_edits += 1
    return tallies


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--field", choices=[*KIND_OF_FIELD, "both"], default="both")
    ap.add_argument("--corpora", default=",".join(CORPORA))
    ap.add_argument("--rule", default="", help="only rules whose id starts so (e.g. share/)")
    ap.add_argument("--examples", type=int, default=3, help="gold removals shown per rule")
    args = ap.parse_args(argv)
    fields = list(KIND_OF_FIELD) if args.field == "both" else [args.field]
    records = [(c, r) for c in args.corpora.split(",") for r in read_records(c)]
    tallies = audit(load_score(), records, fields, args.examples)
    rows = sorted(
        ((key, t) for key, t in tallies.items() if key[2].startswith(args.rule)),
        key=lambda row: (-row[1].gold_tokens, -row[1].other_tokens),
    )
    print(f"{'corpus':18} {'field':9} {'rule':42} {'gold edits/tokens':>18} {'other':>14}")
    for (corpus, name, rule), t in rows:
        print(
            f"{corpus:18} {name:9} {rule:42} {t.gold_edits:>8} / {t.gold_tokens:<7}"
            f" {t.other_edits:>6} / {t.other_tokens}"
        )
    examples: dict[str, list[str]] = defaultdict(list)
    for (corpus, name, rule), t in rows:
        examples[rule] += [f"{corpus}/{name}: {example}" for example in t.examples]
    for rule, found in examples.items():
        if found:
            print(f"\n{rule}: removed, and in the gold")
            print("\n".join(f"  {line}" for line in found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
