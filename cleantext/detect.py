"""Which rule sets apply to a document: by URL domain first, then by content signature.

Lookup order (as Postlight's parser does it): the exact host or its closest registered parent
domain; when the URL is missing or names no known site, the ``detect`` markers of site sets
are searched in the text; generic sets (``always = true``) apply to every document.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import regex

from .rules import RuleLibrary


def host_of(url: str) -> str:
    """The host name of a URL (also accepts a bare host).

    >>> host_of("https://www.Example.co.uk/news/1"), host_of("example.org/x")
    ('www.example.co.uk', 'example.org')
    """
    parts = urlsplit(url if "//" in url else f"//{url}")
    return (parts.hostname or "").lower()


class SiteDetector:
    """Chooses site rule sets for a document; built once per library."""

    __slots__ = ("_library", "_signatures")

    def __init__(self, library: RuleLibrary) -> None:
        self._library = library
        self._signatures = tuple(
            (
                rule_set.id,
                tuple(regex.compile(p, regex.MULTILINE) for p in rule_set.detect),
                rule_set.detect_min,
            )
            for rule_set in library.sets.values()
            if rule_set.detect
        )

    def by_content(self, text: str) -> tuple[str, ...]:
        """Site sets whose ``detect`` markers occur in ``text`` often enough."""
        found = []
        for set_id, patterns, needed in self._signatures:
            hits = 0
            for pattern in patterns:
                if pattern.search(text):
                    hits += 1
                    if hits >= needed:
                        found.append(set_id)
                        break
        return tuple(found)

    def sites(self, text: str, url: str | None) -> tuple[str, ...]:
        """Site sets for a document: by domain when the URL names a known site, else by content."""
        if url:
            by_domain = self._library.sets_for_domain(host_of(url))
            if by_domain:
                return by_domain
        return self.by_content(text)
