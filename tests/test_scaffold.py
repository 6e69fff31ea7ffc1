"""``cleantext rules new``: the scaffold loads, passes its examples, and a newcomer's flow works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import regex

from cleantext import Cleaner, RuleLibrary
from cleantext.authoring.scaffold import propose, scaffold
from cleantext.cli import main
from cleantext.document import Document
from cleantext.testing import check_example

SAMPLES = Path(__file__).parent / "fixtures" / "harbour_gazette"
BRIDGE, LIFEBOAT, MARKET = (SAMPLES / f"{n}.txt" for n in ("bridge", "lifeboat", "market"))
BOILERPLATE = (
    "Harbour Gazette | News from the Kestrel coast",
    "Home | News | Sport | Weather | Contact",
    "By Lena Cole | Harbour Gazette | 19 March 2024",
    "Tags: fishing, market, weather",
    "© 2024 Harbour Gazette Ltd. All rights reserved.",
)


def _documents(*paths: Path) -> list[Document]:
    return [Document(p.read_text(encoding="utf-8"), None, str(p)) for p in paths]


def test_scaffold_loads_and_its_examples_pass(tmp_path: Path) -> None:
    text = scaffold(propose("harbour-gazette", _documents(BRIDGE, LIFEBOAT)))
    path = tmp_path / "harbour-gazette.toml"
    path.write_text(text, encoding="utf-8")
    rule_set = RuleLibrary.load([path]).sets["harbour-gazette"]
    assert rule_set.detect and len(rule_set.rules) >= 4
    for rule in rule_set.rules:
        assert rule.why and rule.action == "drop-line"
        assert any(e.is_keep for e in rule.examples)
        for example in rule.examples:
            assert check_example(rule, example) == []
    # Keep-examples are real article lines from the samples.
    article = BRIDGE.read_text(encoding="utf-8") + LIFEBOAT.read_text(encoding="utf-8")
    assert all(e.input in article for r in rule_set.rules for e in r.examples if e.is_keep)


def test_domains_come_from_jsonl_urls(tmp_path: Path) -> None:
    dump = tmp_path / "samples.jsonl"
    records = [
        {"url": f"https://www.harbourgazette.example/news/{p.stem}", "text": p.read_text("utf-8")}
        for p in (BRIDGE, LIFEBOAT)
    ]
    dump.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    assert main(["rules", "new", "harbour", "--from", str(dump), "-o", str(tmp_path / "out")]) == 0
    rule_set = RuleLibrary.load([tmp_path / "out"]).sets["harbour"]
    assert rule_set.domains == ("harbourgazette.example",)


def test_no_boilerplate_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sample = tmp_path / "plain.txt"
    sample.write_text("The council met on Monday and agreed the budget for next year.\n")
    assert main(["rules", "new", "plain", "--from", str(sample), "-o", str(tmp_path)]) == 2
    assert "no rule could be drafted" in capsys.readouterr().err


def test_headlines_stay_bylines_get_one_stub_and_a_shared_footer_is_a_marker() -> None:
    """Samples that start with their headline, sign with different authors and share a
    copyright line: the scaffold drafts no rule for a headline, one byline rule for every
    author (not a sentence starting "By Tuesday,"), and detects the site by its footer."""
    footer = "© 2026 Harbor Gazette. All rights reserved."
    samples = [
        [
            "Harbor council votes to close the old pier",
            "By JANE DOE | Harbor Gazette",
            "The harbor council voted on Tuesday to close the old pier for repairs next spring.",
            "By Tuesday, the crew had rescued all three fishermen from the rocks below the light.",
            footer,
        ],
        [
            "Fish prices rise as storms keep the fleet in port",
            "By MARK SMITH | Harbor Gazette",
            "Prices at the fish market rose by a fifth this week as storms kept the boats in port.",
            footer,
        ],
    ]
    proposal = propose(
        "harbor-gazette",
        [Document("\n".join(s), None, f"sample {i}") for i, s in enumerate(samples)],
    )
    drafted = {stub.line for stub in proposal.stubs}
    assert not drafted & {samples[0][0], samples[1][0]}
    assert [stub.id for stub in proposal.stubs if stub.line.startswith("By ")] == ["site-byline"]
    byline = next(regex.compile(s.pattern) for s in proposal.stubs if s.id == "site-byline")
    assert byline.fullmatch("By ANN OTHER | Harbor Gazette")
    assert not byline.fullmatch(samples[0][3])
    assert any(regex.search(marker, footer) for marker in proposal.detect)


def test_newcomer_flow_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """rules new from two samples -> rules test -> rules lint -> explain/clean a third article."""
    rules_dir = tmp_path / "my-rules"
    assert (
        main(
            [
                "rules",
                "new",
                "harbour-gazette",
                "--from",
                str(BRIDGE),
                str(LIFEBOAT),
                "-o",
                str(rules_dir),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert f"cleantext rules test {rules_dir / 'harbour-gazette.toml'}" in out  # the next step
    assert main(["rules", "test", str(rules_dir / "harbour-gazette.toml")]) == 0
    assert "failed" not in capsys.readouterr().out
    assert main(["rules", "lint", str(rules_dir), "--rules-dir", str(rules_dir)]) == 0
    capsys.readouterr()
    # A third article of the site, never seen by the scaffolder, found by its detect markers.
    assert main(["explain", str(MARKET), "--rules-dir", str(rules_dir)]) == 0
    shown = capsys.readouterr().out
    assert "harbour-gazette/" in shown and "rule sets: harbour-gazette" in shown
    cleaned = Cleaner(RuleLibrary.load([rules_dir, *Cleaner().library.sources])).clean(
        MARKET.read_text(encoding="utf-8")
    )
    for line in BOILERPLATE:
        assert line not in cleaned
    assert "Fish market prices rise as boats stay in port" in cleaned
    assert "Traders said cod and haddock were in short supply" in cleaned
    assert "calmer weather from Thursday" in cleaned


def test_existing_file_is_not_overwritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "rules",
        "new",
        "harbour-gazette",
        "--from",
        str(BRIDGE),
        str(LIFEBOAT),
        "-o",
        str(tmp_path),
    ]
    assert main(args) == 0
    assert main(args) == 2
    assert "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
