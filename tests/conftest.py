"""Shared fixtures: the shipped rule library, a cleaner, the seed files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleantext import Cleaner, RuleLibrary, default_library

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def library() -> RuleLibrary:
    return default_library()


@pytest.fixture(scope="session")
def cleaner() -> Cleaner:
    return Cleaner()


@pytest.fixture(scope="session")
def expectations() -> dict:
    return json.loads((SEEDS / "expectations.json").read_text(encoding="utf-8"))
