"""Aggregator layouts cleaned whole: PressReader's three layouts, Blogger and WordPress reposts,
print e-edition pages. Each document in ``tests/fixtures/`` was written for these tests in the
layout the aggregator produces, and is cleaned exactly to its ``.expected.txt``, with the URL
and without it (found by its content); properties check that article paragraphs survive.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleantext import Cleaner

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CLEANER = Cleaner()
# The properties are about the rules: the generic classifier is a statistical model whose
# decisions on a short generated page are not what these rule sets promise.
RULES_ONLY = Cleaner(classifier=False)

DOCUMENTS = {
    "pressreader/layout1_masthead_byline.txt": (
        "https://www.pressreader.com/canada/the-hamlet-starphoenix/20220304/281560884",
        {
            "publication": "The Hamlet StarPhoenix",
            "authors": ["Jane Doe"],
            "author_role": "CITY HALL BUREAU",
            "author_email": "jdoe@example.com",
            "author_social": "twitter.com/janedoe",
        },
    ),
    "pressreader/layout2_publication_line.txt": (
        "https://www.pressreader.com/usa/springfield-courier/20220304/281560885",
        {
            "publication": "Springfield Courier",
            "section": "NEWS",
            "authors": ["Jane Doe", "John Roe"],
            "author_role": "STAFF REPORTERS",
        },
    ),
    "pressreader/layout3_no_masthead.txt": (
        "https://www.pressreader.com/canada/harbour-gazette/20220305/281560886",
        {},
    ),
    "reposts/blogger_repost.txt": (
        "https://harbourwatch.blogspot.com/2025/08/ferry-season-opens.html",
        {},
    ),
    "reposts/wordpress_repost.txt": (
        "https://springfieldwatch.wordpress.com/2022/03/04/kennedy-road-bridge/",
        {},
    ),
    "reposts/e_edition_page.txt": ("https://issuu.com/springfieldcourier/docs/sc_20220304", {}),
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
@pytest.mark.parametrize("with_url", [True, False], ids=["url", "content"])
def test_document_is_cleaned_exactly(name: str, with_url: bool) -> None:
    url, metadata = DOCUMENTS[name]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    expected = (FIXTURES / name.replace(".txt", ".expected.txt")).read_text(encoding="utf-8")
    cleaned = CLEANER.explain(text, url=url if with_url else None)
    assert cleaned.text + "\n" == expected
    assert dict(cleaned.metadata) == metadata


# Article paragraphs written for this test, in the shapes print stories take: a lede, a quote,
# a paragraph that opens with a dash, one naming a newspaper, print hyphenation left joined.
PARAGRAPHS = [
    "The Kennedy Road bridge will close for most of next year, city council decided Thursday.",
    '"We cannot keep sending school buses across that deck," said Coun. Maria Ortiz.',
    "- The detour signs go up on Feb. 20, two weeks before the closure starts.",
    "The Springfield Courier first reported the corrosion in a story last October.",
    "Costs came in higherthanexpected, according to the 10-yearold engineering report.",
    "About 200 passengers were aboard the first ferry, many of them cyclists.",
    "Fares stay at $6 for adults, the harbour authority said on Saturday.",
    "VLADIMIR Putin’s intervention may signal a breather for Ukraine, officials said.",
]
HEADS = st.sampled_from(
    [
        ("The Hamlet StarPhoenix", "Kennedy Road bridge to close", "- JANE DOE STAFF REPORTER"),
        ("Otago Daily Times", "Ferry season opens early", "-"),
        ("Springfield Courier-Ledger", "Council split on budget", "- Jo Kent jkent@example.com"),
        ("", "Kennedy Road bridge to close", "Springfield Courier - - NEWS -"),
        ("", "Ferry season opens two weeks early", ""),
    ]
)
DECKS = st.sampled_from(["", "City says the work cannot wait", "Mild winter cleared the ice"])


@settings(max_examples=60, deadline=None)
@given(
    HEADS,
    DECKS,
    st.lists(st.sampled_from(PARAGRAPHS), min_size=2, max_size=6, unique=True),
    st.booleans(),
    st.booleans(),
)
def test_pressreader_paragraphs_and_headline_survive(
    head: tuple[str, str, str], deck: str, paragraphs: list[str], url: bool, jump: bool
) -> None:
    masthead, headline, byline = head
    lines = [masthead, headline, deck, byline, *paragraphs]
    if jump:
        lines.append("See BRIDGE, page A4")
    lines += ["Newspapers in English", "Newspapers from Canada"]
    text = "\n\n".join(line for line in lines if line)
    out = RULES_ONLY.clean(text, url="https://www.pressreader.com/x/1" if url else None)
    kept = out.split("\n")
    assert headline in kept
    assert all(paragraph in kept for paragraph in paragraphs)
    if deck:
        assert deck in kept
    assert "Newspapers in English" not in out and "See BRIDGE, page A4" not in out


REPOST_CHROME = {
    "blogger": [
        "Skip to main content",
        "Showing posts from August, 2025",
        "Tuesday, August 31, 2021",
        "Article Continued Below",
        "Source: Harbour Gazette",
        "Continue Reading..",
        "Posted by Ann Kerr at 10:32 PM",
        "Labels: ferries, transport",
        "Newer Post Older Post Home",
        "Share to Twitter",
    ],
    "wordpress": [
        "The post Ferry season opens early appeared first on Harbour Digest.",
        "Source link",
        "Article Continued Below",
        "Continue Reading..",
        "Share this:",
        "Like Loading...",
        "Posted in Local News",
        "Tagged: ferry, harbour",
    ],
}
REPOST_URLS = {
    "blogger": "https://harbourwatch.blogspot.com/2025/08/ferry.html",
    "wordpress": "https://harbourwatch.wordpress.com/2025/08/03/ferry/",
}


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(REPOST_CHROME)),
    st.lists(st.sampled_from(PARAGRAPHS), min_size=2, max_size=6, unique=True),
    st.data(),
)
def test_repost_paragraphs_survive_and_chrome_goes(
    site: str, paragraphs: list[str], data: st.DataObject
) -> None:
    chrome = data.draw(st.lists(st.sampled_from(REPOST_CHROME[site]), min_size=1, max_size=5))
    lines = ["Ferry season opens two weeks early", *paragraphs]
    for line in chrome:
        lines.insert(data.draw(st.integers(1, len(lines))), line)
    if site == "wordpress":
        lines.append(REPOST_CHROME["wordpress"][0])  # what tells the site without its URL
    url = REPOST_URLS[site] if data.draw(st.booleans()) else None
    out = RULES_ONLY.clean("\n".join(lines), url=url).split("\n")
    assert out[0] == "Ferry season opens two weeks early"
    assert all(paragraph in out for paragraph in paragraphs)
    if url:
        assert not set(chrome) & set(out)
