"""HTML pages in, article text out: block lines, markup features, metadata and a line model.

:func:`parse_page` reads a page into block lines (one per paragraph, heading, list item, cell)
with what the markup says of each line and the page's metadata; the line model
(:mod:`cleantext.html.model`) keeps the article's lines; :func:`explain_html` and
:func:`clean_html` then run the kept text through a :class:`~cleantext.Cleaner`'s rule sets,
with the dropped blocks in the same explain view.
"""

from __future__ import annotations

from .blocks import BlockLines
from .metadata import PageMetadata
from .page import HtmlPage, parse_page

__all__ = ["BlockLines", "HtmlPage", "PageMetadata", "parse_page"]
