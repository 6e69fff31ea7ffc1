"""Bound how deep a page's elements nest before lexbor parses it.

The HTML parsing algorithm makes a start tag such as ``<div>``, ``<section>``, ``<ul>`` or
``<li>`` look down the stack of open elements for a ``<p>`` (or ``<li>``) to close, and on
nested ``<div>`` elements nothing stops that walk: a page of *n* nested blocks costs n² steps
in lexbor (64,000 nested ``<div>`` took 22 s, 94% of it in ``lxb_html_tree_element_in_scope``).
Browsers bound the nesting instead (Chromium adds elements deeper than 512 as siblings), and so
do we, on the markup, in one pass over its tags: past :data:`MAX_DEPTH` open elements, a start
tag and its end tag are taken out, a block element's replaced by ``<br>`` so that its text
still ends a line. Ordinary pages nest a few dozen deep and are passed on unchanged.

The pass tracks the open elements the way the parser would, approximately: void elements,
self-closing tags, comments and the text of raw-text elements (``<script>``, ``<style>``...)
open nothing; an end tag closes everything above the element it names; a start tag closes what
the parser would close first (an open ``<p>`` before a block, an ``<li>`` before the next item
of its list, a table cell or row before the next one...). Where it guesses wrong it can only
take out tags of a page it finds deeper than the bound. Left-out elements (scripts, forms,
embedded documents: :data:`~cleantext.html.vocabulary.SKIPPED_TAGS`) and elements hidden by
markup keep their tags up to twice the bound, so that what they hold stays left out or hidden.
"""

from __future__ import annotations

import re
from typing import AnyStr

from .vocabulary import BLOCK_TAGS, SKIPPED_TAGS

MAX_DEPTH = 1024
"""Open elements past which start tags are taken out. Chromium bounds its DOM tree at 512; we
allow twice that, which lexbor parses in milliseconds. Of the 1,751 pages of our corpora, 5 get a
quick bound past it (unclosed ``<p>``, ``<li>``, tags in scripts); the full pass finds them at
most 34 deep and takes nothing out."""

DEEP_PAGE_WARNING = (
    f"the page's elements nest deeper than {MAX_DEPTH}: the markup past that depth was "
    "flattened (its text kept, block ends kept as line breaks) so that the parse stays fast"
)

_TOKEN = (
    # A comment, a doctype or processing instruction, a raw-text element with its text, a tag.
    r"<!--.*?(?:-->|\Z)|<[!?][^>]*>?"
    r"|<(script|style|textarea|title|xmp|iframe|noembed|noframes|plaintext)\b[^>]*>"
    r".*?(?:</\1\s*>|\Z)"
    r"|<(/?)([A-Za-z][^\s/>]*)([^>]*?)(/?)>"
)
_TOKENS = re.compile(_TOKEN, re.DOTALL | re.IGNORECASE)
_TAGS = re.compile(r"<(/?[A-Za-z][^\s/>]*)")
_HIDING = re.compile(r"hidden|none", re.IGNORECASE)

_VOID = frozenset(
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image",
        "img", "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
# Start tags that close an open <p> first (HTML's "close a p element" start tags).
_CLOSES_P = frozenset(
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir",
        "div", "dl", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "header", "hgroup", "li", "dd", "dt", "listing", "main", "menu",
        "nav", "ol", "p", "pre", "search", "section", "summary", "table", "ul",
    }
)  # fmt: skip
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_TABLES = ("table",)
# For a start tag: the open elements it closes (the nearest of them), unless one of the
# elements after them in the entry is open nearer the top of the stack.
_CLOSES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "p": (("p",), ("button", "table", "td", "th", "caption", "object", "marquee", "template")),
    "li": (("li",), ("ul", "ol", "menu", "dir", "table")),
    "dd": (("dd", "dt"), ("dl", "table")),
    "dt": (("dd", "dt"), ("dl", "table")),
    "tr": (("tr",), _TABLES),
    "td": (("td", "th"), ("tr", *_TABLES)),
    "th": (("td", "th"), ("tr", *_TABLES)),
    "thead": (("thead", "tbody", "tfoot"), _TABLES),
    "tbody": (("thead", "tbody", "tfoot"), _TABLES),
    "tfoot": (("thead", "tbody", "tfoot"), _TABLES),
    "a": (("a",), ("td", "th", "caption", "object", "marquee", "template")),
    "button": (("button",), ()),
    "option": (("option",), ("select", "datalist", "optgroup")),
    "optgroup": (("option", "optgroup"), ("select", "datalist")),
}
_MERGED = frozenset({"html", "head", "body"})


class _Stack:
    """The open elements: their names, and per name the stack positions where one is open."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.where: dict[str, list[int]] = {}

    def push(self, name: str) -> None:
        self.where.setdefault(name, []).append(len(self.names))
        self.names.append(name)

    def nearest(self, names: tuple[str, ...]) -> int:
        """The position of the open element of ``names`` nearest the top, -1 if none."""
        return max((self.where[n][-1] for n in names if self.where.get(n)), default=-1)

    def close(self, position: int) -> None:
        """Pop the element at ``position`` and everything above it."""
        while len(self.names) > position:
            self.where[self.names.pop()].pop()

    def close_before(self, name: str) -> None:
        """Close what the parser closes before opening ``name``."""
        if name in _CLOSES_P:
            self._close_unless("p", _CLOSES["p"])
        if name in _CLOSES:
            self._close_unless(name, _CLOSES[name])
        if name in _HEADINGS and self.names and self.names[-1] in _HEADINGS:
            self.close(len(self.names) - 1)

    def _close_unless(self, name: str, rule: tuple[tuple[str, ...], tuple[str, ...]]) -> None:
        closes, barriers = rule
        position = self.nearest(closes)
        if position >= 0 and position > self.nearest(barriers):
            self.close(position)


def flatten_deep(html: AnyStr, *, max_depth: int = MAX_DEPTH) -> tuple[AnyStr, bool]:
    """``html`` with its markup nested past ``max_depth`` open elements taken out, and whether
    any was (see the module docstring). Bytes are read as an ASCII-compatible encoding; in any
    other (UTF-16) no tag is recognised and the page comes back as it is.

    >>> flatten_deep("<div><div><p>deep</p></div></div><p>next", max_depth=1)
    ('<div><br><br>deep<br><br></div><p>next', True)
    >>> flatten_deep("<p>one<p>two<p>three", max_depth=1)
    ('<p>one<p>two<p>three', False)
    """
    # Latin-1 maps each byte to one character and back, so positions and bytes are kept.
    text = html if isinstance(html, str) else html.decode("latin-1")
    if _tag_starts(text) < max_depth or _depth_bound(text) < max_depth:
        return html, False
    flat = _flatten(text, max_depth)
    if flat is None:
        return html, False
    return (flat if isinstance(html, str) else flat.encode("latin-1")), True


def _tag_starts(html: str) -> int:
    """How many ``<`` are not the start of an end tag: every element opened takes one, so no
    page nests deeper. Two counts in C, and on most pages (72% of ``dev``'s, half of WCXB's)
    already under :data:`MAX_DEPTH`, where :func:`_depth_bound` steps through every tag.

    >>> _tag_starts("<div><p>a</p><!-- b --></div>")
    3
    """
    return html.count("<") - html.count("</")


def _depth_bound(html: str) -> int:
    """A quick bound on how deep the page nests, to skip the full pass on ordinary pages.

    Per tag name, open elements are counted up by its start tags and down by its end tags
    (never below zero); the largest sum over the names along the page bounds the depth, as
    long as an end tag closes an element of its name when one is open (the parser can ignore
    one out of scope, which this bound does not follow). Tags in comments and scripts count
    too, which can only raise it.
    """
    total = most = 0
    count: dict[str, int] = {}
    for tag in _TAGS.findall(html):
        if tag[0] == "/":
            name = tag[1:].lower()
            open_now = count.get(name, 0)
            if open_now:
                count[name] = open_now - 1
                total -= 1
        else:
            name = tag.lower()
            if name in _VOID:
                continue
            count[name] = count.get(name, 0) + 1
            total += 1
            if total > most:
                most = total
    return most


def _flatten(html: str, max_depth: int) -> str | None:
    """The full pass (see the module docstring); None when it takes nothing out."""
    stack = _Stack()
    # Per name, the depth of each start tag taken out whose end tag is still to come.
    taken_out: dict[str, list[int]] = {}
    cuts: list[tuple[int, int, bool]] = []  # (start, end, block) of each tag taken out
    for match in _TOKENS.finditer(html):
        name = match.group(3)
        if name is None:
            continue  # comment, doctype or raw-text element: opens nothing
        name = name.lower()
        if name in _VOID or name in _MERGED:
            continue
        if match.group(2):
            # The end tag of the nearer of the element of its name open and the one taken out
            # (one taken out deeper than the stack is now was closed with an ancestor).
            depths = taken_out.get(name, [])
            while depths and depths[-1] > len(stack.names):
                depths.pop()
            open_at = stack.where[name][-1] if stack.where.get(name) else -1
            if depths and depths[-1] > open_at:
                depths.pop()
                cuts.append((match.start(), match.end(), name in BLOCK_TAGS))
            elif open_at >= 0:
                stack.close(open_at)
            continue
        if match.group(5) and (stack.where.get("svg") or stack.where.get("math")):
            continue  # self-closing, which only an element of an SVG or MathML is
        stack.close_before(name)
        depth = len(stack.names)
        if depth >= max_depth:
            kept = name in SKIPPED_TAGS or _HIDING.search(match.group(4)) is not None
            if not kept or depth >= 2 * max_depth:
                taken_out.setdefault(name, []).append(depth)
                cuts.append((match.start(), match.end(), name in BLOCK_TAGS))
                continue
        stack.push(name)
    if not cuts:
        return None
    pieces: list[str] = []
    last = 0
    for start, end, block in cuts:
        pieces += (html[last:start], "<br>" if block else "")
        last = end
    pieces.append(html[last:])
    return "".join(pieces)
