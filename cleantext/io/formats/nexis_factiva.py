"""Nexis and Factiva text exports: one file of many articles, one JSON record per article.

The parsing is :mod:`cleantext.io.exports` (a pure function of the export's text); here the
file is read whole, each article's text cleaned with the export's own header and footer edits
explained first, and the fields the header and footer held written beside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from ...document import Document
from ..chunk import Chunk, ChunkResult, Payload, Reject, Tally, dump_json
from ..compression import compressor
from ..exports import FACTIVA, FIELDS, NEXIS, ExportLayoutError, read_export, sniff_export
from ..format import Fields, Format
from .text import decoded

if TYPE_CHECKING:
    from ...records import Processor

#: The fields an article may carry, all strings but its length in words.
COLUMNS = MappingProxyType(
    {name: "int64" if name == "length_words" else "string" for name in FIELDS}
)


class _ExportFormat(Format):
    """A database export; subclasses name the layout (:data:`~cleantext.io.exports.KINDS`)."""

    kind: ClassVar[str]
    payloads = (Payload.RECORDS,)
    columns = COLUMNS

    def sniff(self, head: bytes) -> bool:
        return sniff_export(head.decode("utf-8", "replace")) == self.kind

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        """One JSONL record per article (an export is read whole, one chunk: see
        :meth:`Format.chunks`).

        A file whose layout cannot be followed is rejected whole, at the line where reading
        went wrong; an article over ``--max-bytes`` is rejected alone, at the line its text
        starts on.
        """
        tally = Tally()
        reject: Reject | None = None
        try:
            articles = read_export(chunk.data.decode("utf-8"), self.kind)
        except UnicodeDecodeError as error:
            reject = Reject(chunk.source, 0, f"not UTF-8 (byte {error.start}: {error.reason})", b"")
        except ExportLayoutError as error:
            reject = Reject(chunk.source, error.line, str(error), b"")
        if reject is not None:
            tally.records_in += 1
            tally.rejects.append(replace(reject, record=chunk.data))
            return tally.result(chunk, b"", 0)
        name = "stdin" if chunk.source == "-" else PurePath(chunk.source).name
        options = processor.options
        out: list[bytes] = []
        for article in articles:
            tally.records_in += 1
            raw = article.raw.encode("utf-8")
            reason = processor.too_big(raw)
            if reason:
                tally.rejects.append(Reject(chunk.source, article.line, reason, raw))
                continue
            text, note = processor.clean(article.text, None, tally, prior=article.edits)
            record: dict[str, Any] = {"id": f"{name}#{article.number}"}
            record[options.text_field] = text
            record.update(article.fields)
            if note is not None and options.annotate:
                record[options.annotate] = note
            out.append(dump_json(record) + b"\n")
        return tally.result(chunk, compressor(chunk.compress)(b"".join(out)), len(out))

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        for article in read_export(decoded(chunk), self.kind):
            yield Document(article.text, None, f"{chunk.source}:{article.line}")


class NexisFormat(_ExportFormat):
    name = kind = NEXIS
    holds = "a Nexis text export; one record per article, with its header's fields"


class FactivaFormat(_ExportFormat):
    name = kind = FACTIVA
    holds = "a Factiva text export; one record per article, with its header's fields"


FORMATS = (NexisFormat(), FactivaFormat())
