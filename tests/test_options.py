"""One options object: the API, the record processor and the CLI agree on names and rules."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest

import cleantext
from cleantext import Cleaner, CleanOptions, ConfigError
from cleantext.authoring.mine import MineOptions
from cleantext.cli import build_parser, main
from cleantext.cli.common import clean_options
from cleantext.cli.mine import mine_options
from cleantext.options import FIELDS, RULES_DIR_ENV
from cleantext.records import Processor, RecordOptions
from cleantext.rules import shipped_rules_dir

PRIVATE_SET = """
id = "harbour-test"
description = "A private rule set."
always = true

[[rules]]
id = "subscribers-line"
description = "Drop the subscribers-only line."
why = "The site prints it under every article."
action = "drop-line"
pattern = 'Harbour Gazette subscribers read more'

[[rules.examples]]
input = "Text.\\nHarbour Gazette subscribers read more"
output = "Text."

[[rules.examples]]
keep = "Harbour Gazette subscribers read more than most, a survey found."
"""
TEXT = (
    "The harbour bridge reopened on Monday after two years of repairs.\n"
    "Harbour Gazette subscribers read more\n"
    "Advertisement"
)
ARTICLE = "The harbour bridge reopened on Monday after two years of repairs."


@pytest.fixture(scope="module")
def private_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("private-rules")
    (folder / "harbour-test.toml").write_text(PRIVATE_SET, encoding="utf-8")
    return folder


def test_options_are_a_frozen_value_with_keyword_overrides() -> None:
    options = CleanOptions(ignore=["share"], select=None)
    assert options.ignore == ("share",)
    changed = options.replace(input_kind="article", drop_headline=True)
    assert (changed.input_kind, changed.drop_headline, changed.ignore) == (
        "article",
        True,
        ("share",),
    )
    assert options.input_kind == "auto"  # the original is unchanged
    with pytest.raises(AttributeError):
        options.classifier = False  # type: ignore[misc]
    with pytest.raises(ConfigError, match="unknown option 'whole_pages'"):
        options.replace(whole_pages=True)
    with pytest.raises(ConfigError, match="must be one of auto, document, page, article"):
        CleanOptions(input_kind="pages")  # type: ignore[arg-type]


def test_whole_page_is_the_older_name_of_input_kind() -> None:
    assert [CleanOptions().replace(whole_page=v).input_kind for v in (True, False, None)] == [
        "page",
        "article",
        "auto",
    ]
    assert Cleaner(whole_page=True).options == Cleaner(input_kind="page").options


def test_keywords_and_the_options_object_build_the_same_cleaner() -> None:
    by_keywords = Cleaner(ignore=["share"], classifier=False, drop_headline=True)
    options = CleanOptions(ignore=("share",), classifier=False, drop_headline=True)
    by_object = Cleaner(options=options)
    on_top = Cleaner(options=CleanOptions(ignore=("share",)), classifier=False, drop_headline=True)
    assert by_keywords.options == by_object.options == on_top.options == options
    assert by_keywords.clean(TEXT) == by_object.clean(TEXT) == on_top.clean(TEXT)
    restored = pickle.loads(pickle.dumps(by_object))
    assert restored.options == options and restored.clean(TEXT) == by_object.clean(TEXT)


RULE = "harbour-test/subscribers-line"


def rules_applied(cleaner: Cleaner) -> set[str]:
    return {edit.rule for edit in cleaner.explain(TEXT).edits}


def test_rule_folders_add_to_the_shipped_rules_in_the_api_and_the_cli(
    private_rules: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    added = Cleaner(private_rules, classifier=False)
    assert {"harbour-test", "share"} <= set(added.library.sets)  # shipped + private
    assert rules_applied(added) == {RULE, "share/advertisement-label"}
    assert added.clean(TEXT) == ARTICLE
    alone = Cleaner(private_rules, no_default_rules=True, classifier=False)
    assert set(alone.library.sets) == {"harbour-test"}
    assert rules_applied(alone) == {RULE}
    # The CLI loads the same rule sets for the same choices.
    source = tmp_path / "in.txt"
    source.write_text(TEXT, encoding="utf-8")
    argv = ["clean", "-q", "--no-classifier", "--rules-dir", str(private_rules), str(source)]
    assert main(argv) == 0
    assert capsys.readouterr().out.rstrip("\n") == added.clean(TEXT)
    assert main([*argv[:2], "--no-default-rules", *argv[2:]]) == 0
    assert capsys.readouterr().out.rstrip("\n") == alone.clean(TEXT)


def test_the_rules_dir_variable_is_read_by_the_api_and_the_cli(
    private_rules: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert RULE not in {edit.rule for edit in cleantext.explain(TEXT).edits}
    monkeypatch.setenv(RULES_DIR_ENV, str(private_rules))
    assert "harbour-test" in Cleaner().library.sets
    assert RULE in {edit.rule for edit in cleantext.explain(TEXT).edits}
    args = build_parser().parse_args(["clean", "-"])
    assert clean_options(args).rule_paths() == [shipped_rules_dir(), private_rules]
    assert main(["rules", "list"]) == 0
    assert "harbour-test" in capsys.readouterr().out


def test_every_cli_option_of_clean_is_the_field_of_the_same_name() -> None:
    args = build_parser().parse_args(["clean", "-"])
    # drop_lines comes from --drop-repeated STATS, annotate's name from --annotate-field.
    assert [name for name in FIELDS if not hasattr(args, name)] == ["drop_lines"]
    assert clean_options(args) == CleanOptions()  # and the CLI's defaults are the options'
    argv = ["clean", "--input-kind", "page", "--no-classifier", "--site", "blogger"]
    argv += ["--rules-dir", "x", "--annotate", "--text-field", "body", "--max-bytes", "1K", "-"]
    options = clean_options(build_parser().parse_args(argv))
    assert options == CleanOptions(
        rules=(Path("x"),),
        input_kind="page",
        classifier=False,
        sites=("blogger",),
        annotate="cleantext",
        text_field="body",
        max_bytes=1024,
    )


def test_every_option_of_mine_is_the_field_of_the_same_name() -> None:
    args = build_parser().parse_args(["mine", "dump.jsonl", "--min-share", "0.5"])
    named = [f.name for f in dataclasses.fields(MineOptions) if hasattr(args, f.name)]
    assert named == ["capacity", "max_sites", "min_share", "min_articles"]  # not max_line_chars
    assert mine_options(args) == MineOptions(min_share=0.5)


def test_the_record_processor_reads_the_cleaners_options_by_default() -> None:
    cleaner = Cleaner(options=CleanOptions(text_field="body", stats=True))
    assert Processor(cleaner).options.text_field == "body"
    assert Processor(cleaner, CleanOptions()).options.text_field == "text"
    assert RecordOptions is CleanOptions  # the record options' earlier name still works


def test_a_variant_keeps_the_rules_it_was_built_with(private_rules: Path) -> None:
    cleaner = Cleaner(private_rules)
    variant = cleaner.with_options(input_kind="article")
    assert variant.library is cleaner.library and variant.options.input_kind == "article"
    with pytest.raises(ConfigError, match="keeps this cleaner's rules"):
        cleaner.with_options(no_default_rules=True)
