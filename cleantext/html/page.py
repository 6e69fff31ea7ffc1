"""Parse one HTML page (text or bytes) into its block lines and metadata.

Bytes are decoded the way a browser would: a byte-order mark, else the ``<meta charset>``
(or ``http-equiv`` content type) in the first kilobyte, else UTF-8; a caller that knows the
charset (from an HTTP header, a WARC record) passes it and it wins. Undecodable bytes become
U+FFFD rather than failing the page.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from ..errors import InputError
from .blocks import BlockLines, read_blocks
from .metadata import PageMetadata, read_metadata
from .vocabulary import FLAG_BITS, HIDDEN_SELECTOR

_H1 = FLAG_BITS["tag_h1"]


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """A parsed page: its visible text as block lines, with markup features and metadata.

    Attributes:
        blocks: the lines and what the markup says of each (:class:`BlockLines`).
        metadata: headline, canonical URL, date, authors, language... (:class:`PageMetadata`).
    """

    blocks: BlockLines
    metadata: PageMetadata

    @property
    def lines(self) -> tuple[str, ...]:
        """The page's block lines as output, in document order (a ``<pre>`` block keeps its
        line breaks: see :class:`BlockLines`)."""
        return self.blocks.shown

    @property
    def text(self) -> str:
        """The block lines joined by newlines: what the HTML explain view's edits refer to."""
        return "\n".join(self.blocks.shown)


def parse_page(html: str | bytes, *, encoding: str | None = None) -> HtmlPage:
    """Parse ``html`` into an :class:`HtmlPage`.

    Args:
        html: the page, as text or as the bytes served.
        encoding: the charset of ``html`` when it is bytes and the caller knows it (HTTP
            ``Content-Type``); otherwise the page's own declaration is used, else UTF-8.

    Raises:
        InputError: ``encoding`` names no codec Python knows.

    >>> page = parse_page("<title>T</title><p>One <b>two</b><br>three</p><script>x()</script>")
    >>> page.lines
    ('One two', 'three')
    """
    tree = _parse(html, encoding)
    body = tree.body
    if body is None:
        return HtmlPage(BlockLines(*((),) * 12), read_metadata(tree, ()))
    hidden = frozenset(node.mem_id for node in body.css(HIDDEN_SELECTOR))
    blocks = read_blocks(body, hidden)
    headings = tuple(
        line for line, flags in zip(blocks.lines, blocks.flags, strict=True) if flags & _H1
    )
    return HtmlPage(blocks, read_metadata(tree, headings))


def _parse(html: str | bytes, encoding: str | None) -> LexborHTMLParser:
    if isinstance(html, str):
        return LexborHTMLParser(html)
    if encoding:
        try:
            codec = codecs.lookup(encoding.strip().strip("\"'"))
        except LookupError:
            raise InputError(
                f"unknown charset {encoding!r} given for an HTML page; pass a charset Python "
                "knows (utf-8, windows-1252, shift_jis...) or none to use the page's own "
                "declaration."
            ) from None
        return LexborHTMLParser(html.decode(codec.name, errors="replace"))
    return LexborHTMLParser(html, encoding=True)
