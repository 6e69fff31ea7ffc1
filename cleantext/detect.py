"""Which rule sets apply to a document: by URL domain first, then by content signature.

Lookup order (as Postlight's parser does it): the exact host or its closest registered parent
domain; when the URL is missing or names no known site, the ``detect`` markers of site sets
are searched in the text; generic sets (``always = true``) apply to every document.

All markers of all sets are searched in one combined scan (:class:`~cleantext.matcher.MarkerScan`),
so detection costs the same with two site sets or two thousand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from .document import is_missing
from .matcher import MarkerScan
from .rules import RuleLibrary

#: what :attr:`Cleaned.warnings` says of a URL that cannot be parsed (the same words for every
#: document, so runs can count them)
INVALID_URL_WARNING = "the url is not a valid URL; site rules were chosen by content"


def host_of(url: str) -> str:
    """The host name of a URL (also accepts a bare host); ``""`` when it has none or cannot
    be parsed (a scraped ``http://[::1`` must not stop a run: its site is found by content).

    >>> host_of("https://www.Example.co.uk/news/1"), host_of("example.org/x"), host_of("http://[::1")
    ('www.example.co.uk', 'example.org', '')
    """
    try:
        parts = urlsplit(url if "//" in url else f"//{url}")
        return (parts.hostname or "").lower()
    except ValueError:
        return ""


def checked_url(url: object) -> tuple[str | None, str]:
    """``url`` as the pipeline uses it, and a warning (``""`` for none).

    A missing value (``None``, or the ``NaN`` pandas gives for an empty cell) is no URL; a
    string that is not a valid URL is no URL either, with :data:`INVALID_URL_WARNING`.

    >>> checked_url(float("nan")), checked_url("http://[::1")[0], checked_url("https://a.org/")
    ((None, ''), None, ('https://a.org/', ''))
    """
    if is_missing(url):
        return None, ""
    if not isinstance(url, str):
        raise TypeError(f"url must be a str or None, not {type(url).__name__}.")
    try:
        urlsplit(url if "//" in url else f"//{url}")
    except ValueError:
        return None, INVALID_URL_WARNING
    return url, ""


class SiteDetector:
    """Chooses site rule sets for a document; built once per library."""

    __slots__ = ("_library", "_owners", "_scan", "_sets")

    def __init__(self, library: RuleLibrary) -> None:
        self._library = library
        with_markers = [s for s in library.sets.values() if s.detect]
        self._sets = tuple((s.id, s.detect_min) for s in with_markers)
        self._owners = tuple(k for k, s in enumerate(with_markers) for _ in s.detect)
        self._scan = MarkerScan([marker for s in with_markers for marker in s.detect])

    def by_content(
        self, text: str | Sequence[str], late: list[int] | None = None
    ) -> tuple[str, ...]:
        """Site sets whose ``detect`` markers occur in ``text`` often enough (set id order).

        ``text`` may be given as its lines: a :class:`~cleantext.matcher.Lines` keeps its UTF-8
        bytes for the other scans of the same version of the document. Markers that ran out
        of time count as absent and are added to ``late`` (see :meth:`owner`).
        """
        return self.by_markers(self._scan.found(text, late))

    def owner(self, marker: int) -> str:
        """The id of the rule set a marker (an index of :attr:`markers`) belongs to."""
        return self._sets[self._owners[marker]][0]

    @property
    def markers(self) -> MarkerScan:
        """The combined scan of every site set's ``detect`` markers."""
        return self._scan

    def by_markers(self, found: Iterable[int]) -> tuple[str, ...]:
        """:meth:`by_content` from the markers :attr:`markers` found in the text."""
        # Only the sets that own a found marker are visited: the cost follows the hits, not
        # the number of installed sets.
        hits: dict[int, int] = {}
        for marker in found:
            owner = self._owners[marker]
            hits[owner] = hits.get(owner, 0) + 1
        return tuple(
            self._sets[owner][0] for owner in sorted(hits) if hits[owner] >= self._sets[owner][1]
        )

    def sites(self, text: str | Sequence[str], url: str | None) -> tuple[str, ...]:
        """Site sets for a document: by domain when the URL names a known site, else by content."""
        return self.by_domain(url) or self.by_content(text)

    def by_domain(self, url: str | None) -> tuple[str, ...]:
        """Site sets for the URL's host or its closest registered parent (none without URL)."""
        return self._library.sets_for_domain(host_of(url)) if url else ()
