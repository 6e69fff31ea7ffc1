"""HTML pages for the record layer: the one place where a page becomes cleaned text.

Every format that meets HTML (an ``.html`` file, a JSONL ``--html-field``, a WARC response, a
text that turns out to be a whole page) calls :func:`clean_page` here and nowhere else. The
bytes of a page are decoded here (:func:`decode_page`: the served charset, a byte-order mark,
the page's own declaration, never an error); the page is then read and cleaned by the HTML
engine, :mod:`cleantext.html` (block lines scored by the HTML line model, the kept text through
the cleaner's rule sets).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .document import Cleaned

if TYPE_CHECKING:
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


def _as_text(html: str | bytes, charset: str | None) -> str:
    return decode_page(html, charset) if isinstance(html, bytes) else html


def page_text(html: str | bytes, *, charset: str | None = None) -> PageText:
    """The visible text of a page as block lines and its metadata, uncleaned: what the edits
    of :func:`clean_page` replay on (and what ``cleantext mine`` counts lines in)."""
    from .html import parse_page

    page = parse_page(_as_text(html, charset))
    return PageText(page.text, page.metadata.as_dict())


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
    from .html.clean import explain_html

    return explain_html(cleaner, _as_text(html, charset), url=url, edits=explain)
