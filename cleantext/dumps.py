"""The local engine: clean every unit of a :class:`~cleantext.io.plan.Plan`, nothing lost.

Chunks of all inputs flow through one order-keeping worker pool (so workers stay busy across
file boundaries); results are written to each unit's output in order, rejects go to the
rejects log, and the counts of every chunk are added up so the caller can check that records
in = records out + rejected. Outputs appear under their final names only when complete.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import TracebackType
from typing import IO

from .io.compression import Codec, codec_for, open_decompressed
from .io.formats import EXPORTS, Chunk, Format
from .io.plan import STDIO, Plan, Unit
from .io.progress import Progress
from .io.read import CHUNK_BYTES, document_chunks, jsonl_chunks
from .io.sinks import AtomicFile, Sink, sink_for
from .parallel import WorkerPool
from .records import ChunkResult, Counts, Processor, Reject


class RejectsLog:
    """Where rejected records go: a JSONL file (written atomically), else standard error.

    With ``resume`` an existing rejects file is kept and new rejects are added after it.
    """

    def __init__(self, path: Path | None, *, resume: bool = False) -> None:
        self.path = path
        self._resume = resume
        self._atomic: AtomicFile | None = None
        self._file: IO[bytes] | None = None

    def __enter__(self) -> RejectsLog:
        if self.path is not None:
            keep = self.path.read_bytes() if self._resume and self.path.exists() else b""
            self._atomic = AtomicFile(self.path, keep=keep)
            self._file = self._atomic.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._atomic is not None:
            self._atomic.__exit__(kind, error, traceback)

    def write(self, reject: Reject) -> None:
        if self._file is not None:
            self._file.write(reject.to_json())
        else:
            print(f"cleantext: {reject.location()}: rejected: {reject.reason}", file=sys.stderr)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a run did: the counts, input problems (truncated files) and skipped outputs."""

    counts: Counts = field(default_factory=Counts)
    errors: tuple[str, ...] = ()
    skipped: int = 0

    @property
    def clean(self) -> bool:
        """Nothing rejected and no input problem."""
        return not self.counts.rejected and not self.errors


class _Reading:
    """Where the chunk generator is in the input, for the progress line (one run only).

    ``marks`` holds the input position after each item handed out; results come back in the
    same order, so popping one per result gives the position processing has reached rather
    than the position of the reader, which runs a few chunks ahead.
    """

    def __init__(self) -> None:
        self.done = 0
        self.raw: IO[bytes] | None = None
        self.marks: deque[int] = deque()

    def mark(self, item: Chunk | None) -> Chunk | None:
        self.marks.append(self.position())
        return item

    def position(self) -> int:
        if self.raw is None or self.raw.closed:
            return self.done
        try:
            return self.done + self.raw.tell()
        except OSError:
            return self.done


def unit_chunks(
    unit: Unit,
    stream: IO[bytes],
    *,
    compress: Codec | None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[Chunk]:
    """The chunks of one input, read from its (decompressed) ``stream``."""
    if unit.format is Format.JSONL:
        return jsonl_chunks(stream, unit.source, chunk_bytes=chunk_bytes, compress=compress)
    if unit.format is Format.PARQUET:
        from .io.parquet import parquet_chunks

        return parquet_chunks(stream, unit.source)
    chunks = document_chunks(stream, unit.source, compress=compress)
    if unit.format in EXPORTS:
        # An export is read whole, like a text document; the processor splits its articles.
        return (replace(chunk, format=unit.format) for chunk in chunks)
    return chunks


def _output_codec(output_format: Format, path: Path | None) -> Codec | None:
    return None if output_format is Format.PARQUET or path is None else codec_for(path)


def _plan_chunks(plan: Plan, reading: _Reading, chunk_bytes: int) -> Iterator[Chunk | None]:
    """Every chunk of every unit in order, and ``None`` after each unit's last chunk."""
    for unit in plan.units:
        output = unit.output if plan.tree else plan.output
        fmt = unit.format if plan.tree else plan.output_format
        compress = _output_codec(fmt, output)
        if unit.source == STDIO:
            for chunk in unit_chunks(
                unit, sys.stdin.buffer, compress=compress, chunk_bytes=chunk_bytes
            ):
                yield reading.mark(chunk)
        else:
            with open(unit.source, "rb") as raw:
                reading.raw = raw
                codec = None if unit.format is Format.PARQUET else codec_for(unit.source)
                with open_decompressed(raw, codec) as stream:
                    for chunk in unit_chunks(
                        unit, stream, compress=compress, chunk_bytes=chunk_bytes
                    ):
                        yield reading.mark(chunk)
            reading.done += unit.size or 0
        yield reading.mark(None)


def _process(processor: Processor, chunk: Chunk | None) -> ChunkResult | None:
    return None if chunk is None else processor.process(chunk)


class _Outputs:
    """Opens each unit's output when its first result arrives, commits it after its last."""

    def __init__(self, plan: Plan, stdout: IO[bytes]) -> None:
        self._plan = plan
        self._units = iter(plan.units)
        self._stdout = stdout
        self._atomic: AtomicFile | None = None
        self._sink: Sink | None = None

    def sink(self) -> Sink:
        if self._sink is None:
            unit = next(self._units) if self._plan.tree else None
            path = unit.output if unit is not None else self._plan.output
            fmt = unit.format if unit is not None else self._plan.output_format
            # Export articles arrive as JSONL records, whatever the output holds.
            records = (unit or self._plan.units[0]).format in EXPORTS
            if path is None:
                self._sink = sink_for(fmt, self._stdout, flush=True, from_jsonl=records)
            else:
                self._atomic = AtomicFile(path)
                self._sink = sink_for(fmt, self._atomic.__enter__(), from_jsonl=records)
        return self._sink

    def unit_done(self) -> None:
        if self._plan.tree:
            self.sink()  # an input without records still gets its (empty) output
            self.commit()

    def commit(self) -> None:
        if self._sink is not None:
            self._sink.close()
        if self._atomic is not None:
            self._atomic.__exit__(None, None, None)
        self._sink = self._atomic = None

    def abort(self, error: BaseException) -> None:
        if self._atomic is not None:
            self._atomic.__exit__(type(error), error, None)
        self._sink = self._atomic = None


def run(
    plan: Plan,
    processor: Processor,
    *,
    jobs: int = 1,
    rejects: RejectsLog | None = None,
    progress: Progress | None = None,
    stdout: IO[bytes] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
) -> Summary:
    """Clean every unit of ``plan``; return the counts. Bad records never raise."""
    log = rejects if rejects is not None else RejectsLog(None)
    reading = _Reading()
    outputs = _Outputs(plan, stdout if stdout is not None else sys.stdout.buffer)
    counts = Counts()
    errors: list[str] = []
    if not plan.units:
        return Summary(skipped=plan.skipped)
    if not plan.tree:
        outputs.sink()  # the one output exists even when no record reaches it
    try:
        with WorkerPool(processor, jobs) as pool:
            for result in pool.map(_process, _plan_chunks(plan, reading, chunk_bytes)):
                position = reading.marks.popleft()
                if result is None:
                    outputs.unit_done()
                    continue
                outputs.sink().write(result.data)
                for reject in result.rejects:
                    log.write(reject)
                counts += result.counts
                if result.error:
                    errors.append(f"{result.source}: {result.error}")
                    print(f"cleantext: {result.source}: {result.error}", file=sys.stderr)
                if progress is not None:
                    progress.update(counts.records_in, position)
        outputs.commit()
    except BaseException as error:
        outputs.abort(error)
        raise
    finally:
        if progress is not None:
            progress.close()
    return Summary(counts, tuple(errors), plan.skipped)
