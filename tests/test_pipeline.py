"""Composition and order of rule sets, explain, safety, thread and process safety."""

from __future__ import annotations

import multiprocessing
import pickle
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from cleantext import Cleaner, ConfigError, RuleLibrary, replay

from .conftest import AD_RULE, SEEDS

PRESSREADER_TEXT = (
    "The talks ended without a deal on Friday, officials said.\n\nNewspapers in English\n\n"
    "Newspapers from United Kingdom"
)


def test_site_chosen_by_domain_and_by_content(cleaner: Cleaner) -> None:
    by_url = cleaner.explain(PRESSREADER_TEXT, url="https://www.pressreader.com/uk/x/1")
    by_content = cleaner.explain(PRESSREADER_TEXT)
    assert by_url.rule_sets[0] == by_content.rule_sets[0] == "pressreader"
    assert (
        by_url.text
        == by_content.text
        == "The talks ended without a deal on Friday, officials said."
    )


def test_unknown_domain_falls_back_to_detection(cleaner: Cleaner) -> None:
    result = cleaner.explain(PRESSREADER_TEXT, url="https://unknown.example.org/a")
    assert result.rule_sets[0] == "pressreader"


def test_generic_only_without_a_site(cleaner: Cleaner) -> None:
    result = cleaner.explain("Troops moved in at dawn.\nAdvertisement\nThe city was quiet.")
    assert "pressreader" not in result.rule_sets and "blogger" not in result.rule_sets
    assert result.text == "Troops moved in at dawn.\nThe city was quiet."
    assert [e.rule for e in result.edits] == ["share/advertisement-label"]


def test_site_rules_run_before_generic_rules_in_a_stage(tmp_path: Path) -> None:
    (tmp_path / "generic-ads.toml").write_text(
        RULE_SET.format(set_id="generic-ads", header="always = true", rule_id="label"), "utf-8"
    )
    (tmp_path / "zsite.toml").write_text(
        RULE_SET.format(set_id="zsite", header='domains = ["z.example"]', rule_id="site-label"),
        "utf-8",
    )
    cleaner = Cleaner(RuleLibrary.load([tmp_path]))
    result = cleaner.explain("Text here.\nAdvertisement", url="https://z.example/1")
    assert result.rule_sets == ("zsite", "generic-ads")
    assert [e.rule for e in result.edits] == ["zsite/site-label"]


RULE_SET = 'id = "{set_id}"\ndescription = "Test set."\n{header}\n' + AD_RULE


def test_select_ignore_and_forced_sites() -> None:
    text = "Troops moved in at dawn.\nAdvertisement\nThe city was quiet.\n\nNewspapers in English"
    kept_ad = "Troops moved in at dawn.\nAdvertisement\nThe city was quiet."
    assert Cleaner(ignore=["share"]).clean(text) == kept_ad
    assert Cleaner(ignore=["share/advertisement-label"]).clean(text) == kept_ad
    assert Cleaner().clean(text) == "Troops moved in at dawn.\nThe city was quiet."
    assert Cleaner(select=["normalize"]).clean(text) == text
    forced = Cleaner(sites=["blogger"]).explain(text)
    assert forced.rule_sets[0] == "blogger"


def test_unknown_selection_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown rule set 'nope'"):
        Cleaner(select=["nope"])
    with pytest.raises(ConfigError):
        Cleaner(ignore=["share/nope"])


def test_explain_replays_and_clean_agrees(cleaner: Cleaner) -> None:
    for path in SEEDS.glob("0*_*.txt"):
        raw = path.read_text(encoding="utf-8")
        result = cleaner.explain(raw)
        assert replay(raw, result.edits) == result.text == cleaner.clean(raw)


def test_safety_valve_keeps_an_article_that_rules_would_empty(tmp_path: Path) -> None:
    (tmp_path / "greedy.toml").write_text(
        RULE_SET.format(set_id="greedy", header="always = true", rule_id="everything").replace(
            "pattern = 'Advertisement'", "pattern = '.+'"
        ),
        "utf-8",
    )
    cleaner = Cleaner(RuleLibrary.load([tmp_path]))
    text = "The minister resigned on Tuesday after weeks of pressure from his own party."
    result = cleaner.explain(text)
    assert result.text == text
    assert result.warnings


def test_empty_and_blank_input(cleaner: Cleaner) -> None:
    assert cleaner.clean("") == ""
    assert cleaner.clean("\n\n  \n") == ""


def test_deterministic_and_thread_safe(cleaner: Cleaner) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("0*_*.txt"))] * 20
    expected = [cleaner.clean(t) for t in texts]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(cleaner.clean, texts)) == expected


def _clean_in_child(cleaner: Cleaner, text: str) -> str:
    return cleaner.clean(text)


def test_cleaner_pickles_and_works_in_another_process(cleaner: Cleaner) -> None:
    text = (SEEDS / "000_277d1107e5220382.txt").read_text(encoding="utf-8")
    restored = pickle.loads(pickle.dumps(Cleaner(ignore=["share"])))
    assert restored.clean(text) == Cleaner(ignore=["share"]).clean(text)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        assert pool.submit(_clean_in_child, cleaner, text).result() == cleaner.clean(text)


def test_batch(cleaner: Cleaner) -> None:
    texts = ["Troops moved in.\nAdvertisement", "Quiet day."]
    assert cleaner.clean_batch(texts) == ["Troops moved in.", "Quiet day."]
    assert cleaner.clean_batch(texts, urls=[None, "https://example.com"]) == [
        "Troops moved in.",
        "Quiet day.",
    ]


NAVIGATION = [
    "Troops sent to the capital as unrest spreads | Example Media",
    "Home",
    "News",
    "Sport",
    "Weather",
    "Business",
    "Opinion",
    "Video",
    "Podcasts",
    "Sign in",
    "Subscribe",
    "Troops sent to the capital as unrest spreads",
    "By Ann Lee, Defence Correspondent",
    "12 January 2022",
]
ARTICLE = [
    "Troops moved into the capital overnight, and residents said gunfire could be heard "
    "until dawn in several districts.",
    "Officials said the operation would last at least a week, according to reports on "
    "state television on Friday.",
    "The government has not said how many people were detained during the first night, "
    "but lawyers put the figure in the hundreds.",
    "Shops in the centre stayed closed, and queues formed outside the few cash machines "
    "that were still working on Saturday morning.",
    "Opposition leaders called for talks, saying that force would only deepen a crisis "
    "that began with a rise in fuel prices.",
    "Foreign governments urged restraint and said they were watching the situation closely.",
]
FOOTER = [
    "Most read",
    "Five things to know about the protests",
    "Markets fall as oil jumps",
    "About us",
    "Contact",
    "Privacy policy",
    "Terms of use",
    "Cookie settings",
    "© 2024 Example Media Ltd. All rights reserved.",
]
WHOLE_PAGE = "\n".join([*NAVIGATION, *ARTICLE, *FOOTER])


HEADLINE = "Troops sent to the capital as unrest spreads"


def test_classifier_cuts_a_page_and_is_explained(cleaner: Cleaner) -> None:
    result = cleaner.explain(WHOLE_PAGE)
    kept = result.text.split("\n")
    assert kept[0] == HEADLINE  # not the page title "... | Example Media"
    assert [line for line in kept if line in ARTICLE] == ARTICLE
    assert not set(kept) & {*NAVIGATION[1:-3], *FOOTER}
    assert "classifier/boilerplate-line" in {edit.rule for edit in result.edits}
    assert replay(WHOLE_PAGE, result.edits) == result.text


def test_headlines_are_kept_unless_asked(cleaner: Cleaner) -> None:
    """A headline is article text, on whole pages and in extracted text alike; dropping it is an
    explicit, explained option."""
    extracted = "\n".join([HEADLINE, *ARTICLE])
    assert cleaner.clean(extracted) == extracted
    kicker = "\n".join(["UNREST", HEADLINE, *ARTICLE])
    assert cleaner.clean(kicker) == kicker
    dropping = Cleaner(drop_headline=True)
    assert dropping.clean(extracted) == "\n".join(ARTICLE)
    result = dropping.explain(WHOLE_PAGE)
    assert HEADLINE not in result.text and ARTICLE[0] in result.text
    assert result.edits[-1].rule == "headline/drop-headline"
    assert result.edits[-1].removed.strip() == HEADLINE
    assert replay(WHOLE_PAGE, result.edits) == result.text
    # A text that is one sentence, or only a heading, keeps it.
    assert dropping.clean(ARTICLE[0]) == ARTICLE[0]
    assert dropping.clean(HEADLINE) == HEADLINE


def test_a_page_cut_down_to_its_article_keeps_its_headline_when_cleaned_as_a_page() -> None:
    """Once the menus and the ``<title>`` line are gone, the headline is the first line and
    nothing marks it as one; the block of article lines reaches up to it (the classifier's
    later rounds, and a dump of whole pages cleaned again as pages, see it like that)."""
    as_page = Cleaner(input_kind="page")
    once = as_page.clean(WHOLE_PAGE)
    assert once.startswith(f"{HEADLINE}\n") and ARTICLE[-1] in once
    assert as_page.clean(once) == once


def test_classifier_can_be_switched_off_or_told_the_input_kind() -> None:
    assert Cleaner(classifier=False).clean(WHOLE_PAGE).startswith(HEADLINE)
    assert Cleaner(ignore=["classifier"]).clean(WHOLE_PAGE).startswith(HEADLINE)
    as_article = Cleaner(input_kind="article").clean(WHOLE_PAGE)
    assert "Officials said the operation" in as_article
    restored = pickle.loads(pickle.dumps(Cleaner(input_kind="page")))
    assert restored.clean(WHOLE_PAGE) == Cleaner(input_kind="page").clean(WHOLE_PAGE)


def test_a_footer_marker_brought_into_reach_by_a_later_removal_is_cut_at_once() -> None:
    """The issue's rules-only counterexample: the comment marker comes too early to count
    (``min_position``) until the long newsletter line after it is removed; cleaning once must
    give what cleaning twice gives."""
    newsletter = (
        "Subscribe to get the match reports, the transfer news and the exclusive interviews "
        "of our reporters in the weekly football newsletter"
    )
    text = "\n".join(
        [
            "The club confirmed the signing on Friday.",
            "Comments (12)",
            "Great news for the fans!",
            newsletter,
        ]
    )
    cleaner = Cleaner(classifier=False)
    cleaned = cleaner.clean(text)
    assert cleaned == "The club confirmed the signing on Friday."
    assert cleaner.clean(cleaned) == cleaned


def test_a_caption_block_the_classifier_brings_together_goes_in_the_same_cleaning() -> None:
    """A line between a caption block's parts hides it from the caption rule; once the
    classifier drops that line the block is whole, and the same cleaning takes it (not the
    next one)."""
    from cleantext.actions import Change, Outcome, Stage
    from cleantext.actions.captions import drop_caption_blocks
    from cleantext.matcher import Lines
    from cleantext.pipeline.plan import PlanStep
    from cleantext.pipeline.run import DocumentRun, settled
    from cleantext.pipeline.steps import CLASSIFIER, StepName

    def captions(lines: list[str]) -> Outcome:
        return drop_caption_blocks(lines, min_parts=2, max_part_words=15)

    def classifier(lines: list[str]) -> Outcome:  # drops the menu line, as the model would
        return Outcome(tuple(Change(i, i + 1) for i, line in enumerate(lines) if line == "Menu"))

    def one_pass(text: str, url: str | None, explain: bool) -> tuple[DocumentRun, tuple[str]]:
        run = DocumentRun(Lines.split(text), explain)
        run.step(PlanStep(Stage.BLOCKS, captions, (StepName("captions/block", "drop"),)))
        run.step(PlanStep(Stage.CLASSIFY, classifier, (CLASSIFIER,)), again=classifier)
        return run, ()

    text = "Talks ended.\nRIOT Clashes\nMenu\nINVITE Tokayev\nRIOT Clashes INVITE Tokayev"
    run, _ = settled(one_pass, text, None, False)
    assert run.lines == ["Talks ended."]
