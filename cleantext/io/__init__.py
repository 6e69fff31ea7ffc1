"""Reading and writing dumps: formats, compression, chunked readers, atomic writers.

Readers (:mod:`.read`, :mod:`.parquet`) cut input into :class:`Chunk` values of raw bytes;
writers (:mod:`.sinks`) append processed chunks to outputs that appear only when complete;
:mod:`.plan` decides which input goes to which output. Nothing here cleans text: that is
:mod:`cleantext.records`, so the same readers serve the local engine and the Dask one.
"""

from __future__ import annotations

from .compression import Codec, codec_for
from .formats import Chunk, Format, detect_format

__all__ = ["Chunk", "Codec", "Format", "codec_for", "detect_format"]
