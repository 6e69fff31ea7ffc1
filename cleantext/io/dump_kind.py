"""Read an input's kind (whole pages or extracted text) from its first documents, then hand
its chunks on marked with it.

Under ``input_kind="auto"`` the engines pass each input's chunks through :func:`with_dump_kind`:
the first chunks are held back until :class:`~cleantext.classify.dump.DumpSample` has read
enough documents, then every chunk of the input goes on with the kind they showed
(:attr:`Chunk.input_kind`), which the processor cleans it with. The reading depends only on the
input's content, so ``-j``, ``--resume`` and the Dask engine see the same kind for the same file.
Nothing is lost: chunks are only held back, and a record the sample cannot read is left to the
processing, which rejects it with its reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from ..classify.dump import DumpReading, DumpSample
from ..options import CleanOptions
from .chunk import Chunk
from .format import Fields, Format


def sampled_fields(options: CleanOptions, format: Format) -> Fields | None:
    """Where the sample finds each record's text, or ``None`` when the kind of an input of
    ``format`` is not to be read: an ``input_kind`` other than ``auto``, no classifier, not
    a dump of texts (:attr:`Format.text_dump`), or records cleaned from their HTML (the HTML
    engine does not use the text classifier)."""
    if options.input_kind != "auto" or not options.classifier or options.html_field:
        return None
    if not format.text_dump:
        return None
    return Fields(text=(options.text_field,), url=(options.url_field,))


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
    kind = reading.input_kind
    for chunk in chain(held, rest):
        yield dataclasses.replace(chunk, input_kind=kind)
