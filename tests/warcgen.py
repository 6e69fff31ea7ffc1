"""Small WARC and WET files written by hand for the tests (standard library only).

A record is the WARC/1.1 framing (version line, headers, blank line, ``Content-Length``
bytes, two line ends); a ``.warc.gz`` compresses each record as its own gzip member, as
crawlers write them, so a file cut anywhere keeps its whole records before the cut.
"""

from __future__ import annotations

import gzip
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

DATE = "2024-03-04T10:00:00Z"


@dataclass(frozen=True)
class Page:
    """One fetched page: what a ``response`` (or WET ``conversion``) record holds."""

    url: str
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"


def record(kind: str, number: int, block: bytes, **headers: str) -> bytes:
    lines = [b"WARC/1.1", f"WARC-Type: {kind}".encode()]
    lines.append(f"WARC-Record-ID: <urn:uuid:{uuid.UUID(int=number)}>".encode())
    lines.append(f"WARC-Date: {DATE}".encode())
    lines += [f"{name.replace('_', '-')}: {value}".encode() for name, value in headers.items()]
    lines.append(f"Content-Length: {len(block)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + block + b"\r\n\r\n"


def response(page: Page, number: int) -> bytes:
    reason = {200: "OK", 404: "Not Found", 301: "Moved Permanently"}.get(page.status, "Other")
    http = f"HTTP/1.1 {page.status} {reason}\r\nContent-Type: {page.content_type}\r\n"
    http += f"Content-Length: {len(page.body)}\r\n\r\n"
    return record(
        "response",
        number,
        http.encode() + page.body,
        WARC_Target_URI=page.url,
        Content_Type="application/http; msgtype=response",
    )


def request(page: Page, number: int) -> bytes:
    http = b"GET / HTTP/1.1\r\nHost: example\r\n\r\n"
    return record(
        "request",
        number,
        http,
        WARC_Target_URI=page.url,
        Content_Type="application/http; msgtype=request",
    )


def conversion(page: Page, number: int) -> bytes:
    return record(
        "conversion", number, page.body, WARC_Target_URI=page.url, Content_Type="text/plain"
    )


def warcinfo() -> bytes:
    return record(
        "warcinfo", 0, b"software: cleantext tests\r\n", Content_Type="application/warc-fields"
    )


def _pack(records: Iterable[bytes], gz: bool) -> bytes:
    return b"".join(gzip.compress(r, mtime=0) if gz else r for r in records)


def warc(pages: Iterable[Page], *, gz: bool = True) -> bytes:
    """A WARC file: a ``warcinfo`` record, then a request and a response for each page."""
    records = [warcinfo()]
    for i, page in enumerate(pages):
        records += [request(page, 2 * i + 1), response(page, 2 * i + 2)]
    return _pack(records, gz)


def wet(pages: Iterable[Page], *, gz: bool = True) -> bytes:
    """A WET file: a ``warcinfo`` record, then a ``conversion`` record (text) per page."""
    return _pack([warcinfo(), *(conversion(p, i + 1) for i, p in enumerate(pages))], gz)


def article(number: int, paragraphs: int = 4) -> str:
    """Article text, different for each ``number``."""
    sentences = [
        f"The harbour council met on day {number} to vote on the plan for the new quay.",
        "Members argued for hours about the cost of dredging the channel before the vote.",
        f"The plan passed by {number + 5} votes to {number % 4}, the clerk said afterwards.",
        "Work on the quay is expected to begin in the spring and take two years.",
    ]
    return "\n".join(sentences[i % len(sentences)] for i in range(paragraphs))


def html_page(number: int, *, charset: str = "utf-8", extra: str = "") -> bytes:
    """A news page with navigation and a footer around the article."""
    body = "".join(f"<p>{line}</p>" for line in article(number).split("\n"))
    page = (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>Council backs quay plan "
        f"{number} | Harbour Gazette</title></head><body><nav><ul><li><a href='/'>Home</a></li>"
        "<li><a href='/news'>News</a></li><li><a href='/sport'>Sport</a></li></ul></nav>"
        f"<article><h1>Council backs quay plan {number}</h1>{body}{extra}</article>"
        "<footer><p>© 2024 Harbour Gazette. All rights reserved.</p></footer></body></html>"
    )
    return page.encode(charset)
