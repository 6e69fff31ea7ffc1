from __future__ import annotations

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
