"""``benchmarks/rule_audit.py`` tells a rule's removals the gold keeps from the others."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType, SimpleNamespace

import regex

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "rule_audit.py"


def load_audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rule_audit", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_removals_in_the_gold_and_the_others_are_told_apart() -> None:
    audit = load_audit()
    # A stand-in for the shared scorer: its token pattern and its gold text.
    score = SimpleNamespace(
        TOKEN_RE=regex.compile(r"\w+"), gold_text=lambda record, fields: record["gold"]
    )
    article = "The harbour bridge reopened on Monday after two years of repairs, the council said."
    record = {
        "extracted": f"{article}\nPhoto: Jane Doe/Reuters\nShare this article on Facebook",
        "gold": f"{article}\nPhoto: Jane Doe/Reuters",  # this annotator kept the credit
    }
    tallies = audit.audit(score, [("made-up", record)], ["extracted"], examples=5)
    credit = tallies[("made-up", "extracted", "captions/photo-credit-line")]
    assert (credit.gold_edits, credit.other_edits) == (1, 0)
    assert credit.gold_tokens == 4 and credit.examples == ["Photo: Jane Doe/Reuters"]
    share = tallies[("made-up", "extracted", "share/share-buttons")]
    assert (share.gold_edits, share.other_edits, share.other_tokens) == (0, 1, 5)


def test_a_copy_of_a_line_the_output_keeps_took_nothing() -> None:
    audit = load_audit()
    score = SimpleNamespace(
        TOKEN_RE=regex.compile(r"\w+"), gold_text=lambda record, fields: record["gold"]
    )
    first = "The council voted on Monday to close the old bridge for repairs over the whole summer."
    second = "Traffic will be sent through the town centre, which shop owners fear will hurt trade."
    record = {
        "extracted": "\n".join([first, second, "Home", first, second]),
        "gold": f"{first}\n{second}",
    }
    tallies = audit.audit(score, [("made-up", record)], ["extracted"], examples=5)
    copies = tallies[("made-up", "extracted", "copies/repeated-passages")]
    assert (copies.gold_edits, copies.other_edits, copies.gold_tokens) == (0, 2, 0)
