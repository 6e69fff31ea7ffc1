"""The nesting bound: markup nested past it is flattened before lexbor parses the page."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from cleantext import Cleaner
from cleantext.html import parse_page
from cleantext.html.blocks import read_blocks
from cleantext.html.nesting import (
    DEEP_PAGE_WARNING,
    MAX_DEPTH,
    _depth_bound,
    _tag_starts,
    flatten_deep,
)
from cleantext.html.vocabulary import FLAG_NAMES, HIDDEN_SELECTOR

SENTENCE = "The council met on Tuesday to approve the budget for next year."


def _tree_depth(html: str) -> int:
    """How deep lexbor's tree of ``html`` is: what each block start tag may walk."""
    deepest, stack = 0, [(LexborHTMLParser(html).root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        child = node.child if node is not None else None
        while child is not None:
            stack.append((child, depth + 1))
            child = child.next
    return deepest


def _nested(n: int, inner: str, tag: str = "div") -> str:
    return f"<!doctype html><html><body>{f'<{tag}>' * n}{inner}{f'</{tag}>' * n}</body></html>"


def test_nesting_past_the_bound_is_flattened_and_its_text_kept() -> None:
    # 64,000 nested <div> took lexbor 22 s: each start tag walks every open element.
    html = _nested(3 * MAX_DEPTH, f"<p>{SENTENCE}</p><p>Second paragraph here.</p>")
    flat, flattened = flatten_deep(html)
    assert flattened
    assert _tree_depth(flat) <= MAX_DEPTH + 5  # the bound, <html>, <body>, text
    assert _tree_depth(html) > 3 * MAX_DEPTH
    page = parse_page(html)
    assert page.lines == (SENTENCE, "Second paragraph here.")
    assert page.warnings == (DEEP_PAGE_WARNING,)


def test_inline_nesting_counts_toward_the_bound() -> None:
    # A block under many open <span> walks them all, sibling after sibling.
    html = _nested(2 * MAX_DEPTH, "<div>one</div>" * 3, tag="span")
    flat, flattened = flatten_deep(html)
    assert flattened and _tree_depth(flat) <= MAX_DEPTH + 5
    assert parse_page(html).lines == ("one", "one", "one")


def test_flattened_blocks_still_end_lines_left_out_and_hidden_stay_so() -> None:
    html = (
        "<div><div><div><p>First</p><ul><li>Item one<li>Item two</ul>"
        "<script>var x = '<div>';</script><select><option>Choice</option></select>"
        "<div hidden><p>Hidden text</p></div><p>Last</p></div></div></div>"
    )
    flat, flattened = flatten_deep(html, max_depth=2)
    assert flattened
    page = LexborHTMLParser(flat)
    assert _tree_depth(flat) <= 2 * 2 + 8
    original = parse_page(html)
    assert original.lines == ("First", "Item one", "Item two", "Hidden text", "Last")
    # Read the flattened page the way parse_page reads one.
    body = page.body
    assert body is not None
    hidden = frozenset(node.mem_id for node in body.css(HIDDEN_SELECTOR))
    blocks = read_blocks(body, hidden)
    assert blocks.lines == original.lines
    hidden_bit = 1 << FLAG_NAMES.index("hidden")
    assert [bool(flags & hidden_bit) for flags in blocks.flags] == [
        False,
        False,
        False,
        True,
        False,
    ]


def test_ordinary_markup_is_passed_on_as_it_is() -> None:
    # Unclosed <p>, <li> and cells, void elements and tags in scripts raise the quick bound
    # past the limit; the full pass sees they nest shallow and changes nothing.
    html = (
        "<body><script>" + "document.write('<div>');" * 400 + "</script>"
        + "<p>Para<img src=x><br>" * 400
        + "<ul>" + "<li>item" * 400 + "</ul>"
        + "<table>" + "<tr><td>a<td>b" * 400 + "</table></body>"
    )  # fmt: skip
    assert flatten_deep(html, max_depth=300) == (html, False)
    assert flatten_deep(html.encode(), max_depth=300) == (html.encode(), False)
    assert parse_page(html).warnings == ()


def test_bytes_are_flattened_like_text() -> None:
    html = _nested(2 * MAX_DEPTH, f"<p>{SENTENCE} café</p>")
    flat_text, _ = flatten_deep(html)
    flat_bytes, flattened = flatten_deep(html.encode())
    assert flattened and flat_bytes == flat_text.encode()
    assert parse_page(html.encode()).lines == (f"{SENTENCE} café",)


def test_the_warning_reaches_the_explanation(cleaner: Cleaner) -> None:
    html = _nested(2 * MAX_DEPTH, f"<h1>Budget approved</h1><p>{SENTENCE}</p>" * 3)
    result = cleaner.explain_html(html)
    assert DEEP_PAGE_WARNING in result.warnings
    assert SENTENCE in result.text


_MARKUP = st.lists(
    st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<DIV class=a>", "<br>", "<!-- <div> -->",
                     "</span>", "<li>", "< div>", "<<", "</", "a < b", "text", "<img/>", "</>"]),
    max_size=60,
).map("".join)  # fmt: skip


@given(_MARKUP)
def test_the_quick_count_bounds_the_tag_pass(html: str) -> None:
    """The count of ``<`` that start no end tag is never below the pass's bound, so a page
    it finds under the limit is one the pass would have found under it too."""
    assert _tag_starts(html) >= _depth_bound(html)
