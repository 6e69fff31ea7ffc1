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
from .nesting import DEEP_PAGE_WARNING, flatten_deep
from .vocabulary import FLAG_BITS, HIDDEN_SELECTOR

_H1 = FLAG_BITS["tag_h1"]


@dataclass(frozen=True, slots=True)
class HtmlPage:
    """A parsed page: its visible text as block lines, with markup features and metadata.

    Attributes:
        blocks: the lines and what the markup says of each (:class:`BlockLines`).
        metadata: headline, canonical URL, date, authors, language... (:class:`PageMetadata`).
        warnings: what the reader changed on the way, such as markup nested too deep to parse
            in reasonable time, flattened (:mod:`~cleantext.html.nesting`).
    """

    blocks: BlockLines
    metadata: PageMetadata
    warnings: tuple[str, ...] = ()

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
    tree, flattened = _parse(html, encoding)
    warnings = (DEEP_PAGE_WARNING,) if flattened else ()
    body = tree.body
    if body is None:
        return HtmlPage(BlockLines(*((),) * 12), read_metadata(tree, ()), warnings)
    hidden = frozenset(node.mem_id for node in body.css(HIDDEN_SELECTOR))
    blocks = read_blocks(body, hidden)
    headings = tuple(
        line for line, flags in zip(blocks.lines, blocks.flags, strict=True) if flags & _H1
    )
    return HtmlPage(blocks, read_metadata(tree, headings), warnings)


def _parse(html: str | bytes, encoding: str | None) -> tuple[LexborHTMLParser, bool]:
    """The parsed page, and whether its markup had to be flattened first (see
    :func:`~cleantext.html.nesting.flatten_deep`). Bytes in a given ``encoding`` are decoded
    here; other bytes go to lexbor, which reads the page's own declaration."""
    if isinstance(html, bytes) and encoding:
        try:
            codec = codecs.lookup(encoding.strip().strip("\"'"))
        except LookupError:
            raise InputError(
                f"unknown charset {encoding!r} given for an HTML page; pass a charset Python "
                "knows (utf-8, windows-1252, shift_jis...) or none to use the page's own "
                "declaration."
            ) from None
        html = html.decode(codec.name, errors="replace")
    if isinstance(html, str):
        flat, flattened = flatten_deep(html)
        return LexborHTMLParser(flat), flattened
    flat_bytes, flattened = flatten_deep(html)
    return LexborHTMLParser(flat_bytes, encoding=True), flattened
