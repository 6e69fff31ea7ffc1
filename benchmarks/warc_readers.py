"""FastWARC or warcio: read a generated WARC the way cleantext's WARC reader does, and compare.

Builds a ``.warc.gz`` of ``--pages`` HTML pages of ~40 kB (a request and a response each, one
gzip member per record, as crawlers write them; generated, never committed), then for each
library that is installed reads it ``--rounds`` times through cleantext's own gzip reader and
a non-seekable wrapper (as the reader meets standard input or a decompressor), reading every
response's HTTP status, media type and payload. Prints the best time and the cost per page,
and, for scale, what cleaning the same pages costs (``clean_page``, one process)::

    python benchmarks/warc_readers.py --pages 3000
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from warcgen import Page, html_page, warc  # noqa: E402

from cleantext import Cleaner  # noqa: E402
from cleantext.io.compression import Codec, open_decompressed  # noqa: E402
from cleantext.pages import clean_page  # noqa: E402


class Unseekable(io.RawIOBase):
    """A stream that can only be read forward, with ``tell``: a pipe or a decompressor."""

    def __init__(self, inner: Any) -> None:
        self._inner, self.position = inner, 0

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        if (whence, offset) in ((1, 0), (0, self.position)):
            return self.position  # FastWARC 2.0.1 asks where it is this way
        raise io.UnsupportedOperation("seek")

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read1(len(buffer))
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def with_fastwarc(stream: Any) -> int:
    from fastwarc.warc import ArchiveIterator

    pages = 0
    for record in ArchiveIterator(stream, parse_http=True):
        if str(record.record_type) == "response":
            _ = record.http_headers.status_code, record.http_content_type
            record.reader.read()
            pages += 1
    return pages


def with_warcio(stream: Any) -> int:
    from warcio.archiveiterator import ArchiveIterator

    pages = 0
    for record in ArchiveIterator(stream):
        if record.rec_type == "response":
            http = record.http_headers
            _ = http.get_statuscode(), http.get_header("Content-Type")
            record.content_stream().read()
            pages += 1
    return pages


def best(read: Callable[[Any], int], data: bytes, rounds: int) -> tuple[float, int]:
    times, pages = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        pages = read(Unseekable(open_decompressed(io.BytesIO(data), Codec.GZIP)))
        times.append(time.perf_counter() - start)
    return min(times), pages


def news_page(number: int) -> bytes:
    """A page of about 40 kB, as news pages in a crawl are: the article, a list of related
    links, and a script block."""
    related = "".join(
        f"<li><a href='/story/{number + k}'>Story {number + k}</a></li>" for k in range(60)
    )
    script = (
        "<script>var config = {" + ",".join(f'"k{k}": {k}' for k in range(2500)) + "};</script>"
    )
    extra = "<p>" + " ".join(["The harbour master said the work would start soon."] * 40) + "</p>"
    return html_page(number, extra=extra * 3 + f"<aside><ul>{related}</ul></aside>" + script)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = [Page(f"https://harbour.example/{i}", news_page(i)) for i in range(args.pages)]
    data = warc(pages)
    raw = warc(pages, gz=False)
    print(f"{args.pages} pages: {len(raw) / 1e6:.1f} MB of WARC, {len(data) / 1e6:.1f} MB gzipped")
    for name, read in (("fastwarc", with_fastwarc), ("warcio", with_warcio)):
        try:
            seconds, found = best(read, data, args.rounds)
        except ImportError:
            print(f"{name:9s} not installed")
            continue
        assert found == args.pages, (name, found)
        print(f"{name:9s} {seconds:6.3f} s  {seconds / found * 1e6:6.0f} µs a page")
    cleaner, sample = Cleaner(), pages[: min(200, args.pages)]
    start = time.perf_counter()
    for page in sample:
        clean_page(cleaner, page.body, url=page.url, explain=False)
    per_page = (time.perf_counter() - start) / len(sample)
    print(f"cleaning  {per_page * 1e3:6.2f} ms a page (clean_page, one process)")


if __name__ == "__main__":
    main()
