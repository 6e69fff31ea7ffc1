"""Reading and writing dumps: formats, compression, chunked readers, atomic writers.

A format (:mod:`.format`) is one module of :mod:`.formats`: a reader that cuts input into
:class:`Chunk` values of raw bytes, the processing of those chunks (parse, clean with a
:class:`~cleantext.records.Processor`, encode) and, for output formats, a sink. The registry
(:mod:`.registry`) finds them; :mod:`.plan` decides which input goes to which output;
:mod:`.sinks` writes outputs that appear only when complete. The engines
(:mod:`cleantext.dumps`, :mod:`cleantext.distributed`) and ``cleantext mine`` read through the
registry, so every format works with each of them.
"""

from __future__ import annotations

from .chunk import Chunk, ChunkResult, Counts, Payload, Reject
from .compression import Codec, codec_for

__all__ = ["Chunk", "ChunkResult", "Codec", "Counts", "Payload", "Reject", "codec_for"]
