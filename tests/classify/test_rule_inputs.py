"""``benchmarks/classifier/rule_inputs.py`` must reproduce what the classify stage receives.

The classifier is trained on that reproduction (``corpora.py``); if the
pipeline grows a stage or changes its order, training would silently drift from running.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import cleantext.pipeline.steps as steps
from cleantext import Cleaner
from cleantext.classify import Runs, boilerplate_runs

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "benchmarks" / "classifier" / "rule_inputs.py"
SEEDS = ROOT / "seeds"
PAGE = "\n".join(
    [
        "Home | News | Sport | Weather",
        "Accept cookies",
        "",
        "Harbour bridge reopens after two years of repairs",
        "The bridge carried its first cars on Monday morning, two years after it was closed.",
        "Engineers replaced the deck and most of the cables, the city council said.",
        "Photo: City Council",
        "",
        "Related stories",
        "Contact us | Privacy | Terms",
    ]
)


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("rule_inputs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def seen_by_classifier(text: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the default pipeline and record the classify stage's arguments."""
    seen: dict[str, Any] = {}

    def record(
        lines: Sequence[str], *, whole_page: bool | None = None, lines_before: int | None = None
    ) -> Runs:
        if not seen:  # the first pass (a second one cleans the output again)
            seen.update(lines=list(lines), lines_before=lines_before)
        return boilerplate_runs(lines, whole_page=whole_page, lines_before=lines_before)

    monkeypatch.setattr(steps, "boilerplate_runs", record)
    Cleaner().clean(text)
    lines = seen.get("lines", [])
    return {"lines": [s for s in lines if s], "lines_before": seen.get("lines_before")}


SEED_TEXTS = sorted(p for p in SEEDS.glob("*.txt") if not p.name.endswith(".expected.txt"))
SAMPLES = [PAGE, *(p.read_text(encoding="utf-8") for p in SEED_TEXTS)]


@pytest.mark.parametrize("text", SAMPLES, ids=[f"sample{i}" for i in range(len(SAMPLES))])
def test_rule_inputs_match_the_classify_stage(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    script = load_script()
    normalizer, rules = script.stage_cleaners()
    assert script.rule_inputs(text, normalizer, rules) == seen_by_classifier(text, monkeypatch)
