from __future__ import annotations

from cleantext import Cleaner
from cleantext.actions.repair import drop_orphan_headings, rejoin_split_sentences


def test_rejoin_without_inserted_line() -> None:
    out = rejoin_split_sentences(
        ["so people cannot", "", "access cash."], max_inserted_lines=2, max_inserted_words=20
    )
    assert out.changes[0].lines == ("so people cannot access cash.",)


def test_no_rejoin_after_a_finished_sentence_or_before_a_capital() -> None:
    lines = ["People cannot access cash.", "then it was late."]
    assert rejoin_split_sentences(lines, max_inserted_lines=2, max_inserted_words=20).changes == ()
    lines = ["so people cannot", "Troops arrived", "Then it was late."]
    assert rejoin_split_sentences(lines, max_inserted_lines=2, max_inserted_words=20).changes == ()


def test_no_rejoin_across_too_many_lines() -> None:
    lines = ["so people cannot", "one", "two", "three", "access cash."]
    assert rejoin_split_sentences(lines, max_inserted_lines=2, max_inserted_words=20).changes == ()


def test_orphan_headings_only_at_the_end() -> None:
    assert drop_orphan_headings(["RUSSIAN TANKS", "Troops moved in."], max_words=6).changes == ()
    out = drop_orphan_headings(["Troops moved in.", "FLYING OUT", "", "MORE"], max_words=6)
    assert [(c.first, c.last) for c in out.changes] == [(1, 4)]


def test_orphan_heading_never_empties_the_text() -> None:
    assert drop_orphan_headings(["ONLY A HEADLINE"], max_words=6).changes == ()


def test_hard_wrapped_lines_are_joined_but_never_dropped() -> None:
    lines = ["She won the", "Academy Award for Best Actress, has taken", "to her page to post."]
    out = rejoin_split_sentences(lines, max_inserted_lines=2, max_inserted_words=20)
    assert [(c.first, c.last) for c in out.changes] == [(1, 3)]


def test_list_items_and_numbers_are_not_continuations() -> None:
    lines = ["- healthy snack bars", "- camera", "Parabolic light by amigo", "7th Light Festival"]
    assert rejoin_split_sentences(lines, max_inserted_lines=2, max_inserted_words=20).changes == ()


def test_lines_between_halves_are_dropped_only_after_prose_and_never_a_sentence() -> None:
    """A caption splits a paragraph of prose; a headline that ends without a full stop is no
    first half to bridge from, and a sentence between two halves is the article's (found by
    an attack: both lost article lines, and the second made cleaning not idempotent)."""
    cleaner = Cleaner()
    headline = [
        "Police name victim of Saturday crash",
        "",
        "The driver was named as",
        "",
        "John Smith, 42",
        "",
        "of Leeds. He died at the scene, police said.",
    ]
    cleaned = cleaner.clean("\n".join(headline))
    for words in ("Police name victim", "The driver was named as", "John Smith, 42", "of Leeds"):
        assert words in cleaned
    sentence = [
        "The council said the storm that hit the coast at dawn had cut power and",
        "",
        "Engineers worked through the night to restore it.",
        "",
        "left more than 40 schools closed on Monday, officials said.",
    ]
    cleaned = cleaner.clean("\n".join(sentence))
    assert "Engineers worked through the night" in cleaned
    again = (
        "Storm closes schools\n\nThe storm cut power to thousands of homes.\n\nmore than 40 shut."
    )
    assert cleaner.clean(cleaner.clean(again)) == cleaner.clean(again)
    assert "The storm cut power" in cleaner.clean(again)
