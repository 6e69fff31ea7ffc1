"""Mine a dump for the lines each site repeats in article after article.

Boilerplate is what a site prints on many of its pages; article text almost never repeats
across articles. So for every site (URL domain, or the site set detected from the content
when a record has no URL) we count, per article, the distinct *normalized* lines
(:func:`line_key`: case folded, spaces collapsed, digits replaced by ``0``) and their first
words (:func:`prefix_key`), and report those found in a large share of that site's articles.

The counts live in Space-Saving sketches (Metwally et al., 2005): at most ``capacity`` keys
per site and ``max_sites`` sites, so memory is bounded by those numbers, not by the dump. A
key that occurs in at least ``1/capacity`` of a site's articles is never evicted and its count
is overestimated by at most the recorded ``error``. Eviction picks the oldest key among those
with the lowest count, so the same dump always gives the same result.

The statistics (:func:`write_stats`) feed ``cleantext clean --drop-repeated STATS`` (see
:func:`drop_lines_from_stats`) and :func:`draft_rule_sets` writes a rule file per site for review.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from ..actions.shape import ends_sentence, word_count
from ..detect import SiteDetector, host_of
from ..document import Document
from ..errors import InputError
from ..pipeline.steps import line_key
from ..rules import RuleLibrary

STATS_VERSION = 1


def prefix_key(line: str, words: int = 4) -> str | None:
    """The fixed start of a templated line: its label when one of its first ``words`` words
    ends with a colon ("Read more: …", whatever headline follows), else the first ``words``
    words of a longer line.

    >>> prefix_key("READ MORE: Ferry timetable changes for winter"), prefix_key("Short line")
    ('read more: …', None)
    """
    parts = line_key(line).split(" ")
    for n, part in enumerate(parts[:words]):
        if part.endswith(":") and n + 1 < len(parts):
            return " ".join(parts[: n + 1]) + " …"
    return " ".join(parts[:words]) + " …" if len(parts) > words + 1 else None


def label_of(prefix: str) -> str | None:
    """The label a :func:`prefix_key` ends with (``"read more:"``), or ``None``."""
    words = prefix.removesuffix(" …")
    return words if words.endswith(":") else None


@dataclass(slots=True)
class _Counter:
    count: int
    error: int
    example: str


class SpaceSaving:
    """A Space-Saving top-k sketch: at most ``capacity`` keys, deterministic eviction.

    >>> sketch = SpaceSaving(2)
    >>> for key in "aabac":
    ...     sketch.add(key)
    >>> [(key, c.count, c.error) for key, c in sketch.items()]
    [('a', 3, 0), ('c', 2, 1)]
    """

    __slots__ = ("_buckets", "_counters", "_min", "capacity")

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._counters: dict[str, _Counter] = {}
        # count -> keys with that count, oldest first: finds the key to evict in O(1).
        self._buckets: dict[int, dict[str, None]] = {}
        self._min = 0

    def __len__(self) -> int:
        return len(self._counters)

    def _move(self, key: str, old: int, new: int) -> None:
        if old:
            bucket = self._buckets[old]
            del bucket[key]
            if not bucket:
                del self._buckets[old]
                if self._min == old:
                    self._min = new
        self._buckets.setdefault(new, {})[key] = None
        if not old and (self._min == 0 or new < self._min):
            self._min = new

    def add(self, key: str, example: str = "") -> None:
        """Count one occurrence of ``key`` (``example`` is kept from its first occurrence)."""
        counter = self._counters.get(key)
        if counter is not None:
            self._move(key, counter.count, counter.count + 1)
            counter.count += 1
            return
        if len(self._counters) < self.capacity:
            self._counters[key] = _Counter(1, 0, example or key)
            self._move(key, 0, 1)
            return
        floor = self._min
        victim = next(iter(self._buckets[floor]))
        del self._buckets[floor][victim]
        if not self._buckets[floor]:
            del self._buckets[floor]
        del self._counters[victim]
        self._counters[key] = _Counter(floor + 1, floor, example or key)
        self._buckets.setdefault(floor + 1, {})[key] = None
        self._min = min(self._buckets)

    def items(self) -> list[tuple[str, _Counter]]:
        """Keys with their counters, highest count first (ties: key order)."""
        return sorted(self._counters.items(), key=lambda kv: (-kv[1].count, kv[0]))

    def count(self, key: str) -> int:
        counter = self._counters.get(key)
        return counter.count if counter else 0


@dataclass(slots=True)
class _Site:
    """What is known about one site during mining (private, mutable)."""

    articles: int
    lines: SpaceSaving
    prefixes: SpaceSaving
    keep_lines: list[str] = field(default_factory=list)
    urls: int = 0


@dataclass(frozen=True, slots=True)
class RepeatedLine:
    """A line (or line prefix) found in many of a site's articles."""

    key: str
    count: int
    share: float
    example: str
    error: int = 0
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class SiteReport:
    """The recurring lines of one site."""

    site: str
    articles: int
    lines: tuple[RepeatedLine, ...]
    prefixes: tuple[RepeatedLine, ...]
    keep_lines: tuple[str, ...]
    by_domain: bool


@dataclass(frozen=True, slots=True)
class MineOptions:
    """How mining counts and what it reports.

    Attributes:
        capacity: keys kept per site and sketch (lines, prefixes).
        max_sites: sites tracked at once; beyond that the site with fewest articles so far
            makes room (its counts restart).
        min_share: report keys found in at least this share of a site's articles.
        min_articles: ignore sites with fewer articles than this (too little evidence).
        max_line_chars: longer lines are article paragraphs, never counted.
    """

    capacity: int = 512
    max_sites: int = 2000
    min_share: float = 0.25
    min_articles: int = 10
    max_line_chars: int = 300


class Miner:
    """Streams documents into per-site sketches; :meth:`report` reads the result."""

    def __init__(
        self, options: MineOptions | None = None, *, library: RuleLibrary | None = None
    ) -> None:
        self.options = options or MineOptions()
        self._sites: dict[str, _Site] = {}
        self._site_counts = SpaceSaving(self.options.max_sites)
        self._detector = SiteDetector(library) if library is not None else None
        self.documents = 0

    def site_of(self, document: Document) -> tuple[str, bool]:
        """The site a document is counted under and whether that came from its URL."""
        if document.url:
            host = host_of(document.url).removeprefix("www.")
            if host:
                return host, True
        if self._detector is not None:
            found = self._detector.by_content(document.text)
            if found:
                return found[0], False
        return "unknown", False

    def add(self, document: Document) -> None:
        """Count one article."""
        self.documents += 1
        name, by_url = self.site_of(document)
        self._site_counts.add(name)
        site = self._sites.get(name)
        if site is None:
            if len(self._sites) >= self.options.max_sites:
                tracked = {key for key, _ in self._site_counts.items()}
                for gone in [s for s in self._sites if s not in tracked]:
                    del self._sites[gone]
            capacity = self.options.capacity
            site = _Site(0, SpaceSaving(capacity), SpaceSaving(capacity))
            self._sites[name] = site
        site.articles += 1
        site.urls += by_url
        seen: set[str] = set()
        prefixes: set[str] = set()
        for raw in document.text.split("\n"):
            line = raw.strip()
            if not line or len(line) > self.options.max_line_chars:
                if len(site.keep_lines) < 3 and word_count(line) >= 10 and ends_sentence(line):
                    site.keep_lines.append(line)
                continue
            key = line_key(line)
            if key not in seen:
                seen.add(key)
                site.lines.add(key, line)
            prefix = prefix_key(line)
            if prefix is not None and prefix not in prefixes:
                prefixes.add(prefix)
                site.prefixes.add(prefix, line)
            if len(site.keep_lines) < 3 and word_count(line) >= 10 and ends_sentence(line):
                site.keep_lines.append(line)

    def add_all(self, documents: Iterable[Document]) -> Miner:
        for document in documents:
            self.add(document)
        return self

    def report(self) -> list[SiteReport]:
        """Sites with enough articles, most articles first, with their recurring lines."""
        options = self.options
        reports = []
        for name, site in sorted(self._sites.items(), key=lambda kv: (-kv[1].articles, kv[0])):
            if site.articles < options.min_articles:
                continue
            needed = options.min_share * site.articles

            lines = _frequent(site.lines, site.articles, needed, prefix=False)
            line_keys = {line.key for line in lines}
            # A prefix is news only when its lines vary (else the whole line is reported).
            prefixes = [
                p
                for p in _frequent(site.prefixes, site.articles, needed, prefix=True)
                if not any(
                    k.startswith(p.key[:-2]) and site.lines.count(k) >= p.count for k in line_keys
                )
            ]
            reports.append(
                SiteReport(
                    name,
                    site.articles,
                    tuple(lines),
                    tuple(prefixes),
                    tuple(site.keep_lines),
                    by_domain=site.urls * 2 > site.articles,
                )
            )
        return reports


def _frequent(
    sketch: SpaceSaving, total: int, needed: float, *, prefix: bool
) -> list[RepeatedLine]:
    """Keys counted at least ``needed`` times even at their worst-case overestimate."""
    return [
        RepeatedLine(key, c.count, round(c.count / total, 4), c.example, c.error, prefix)
        for key, c in sketch.items()
        if c.count - c.error >= needed
    ]


def mine(
    documents: Iterable[Document],
    options: MineOptions | None = None,
    *,
    library: RuleLibrary | None = None,
) -> list[SiteReport]:
    """Mine ``documents`` and return the per-site report (see :class:`Miner`)."""
    return Miner(options, library=library).add_all(documents).report()


def stats_data(
    reports: Iterable[SiteReport], options: MineOptions, documents: int
) -> dict[str, Any]:
    """The statistics file's content (JSON), as ``--drop-repeated`` reads it."""

    def entry(line: RepeatedLine) -> dict[str, Any]:
        return {
            "key": line.key,
            "count": line.count,
            "share": line.share,
            "error": line.error,
            "example": line.example,
        }

    return {
        "version": STATS_VERSION,
        "documents": documents,
        "min_share": options.min_share,
        "capacity": options.capacity,
        "sites": {
            report.site: {
                "articles": report.articles,
                "by_domain": report.by_domain,
                "lines": [entry(line) for line in report.lines],
                "prefixes": [entry(line) for line in report.prefixes],
            }
            for report in reports
        },
    }


def write_stats(path: str | Path, data: Mapping[str, Any]) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def drop_lines_from_stats(
    path: str | Path, *, min_share: float | None = None
) -> dict[str, frozenset[str]]:
    """Per site (domain or detected set id), the line keys ``--drop-repeated`` removes.

    Raises:
        InputError: the file is missing or is not a statistics file written by ``cleantext mine``.
    """
    not_stats = InputError(
        f"{path}: not a version-{STATS_VERSION} statistics file of `cleantext mine`; "
        f"write it with `cleantext mine DUMP --stats {path}`."
    )
    try:
        data = json.loads(Path(path).read_bytes().decode("utf-8"))
    except OSError as error:
        raise InputError(
            f"{path}: {error.strerror}; write it with `cleantext mine DUMP --stats {path}`."
        ) from error
    except UnicodeDecodeError as error:
        raise not_stats from error
    except (ValueError, RecursionError) as error:
        raise InputError(
            f"{path}: not JSON ({error}); is it a `cleantext mine` stats file?"
        ) from error
    if not isinstance(data, dict) or data.get("version") != STATS_VERSION:
        raise not_stats
    floor = data.get("min_share", 0.0) if min_share is None else min_share
    try:
        return {
            str(site): frozenset(
                str(line["key"]) for line in info["lines"] if line["share"] >= floor
            )
            for site, info in data["sites"].items()
        }
    except (KeyError, TypeError, AttributeError) as error:
        raise not_stats from error


# -- draft rule sets ---------------------------------------------------------------------------


def set_id_for(site: str) -> str:
    """A rule-set id (kebab-case) for a site name or domain.

    >>> set_id_for("www.Harbour-Gazette.co.uk")
    'harbour-gazette-co-uk'
    """
    return "-".join(regex.findall(r"[a-z0-9]+", site.lower().removeprefix("www."))) or "site"


def pattern_for_line(line: str) -> str:
    """A whole-line pattern for a boilerplate line: literal text, any digits, any spacing.

    >>> pattern_for_line("Updated 12:45 | © 2024 Gazette")
    '(?i)Updated\\\\s+\\\\d+:\\\\d+\\\\s+\\\\|\\\\s+©\\\\s+\\\\d+\\\\s+Gazette'
    """
    parts = []
    for token in regex.split(r"(\d+|\s+)", line.strip()):
        if not token:
            continue
        if token.isdigit():
            parts.append(r"\d+")
        elif token.isspace():
            parts.append(r"\s+")
        else:
            parts.append(regex.escape(token, special_only=True))
    return "(?i)" + "".join(parts)


def _control(character: str) -> bool:
    """A character no TOML string may hold as it is, tab aside: C0 controls and DEL."""
    return character < " " or character == "\x7f"


#: escapes of a TOML basic string, besides ``\uXXXX`` for the other control characters
_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f"}


def toml_string(value: str) -> str:
    """A TOML string for ``value``: literal (``'...'``) when possible, so patterns stay readable,
    else a basic string with every control character escaped (TOML refuses them raw, DEL too).

    >>> print(toml_string(r"Share \\d+"), toml_string("a\\x7fb"))
    'Share \\d+' "a\\u007fb"
    """
    if "'" not in value and not any(_control(c) and c != "\t" for c in value):
        return f"'{value}'"
    if (
        "'''" not in value
        and not value.endswith("'")
        and not value.startswith("\n")  # a multi-line string drops a newline right after '''
        and not any(_control(c) and c not in "\t\n" for c in value)
    ):
        return f"'''{value}'''"
    return toml_basic_string(value)


def toml_basic_string(value: str) -> str:
    """``value`` as a TOML basic string (``"..."``), every control character escaped; unlike
    ``json.dumps``, DEL (which TOML refuses raw) too.

    >>> print(toml_basic_string('Say "hi"\\n\\x7f'))
    "Say \\"hi\\"\\n\\u007f"
    """
    body = "".join(
        _TOML_ESCAPES.get(c) or (f"\\u{ord(c):04x}" if _control(c) else c) for c in value
    )
    return f'"{body}"'


def _quote(line: str, limit: int = 50) -> str:
    short = line if len(line) <= limit else line[: limit - 1] + "…"
    return short.replace("'", "\u2019")


def _drops(line: RepeatedLine) -> str:
    """What a drafted rule drops, for its description."""
    label = label_of(line.key) if line.prefix else None
    if label is not None:
        return f"Drop the lines labelled {_quote(line.example.split(':', 1)[0] + ':')!r}."
    return f"Drop the line {_quote(line.example)!r}."


def labelled_pattern(label: str) -> str:
    """A whole-line pattern for the lines that start with ``label`` and a colon, any text
    after it, in any case and spacing ("Photo: ...", "PHOTO : ..."): what ``mine`` and
    ``rules new`` draft for a labelled line.

    >>> labelled_pattern("Read more")
    '(?i)Read\\\\s+more\\\\s*:\\\\s*\\\\S.{0,200}'
    """
    words = (regex.escape(word, special_only=True) for word in label.split())
    return "(?i)" + r"\s+".join(words) + r"\s*:\s*\S.{0,200}"


def draft_rule_set(report: SiteReport, *, source: str, max_rules: int = 25) -> str:
    """A rule file (TOML text) with one ``drop-line`` rule per recurring line, for review."""
    set_id = set_id_for(report.site)
    keep = (
        report.keep_lines[0]
        if report.keep_lines
        else (
            "The council said the new rules would take effect next year after a "
            "public consultation."
        )
    )
    header = [
        f"id = {toml_string(set_id)}",
        f"name = {toml_string(report.site)}",
        "description = "
        + toml_string(
            f"Draft mined from {source} ({report.articles} articles); review every rule."
        ),
    ]
    if report.by_domain and "." in report.site:
        header.append(f"domains = [{toml_string(report.site)}]")
    else:
        markers = [
            toml_string("^" + pattern_for_line(line.example).removeprefix("(?i)") + "$")
            for line in report.lines[:3]
        ]
        header.append(f"detect = [{', '.join(markers)}]")
    blocks = ["\n".join(header)]
    patterns: set[str] = set()
    ids: set[str] = set()
    # Whole recurring lines, then labelled lines whose text after the label varies (a
    # "Read more: <headline>" under every article); other prefixes may be how the site's
    # sentences start, and are only reported.
    drafted = [(line, pattern_for_line(line.example)) for line in report.lines]
    drafted += [
        (line, labelled_pattern(line.example.strip().split(":", 1)[0]))
        for line in report.prefixes
        if label_of(line.key) is not None
    ]
    for line, pattern in drafted[:max_rules]:
        if pattern in patterns or regex.fullmatch(pattern, keep):
            continue
        patterns.add(pattern)
        base = "mined-" + "-".join(regex.findall(r"[a-z]+", line.key)[:4] or ["line"])
        rule_id, n = base, 1
        while rule_id in ids:
            n += 1
            rule_id = f"{base}-{n}"
        ids.add(rule_id)
        blocks.append(
            "\n".join(
                [
                    "[[rules]]",
                    f"id = {toml_string(rule_id)}",
                    f"description = {toml_string(_drops(line))}",
                    "why = "
                    + toml_string(
                        f"Found in {line.count} of {report.articles} articles "
                        f"({line.share:.0%}) of {report.site}: boilerplate, not article text."
                    ),
                    'action = "drop-line"',
                    f"pattern = {toml_string(pattern)}",
                    "",
                    "[[rules.examples]]",
                    f"input = {toml_basic_string(keep + chr(10) + line.example)}",
                    f"output = {toml_basic_string(keep)}",
                    "",
                    "[[rules.examples]]",
                    f"keep = {toml_basic_string(keep)}",
                ]
            )
        )
    return "\n\n".join(blocks) + "\n"
