"""HTML page to clean text: the explain view, its replay, metadata, and a golden page."""

from __future__ import annotations

from cleantext import Cleaner, replay
from cleantext.html import parse_page
from cleantext.html.clean import BOILERPLATE_BLOCK, NO_ARTICLE_WARNING, html_scores

PARAGRAPHS = (
    "The harbour authority reopened the north quay on Tuesday after three weeks of repairs "
    "to the storm-damaged sea wall, officials said.",
    "Engineers replaced more than two hundred metres of masonry, and the ferry company said "
    "its morning crossings would resume at the usual times from Wednesday.",
    "Local traders, who had complained of falling visitor numbers while the quay was closed, "
    "welcomed the news and said they expected a busy weekend.",
    "The council has set aside further funds to inspect the south quay before the winter "
    "storms, according to a statement published on its website.",
)

PAGE = f"""<!doctype html>
<html lang="en"><head>
<title>North quay reopens after repairs | Harbour Gazette</title>
<meta property="og:title" content="North quay reopens after repairs">
<link rel="canonical" href="https://harbourgazette.example/news/north-quay-reopens">
<meta property="article:published_time" content="2024-03-05T09:30:00Z">
<meta name="author" content="Kim Lowe">
<meta property="og:site_name" content="Harbour Gazette">
<script>window.analytics = {{}};</script><style>.menu {{ color: navy }}</style>
</head><body>
<header class="site-header"><a class="logo" href="/">Harbour Gazette</a>
<nav class="main-nav"><ul><li><a href="/news">News</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/weather">Weather</a></li><li><a href="/contact">Contact</a></li></ul></nav></header>
<main><article class="post">
<h1 class="entry-title">North quay reopens after repairs</h1>
<div class="entry-content">{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}</div>
<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
</article>
<aside class="related-posts"><h3>Related stories</h3><ul>
<li><a href="/a">Ferry timetable changes for spring</a></li>
<li><a href="/b">Lifeboat crew rescues three sailors</a></li>
<li><a href="/c">Market square to host food festival</a></li></ul></aside></main>
<footer class="site-footer"><p>© 2024 Harbour Gazette. All rights reserved.</p>
<ul><li><a href="/privacy">Privacy policy</a></li><li><a href="/terms">Terms of use</a></li></ul>
</footer></body></html>"""

EXPECTED = "\n".join(("North quay reopens after repairs", *PARAGRAPHS))


def test_golden_page_comes_out_as_headline_and_article() -> None:
    assert Cleaner().clean_html(PAGE) == EXPECTED


JOBS = (
    ("Software Engineer", "Acme Robotics", "Full-Time", "Anywhere"),
    ("Senior Backend Developer", "Harbour Data", "Contract", "Europe"),
    ("Frontend Engineer", "North Quay Labs", "Full-Time", "Americas"),
    ("Site Reliability Engineer", "Lighthouse Cloud", "Full-Time", "Anywhere"),
)
LISTING = (
    "<!doctype html><html><head><title>Remote jobs</title></head><body>"
    "<nav class='main-nav'><ul><li><a href='/'>Home</a></li><li><a href='/jobs'>Jobs</a></li>"
    "</ul></nav><h1>Remote programming jobs</h1><ul class='jobs'>"
    + "".join(
        f"<li><h3><a href='/j/{k}'>{title}</a></h3><p>{firm}</p><p>{kind}</p><p>{where}</p></li>"
        for k, (title, firm, kind, where) in enumerate(JOBS)
    )
    + "</ul><footer><p>© 2026 Remote Jobs Board</p><a href='/privacy'>Privacy</a></footer>"
    "<div class='cookie-banner'><p>We use cookies to improve your experience.</p></div>"
    "</body></html>"
)


def test_a_page_with_no_article_keeps_its_text_outside_the_chrome_and_says_so() -> None:
    cleaner = Cleaner()
    result = cleaner.explain_html(LISTING)
    assert result.text == cleaner.clean_html(LISTING)
    assert result.text.splitlines() == [
        "Remote programming jobs",
        *(x for job in JOBS for x in job),
    ]
    assert NO_ARTICLE_WARNING in result.warnings
    assert NO_ARTICLE_WARNING not in cleaner.explain_html(PAGE).warnings


def test_explain_replays_from_the_block_lines_to_the_output() -> None:
    cleaner = Cleaner()
    result = cleaner.explain_html(PAGE)
    text = parse_page(PAGE).text
    assert replay(text, result.edits) == result.text == cleaner.clean_html(PAGE)
    dropped = [e for e in result.edits if e.rule == BOILERPLATE_BLOCK.qualified_id]
    assert any("Privacy policy" in e.removed for e in dropped)
    assert any("Related stories" in e.removed for e in dropped)
    assert result.rule_sets[0] == "html"


def test_code_in_pre_comes_out_line_by_line_and_replays() -> None:
    code = "// read the settings\nconst path = args[0]\nconst data = readFile(path)"
    page = PAGE.replace(
        f"<p>{PARAGRAPHS[2]}</p>", f"<p>{PARAGRAPHS[2]}</p><pre><code>{code}</code></pre>"
    )
    cleaner = Cleaner()
    result = cleaner.explain_html(page)
    assert code in result.text  # kept whole, its lines not rejoined as prose
    assert replay(parse_page(page).text, result.edits) == result.text == cleaner.clean_html(page)


def test_page_metadata_joins_the_result() -> None:
    metadata = Cleaner().explain_html(PAGE).metadata
    assert metadata["headline"] == "North quay reopens after repairs"
    assert metadata["url"] == "https://harbourgazette.example/news/north-quay-reopens"
    assert metadata["date"] == "2024-03-05T09:30:00Z"
    assert metadata["authors"] == ["Kim Lowe"]
    assert metadata["publication"] == "Harbour Gazette"
    assert metadata["language"] == "en"


def test_bytes_in_the_declared_charset_give_the_same_text() -> None:
    page = PAGE.replace("<head>", "<head><meta charset='windows-1252'>")
    page = page.replace("officials said", "officials said — “quickly”")
    cleaner = Cleaner()
    assert cleaner.clean_html(page.encode("windows-1252")) == cleaner.clean_html(page)


def test_scores_rank_article_lines_above_menus_and_footers() -> None:
    page = parse_page(PAGE)
    scores = dict(zip(page.lines, html_scores(page), strict=True))
    article = min(scores[p] for p in PARAGRAPHS)
    assert article > scores["Privacy policy"]
    assert article > scores["Sport"]


def test_a_page_without_text_gives_empty_text() -> None:
    assert Cleaner().clean_html("<html><body><script>x()</script></body></html>") == ""
    assert Cleaner().explain_html(b"").text == ""


def test_with_options_keeps_the_rules_and_caches_the_variant() -> None:
    cleaner = Cleaner(classifier=True)
    variant = cleaner.with_options(whole_page=False)
    assert variant is cleaner.with_options(whole_page=False)
    assert variant.library is cleaner.library
