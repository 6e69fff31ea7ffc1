"""Database exports: a Nexis or Factiva text file holding many articles, read into records.

Researchers get much of their newspaper text from these exports: one file, tens or hundreds of
articles, each wrapped in the database's own header (publication, date, headline, byline,
section, length) and footer (load date, language, indexing codes, copyright). This module turns
such a file into one :class:`ExportArticle` per article: the fields the header and footer held,
the article text without them, and the :class:`~cleantext.document.Edit` values that take the
article as it stands in the export to that text, so every removed line is explained.

Everything here is a pure function of the export's text; no file, record or cleaner is touched.
The layouts read:

* **Nexis, classic** (LexisNexis Academic): ``N of M DOCUMENTS`` opens each article; the
  publication, a date line (``January 11, 2010 Monday``), edition lines, the headline (bare or
  as ``HEADLINE:``), ``BYLINE:``, ``SECTION:``, ``LENGTH:`` (and ``BODY:``) come first;
  ``LOAD-DATE:``, ``LANGUAGE:``, ``PUBLICATION-TYPE:``, ``JOURNAL-CODE:`` and the copyright
  close it. Body lines are hard-wrapped at about 80 columns; they are joined back into one line
  per paragraph.
* **Nexis Uni**: headline, publication, date, copyright, ``Section:``/``Length:``/``Byline:``,
  a ``Body`` line, the text, ``Classification``, ``Language:``/``Load-Date:`` ..., and
  ``End of Document``.
* **Factiva**, plain (headline, byline, ``N words``, date, source, language, copyright, text,
  ``Document <id>``) and field-coded (``HD``, ``BY``, ``WC``, ``PD``, ``SN``, ``SC``, ``LA``,
  ``CY``, ``LP``, ``TD`` ... ``AN``).

The export's own cover block (``Download Request:``, ``Terms:``, ``Source:`` ... before the first
article) and Factiva's closing ``Search Summary`` are not articles and give no record. A file
whose layout cannot be followed raises :class:`ExportLayoutError` naming the line where it went
wrong, so the caller can reject the whole file rather than emit half-parsed articles.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from ..actions import Change
from ..document import Edit
from ..errors import InputError
from ..pipeline.edits import apply_changes, edits_for

NEXIS = "nexis"
FACTIVA = "factiva"
KINDS = (NEXIS, FACTIVA)

#: Record fields an article may carry besides ``id`` and ``text``, in output order.
FIELDS = (
    "publication",
    "date",
    "headline",
    "byline",
    "section",
    "length_words",
    "language",
    "edition",
    "dateline",
    "highlight",
    "copyright",
    "document_id",
)


class ExportLayoutError(InputError):
    """The export does not follow the layout it was read as; ``line`` is where (1-based)."""

    def __init__(self, kind: str, line: int, message: str) -> None:
        self.kind = kind
        self.line = line
        super().__init__(
            f"{kind} export, line {line}: {message}; nothing was read from this file "
            f"(check --format, or that the export is complete)"
        )


@dataclass(frozen=True, slots=True)
class ExportArticle:
    """One article of an export.

    Attributes:
        number: its position in the export (1-based).
        line: the export line its text starts on (1-based), for messages and rejects.
        raw: the article as it stands in the export, its header and footer included.
        text: the article text: ``replay(raw, edits) == text``.
        fields: what the header and footer said (keys from :data:`FIELDS`, as found).
        edits: the removals and joins that turn ``raw`` into ``text``, in replay order.
    """

    number: int
    line: int
    raw: str
    text: str
    fields: Mapping[str, Any] = field(default_factory=dict)
    edits: tuple[Edit, ...] = ()


# --------------------------------------------------------------------------- dates

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            "january jan januar janvier enero januari gennaio",
            "february feb februar février fevrier febrero februari febbraio",
            "march mar märz maerz mars marzo maart",
            "april apr avril abril aprile",
            "may mai mayo mei maggio",
            "june jun juni juin junio giugno",
            "july jul juli juillet julio luglio",
            "august aug août aout agosto augustus",
            "september sep sept septembre septiembre settembre",
            "october oct oktober octobre octubre ottobre",
            "november nov novembre noviembre",
            "december dec dezember décembre decembre diciembre dicembre",
        ),
        start=1,
    )
    for name in names.split()
}
_MONTH = r"(?:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")"
_TIME = r"\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,5})?"
_DATE_LINE = regex.compile(
    rf"""(?:\p{{L}}+,?\s+)?
    (?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}}),?\s+(?P<y1>\d{{4}})
      |(?P<d2>\d{{1,2}})\.?\s+(?P<m2>{_MONTH})\.?,?\s+(?P<y2>\d{{4}})
      |(?P<m3>{_MONTH})\.?,?\s+(?P<y3>\d{{4}})
      |(?P<y4>\d{{4}})-(?P<m4>\d{{2}})-(?P<d4>\d{{2}}))
    (?:,?\s+\p{{L}}+)?(?:,?\s+{_TIME})?""",
    regex.IGNORECASE | regex.VERBOSE,
)


_DAY_GROUPS = (("m1", "d1", "y1"), ("m2", "d2", "y2"), ("m4", "d4", "y4"))


def parse_date(line: str) -> str | None:
    """The ISO date (``2010-01-11``, or ``2010-01`` for a month) a date line gives, else ``None``.

    >>> parse_date("January 11, 2010 Monday"), parse_date("11 January 2010")
    ('2010-01-11', '2010-01-11')
    >>> parse_date("Monday, March 4, 2022 10:32 AM EST"), parse_date("Winter sale")
    ('2022-03-04', None)
    """
    match = _DATE_LINE.fullmatch(line.strip())
    if match is None:
        return None
    groups = match.groupdict()
    for month_key, day_key, year_key in _DAY_GROUPS:
        if groups[year_key]:
            month_text = groups[month_key]
            month = int(month_text) if month_text.isdigit() else _MONTHS[month_text.lower()]
            day = int(groups[day_key])
            if not (1 <= month <= 12 and 1 <= day <= 31):
                return None
            return f"{int(groups[year_key]):04d}-{month:02d}-{day:02d}"
    return f"{int(groups['y3']):04d}-{_MONTHS[groups['m3'].lower()]:02d}"


# --------------------------------------------------------------------------- shared helpers

_COPYRIGHT = regex.compile(r"(?i)\s*(?:copyright\b|©|\(c\)\s*\d|all rights reserved)")
_WORDS = regex.compile(r"(?i)\s*(\d[\d,.]*)\s+(?:words|wörter|mots|palabras|woorden)\s*")


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``: how the label tables below are written."""
    return frozenset(text.split())


def _blank(line: str) -> bool:
    return not line.strip()


def _blocks(lines: Sequence[str], start: int, end: int) -> list[tuple[int, int]]:
    """``(first, last)`` line ranges of the runs of non-blank lines in ``lines[start:end]``."""
    found: list[tuple[int, int]] = []
    i = start
    while i < end:
        if _blank(lines[i]):
            i += 1
            continue
        j = i
        while j < end and not _blank(lines[j]):
            j += 1
        found.append((i, j))
        i = j
    return found


def _joined(lines: Sequence[str]) -> str:
    return " ".join(" ".join(line.split()) for line in lines if line.strip())


def _length(value: str) -> int | None:
    match = _WORDS.fullmatch(value)
    if match is None:
        return None
    digits = regex.sub(r"[,.]", "", match.group(1))
    return int(digits) if digits else None


def _language(value: str) -> str:
    value = " ".join(value.split())
    return value.title() if value.isupper() else value


@dataclass(frozen=True, slots=True)
class _Cut:
    """Replace ``lines[first:last]`` of an article by ``lines`` (none: delete them)."""

    first: int
    last: int
    lines: tuple[str, ...]
    rule: str
    action: str

    @property
    def qualified_id(self) -> str:
        """The rule the edit names (``kind/part``), as :func:`edits_for` reads it."""
        return self.rule


def _apply(lines: Sequence[str], cuts: Sequence[_Cut]) -> tuple[str, tuple[Edit, ...]]:
    """The text the sorted, non-overlapping ``cuts`` make of ``lines``, and their edits.

    Edits are listed from the end of the text backwards, so each span still fits the text
    when the edits before it in the list have been applied (the pipeline's convention).
    """
    changes = [Change(cut.first, cut.last, cut.lines, tag) for tag, cut in enumerate(cuts)]
    edits = edits_for(lines, changes, cuts)
    return "\n".join(apply_changes(list(lines), changes)), tuple(edits)


def _article(
    kind: str,
    number: int,
    lines: Sequence[str],
    offset: int,
    body: tuple[int, int],
    fields: Mapping[str, Any],
    inner: Sequence[_Cut] = (),
) -> ExportArticle:
    """An article from its lines, the range ``body`` its text spans and the cuts inside it.

    ``offset`` is the export line index of ``lines[0]``. Blank lines at either end of the
    body go with the header and footer, so the text starts and ends with a line of text.
    """
    first, last = body
    while first < last and _blank(lines[first]):
        first += 1
    while last > first and _blank(lines[last - 1]):
        last -= 1
    if first == last:
        cuts = [_Cut(0, len(lines), (), f"{kind}/header", "drop-export-header")] if lines else []
    else:
        cuts = []
        if first > 0:
            cuts.append(_Cut(0, first, (), f"{kind}/header", "drop-export-header"))
        cuts.extend(c for c in inner if first <= c.first and c.last <= last)
        if last < len(lines):
            cuts.append(_Cut(last, len(lines), (), f"{kind}/footer", "drop-export-footer"))
    text, edits = _apply(lines, cuts)
    found = {key: fields[key] for key in FIELDS if fields.get(key) not in (None, "")}
    return ExportArticle(number, offset + first + 1, "\n".join(lines), text, found, edits)


def _unwrap_cuts(lines: Sequence[str], first: int, last: int, kind: str) -> list[_Cut]:
    """Joins of hard-wrapped lines back into one line per paragraph, within ``[first, last)``.

    A line break is a wrap when the next line's first word would not have fitted on the line
    (the greedy wrapping every export tool does), measured against the longest line of the
    body; a text whose lines are longer than any wrapping width is left alone.
    """
    width = max((len(lines[i].rstrip()) for i in range(first, last)), default=0)
    if not 60 <= width <= 100:
        return []
    cuts: list[_Cut] = []
    for start, end in _blocks(lines, first, last):
        if end - start < 2:
            continue
        joined = [lines[start].rstrip()]
        for i in range(start + 1, end):
            line = lines[i]
            head = line.split()[0] if line.split() else ""
            previous = joined[-1]
            if len(previous) + 1 + len(head) > width and not line[:1].isspace():
                # A wrap after a hyphen keeps it and adds no space: "post-" + "traumatic".
                glue = "" if previous.endswith("-") and previous[-2:-1].isalpha() else " "
                joined[-1] = previous + glue + line.strip()
            else:
                joined.append(line.rstrip())
        if len(joined) < end - start:
            cuts.append(_Cut(start, end, tuple(joined), f"{kind}/unwrap", "join-wrapped-lines"))
    return cuts


# --------------------------------------------------------------------------- Nexis

_NEXIS_START = regex.compile(
    r"\s*(\d+)\s+(?:of|von|de|sur|van|di)\s+(\d+)\s+(?:DOCUMENTS?|DOKUMENTE?|DOCUMENTOS?)\s*"
    r"|\s*(?:Dokument|Document|Documento)\s+(\d+)\s+(?:von|de|of|sur|di)\s+(\d+)\s*"
)
_NEXIS_FIELD = regex.compile(r"\s*(\p{Lu}[\p{Lu}-]*(?: \p{Lu}[\p{Lu}-]*)?):(?:\s+(.*))?")
#: Header labels of classic Nexis (English, German, French) and the field each fills ("" for
#: labels that are recognised, so the header goes on, but not recorded).
_NEXIS_HEADER_KEYS = {
    **dict.fromkeys(("BYLINE", "AUTOR", "AUTEUR"), "byline"),
    **dict.fromkeys(("SECTION", "RUBRIK", "RUBRIQUE"), "section"),
    **dict.fromkeys(("LENGTH", "LÄNGE", "LONGUEUR"), "length"),
    "HEADLINE": "headline",
    "DATELINE": "dateline",
    "HIGHLIGHT": "highlight",
    "EDITION": "edition",
    "BODY": "body",
    **dict.fromkeys(("SOURCE", "TYPE", "SERIES", "DISTRIBUTION", "ABSTRACT"), ""),
}
#: Labels of the fields that close a classic Nexis article.
_NEXIS_TRAILER_KEYS = _words(
    """LOAD-DATE LANGUAGE SPRACHE LANGUE PUBLICATION-TYPE JOURNAL-CODE URL GRAPHIC
    GRAFIK NOTES CORRECTION-DATE CORRECTION SUBJECT PERSON ORGANIZATION GEOGRAPHIC
    COMPANY INDUSTRY TICKER DOCUMENT-TYPE UPDATE"""
)
_NEXIS_COVER = regex.compile(r"\s*(?:Download Request|Time Of Request|Send To|Terms|Source):")

_UNI_END = regex.compile(r"\s*End of Document\s*")
_UNI_BODY = regex.compile(r"\s*Body\s*")
_UNI_FIELD = regex.compile(r"\s*(\p{Lu}[\p{L}-]*(?: \p{L}[\p{L}-]*){0,2}):\s*(.*)")
_UNI_HEADER_KEYS = {
    "Byline": "byline",
    "Section": "section",
    "Length": "length",
    "Dateline": "dateline",
    "Highlight": "highlight",
    "Edition": "edition",
}
_UNI_TRAILER_KEYS = _words(
    """Language Load-Date Publication-Type Journal-Code Subject Organization Company
    Industry Person Geographic Ticker Graphic Notes URL Correction-Date
    Document-Type"""
)


def _nexis_field(line: str) -> tuple[str, str] | None:
    match = _NEXIS_FIELD.fullmatch(line)
    if match is None:
        return None
    key = match.group(1)
    if key in _NEXIS_HEADER_KEYS or key in _NEXIS_TRAILER_KEYS:
        return key, match.group(2) or ""
    return None


def _nexis_trailer_start(lines: Sequence[str], start: int, end: int) -> int:
    """Where the footer of a classic Nexis article begins: the run of trailer fields and
    copyright blocks that closes ``lines[start:end]``."""
    footer = end
    for first, last in reversed(_blocks(lines, start, end)):
        found = _nexis_field(lines[first])
        if (found and found[0] in _NEXIS_TRAILER_KEYS) or all(
            _COPYRIGHT.match(lines[i]) or lines[i].strip().lower() == "all rights reserved"
            for i in range(first, last)
        ):
            footer = first
            continue
        break
    return footer


def _read_classic(lines: Sequence[str]) -> list[ExportArticle]:
    starts = [i for i, line in enumerate(lines) if _NEXIS_START.fullmatch(line)]
    numbers = []
    for i in starts:
        match = _NEXIS_START.fullmatch(lines[i])
        assert match is not None
        numbers.append(int(match.group(1) or match.group(3)))
    for k in range(1, len(starts)):
        if numbers[k] not in (numbers[k - 1] + 1, 1):
            raise ExportLayoutError(
                NEXIS,
                starts[k] + 1,
                f"document {numbers[k]} follows document {numbers[k - 1]}: "
                "a document is missing or the file was joined out of order",
            )
    articles = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        if k + 1 < len(starts) and numbers[k + 1] == 1:
            # The next export's cover block follows this article in a joined file.
            cover = next((i for i in range(start, end) if _NEXIS_COVER.match(lines[i])), end)
            end_text = cover
        else:
            end_text = end
        articles.append(_classic_article(lines, start, end, end_text, k + 1))
    return articles


def _classic_article(
    lines: Sequence[str], start: int, end: int, end_text: int, number: int
) -> ExportArticle:
    fields: dict[str, Any] = {}
    blocks = _blocks(lines, start + 1, end_text)
    b = 0
    if blocks and _COPYRIGHT.match(lines[blocks[0][0]]):
        # Some exports print the copyright block first, centred over two or three lines.
        fields["copyright"] = _joined(lines[blocks[0][0] : blocks[0][1]])
        b = 1
    # The publication and the date: one block each, or one block of both.
    date_at = -1
    for line_index in range(blocks[b][0] if b < len(blocks) else end_text, end_text):
        if parse_date(lines[line_index]):
            date_at = line_index
            break
        if not _blank(lines[line_index]) and _nexis_field(lines[line_index]):
            break
        if line_index - start > 12:
            break
    if date_at < 0:
        raise ExportLayoutError(
            NEXIS,
            (blocks[b][0] if b < len(blocks) else start) + 1,
            f"document {number} has no date line after its publication name",
        )
    before = [lines[i].strip() for i in range(start + 1, date_at) if lines[i].strip()]
    before = [line for line in before if not _COPYRIGHT.match(line)]
    if before:
        fields["publication"] = before[-1]
    fields["date"] = parse_date(lines[date_at]) or lines[date_at].strip()
    edition_end = date_at + 1
    while edition_end < end_text and not _blank(lines[edition_end]):
        edition_end += 1
    if edition_end > date_at + 1:
        fields["edition"] = "; ".join(
            lines[i].strip().rstrip(";") for i in range(date_at + 1, edition_end)
        )
    blocks = _blocks(lines, edition_end, end_text)
    body_start = end_text
    body_label = -1  # a "BODY: first words" line: the label goes, the words stay
    headline: list[str] = []
    seen_field = False
    for n, (first, last) in enumerate(blocks):
        found = _nexis_field(lines[first])
        if found and found[0] in _NEXIS_HEADER_KEYS:
            seen_field = True
            key = _NEXIS_HEADER_KEYS[found[0]]
            value = _joined([found[1], *lines[first + 1 : last]])
            if key == "body":
                body_start = first if found[1] else last
                body_label = first if found[1] else -1
                break
            if key == "length":
                fields["length_words"] = _length(value)
            elif key:
                fields.setdefault(key, value)
            continue
        if all(_COPYRIGHT.match(lines[i]) for i in range(first, last)):
            fields.setdefault("copyright", _joined(lines[first:last]))
            continue
        later_field = any(
            (f := _nexis_field(lines[a])) and f[0] in _NEXIS_HEADER_KEYS
            for a, _ in blocks[n + 1 : n + 4]
        )
        if not seen_field and (not headline or later_field):
            headline.append(_joined(lines[first:last]))
            continue
        body_start = first
        break
    if headline and "headline" not in fields:
        fields["headline"] = " ".join(headline)
    footer = max(_nexis_trailer_start(lines, body_start, end_text), body_start)
    closing: list[str] = []
    for i in range(footer, end_text):
        found = _nexis_field(lines[i])
        if found and found[0] in ("LANGUAGE", "SPRACHE", "LANGUE"):
            fields["language"] = _language(found[1])
        elif _COPYRIGHT.match(lines[i]) or (
            closing and not found and not _blank(lines[i]) and not _blank(lines[i - 1])
        ):
            closing.append(lines[i])
    if closing:
        fields.setdefault("copyright", _joined(closing))
    local = lines[start:end]
    inner: list[_Cut] = []
    if body_label >= 0:
        value = lines[body_label].split(":", 1)[1].strip()
        inner.append(
            _Cut(body_label - start, body_label - start + 1, (value,), "nexis/header", "drop-label")
        )
    inner += _unwrap_cuts(local, body_start - start, footer - start, NEXIS)
    inner.sort(key=lambda c: c.first)
    merged: list[_Cut] = []
    for cut in inner:
        if merged and cut.first < merged[-1].last:
            continue
        merged.append(cut)
    body = (body_start - start, footer - start)
    return _article(NEXIS, number, local, start, body, fields, merged)


def _read_uni(lines: Sequence[str]) -> list[ExportArticle]:
    ends = [i for i, line in enumerate(lines) if _UNI_END.fullmatch(line)]
    after = next((i for i in range(ends[-1] + 1, len(lines)) if not _blank(lines[i])), -1)
    if after >= 0:
        raise ExportLayoutError(
            NEXIS,
            after + 1,
            f"text after the last 'End of Document' (line {ends[-1] + 1}); the export looks "
            "cut short",
        )
    articles = []
    start = 0
    for k, end in enumerate(ends):
        articles.append(_uni_article(lines, start, end + 1, k + 1, first=k == 0))
        start = end + 1
    return articles


def _uni_article(
    lines: Sequence[str], start: int, end: int, number: int, *, first: bool
) -> ExportArticle:
    body_line = next((i for i in range(start, end) if _UNI_BODY.fullmatch(lines[i])), -1)
    if body_line < 0:
        raise ExportLayoutError(
            NEXIS,
            start + 1,
            f"document {number} (lines {start + 1}-{end}) has no 'Body' line before "
            f"'End of Document'",
        )
    fields: dict[str, Any] = {}
    i = body_line - 1
    while i >= start:
        line = lines[i]
        if _blank(line):
            i -= 1
            continue
        match = _UNI_FIELD.fullmatch(line)
        if match is None or parse_date(line):
            break
        key = _UNI_HEADER_KEYS.get(match.group(1))
        if key == "length":
            fields["length_words"] = _length(match.group(2))
        elif key:
            fields[key] = " ".join(match.group(2).split())
        i -= 1
    copyright_lines: list[str] = []
    while i >= start and (_blank(lines[i]) or _COPYRIGHT.match(lines[i])):
        if not _blank(lines[i]):
            copyright_lines.insert(0, lines[i].strip())
        i -= 1
    if copyright_lines:
        fields["copyright"] = " ".join(copyright_lines)
    # Up from the copyright: edition lines, the date, the publication, the headline.
    date_at = -1
    j, seen = i, 0
    while j >= start and seen < 6:
        if not _blank(lines[j]):
            if parse_date(lines[j]):
                date_at = j
                break
            seen += 1
        j -= 1
    if date_at < 0:
        raise ExportLayoutError(
            NEXIS,
            body_line + 1,
            f"document {number} has no date line above its 'Body' line",
        )
    fields["date"] = parse_date(lines[date_at])
    editions = [lines[k].strip() for k in range(date_at + 1, i + 1) if not _blank(lines[k])]
    if editions:
        fields.setdefault("edition", "; ".join(editions))
    p = date_at - 1
    while p >= start and _blank(lines[p]):
        p -= 1
    header_start = start
    if p >= start:
        fields["publication"] = lines[p].strip()
        h = p - 1
        while h >= start and _blank(lines[h]):
            h -= 1
        if first:
            top = h
            while top > start and not _blank(lines[top - 1]):
                top -= 1
            header_start = top if h >= start else p
            headline = lines[top : h + 1] if h >= start else []
        else:
            headline = lines[start : h + 1]
        if headline:
            fields["headline"] = _joined(headline)
    footer = end - 1  # the "End of Document" line
    classification = next(
        (k for k in range(body_line + 1, end) if lines[k].strip() == "Classification"), -1
    )
    if classification >= 0:
        footer = classification
    else:
        for first_line, _last in reversed(_blocks(lines, body_line + 1, end - 1)):
            match = _UNI_FIELD.fullmatch(lines[first_line])
            if match is None or match.group(1) not in _UNI_TRAILER_KEYS:
                break
            footer = first_line
    for k in range(footer, end):
        match = _UNI_FIELD.fullmatch(lines[k])
        if match and match.group(1) == "Language":
            fields["language"] = _language(match.group(2))
    local = lines[header_start:end]
    return _article(
        NEXIS,
        number,
        local,
        header_start,
        (body_line + 1 - header_start, footer - header_start),
        fields,
    )


def read_nexis(text: str) -> list[ExportArticle]:
    """The articles of a Nexis text export (classic or Nexis Uni layout).

    Raises:
        ExportLayoutError: the text does not follow either layout; names the line.
    """
    lines = _lines(text)
    if any(_NEXIS_START.fullmatch(line) for line in lines):
        return _read_classic(lines)
    if any(_UNI_END.fullmatch(line) for line in lines):
        return _read_uni(lines)
    raise ExportLayoutError(
        NEXIS,
        1,
        "no article start ('1 of 10 DOCUMENTS') and no article end ('End of Document') found",
    )


# --------------------------------------------------------------------------- Factiva

_FACTIVA_END = regex.compile(r"\s*Document\s+([A-Za-z0-9]{16,40})\s*")
_FACTIVA_CODE = regex.compile(
    r"(HD|CLM|SE|BY|CR|WC|PD|ET|SN|SC|ED|PG|LA|CY|LP|TD|CT|RF|CO|IN|NS|RE|IPC|IPD|PUB|AN)"
    r"(?:[ \t]+(.*)|[ \t]*)"
)
_FACTIVA_TRAILER = frozenset({"CT", "RF", "CO", "IN", "NS", "RE", "IPC", "IPD", "PUB"})
_FACTIVA_HEADER = {
    "HD": "headline",
    "BY": "byline",
    "WC": "length",
    "PD": "date",
    "SN": "publication",
    "SE": "section",
    "ED": "edition",
    "LA": "language",
    "CY": "copyright",
}
_SENTENCE_END = regex.compile(r"[.!?][\"'’”)]*\s*$")
_TIME_LINE = regex.compile(rf"\s*{_TIME}\s*")
_SOURCE_CODE = regex.compile(r"\s*[A-Z][A-Z0-9]{2,9}\s*")
_PAGE = regex.compile(r"(?i)\s*(?:page\s+|pg\.?\s*|p\.\s*)?[A-Z]?\d{1,4}[A-Z]?\s*")
#: Language names as Factiva prints them in an article header (always in English).
_LANGUAGES = _words(
    """English French German Spanish Italian Portuguese Dutch Swedish Danish Norwegian
    Finnish Polish Russian Japanese Chinese Korean Arabic Turkish Greek Czech
    Hungarian Indonesian Malay Hebrew Catalan Romanian Ukrainian Vietnamese Thai"""
)
_SEARCH_SUMMARY = regex.compile(r"\s*Search Summary\s*")


def _code(line: str) -> tuple[str, str] | None:
    match = _FACTIVA_CODE.fullmatch(line.rstrip())
    return (match.group(1), (match.group(2) or "").strip()) if match else None


def _is_trailer_code(line: str) -> bool:
    found = _code(line)
    if found is None or found[0] not in _FACTIVA_TRAILER:
        return False
    # A paragraph that merely opens with "IN" or "RE" is a sentence; indexing values are not.
    return not (_SENTENCE_END.search(found[1]) and len(found[1].split()) >= 6)


def _factiva_segments(lines: Sequence[str], ends: Sequence[int]) -> list[tuple[int, int]]:
    """Article line ranges (the end marker included) and a check of what follows the last."""
    after = next((i for i in range(ends[-1] + 1, len(lines)) if not _blank(lines[i])), -1)
    if after >= 0 and not _SEARCH_SUMMARY.fullmatch(lines[after]):
        raise ExportLayoutError(
            FACTIVA,
            after + 1,
            f"text after the last document id (line {ends[-1] + 1}) is not Factiva's "
            "'Search Summary'; the export looks cut short",
        )
    segments = []
    start = 0
    for end in ends:
        segments.append((start, end + 1))
        start = end + 1
    first_text = next((i for i in range(len(lines)) if not _blank(lines[i])), 0)
    if _SEARCH_SUMMARY.fullmatch(lines[first_text]):
        # A summary printed first: its table runs to the first blank line after it.
        stop = first_text
        while stop < len(lines) and not _blank(lines[stop]):
            stop += 1
        segments[0] = (stop, segments[0][1])
    return segments


def _read_factiva_plain(lines: Sequence[str], ends: Sequence[int]) -> list[ExportArticle]:
    articles = []
    for number, (start, end) in enumerate(_factiva_segments(lines, ends), 1):
        articles.append(_factiva_plain_article(lines, start, end, number))
    return articles


def _factiva_plain_article(
    lines: Sequence[str], start: int, end: int, number: int
) -> ExportArticle:
    header = [i for i in range(start, end - 1) if not _blank(lines[i])][:16]
    words_at = next((i for i in header[:8] if _WORDS.fullmatch(lines[i])), -1)
    if words_at < 0:
        raise ExportLayoutError(
            FACTIVA,
            (header[0] if header else start) + 1,
            f"document {number} has no 'N words' line among its first lines",
        )
    fields: dict[str, Any] = {"length_words": _length(lines[words_at])}
    top = [i for i in header if i < words_at]
    if top:
        fields["headline"] = lines[top[0]].strip()
        if top[1:]:
            fields["byline"] = _joined([lines[i] for i in top[1:]])
    after = [i for i in header if i > words_at]
    if not after or not parse_date(lines[after[0]]):
        where = after[0] if after else words_at
        raise ExportLayoutError(
            FACTIVA, where + 1, f"document {number}: expected the date after the word count"
        )
    fields["date"] = parse_date(lines[after[0]])
    rest = after[1:]
    if rest and _TIME_LINE.fullmatch(lines[rest[0]]):
        rest = rest[1:]
    header_end = -1
    for n, i in enumerate(rest):
        line = lines[i].strip()
        if n == 0:
            fields["publication"] = line
        elif line in _LANGUAGES:
            fields["language"] = line
            header_end = i
        elif _COPYRIGHT.match(line):
            fields["copyright"] = line
            header_end = i
            break
        elif "language" in fields:
            break
        elif (_SOURCE_CODE.fullmatch(line) and "edition" not in fields) or _PAGE.fullmatch(line):
            continue  # the source code and the page number
        else:
            fields.setdefault("edition", line)
    if header_end < 0:
        raise ExportLayoutError(
            FACTIVA,
            words_at + 1,
            f"document {number}: no language or copyright line closes its header",
        )
    end_match = _FACTIVA_END.fullmatch(lines[end - 1])
    assert end_match is not None
    fields["document_id"] = end_match.group(1)
    return _article(
        FACTIVA, number, lines[start:end], start, (header_end + 1 - start, end - 1 - start), fields
    )


def _read_factiva_coded(lines: Sequence[str]) -> list[ExportArticle]:
    ends = [i for i, line in enumerate(lines) if (c := _code(line)) and c[0] == "AN"]
    if not ends:
        raise ExportLayoutError(FACTIVA, 1, "no 'AN Document <id>' line ends an article")
    articles = []
    for number, (start, end) in enumerate(_factiva_segments(lines, ends), 1):
        articles.append(_factiva_coded_article(lines, start, end, number))
    return articles


def _factiva_coded_article(
    lines: Sequence[str], start: int, end: int, number: int
) -> ExportArticle:
    fields: dict[str, Any] = {}
    current = ""
    values: dict[str, list[str]] = {}
    body_start = -1
    for i in range(start, end - 1):
        found = _code(lines[i])
        if found is not None and found[0] in ("LP", "TD"):
            body_start = i
            break
        if found is not None:
            current = found[0]
            values.setdefault(current, []).append(found[1])
        elif current and not _blank(lines[i]):
            values[current].append(lines[i])
    if body_start < 0:
        raise ExportLayoutError(
            FACTIVA, start + 1, f"document {number} has no 'LP' or 'TD' text field"
        )
    for code, key in _FACTIVA_HEADER.items():
        if code in values:
            value = _joined(values[code])
            if key == "length":
                fields["length_words"] = _length(value)
            elif key == "date":
                fields["date"] = parse_date(value) or value
            elif key == "language":
                fields["language"] = _language(value)
            else:
                fields[key] = value
    footer = end - 1
    i = end - 2
    while i >= body_start:
        if _blank(lines[i]):
            i -= 1
            continue
        if _is_trailer_code(lines[i]):
            footer = i
            i -= 1
            continue
        # A wrapped indexing value: a line of its block is a trailer code line above it.
        k = i
        while k > body_start and not _blank(lines[k - 1]) and _code(lines[k - 1]) is None:
            k -= 1
        if k > body_start and _is_trailer_code(lines[k - 1]):
            footer = k - 1
            i = k - 2
            continue
        break
    an = _code(lines[end - 1])
    assert an is not None
    fields["document_id"] = an[1].removeprefix("Document").strip()
    first = body_start - start
    inner: list[_Cut] = []
    labels = ["LP", "TD"]
    for i in range(body_start, footer):
        found = _code(lines[i])
        if found is None or not labels or found[0] not in labels:
            continue
        # Only the first LP and the first TD after it are labels; a later paragraph that
        # opens with "TD Bank" is text.
        del labels[: labels.index(found[0]) + 1]
        if i - start == first and not found[1]:
            first += 1  # the label stands alone: the text starts below it
            continue
        kept = (found[1],) if found[1] else ()
        inner.append(_Cut(i - start, i - start + 1, kept, "factiva/header", "drop-field-code"))
    return _article(
        FACTIVA, number, lines[start:end], start, (first, footer - start), fields, inner
    )


def read_factiva(text: str) -> list[ExportArticle]:
    """The articles of a Factiva text export (plain or field-coded).

    Raises:
        ExportLayoutError: the text does not follow either layout; names the line.
    """
    lines = _lines(text)
    coded = any((c := _code(line)) and c[0] == "AN" and "Document" in c[1] for line in lines)
    if coded:
        return _read_factiva_coded(lines)
    ends = [i for i, line in enumerate(lines) if _FACTIVA_END.fullmatch(line)]
    if not ends:
        raise ExportLayoutError(
            FACTIVA, 1, "no 'Document <id>' line ends an article (plain or 'AN' field-coded)"
        )
    return _read_factiva_plain(lines, ends)


# --------------------------------------------------------------------------- entry points

READERS: Mapping[str, Callable[[str], list[ExportArticle]]] = {
    NEXIS: read_nexis,
    FACTIVA: read_factiva,
}


def _lines(text: str) -> list[str]:
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_export(text: str, kind: str) -> list[ExportArticle]:
    """The articles of an export of ``kind`` (``"nexis"`` or ``"factiva"``).

    Line endings are normalized first (``\\r\\n`` to ``\\n``), and a byte-order mark dropped:
    ``raw`` and the edits refer to the text so normalized.

    >>> export = '''                 1 of 1 DOCUMENTS
    ...
    ...                  The Springfield Courier
    ...
    ...                  March 4, 2022 Friday
    ...
    ... Council votes to repair bridge
    ...
    ... BYLINE: Ann Lee
    ...
    ... LENGTH: 9 words
    ...
    ... The council voted on Thursday to repair the bridge.
    ...
    ... LOAD-DATE: March 5, 2022
    ...
    ... LANGUAGE: ENGLISH
    ... '''
    >>> (article,) = read_export(export, "nexis")
    >>> article.text
    'The council voted on Thursday to repair the bridge.'
    >>> article.fields["publication"], article.fields["date"], article.fields["length_words"]
    ('The Springfield Courier', '2022-03-04', 9)
    """
    if kind not in READERS:
        raise ValueError(f"unknown export kind {kind!r}; choose one of {', '.join(KINDS)}")
    return READERS[kind](text)


_SNIFF_MARKERS: Mapping[str, tuple[regex.Pattern[str], ...]] = {
    NEXIS: (
        regex.compile(r"(?m)^\s*\d+ of \d+ DOCUMENTS\s*$"),
        regex.compile(r"(?m)^(?:LENGTH|LOAD-DATE|BYLINE|SECTION|PUBLICATION-TYPE): "),
    ),
    "nexis-uni": (
        regex.compile(r"(?m)^\s*End of Document\s*$"),
        regex.compile(r"(?m)^(?:Load-Date|Length|Byline|Section): "),
        regex.compile(r"(?m)^\s*Body\s*$"),
    ),
    FACTIVA: (
        regex.compile(r"(?m)^\s*(?:WC\s+)?\d[\d,]* words\s*$"),
        regex.compile(r"(?m)^\s*(?:AN\s+)?Document [A-Za-z0-9]{16,40}\s*$"),
    ),
}


def sniff_export(head: str) -> str | None:
    """Which export ``head`` (the start of a file) comes from, by content; ``None``: neither.

    Every marker of one layout must be there (an article start and a header field, or a
    header field, a ``Body`` line and an article end...), so an ordinary article that
    mentions "End of Document" or counts its words is not taken for an export.

    >>> sniff_export("   1 of 3 DOCUMENTS\\n\\nThe Times\\n\\nLENGTH: 300 words\\n")
    'nexis'
    >>> sniff_export("The report, 300 words long, ended there.\\nEnd of Document")
    """
    for kind, markers in _SNIFF_MARKERS.items():
        if all(marker.search(head) for marker in markers):
            return NEXIS if kind == "nexis-uni" else kind
    return None
