"""Plain text: a file is one document, written back as its cleaned text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from ...document import Document
from ...errors import InputError
from ..chunk import Chunk, ChunkResult, Payload, Reject, Tally
from ..compression import compressor
from ..format import Fields, Format

if TYPE_CHECKING:
    from ...records import Processor


def text_result(chunk: Chunk, tally: Tally, cleaned: str | None) -> ChunkResult:
    """The result of a chunk holding one document: its cleaned text and a newline (nothing
    for an empty text), compressed for the output; ``None``: the document was rejected."""
    data = (cleaned + "\n").encode("utf-8") if cleaned else b""
    return tally.result(chunk, compressor(chunk.compress)(data), int(cleaned is not None))


def decoded(chunk: Chunk) -> str:
    """A whole document as UTF-8 text, for ``cleantext mine``."""
    try:
        return chunk.data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{chunk.source}: not UTF-8 text: {error.reason}.") from error


class TextFormat(Format):
    name = "text"
    text_dump = False
    one_text = True
    suffixes = (".txt",)
    payloads = (Payload.TEXT,)
    writes = frozenset({Payload.TEXT})
    holds = "the whole file is one document (any name no other format claims)"

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        tally = Tally()
        tally.records_in += 1
        reason = processor.too_big(chunk.data)
        if not reason:
            try:
                text = chunk.data.decode("utf-8")
            except UnicodeDecodeError as error:
                reason = f"not UTF-8 (byte {error.start}: {error.reason})"
        if not reason:
            try:
                cleaned, _ = processor.clean(text, None, tally)
                return text_result(chunk, tally, cleaned)
            except Exception as error:  # keep the document whole in the rejects
                reason = f"could not be cleaned ({type(error).__name__}: {error})"
        tally.rejects.append(Reject(chunk.source, 0, reason, chunk.data))
        return text_result(chunk, tally, None)

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        yield Document(decoded(chunk), None, chunk.source)


TEXT = TextFormat()
FORMATS = (TEXT,)
