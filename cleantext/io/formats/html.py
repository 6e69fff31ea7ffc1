"""HTML pages: a file is one page, written back as its cleaned article text, or as a record.

A page goes through :func:`cleantext.pages.clean_page` (site rules by ``--url``, else the
page's canonical or ``og:url`` URL). Written as text by default; to a ``.jsonl`` or
``.parquet`` output each page is a record (``id``: the file name, ``url``, the text, and the
page's metadata with ``--annotate``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ...document import Document
from ...pages import looks_like_page, page_text
from ..chunk import Chunk, ChunkResult, Payload, Reject, Tally, dump_json
from ..compression import compressor
from ..format import Fields, Format
from .text import text_result

if TYPE_CHECKING:
    from ...records import Processor


class HtmlFormat(Format):
    name = "html"
    text_dump = False
    suffixes = (".html", ".htm", ".xhtml")
    payloads = (Payload.TEXT, Payload.RECORDS)
    columns = MappingProxyType({"url": "string"})
    holds = "one HTML page; its article text (as a record: id, url, text)"

    def sniff(self, head: bytes) -> bool:
        return looks_like_page(head[:8192].decode("utf-8", "replace"))

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        tally = Tally()
        tally.records_in += 1
        reason = processor.too_big(chunk.data)
        if not reason:
            try:
                text, note, url = processor.clean_page(chunk.data, None, tally)
            except Exception as error:  # keep the page whole in the rejects
                reason = f"could not be cleaned ({type(error).__name__}: {error})"
        if reason:
            tally.rejects.append(Reject(chunk.source, 0, reason, chunk.data))
            if chunk.payload is Payload.RECORDS:
                return tally.result(chunk, b"", 0)
            return text_result(chunk, tally, None)
        if chunk.payload is not Payload.RECORDS:
            return text_result(chunk, tally, text)
        name = "stdin" if chunk.source == "-" else PurePath(chunk.source).name
        options = processor.options
        record: dict[str, Any] = {"id": name, "url": options.url or url}
        record[options.text_field] = text
        if note is not None and options.annotate:
            record[options.annotate] = note
        return tally.result(chunk, compressor(chunk.compress)(dump_json(record) + b"\n"), 1)

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        page = page_text(chunk.data)
        yield Document(page.text, page.url, chunk.source)


FORMATS = (HtmlFormat(),)
