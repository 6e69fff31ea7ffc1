"""Writers: files that appear under their final name only when complete, and byte sinks.

An output is written to a hidden temporary name beside the final one (same folder, so the
rename is atomic) and renamed when the run finished it. A run that is killed leaves at most
that hidden file, which the next run overwrites; it never leaves a truncated file under the
final name, which is what makes ``--resume`` safe: an output that exists is complete.
"""

from __future__ import annotations

import os
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

from .formats import Format


def partial_name(path: Path) -> Path:
    """The hidden name an output has while it is written (``out/.a.jsonl.partial``)."""
    return path.with_name(f".{path.name}.partial")


class AtomicFile:
    """A binary file written under :func:`partial_name` and renamed on success.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with AtomicFile(target) as f:
    ...     _ = f.write(b"done")
    ...     target.exists()
    False
    >>> target.read_bytes()
    b'done'
    """

    def __init__(self, path: Path, *, keep: bytes = b"") -> None:
        self.path = path
        self.temporary = partial_name(path)
        self._keep = keep
        self._file: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = open(self.temporary, "wb")  # closed in __exit__
        self._file.write(self._keep)
        return self._file

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        assert self._file is not None
        self._file.close()
        if kind is None:
            os.replace(self.temporary, self.path)
        else:
            self.temporary.unlink(missing_ok=True)


class Sink(Protocol):
    """Where processed chunks of one output go, in order."""

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class ByteSink:
    """Text and JSONL output: the chunks' bytes (already encoded and compressed) appended.

    ``flush`` makes each chunk visible at once, so a filter's reader is not kept waiting.
    """

    def __init__(self, stream: IO[bytes], *, flush: bool = False) -> None:
        self._stream = stream
        self._flush = flush

    def write(self, data: bytes) -> None:
        if data:
            self._stream.write(data)
            if self._flush:
                self._stream.flush()

    def close(self) -> None:
        self._stream.flush()


def sink_for(
    output_format: Format, stream: IO[bytes], *, flush: bool = False, from_jsonl: bool = False
) -> Sink:
    """The sink writing ``output_format`` to ``stream``.

    ``from_jsonl``: the chunks hold JSONL records (a database export's articles) even when the
    output is Parquet, so the Parquet sink builds its table from them.
    """
    if output_format is Format.PARQUET:
        from .parquet import JsonlParquetSink, ParquetSink

        return JsonlParquetSink(stream) if from_jsonl else ParquetSink(stream)
    return ByteSink(stream, flush=flush)
