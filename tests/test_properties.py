"""Properties of the whole pipeline, checked on generated text (hypothesis)."""

from __future__ import annotations

import os

import regex
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleantext import Cleaner
from cleantext.actions.shape import ends_sentence

from .conftest import SEEDS

CLEANER = Cleaner()
RULES_ONLY = Cleaner(classifier=False)
NORMALIZE_ONLY = Cleaner(select=["normalize"])
WORD = regex.compile(r"\w+")

ARTICLE_PARAGRAPHS = sorted(
    {
        line
        for path in SEEDS.glob("*.expected.txt")
        for line in path.read_text(encoding="utf-8").splitlines()
        if len(line.split()) >= 6 and ends_sentence(line)
    }
)

BOILERPLATE_LINES = [
    "Advertisement",
    "ADVERTISEMENT",
    "Share this article",
    "Facebook Twitter WhatsApp Email",
    "Follow us on Twitter",
    "Sign up to our free daily newsletter",
    "READ MORE: Ministers face new questions over the deal",
    "Related articles",
    "Photo: Jane Doe/Reuters",
    "Image copyright Getty Images",
    "?? ??",
    "[Embedded content]",
    "Story continues below advertisement",
]

# A boilerplate line broken in two where its second half starts in lowercase: the repair
# stage joins the halves again (an open sentence and its continuation), after the rules ran.
SPLIT_BOILERPLATE = [
    f"{' '.join(words[:k])}\n{' '.join(words[k:])}"
    for line in BOILERPLATE_LINES
    if len(words := line.split()) >= 5
    for k in range(3, len(words) - 1)
    if words[k][0].islower()
]

news_like_text = st.lists(
    st.one_of(
        st.sampled_from(ARTICLE_PARAGRAPHS),
        st.sampled_from(BOILERPLATE_LINES),
        st.sampled_from(SPLIT_BOILERPLATE),
        st.text(st.characters(codec="utf-8"), max_size=80),
        st.just(""),
    ),
    max_size=25,
).map("\n".join)

PAGE_FURNITURE = [
    "Home",
    "News",
    "Sport",
    "Home | News | Sport | Weather",
    "Sign in",
    "Subscribe",
    "Comments",
    "Leave a Reply",
    "Join the conversation",
    "12 responses",
    "Privacy policy",
    "© 2024 Example Media. All rights reserved.",
    "Council approves the budget | Example News",
    "Council approves the budget",
]

page_like_text = st.lists(
    st.one_of(
        st.sampled_from(ARTICLE_PARAGRAPHS),
        st.sampled_from(BOILERPLATE_LINES),
        st.sampled_from(PAGE_FURNITURE),
        st.just(""),
    ),
    max_size=60,
).map("\n".join)

any_text = st.one_of(st.text(max_size=400), news_like_text, page_like_text)
# CLEANTEXT_EXAMPLES raises the number of examples for a longer local search.
FAST = settings(
    max_examples=int(os.environ.get("CLEANTEXT_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FAST
@given(any_text)
# a zero-width joiner decoded as Latin-1: the repair makes the line invisible, and it goes in
# the same pass
@example("The council met on Monday to agree the budget.\n\u00e2\u0080\u008d\nIt passed.")
# a newsletter call in two halves: joined by the repair stage, it is the newsletter rule's, and
# goes in a second pass instead of on the next cleaning
@example("The council met on Monday to agree the budget.\n\nSubscribe to our\nnewsletter today!")
def test_cleaning_is_idempotent(text: str) -> None:
    """The whole default pipeline, classifier included: cleaning the output changes nothing."""
    once = CLEANER.clean(text)
    assert CLEANER.clean(once) == once
    rules_once = RULES_ONLY.clean(text)
    assert RULES_ONLY.clean(rules_once) == rules_once


@FAST
@given(any_text)
def test_adds_no_words(text: str) -> None:
    available = set(WORD.findall(NORMALIZE_ONLY.clean(text)))
    assert set(WORD.findall(CLEANER.clean(text))) <= available


@FAST
@given(any_text)
def test_deterministic(text: str) -> None:
    assert CLEANER.clean(text) == CLEANER.clean(text) == Cleaner().clean(text)


@FAST
@given(
    # An article does not repeat its paragraphs; a repeated line is evidence of boilerplate.
    st.lists(st.sampled_from(ARTICLE_PARAGRAPHS), min_size=1, max_size=12, unique=True),
    st.sampled_from(["\n", "\n\n"]),
)
def test_article_paragraphs_come_back_unchanged(paragraphs: list[str], separator: str) -> None:
    text = separator.join(paragraphs)
    assert CLEANER.clean(text) == text


@FAST
@given(
    st.lists(
        st.tuples(
            st.sampled_from(ARTICLE_PARAGRAPHS),
            st.lists(st.sampled_from(BOILERPLATE_LINES), max_size=3),
        ),
        min_size=1,
        max_size=10,
        unique_by=lambda block: block[0],  # each article paragraph once
    ),
    st.lists(st.sampled_from(BOILERPLATE_LINES), max_size=4),
)
def test_article_paragraphs_survive_mixed_boilerplate(
    blocks: list[tuple[str, list[str]]], head: list[str]
) -> None:
    lines = list(head)
    for paragraph, after in blocks:
        lines.append(paragraph)
        lines.extend(after)
    cleaned = CLEANER.clean("\n".join(lines)).split("\n")
    assert [line for line in cleaned if line in ARTICLE_PARAGRAPHS] == [p for p, _ in blocks]
    assert not set(cleaned) & set(BOILERPLATE_LINES)
