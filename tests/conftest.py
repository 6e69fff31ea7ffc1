"""Shared fixtures: the shipped rule library, a cleaner, the seed files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import settings

from cleantext import Cleaner, RuleLibrary, default_library

# The suite is a gate: every run draws the same examples, so a red run is the code's doing.
# HYPOTHESIS_PROFILE=explore draws new ones each run (and finds what the fixed ones miss).
settings.register_profile("gate", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "gate"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"

#: One valid rule (TOML) to build small rule sets in tests; format with ``rule_id``.
AD_RULE = """
[[rules]]
id = "{rule_id}"
description = "Drop the advertisement label."
why = "Ad slots leave their label behind as a line."
action = "drop-line"
pattern = 'Advertisement'

[[rules.examples]]
input = "Text.\\nAdvertisement"
output = "Text."

[[rules.examples]]
keep = "Advertisement revenue fell."
"""


@pytest.fixture(scope="session")
def library() -> RuleLibrary:
    return default_library()


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="session")
def expectations() -> dict:
    return json.loads((SEEDS / "expectations.json").read_text(encoding="utf-8"))
