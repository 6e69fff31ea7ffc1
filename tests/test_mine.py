"""``cleantext mine``: planted boilerplate is found in bounded memory; --drop-repeated uses it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleantext import Cleaner, RuleLibrary
from cleantext.authoring.mine import MineOptions, Miner, SpaceSaving, draft_rule_set
from cleantext.cli import main
from cleantext.document import Document
from cleantext.io.documents import iter_documents
from cleantext.testing import check_example

from . import minegen


@pytest.fixture(scope="module")
def dump() -> minegen.Dump:
    return minegen.build(2000, 20)


@pytest.fixture(scope="module")
def miner(dump: minegen.Dump) -> Miner:
    return Miner(MineOptions(capacity=256)).add_all(dump.documents)


def test_planted_lines_are_found(miner: Miner, dump: minegen.Dump) -> None:
    recall, precision, expected, _ = minegen.score(miner, dump.planted)
    assert expected >= 60
    assert recall >= 0.95
    assert precision >= 0.9


def test_memory_is_bounded_by_the_sketch(miner: Miner) -> None:
    for site in miner._sites.values():
        assert len(site.lines) <= 256 and len(site.prefixes) <= 256
    assert len(miner._sites) <= miner.options.max_sites


def test_mining_is_deterministic(dump: minegen.Dump, miner: Miner) -> None:
    again = Miner(MineOptions(capacity=256)).add_all(dump.documents[:])
    assert again.report() == miner.report()


def test_sites_beyond_max_sites_are_evicted_not_grown(dump: minegen.Dump) -> None:
    small = Miner(MineOptions(capacity=64, max_sites=5)).add_all(dump.documents)
    assert len(small._sites) <= 5


@given(st.lists(st.sampled_from("abcdefghij"), max_size=300), st.integers(2, 6))
def test_space_saving_guarantees(keys: list[str], capacity: int) -> None:
    sketch = SpaceSaving(capacity)
    for key in keys:
        sketch.add(key)
    truth = Counter(keys)
    assert len(sketch) <= capacity
    for key, counter in sketch.items():
        assert counter.count - counter.error <= truth[key] <= counter.count
    for key, count in truth.items():
        if count > len(keys) / capacity:
            assert sketch.count(key) >= count  # heavy hitters are never lost


def test_drafts_load_and_pass(miner: Miner, tmp_path: Path) -> None:
    for report in miner.report()[:5]:
        path = tmp_path / "draft.toml"
        text = draft_rule_set(report, source="generated")
        set_id = text.split("'")[1]
        path = tmp_path / f"{set_id}.toml"
        path.write_text(text, encoding="utf-8")
        rule_set = RuleLibrary.load([path]).sets[set_id]
        for rule in rule_set.rules:
            for example in rule.examples:
                assert check_example(rule, example) == []


def test_a_labelled_line_whose_text_varies_is_found_and_drafted(tmp_path: Path) -> None:
    """'READ MORE: <a different headline>' under every article: its label is the fixed part
    (the first four words took two of the headline's and never recurred), and the draft
    drops any line with that label, not one headline."""
    words = [
        "ferry",
        "lighthouse",
        "harbour",
        "quay",
        "tide",
        "storm",
        "boat",
        "market",
        "pier",
        "crane",
        "dock",
        "net",
    ]
    documents = [
        Document(
            f"The {word} story of the day.\nREAD MORE: Why the {word} matters to the town",
            f"https://harbor.example/{word}",
            word,
        )
        for word in words
    ]
    miner = Miner(MineOptions(), library=RuleLibrary.load([])).add_all(documents)
    (report,) = miner.report()
    assert [p.key for p in report.prefixes if p.key.startswith("read more")] == ["read more: …"]
    set_id = "harbor-example"
    path = tmp_path / f"{set_id}.toml"
    path.write_text(draft_rule_set(report, source="test"), encoding="utf-8")
    rule_set = RuleLibrary.load([path]).sets[set_id]
    (rule,) = [r for r in rule_set.rules if "READ MORE" in r.description]
    assert all(check_example(rule, example) == [] for example in rule.examples)
    cleaned = Cleaner(RuleLibrary.load([path]), classifier=False).clean(
        "The quay reopened.\nREAD MORE: A headline never seen before",
        url="https://harbor.example/x",
    )
    assert cleaned == "The quay reopened."


def test_cli_mine_stats_and_drop_repeated(
    dump: minegen.Dump, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonl = tmp_path / "dump.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for doc in dump.documents[:600]:
            handle.write(json.dumps({"url": doc.url, "text": doc.text}) + "\n")
    stats, out = tmp_path / "stats.json", tmp_path / "drafts"
    assert main(["mine", str(jsonl), "--stats", str(stats), "--out", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "600 articles" in shown and "recurring line(s)" in shown
    assert RuleLibrary.load([out]).sets  # every draft loads
    doc = next(d for d in dump.documents[:600] if d.url and "Advertisement" in d.text)
    article = tmp_path / "one.txt"
    article.write_text(doc.text, encoding="utf-8")
    assert main(["clean", str(article), "--url", doc.url, "--drop-repeated", str(stats)]) == 0
    cleaned = capsys.readouterr().out
    assert "Advertisement" not in cleaned.split("\n")
    # explain names the mined lines as rule mined/<domain>
    site = doc.url.split("/")[2].removeprefix("www.")
    data = json.loads(stats.read_text(encoding="utf-8"))
    drop = {s: [line["key"] for line in v["lines"]] for s, v in data["sites"].items()}
    result = Cleaner(drop_lines=drop).explain(doc.text, url=doc.url)
    assert f"mined/{site}" in {edit.rule for edit in result.edits}


def test_cli_mine_says_why_a_small_dump_finds_no_site(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonl = tmp_path / "dump.jsonl"
    lines = [{"url": f"https://x.example/{i}", "text": f"Story {i}.\nFooter"} for i in range(3)]
    jsonl.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert main(["mine", str(jsonl), "--out", str(tmp_path / "drafts")]) == 0
    shown = capsys.readouterr().out
    assert "0 sites with 10+ articles" in shown and "--min-articles" in shown
    assert "wrote 0 draft rule set(s)" in shown and "rules lint" not in shown


def test_iter_documents_reads_text_and_jsonl(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("One article.\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text('{"text": "Two.", "url": "https://x.example/1"}\n')
    docs = list(iter_documents(tmp_path))
    assert [(d.text, d.url) for d in docs] == [
        ("One article.\n", None),
        ("Two.", "https://x.example/1"),
    ]


def test_bad_stats_file_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "stats.json"
    bad.write_text("{}")
    article = tmp_path / "a.txt"
    article.write_text("Text.")
    assert main(["clean", str(article), "--drop-repeated", str(bad)]) == 2
    assert "cleantext mine" in capsys.readouterr().err
