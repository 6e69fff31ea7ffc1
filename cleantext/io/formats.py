"""Input formats, how they are recognised by name, and the unit of work they are read into.

Readers cut input into :class:`Chunk` values that carry raw bytes, never parsed objects: the
parent process only splits bytes at record boundaries, and whoever processes a chunk (the
same process, a worker, a Dask task) parses, cleans and encodes it. Chunk boundaries depend
only on the input and the chunk size, so every engine and worker count gives the same output.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import PurePath

from .compression import Codec, strip_codec


class Format(Enum):
    """How a file holds documents."""

    TEXT = "text"  # the whole file is one document
    JSONL = "jsonl"  # one JSON object per line
    PARQUET = "parquet"  # a table with a text column
    NEXIS = "nexis"  # a Nexis text export: one record per article (see .exports)
    FACTIVA = "factiva"  # a Factiva text export: one record per article


#: Database exports: read whole, written as one JSONL (or Parquet) record per article.
EXPORTS = frozenset({Format.NEXIS, Format.FACTIVA})


_EXTENSIONS = {
    ".jsonl": Format.JSONL,
    ".ndjson": Format.JSONL,
    ".parquet": Format.PARQUET,
    ".pq": Format.PARQUET,
}


def detect_format(name: str | PurePath) -> Format:
    """The format a file name says, looking past a compression extension; text otherwise.

    >>> detect_format("dump.ndjson.zst"), detect_format("articles/0001.txt")
    (<Format.JSONL: 'jsonl'>, <Format.TEXT: 'text'>)
    """
    return _EXTENSIONS.get(PurePath(strip_codec(name)).suffix.lower(), Format.TEXT)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Raw records to process together, with enough context to report them.

    Attributes:
        format: how ``data`` holds records.
        source: input name shown in rejects and messages (``-`` for standard input).
        first: 1-based line (JSONL) or row (Parquet) number of the first record in ``data``.
        data: whole JSONL lines, one whole text document, or an Arrow IPC stream (Parquet).
        compress: codec to compress the encoded output with, so workers do it in parallel.
        error: set when the input broke off here: ``data`` is what was left of a record cut
            by truncated or corrupt compressed input, and ``error`` says what happened.
        unread: the input could not be opened at all (``error`` says why): its output is not
            written, so that ``--resume`` tries it again.
    """

    format: Format
    source: str
    first: int
    data: bytes
    compress: Codec | None = None
    error: str = ""
    unread: bool = False
