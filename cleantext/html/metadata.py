"""What a page's markup says about the article: headline, URL, date, authors, language.

Read from the ``<head>`` (``<title>``, ``<meta>``, ``<link>``), from a few body elements
(``<h1>``, ``<time>``, ``rel=author`` links) and from the root's ``lang``. Each value comes from
the most specific source that has it: OpenGraph/article tags and schema.org attributes are
written for machines and name the article itself, while ``<title>`` usually carries the site's
name too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from selectolax.lexbor import LexborHTMLParser

# ``<meta>`` names and properties, by the metadata key they fill, most specific first.
_META_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "title", "dc.title", "sailthru.title"),
    "url": ("og:url",),
    "date": (
        "article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "date",
        "dc.date",
        "dc.date.issued",
        "sailthru.date",
        "og:updated_time",
        "article:modified_time",
    ),
    "authors": ("author", "article:author", "dc.creator", "sailthru.author", "byl"),
    "publication": ("og:site_name", "application-name"),
    "description": ("description", "og:description", "twitter:description"),
    "language": ("og:locale", "content-language", "language", "dc.language"),
}
_META_RANK = {name: (key, rank) for key, names in _META_KEYS.items() for rank, name in
              enumerate(names)}  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageMetadata:
    """The metadata of one page; empty strings and tuples where the page says nothing.

    Attributes:
        headline: the article's headline (see :func:`choose_headline`).
        title: the ``<title>`` element's text.
        url: ``<link rel=canonical>``, else ``og:url``.
        date: ``article:published_time`` and kin, else the first ``<time datetime>``.
        authors: ``meta name=author`` and kin, else the text of ``rel=author`` links.
        publication: the site's name (``og:site_name``).
        description: the page's summary (``meta name=description``, ``og:description``).
        language: ``<html lang>``, else ``og:locale`` or ``content-language``.
        charset: the encoding the page declares (``<meta charset>``), lower-cased.
    """

    headline: str = ""
    title: str = ""
    url: str = ""
    date: str = ""
    authors: tuple[str, ...] = ()
    publication: str = ""
    description: str = ""
    language: str = ""
    charset: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The non-empty values, under the keys cleantext's metadata uses."""
        out: dict[str, Any] = {}
        for key in ("headline", "url", "date", "publication", "description", "language"):
            value = getattr(self, key)
            if value:
                out[key] = value
        if self.authors:
            out["authors"] = list(self.authors)
        return out


def _clean(value: str | None) -> str:
    return " ".join(value.split()) if value else ""


def read_metadata(tree: LexborHTMLParser, headings: tuple[str, ...]) -> PageMetadata:
    """The metadata of a parsed page; ``headings`` are the texts of its visible ``<h1>`` lines."""
    found: dict[str, tuple[int, str]] = {}
    authors_meta: list[str] = []
    canonical = ""
    title = ""
    charset = ""
    head = tree.head
    for node in head.css("meta, link, title") if head is not None else ():
        tag = node.tag
        if tag == "meta":
            attrs = node.attributes
            if "charset" in attrs:
                charset = charset or _clean(attrs["charset"]).lower()
                continue
            name = attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or ""
            name = name.strip().lower()
            if not name and attrs.get("http-equiv"):
                name = (attrs.get("http-equiv") or "").strip().lower()
                if name == "content-type":
                    content = (attrs.get("content") or "").lower()
                    if "charset=" in content:
                        charset = charset or content.split("charset=")[-1].strip(" ;\"'")
                    continue
            content = _clean(attrs.get("content"))
            where = _META_RANK.get(name)
            if where is None or not content:
                continue
            key, rank = where
            if key == "authors" and not content.startswith(("http://", "https://")):
                if rank == 0 or not authors_meta:
                    authors_meta.append(content)
                continue
            if key not in found or rank < found[key][0]:
                found[key] = (rank, content)
        elif tag == "link":
            attrs = node.attributes
            rel = (attrs.get("rel") or "").lower().split()
            if "canonical" in rel and not canonical:
                canonical = _clean(attrs.get("href"))
        elif tag == "title" and not title:
            title = _clean(node.text())
    values = {key: value for key, (_, value) in found.items()}
    date = values.get("date", "")
    if not date:
        first_time = tree.css_first("time[datetime]")
        if first_time is not None:
            date = _clean(first_time.attributes.get("datetime"))
    authors = tuple(dict.fromkeys(authors_meta))
    if not authors:
        authors = _author_names(tree)
    root = tree.root
    language = ""
    if root is not None and root.is_element_node:
        language = _clean(root.attributes.get("lang"))
    url = canonical or values.get("url", "")
    headline = choose_headline(headings, values.get("title", ""), title)
    return PageMetadata(
        headline=headline,
        title=title,
        url=url if url.startswith(("http://", "https://")) else "",
        date=date,
        authors=authors,
        publication=values.get("publication", ""),
        description=values.get("description", ""),
        language=language or values.get("language", ""),
        charset=charset,
    )


_MAX_AUTHORS = 5


def _author_names(tree: LexborHTMLParser) -> tuple[str, ...]:
    """The first few distinct names of ``rel=author`` links and ``itemprop=author`` elements.

    Stops at the fifth: a page of comments can mark thousands of elements as authors.
    """
    names: dict[str, None] = {}
    for node in tree.css("a[rel~=author], [itemprop=author]"):
        name = _clean(node.text())
        if name and len(name) < 80:
            names[name] = None
            if len(names) == _MAX_AUTHORS:
                break
    return tuple(names)


def _words(text: str) -> set[str]:
    return {w for w in "".join(c if c.isalnum() else " " for c in text.lower()).split()}


def choose_headline(headings: tuple[str, ...], meta_title: str, title: str) -> str:
    """The article's headline: the ``<h1>`` that agrees with the page's declared title
    (``og:title``, else ``<title>``), else that declared title, else the only ``<h1>``.

    A page often has several ``<h1>`` (the site's logo, a section name, the article's title),
    and its ``<title>`` often adds the site's name; the ``<h1>`` sharing most of its words with
    the declared title is the article's.

    >>> choose_headline(("Daily Bugle", "Bridge reopens after repairs"), "",
    ...                 "Bridge reopens after repairs | Daily Bugle")
    'Bridge reopens after repairs'
    >>> choose_headline((), "Bridge reopens after repairs", "Daily Bugle")
    'Bridge reopens after repairs'
    """
    declared = meta_title or _strip_site_name(title)
    if declared:
        target = _words(declared)
        best, best_share = "", 0.0
        for heading in headings:
            words = _words(heading)
            if not words:
                continue
            share = 2 * len(words & target) / (len(words) + len(target))
            if share > best_share:
                best, best_share = heading, share
        return best if best_share >= 0.6 else declared
    return headings[0] if len(headings) == 1 else ""


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " · ", " « ", " » ")


def _strip_site_name(title: str) -> str:
    """``<title>`` without the site's name: its longest part around the first separator found.

    >>> _strip_site_name("Daily Bugle - Bridge reopens after repairs")
    'Bridge reopens after repairs'
    """
    for separator in _TITLE_SEPARATORS:
        if separator in title:
            return max(title.split(separator), key=len).strip()
    return title
