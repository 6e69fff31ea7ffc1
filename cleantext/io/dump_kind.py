"""Read an input's kind (whole pages or extracted text) from its first documents, then hand
its chunks on marked with it.

Under ``input_kind="auto"`` the engines pass each input's chunks through :func:`with_dump_kind`:
the first chunks are held back until :class:`~cleantext.classify.dump.DumpSample` has read
enough documents, then every chunk of the input goes on with the kind they showed
(:attr:`Chunk.input_kind`), which the processor cleans it with. The reading depends only on the
input's content, so ``-j``, ``--resume`` and the Dask engine see the same kind for the same file.
Nothing is lost: chunks are only held back, and a record the sample cannot read is left to the
processing, which rejects it with its reason.

A file that is one document (plain text) says nothing alone, so a run's files of such a format
are read together instead (:func:`read_files`, from the first ones in the run's order), before
any is cleaned; each chunk of theirs is marked with :func:`marked`. After ``--resume`` the files
left are read afresh. :func:`kind_marked` is what each engine calls on an input's chunks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import IO

from ..classify.dump import DumpReading, DumpSample
from ..options import CleanOptions
from .chunk import Chunk
from .compression import open_decompressed
from .format import Fields, Format
from .read import CHUNK_BYTES


def sampled_fields(options: CleanOptions, format: Format) -> Fields | None:
    """Where the sample finds each record's text, or ``None`` when the kind of an input of
    ``format`` is not to be read: not asked for (:attr:`CleanOptions.reads_dump_kind`), not a
    dump of texts (:attr:`Format.text_dump`), or records cleaned from their HTML (the HTML
    engine does not use the text classifier)."""
    if not options.reads_dump_kind or options.html_field or not format.text_dump:
        return None
    return _text_fields(options)


def _text_fields(options: CleanOptions) -> Fields:
    return Fields(text=(options.text_field,), url=(options.url_field,))


def read_files(
    files: Iterable[tuple[str, Format]],
    options: CleanOptions,
    opener: Callable[[str], IO[bytes]],
) -> DumpReading | None:
    """What a run's one-document files (:attr:`Format.one_text`) show, read from the first of
    ``files`` (``(name, format)`` in the run's order; ``opener`` opens a name for reading
    bytes); ``None`` when the kind is not to be read or no file is of such a format. A file
    that cannot be read is passed over: the run reports it when it comes to it."""
    chosen = [(name, fmt) for name, fmt in files if fmt.one_text]
    if not chosen or not options.reads_dump_kind:
        return None
    sample = DumpSample()
    fields = _text_fields(options)
    for name, fmt in chosen:
        if sample.complete:
            break
        try:
            with opener(name) as raw, open_decompressed(raw, fmt.input_codec(name)) as stream:
                for chunk in fmt.chunks(stream, name, chunk_bytes=CHUNK_BYTES):
                    for document in fmt.documents(chunk, fields):
                        sample.add(document.text)
        except Exception:  # the sample only advises: the run reports what it cannot read
            continue
    return sample.reading()


def kind_marked(
    chunks: Iterable[Chunk],
    format: Format,
    options: CleanOptions,
    files: DumpReading | None,
    on_reading: Callable[[DumpReading], None] | None = None,
) -> Iterable[Chunk]:
    """One input's ``chunks`` as an engine hands them on: a one-document file's marked with
    the kind of the run's such files (``files``, from :func:`read_files`), a dump's with the
    kind its first documents show (:func:`with_dump_kind`, which tells ``on_reading``), any
    other input's as they are."""
    if format.one_text:
        kind = files.input_kind if files is not None else "document"
        return chunks if kind == "document" else marked(chunks, kind)
    fields = sampled_fields(options, format)
    if fields is None:
        return chunks
    return with_dump_kind(chunks, fields, on_reading)


def marked(chunks: Iterable[Chunk], input_kind: str) -> Iterator[Chunk]:
    """``chunks`` marked to be cleaned as ``input_kind``."""
    for chunk in chunks:
        yield dataclasses.replace(chunk, input_kind=input_kind)


def with_dump_kind(
    chunks: Iterable[Chunk],
    fields: Fields,
    on_reading: Callable[[DumpReading], None] | None = None,
) -> Iterator[Chunk]:
    """``chunks`` (one input's, in order) marked with the kind their first documents show;
    ``on_reading`` hears the reading once it is made."""
    held: list[Chunk] = []
    sample = DumpSample()
    rest = iter(chunks)
    for chunk in rest:
        held.append(chunk)
        if chunk.error:
            break
        try:
            for document in chunk.format.documents(chunk, fields):
                sample.add(document.text)
                if sample.complete:
                    break
        except Exception:  # the sample only advises: a record it cannot read is left to
            pass  # the processing, which rejects it with its reason
        if sample.complete:
            break
    reading = sample.reading()
    if on_reading is not None:
        on_reading(reading)
    yield from marked(chain(held, rest), reading.input_kind)
