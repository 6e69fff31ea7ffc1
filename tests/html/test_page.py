"""The HTML reader: block lines, what is left out, flags, link density and metadata."""

from __future__ import annotations

import pytest

from cleantext import InputError
from cleantext.html import parse_page
from cleantext.html.vocabulary import CLASS_WORDS, FLAG_NAMES


def flags_of(page, index: int) -> set[str]:
    bits = page.blocks.flags[index]
    return {name for i, name in enumerate(FLAG_NAMES) if bits >> i & 1}


def test_blocks_split_at_block_elements_and_br_and_join_inline_text() -> None:
    page = parse_page(
        "<body><div>Before <p>Para <em>one</em>, <a href='#'>linked</a>.</p> after</div>"
        "<ul><li>First</li><li>Second<br>line</li></ul>"
        "<table><tr><td>Cell A</td><td>Cell  B</td></tr></table></body>"
    )
    assert page.lines == (
        "Before",
        "Para one, linked.",
        "after",
        "First",
        "Second",
        "line",
        "Cell A",
        "Cell B",
    )
    tags = [page.blocks.block_tags[b] for b in page.blocks.block]
    assert tags == ["div", "p", "div", "li", "li", "li", "td", "td"]
    # each block's descendants are the blocks after it up to its end
    assert page.blocks.block_tags == (
        "body", "div", "p", "ul", "li", "li", "table", "tbody", "tr", "td", "td",
    )  # fmt: skip
    assert page.blocks.block_ends == (11, 3, 3, 6, 5, 6, 11, 11, 11, 10, 11)


def test_a_pre_block_is_one_line_for_the_model_and_keeps_its_line_breaks_shown() -> None:
    page = parse_page(
        "<body><p>Read  the file:</p><pre><code><span>import</span> <span>json</span>\n"
        "<span>with</span> open(path) as f:\n\n    data  =  json.load(f)\n</code></pre>"
        "<p>Inline <code>a\nb</code> code.</p></body>"
    )
    assert page.blocks.lines == (
        "Read the file:",
        "import json with open(path) as f: data = json.load(f)",
        "Inline a b code.",
    )
    assert page.lines == (
        "Read the file:",
        "import json\nwith open(path) as f:\ndata = json.load(f)",
        "Inline a b code.",
    )
    assert page.text == "\n".join(page.lines)


def test_comments_processing_instructions_and_custom_elements() -> None:
    # a processing instruction in the body is a node without a tag: left out like a comment
    page = parse_page(
        "<body><p>One<!-- note --> two</p><?php echo 1; ?><my-card class='card'>"
        "<p>Inside a custom element</p></my-card><x-note>Inline custom</x-note></body>"
    )
    assert page.lines == ("One two", "Inside a custom element", "Inline custom")
    assert "cls_related" in flags_of(page, 1)


def test_scripts_styles_and_form_fields_are_left_out_hidden_text_is_flagged() -> None:
    page = parse_page(
        "<head><style>p {color: red}</style></head><body><p>Kept</p>"
        "<script>var gone = 1;</script><select><option>Choice</option></select>"
        "<div hidden><p>Moved in by a script</p></div>"
        "<p style='display: none'>Tab text</p><noscript><p>Without scripts</p></noscript></body>"
    )
    assert page.lines == ("Kept", "Moved in by a script", "Tab text", "Without scripts")
    assert "hidden" not in flags_of(page, 0)
    assert "hidden" in flags_of(page, 1)
    assert "hidden" in flags_of(page, 2)


def test_markup_a_browser_saved_as_noscript_text_is_not_page_text() -> None:
    """Pages saved from a browser that runs scripts hold a noscript's content escaped; quoted
    markup elsewhere, and a noscript's plain words, stay."""
    page = parse_page(
        "<body><noscript>&lt;div class='alert'&gt;&lt;p&gt;Scripts are off&lt;/p&gt;&lt;/div&gt;"
        "</noscript><p>Write <code>&lt;div&gt;</code> first.</p><noscript> &lt;img src=x&gt;"
        "</noscript><noscript>Please turn scripts on</noscript></body>"
    )
    assert page.lines == ("Write <div> first.", "Please turn scripts on")


def test_ancestor_tags_and_class_words_reach_the_line() -> None:
    page = parse_page(
        "<body><nav class='site-menu'><ul><li><a href='/'>Home</a></li></ul></nav>"
        "<article><div class='entry-content'><p>Text of the story.</p></div></article>"
        "<aside id='related-posts'><p>Other story</p></aside>"
        "<footer class='colophon'><p>Contact us</p></footer></body>"
    )
    assert {"tag_nav", "tag_li", "tag_a", "cls_nav"} <= flags_of(page, 0)
    assert {"tag_article", "cls_content", "tag_p"} <= flags_of(page, 1)
    assert "tag_nav" not in flags_of(page, 1)
    assert {"tag_aside", "cls_related"} <= flags_of(page, 2)
    assert {"tag_footer", "cls_footer"} <= flags_of(page, 3)


def test_link_density_counts_the_characters_inside_links() -> None:
    page = parse_page(
        "<p>Read <a href='/x'>this story</a> today</p><p><a href='/'>All link</a></p>"
    )
    assert page.lines == ("Read this story today", "All link")
    assert page.blocks.link_chars == (len("this story"), len("All link"))


def test_metadata_prefers_the_h1_that_agrees_with_og_title() -> None:
    page = parse_page(
        "<html lang='de'><head><title>Brücke wieder offen | Tagesblatt</title>"
        "<meta property='og:title' content='Brücke wieder offen'>"
        "<meta property='og:url' content='https://tagesblatt.example/og'>"
        "<link rel='canonical' href='https://tagesblatt.example/bruecke'>"
        "<meta property='article:published_time' content='2024-05-02T08:00:00Z'>"
        "<meta name='author' content='Anna Berg'>"
        "<meta property='og:site_name' content='Tagesblatt'>"
        "</head><body><h1>Tagesblatt</h1><h1>Brücke wieder offen</h1><p>Text.</p></body></html>"
    )
    meta = page.metadata
    assert meta.headline == "Brücke wieder offen"
    assert meta.url == "https://tagesblatt.example/bruecke"
    assert meta.date == "2024-05-02T08:00:00Z"
    assert meta.authors == ("Anna Berg",)
    assert meta.publication == "Tagesblatt"
    assert meta.language == "de"


def test_metadata_falls_back_to_title_time_element_and_author_links() -> None:
    page = parse_page(
        "<head><title>Harbour Gazette - Lifeboat crew rescues three sailors</title>"
        "<meta property='og:url' content='https://gazette.example/lifeboat'></head>"
        "<body><p>By <a rel='author' href='/staff/kim'>Kim Lowe</a></p>"
        "<time datetime='2023-11-30'>30 November</time><p>Three sailors were rescued.</p></body>"
    )
    meta = page.metadata
    assert meta.headline == "Lifeboat crew rescues three sailors"
    assert meta.url == "https://gazette.example/lifeboat"
    assert meta.date == "2023-11-30"
    assert meta.authors == ("Kim Lowe",)


def test_bytes_are_decoded_by_the_declared_charset_or_the_callers() -> None:
    html = "<meta charset='windows-1251'><p>Привет, мир</p>"
    raw = html.encode("windows-1251")
    assert parse_page(raw).lines == ("Привет, мир",)
    assert parse_page(raw).metadata.charset == "windows-1251"
    latin = "<p>Café crème</p>".encode("latin-1")
    assert parse_page(latin, encoding="latin-1").lines == ("Café crème",)
    with pytest.raises(InputError, match="unknown charset 'no-such-codec'"):
        parse_page(latin, encoding="no-such-codec")


def test_empty_and_text_only_input() -> None:
    assert parse_page("").lines == ()
    assert parse_page("just words").lines == ("just words",)


def test_class_words_hold_no_whitespace() -> None:
    # class_bits searches a whole class value at once, which finds each token's words only
    # while no word spans two tokens
    assert not [word for words in CLASS_WORDS.values() for word in words if len(word.split()) != 1]


def test_void_elements_end_nothing_and_authors_stop_at_five() -> None:
    page = parse_page(
        "<body><p>Before <img class='share-icon' src='x.png'> after<wbr>wards</p>"
        + "".join(f"<span itemprop='author'>Reader {k}</span>" for k in range(9))
        + "</body>"
    )
    assert page.lines[0] == "Before afterwards"
    assert "cls_share" not in flags_of(page, 0)
    assert page.metadata.authors == tuple(f"Reader {k}" for k in range(5))


def test_the_walk_resumes_each_element_with_its_own_context() -> None:
    # after a nested block and an inline element close, the text that follows belongs to
    # the enclosing block again, with that block's flags and none of the closed ones'
    page = parse_page(
        "<body><nav class='menu'><div class='share'>Share <b>this <i>now</i></b> <p>Inner "
        "para</p> tail <span>of share</span></div> back in nav</nav><p>Article text</p></body>"
    )
    assert page.lines == (
        "Share this now",
        "Inner para",
        "tail of share",
        "back in nav",
        "Article text",
    )
    tags = [page.blocks.block_tags[b] for b in page.blocks.block]
    assert tags == ["div", "p", "div", "nav", "p"]
    assert {"cls_share", "tag_nav", "tag_bold", "tag_italic"} <= flags_of(page, 0)
    assert "tag_bold" not in flags_of(page, 2)
    assert "cls_share" not in flags_of(page, 3) and "tag_nav" in flags_of(page, 3)
    assert flags_of(page, 4) == {"tag_p"}
    assert page.blocks.block_parents == (0, 0, 1, 2, 0)
    assert page.blocks.block_depths == (0, 1, 2, 3, 1)
    assert page.blocks.block_ends == (5, 4, 4, 4, 5)
    assert page.blocks.bold_chars == (7, 0, 0, 0, 0)  # "this" and "now"
