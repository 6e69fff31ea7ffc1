"""HTML pages for the record layer: the one place where a page becomes cleaned text.

Every format that meets HTML (an ``.html`` file, a JSONL ``--html-field``, a WARC response, a
text that turns out to be a whole page) calls :func:`clean_page` here and nowhere else, so the
engine behind it can change in one place.

The engine here reads a page's visible text as block lines (one per paragraph, heading, list
item or cell; scripts, styles, forms and hidden elements left out) with the page's metadata,
and cleans that text with the cleaner's rule sets and line classifier (which detects it as a
whole page, navigation and footers included). The HTML engine of issue 19 (``cleantext.html``,
a model that also reads tags, classes and link density) replaces :func:`_read_page` and the
body of :func:`clean_page` with ``cleaner.explain_html(html, url=url, encoding=charset)`` when
it is merged; the interface here stays.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .document import Cleaned

if TYPE_CHECKING:
    from selectolax.lexbor import LexborHTMLParser, LexborNode

    from .pipeline import Cleaner

PAGE_AS_TEXT_WARNING = (
    "a text that is a whole HTML page was cleaned as HTML (--format html or --html-field says so)"
)

#: How much of a text :func:`looks_like_page` reads: a page declares itself at its start.
_HEAD_CHARS = 4096
_PAGE_START = re.compile(
    r"\ufeff?\s*(?:<!--.*?-->\s*)*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"<(?:!doctype\s+html|html[\s>]|head[\s>])",
    re.IGNORECASE | re.DOTALL,
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)

#: Elements whose content is never page text.
_UNSEEN = frozenset(
    [
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "math",
        "iframe",
        "object",
        "embed",
        "canvas",
        "head",
        "select",
        "option",
        "textarea",
        "button",
        "input",
        "-comment",
    ]
)
#: Elements that start and end a line of text.
_BLOCKS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)


def looks_like_page(text: str) -> bool:
    """Whether ``text`` is a whole HTML page (it opens with a doctype, ``<html>`` or ``<head>``),
    not article text that happens to mention a tag.

    >>> looks_like_page("<!DOCTYPE html><html><body><p>Hi</p></body></html>")
    True
    >>> looks_like_page("Use the <html> element to start a page.")
    False
    """
    return _PAGE_START.match(text[:_HEAD_CHARS]) is not None


@dataclass(frozen=True, slots=True)
class PageText:
    """A page's visible text as block lines, and what its markup says about it."""

    text: str
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str | None:
        """The page's own URL (canonical link, else ``og:url``), if it gives one."""
        value = self.metadata.get("url")
        return value if isinstance(value, str) and value else None


def decode_page(html: bytes, charset: str | None = None) -> str:
    """The text of a page served as ``html``: in ``charset`` (an HTTP header's) when Python
    knows it, else a byte-order mark, else the page's ``<meta charset>``, else UTF-8; bytes
    that do not decode become U+FFFD rather than failing the page.

    >>> decode_page(b'<meta charset="latin-1"><p>caf\\xe9</p>')
    '<meta charset="latin-1"><p>café</p>'
    """
    boms = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"))
    for bom, name in (*boms, (codecs.BOM_UTF16_BE, "utf-16")):
        if html.startswith(bom):
            return html.decode(name, "replace")
    declared = _META_CHARSET.search(html[:2048])
    for candidate in (charset, declared.group(1).decode("ascii") if declared else None):
        if candidate:
            try:
                return html.decode(codecs.lookup(candidate.strip("\"' ")).name, "replace")
            except LookupError:
                continue
    return html.decode("utf-8", "replace")


def _block_lines(root: LexborNode) -> list[str]:
    """The text of ``root`` cut into lines at block elements, without recursion (pages nest
    deeper than Python's stack)."""
    lines: list[str] = []
    words: list[str] = []

    def end_line() -> None:
        line = " ".join("".join(words).split())
        if line:
            lines.append(line)
        words.clear()

    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            end_line()
            continue
        if tag == "-text":
            words.append(node.text_content or "")
            continue
        if tag in _UNSEEN or "hidden" in node.attributes:
            continue
        if tag in _BLOCKS:
            end_line()
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(node.iter(include_text=True))))
    end_line()
    return lines


def _meta(tree: LexborHTMLParser, selector: str, attribute: str) -> str:
    node = tree.css_first(selector)
    value = node.attributes.get(attribute) if node is not None else None
    return " ".join(value.split()) if value else ""


def _read_page(html: str | bytes, charset: str | None) -> PageText:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(decode_page(html, charset) if isinstance(html, bytes) else html)
    lines = _block_lines(tree.body) if tree.body is not None else []
    heading = tree.css_first("h1")
    title = tree.css_first("title")
    metadata = {
        "url": _meta(tree, "link[rel=canonical]", "href")
        or _meta(tree, "meta[property='og:url']", "content"),
        "headline": _meta(tree, "meta[property='og:title']", "content")
        or (" ".join(heading.text().split()) if heading is not None else "")
        or (" ".join(title.text().split()) if title is not None else ""),
        "date": _meta(tree, "meta[property='article:published_time']", "content")
        or _meta(tree, "time[datetime]", "datetime"),
        "author": _meta(tree, "meta[name=author]", "content"),
    }
    return PageText("\n".join(lines), {k: v for k, v in metadata.items() if v})


def page_text(html: str | bytes, *, charset: str | None = None) -> PageText:
    """The visible text of a page and its metadata, uncleaned (what ``cleantext mine``
    counts lines in)."""
    return _read_page(html, charset)


def clean_page(
    cleaner: Cleaner,
    html: str | bytes,
    *,
    url: str | None = None,
    charset: str | None = None,
    explain: bool = True,
) -> Cleaned:
    """Clean an HTML page with ``cleaner``: its article text, the edits (which replay on
    ``page_text(html).text``), and the metadata the page and the rules gave (the rules' win).

    Site rules are chosen by ``url``, else by the page's canonical or ``og:url`` URL.

    >>> from cleantext import Cleaner
    >>> page = ("<html><head><link rel=canonical href='https://news.example/a'></head><body>"
    ...         "<p>The council approved the budget on Monday after a long debate.</p>"
    ...         "<script>track()</script></body></html>")
    >>> cleaned = clean_page(Cleaner(), page)
    >>> cleaned.text, cleaned.metadata["url"]
    ('The council approved the budget on Monday after a long debate.', 'https://news.example/a')
    """
    page = _read_page(html, charset)
    result = cleaner.explain(page.text, url=url or page.url, edits=explain)
    return Cleaned(
        result.text,
        result.edits,
        {**page.metadata, **result.metadata},
        result.rule_sets,
        result.warnings,
    )
