"""What a format is: a reader that cuts input into chunks, the processing of those chunks, and
(for formats that are also outputs) a sink.

Every format is one module of :mod:`cleantext.io.formats` holding one :class:`Format`
subclass per format and a ``FORMATS`` tuple of their instances; :mod:`cleantext.io.registry`
finds them there, and every engine (``cleantext clean`` locally or with ``-j``, the Dask
engine, ``cleantext mine``) goes through the registry. Adding a format is adding a module.

The contract of a format, whatever its records are:

* :meth:`Format.chunks` runs in the reading process and only cuts the (decompressed) stream
  at record boundaries, into chunks whose boundaries depend only on the content; a stream
  that breaks off gives every whole record before the damage, then a chunk carrying the error;
* :meth:`Format.process` runs wherever the chunk is sent and never raises for a bad record:
  each record read is written, skipped for a stated reason, or rejected whole;
* :meth:`Format.documents` gives the raw text of each record (for ``cleantext mine``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import PurePath
from types import MappingProxyType
from typing import IO, TYPE_CHECKING, Any, ClassVar

from ..errors import ConfigError
from .chunk import Chunk, ChunkResult, Payload, Reject, Tally
from .compression import Codec, codec_for, strip_codec
from .read import whole_chunks
from .sinks import ByteSink, Sink

if TYPE_CHECKING:
    from ..document import Document
    from ..records import Processor


@dataclass(frozen=True, slots=True)
class Fields:
    """Where :meth:`Format.documents` finds a record's text and URL: the first field present
    of each list (``cleantext mine`` accepts several names), and an HTML field if any."""

    text: tuple[str, ...] = ("text",)
    url: tuple[str, ...] = ("url",)
    html: str | None = None


class Format:
    """A format of input (and perhaps of output). Subclasses set the class attributes and
    implement the methods; each has exactly one instance, in its module's ``FORMATS``.

    Attributes:
        name: the ``--format`` value.
        suffixes: file name endings (lower case, after any compression extension) that say
            this format; the longest ending found among all formats wins.
        payloads: what processed chunks can hold, the default first.
        writes: the payloads this format's :meth:`sink` takes (empty: not an output format).
        columns: for the ``RECORDS`` payload, the fields a format's records may carry, with
            their Arrow type names, so a Parquet output has them from its first batch on.
        decompress: the file may carry a compression extension (``.gz``...) and is read
            through its decompressor; ``False`` for formats that compress themselves.
        unit: what a record's number counts in rejects: ``line``, ``row`` or ``record``.
        holds: what one record is, in a few words (``--help``, the README's format table).
        text_dump: a file holds many texts the text pipeline cleans, so under
            ``input_kind="auto"`` their kind is read from the first ones
            (:mod:`cleantext.io.dump_kind`); ``False`` for one document a file and for HTML
            pages (the HTML engine does not use the text classifier).
        one_text: a file is one text the text pipeline cleans, so under ``input_kind="auto"``
            a run's files of this format are read together, as one dump, from the first ones.
    """

    name: ClassVar[str]
    suffixes: ClassVar[tuple[str, ...]] = ()
    payloads: ClassVar[tuple[Payload, ...]]
    writes: ClassVar[frozenset[Payload]] = frozenset()
    columns: ClassVar[Mapping[str, str]] = MappingProxyType({})
    decompress: ClassVar[bool] = True
    unit: ClassVar[str] = "line"
    holds: ClassVar[str]
    text_dump: ClassVar[bool] = True
    one_text: ClassVar[bool] = False

    def __reduce__(self) -> tuple[Any, ...]:
        # Stateless: a worker rebuilds the same format from its class (no state to send).
        return (type(self), ())

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self)

    def __hash__(self) -> int:
        return hash(type(self))

    def __repr__(self) -> str:
        return f"<format {self.name}>"

    def suffix_of(self, name: str | PurePath) -> str:
        """The ending of ``name`` (compression extension aside) that says this format, or
        ``""``."""
        lowered = strip_codec(PurePath(name).name).lower()
        return max((s for s in self.suffixes if lowered.endswith(s)), key=len, default="")

    def input_codec(self, path: str | PurePath) -> Codec | None:
        """The codec an input of this format named ``path`` is read through."""
        return codec_for(path) if self.decompress else None

    def output_codec(self, path: str | PurePath | None) -> Codec | None:
        """The codec processed chunks are compressed with for an output of this format at
        ``path`` (none for standard output, nor for a format that compresses itself)."""
        return codec_for(path) if self.decompress and path is not None else None

    def sniff(self, head: bytes) -> bool:
        """Whether ``head`` (the start of a file, decompressed) shows this format by its
        content (``--format auto``, for files whose name says plain text)."""
        return False

    def chunks(
        self,
        stream: IO[bytes],
        source: str,
        *,
        chunk_bytes: int,
        compress: Codec | None = None,
        payload: Payload | None = None,
    ) -> Iterator[Chunk]:
        """Cut ``stream`` (decompressed unless :attr:`decompress` is false) into chunks: by
        default the whole file is one chunk (a format of one document a file)."""
        return whole_chunks(stream, source, self, compress=compress, payload=payload)

    def process(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        """Parse, clean and encode ``chunk`` (whose ``error`` is empty); never raises for a
        bad record."""
        raise NotImplementedError

    def cut_short(self, processor: Processor, chunk: Chunk) -> ChunkResult:
        """The result of a chunk that reports broken input (``chunk.error``): what was left of
        the record the damage cut, if anything, is rejected."""
        tally = Tally()
        if chunk.data:
            tally.records_in += 1
            reason = "record cut short by truncated or corrupt input"
            tally.rejects.append(Reject(chunk.source, chunk.first, reason, chunk.data, self.unit))
        return tally.result(chunk, b"", 0)

    def documents(self, chunk: Chunk, fields: Fields) -> Iterator[Document]:
        """The raw text of each record of ``chunk``, for ``cleantext mine``.

        Raises:
            InputError: a record that holds no text, naming it.
        """
        raise NotImplementedError

    def sink(
        self,
        stream: IO[bytes],
        payload: Payload,
        *,
        flush: bool = False,
        columns: Mapping[str, str] = MappingProxyType({}),
    ) -> Sink:
        """Where processed chunks of ``payload`` go, written as this format to ``stream``: by
        default their bytes as they are, for a format that :attr:`writes` anything."""
        if not self.writes:
            raise ConfigError(f"{self.name} is an input format only; it cannot be written.")
        return ByteSink(stream, flush=flush)

    def payload_for(self, writer: Format | None) -> Payload | None:
        """What this format's chunks hold when written by ``writer`` (``None``: the default);
        ``None`` when ``writer`` cannot take any of them."""
        if writer is None:
            return self.payloads[0]
        return next((p for p in self.payloads if p in writer.writes), None)
