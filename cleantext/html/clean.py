"""HTML page in, clean article text out, through the same rule sets and explain view as text.

Two steps:

1. the page's block lines (:func:`~cleantext.html.parse_page`) are scored by the HTML line
   model and kept or dropped by its decision (:mod:`~cleantext.html.decision`: outside the
   article's container, only lines the model is confident about stay; where it finds no
   article, the page's text outside navigation, footers and pop-ups stays, with a warning);
   each run of dropped lines is one edit of the rule ``html/boilerplate-block``, so the
   explain view shows them like any rule's removal;
2. the kept text goes through the :class:`~cleantext.Cleaner`'s rule sets (site rules chosen
   by the URL given, else the page's canonical or ``og:url`` URL, else by content). The generic
   text classifier does not run: the HTML model has already decided every line with more to go
   on, and measured on corpora the model had not seen, the classifier in article mode after it
   cost token F1 on every corpus (``benchmarks/html/README.md``).

The edits of both steps replay on :attr:`HtmlPage.text <cleantext.html.HtmlPage.text>` to the
output, and the page's metadata (headline, URL, date, authors, publication, language) joins the
metadata the rules found; the rules' values win where both found one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from ..actions import Change, Outcome, Stage
from ..document import Cleaned
from ..pipeline.edits import apply_changes, edits_for
from ..rules import Rule
from .features import FloatArray
from .model import load_html_model
from .page import HtmlPage, parse_page

if TYPE_CHECKING:
    from ..pipeline import Cleaner

HTML_SET = "html"
BOILERPLATE_BLOCK = Rule(
    set_id=HTML_SET,
    id="boilerplate-block",
    description="Drop block lines of an HTML page the HTML line model judges to be boilerplate.",
    why="Menus, footers, related links, share bars and comment threads are told apart from the "
    "article by their markup (tags, link density, class names, container) as much as by text; "
    "outside the container holding the article's confident lines, a line must be as sure.",
    action="classify-blocks",
    params={},
    examples=(),
    stage=Stage.NORMALIZE,
    step=lambda lines: Outcome(),
)
NO_ARTICLE_WARNING = (
    "the HTML model found no article on the page (a listing, a forum, a product page?): "
    "its text outside navigation, footers and pop-ups was kept"
)


def boilerplate_changes(page: HtmlPage) -> tuple[tuple[Change, ...], bool]:
    """The runs of block lines to drop, and whether the model found no article (so that the
    page's text outside its chrome was kept: see :class:`~cleantext.html.decision.Decision`)."""
    model = load_html_model()
    scores = model.scores(page.blocks, page.metadata.headline)
    choice = model.decision.choose(scores, page.blocks, page.metadata.headline)
    return _runs(choice.lines), choice.no_article


def _runs(keep: np.ndarray) -> tuple[Change, ...]:
    """One change per run of lines not kept."""
    if not len(keep):
        return ()
    dropped = np.concatenate(([False], ~keep, [False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(dropped))
    return tuple(Change(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True))


def _text_cleaner(cleaner: Cleaner) -> Cleaner:
    return cleaner.with_options(classifier=False)


def explain_html(
    cleaner: Cleaner,
    html: str | bytes,
    *,
    url: str | None = None,
    encoding: str | None = None,
    edits: bool = True,
) -> Cleaned:
    """Clean an HTML page and say how (see the module docstring).

    The edits replay on ``parse_page(html).text``: first the dropped blocks, then the rules'.
    ``edits=False`` leaves the edit log out (the metadata and warnings stay).

    >>> from cleantext import Cleaner
    >>> page = "<nav><a href='/'>Home</a></nav><h1>Storm closes port</h1>" + (
    ...     "<p>The port closed on Monday as the storm arrived, officials said.</p>" * 3)
    >>> explain_html(Cleaner(), page).metadata["headline"]
    'Storm closes port'
    """
    page = parse_page(html, encoding=encoding)
    changes, no_article = boilerplate_changes(page)
    lines = list(page.lines)
    dropped = edits_for(lines, changes, (BOILERPLATE_BLOCK,)) if edits else []
    kept = apply_changes(lines, changes)
    result = _text_cleaner(cleaner).explain(
        "\n".join(kept), url=url or page.metadata.url or None, edits=edits
    )
    metadata = {**page.metadata.as_dict(), **result.metadata}
    warnings: Sequence[str] = (
        page.warnings + ((NO_ARTICLE_WARNING,) if no_article else ()) + result.warnings
    )
    return Cleaned(
        result.text,
        (*dropped, *result.edits),
        metadata,
        (HTML_SET, *result.rule_sets),
        tuple(warnings),
    )


def clean_html(
    cleaner: Cleaner,
    html: str | bytes,
    *,
    url: str | None = None,
    encoding: str | None = None,
) -> str:
    """The article text of an HTML page, without the explanation (faster)."""
    page = parse_page(html, encoding=encoding)
    changes, _ = boilerplate_changes(page)
    kept = apply_changes(list(page.lines), changes)
    return _text_cleaner(cleaner).clean("\n".join(kept), url=url or page.metadata.url or None)


def html_scores(page: HtmlPage) -> FloatArray:
    """The HTML model's probability of content for each block line of ``page``."""
    return load_html_model().scores(page.blocks, page.metadata.headline)
