"""The local engine: clean every unit of a :class:`~cleantext.io.plan.Plan`, nothing lost.

Chunks of all inputs flow through one order-keeping worker pool (so workers stay busy across
file boundaries); results are written to each unit's output in order, rejects go to the
rejects log, and the counts of every chunk are added up so the caller can check that records
in = records out + rejected. Outputs appear under their final names only when complete.
"""

from __future__ import annotations

import json
import os
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import IO

from .classify.dump import DumpReading
from .errors import InputError
from .io.chunk import Chunk, ChunkResult, Counts, Reject
from .io.compression import Codec, open_decompressed
from .io.dump_kind import kind_marked, read_files
from .io.plan import STDIO, Plan, Unit
from .io.progress import Progress
from .io.read import CHUNK_BYTES
from .io.sinks import AtomicFile, Sink, cannot_write, partial_name
from .options import CleanOptions
from .parallel import WorkerPool
from .records import Processor


class RejectsLog:
    """Where rejected records go: a JSONL file (written atomically), else standard error.

    With ``resume``, the rejects an earlier, interrupted run logged for the inputs in ``done``
    (those whose outputs are complete and now skipped; ``None``: all of them) are kept, read
    from the rejects file or, when that run was killed, from its temporary file: the rejects
    of the other inputs are logged again as they are cleaned again. So that this works after
    any interruption, :meth:`checkpoint` is called before each output is committed, and an
    interrupted run keeps its temporary file once some output is complete.
    """

    def __init__(
        self, path: Path | None, *, resume: bool = False, done: frozenset[str] | None = None
    ) -> None:
        self.path = path
        self._resume = resume
        self._done = done
        self._atomic: AtomicFile | None = None
        self._file: IO[bytes] | None = None
        self._needed = False  # the temporary file holds rejects of complete outputs

    def __enter__(self) -> RejectsLog:
        if self.path is not None:
            keep = kept_rejects(self.path, self._done) if self._resume else b""
            self._atomic = AtomicFile(self.path, keep=keep)
            self._file = self._atomic.__enter__()
            self._needed = bool(keep)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._atomic is None:
            return
        if kind is not None and self._needed:
            self._atomic.keep_partial()  # what --resume reads: the rejects of complete outputs
        else:
            self._atomic.__exit__(kind, error, traceback)

    def write(self, reject: Reject) -> None:
        if self._file is None:
            print(f"cleantext: {reject.location()}: rejected: {reject.reason}", file=sys.stderr)
            return
        try:
            self._file.write(reject.to_json())
        except OSError as failure:
            raise cannot_write(self.path or "rejects", failure) from failure

    def checkpoint(self) -> None:
        """Make the rejects logged so far safe before an output is committed."""
        if self._file is not None:
            try:
                self._file.flush()
            except OSError as failure:
                raise cannot_write(self.path or "rejects", failure) from failure
            self._needed = True


def kept_rejects(path: Path, done: frozenset[str] | None) -> bytes:
    """The lines of the rejects log at ``path`` (its temporary file if an interrupted run
    left one, which is newer) whose source is in ``done`` (all when ``None``)."""
    source = partial_name(path) if partial_name(path).exists() else path
    try:
        data = source.read_bytes()
    except FileNotFoundError:
        return b""
    except OSError as error:
        raise InputError(f"{source}: cannot be read: {error.strerror}") from error
    if done is None:
        return data
    wanted = {_same_path(name) for name in done}
    kept = []
    for line in data.splitlines(keepends=True):
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # the last line of a killed run may be cut short
        if isinstance(entry, dict) and _same_path(str(entry.get("source"))) in wanted:
            kept.append(line if line.endswith(b"\n") else line + b"\n")
    return b"".join(kept)


def _same_path(name: str) -> str:
    """One spelling per input file, whatever spelling the run that logged it was given."""
    return os.path.realpath(name)


@dataclass(frozen=True, slots=True)
class Summary:
    """What a run did: the counts, input problems (truncated or unreadable files and folders,
    ``unreadable`` of them could not be read at all), outputs skipped as complete, and what
    kind each input was read as (``input_kind="auto"``, inputs of enough documents)."""

    counts: Counts = field(default_factory=Counts)
    errors: tuple[str, ...] = ()
    skipped: int = 0
    unreadable: int = 0
    kinds: tuple[str, ...] = ()

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
        self.kinds: list[str] = []

    def read(self, source: str, found: DumpReading) -> None:
        """Note what kind an input was read as (see :mod:`cleantext.io.dump_kind`)."""
        note = found.note(source)
        if note is not None:
            self.kinds.append(note)

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
    """The chunks of one input, read from its (decompressed) ``stream`` by its format."""
    return unit.format.chunks(
        stream, unit.source, chunk_bytes=chunk_bytes, compress=compress, payload=unit.payload
    )


def _plan_chunks(
    plan: Plan, reading: _Reading, chunk_bytes: int, options: CleanOptions
) -> Iterator[Chunk | None]:
    """Every chunk of every unit in order, and ``None`` after each unit's last chunk; each
    unit's chunks marked with the kind its first documents show, where that is read
    (:mod:`cleantext.io.dump_kind`)."""
    files = read_files(
        ((unit.source, unit.format) for unit in plan.units if unit.source != STDIO),
        options,
        lambda name: open(name, "rb"),  # noqa: SIM115 (closed by read_files)
    )
    if files is not None:
        reading.read(ONE_TEXT_FILES, files)
    for unit in plan.units:
        output = unit.output if plan.tree else plan.output
        writer = unit.writer if plan.tree else plan.output_format
        compress = writer.output_codec(output) if writer is not None else None
        noted = partial(reading.read, unit.source)  # the report's note of the kind read
        if unit.source == STDIO:
            chunks = unit_chunks(unit, sys.stdin.buffer, compress=compress, chunk_bytes=chunk_bytes)
            for chunk in kind_marked(chunks, unit.format, options, None, noted):
                yield reading.mark(chunk)
        else:
            try:
                raw = open(unit.source, "rb")  # noqa: SIM115 (closed below)
            except OSError as error:
                reason = f"cannot be read: {error.strerror}"
                yield reading.mark(Chunk(unit.format, unit.source, 0, b"", None, reason, True))
                yield reading.mark(None)
                continue
            with raw:
                reading.raw = raw
                with open_decompressed(raw, unit.format.input_codec(unit.source)) as stream:
                    chunks = unit_chunks(unit, stream, compress=compress, chunk_bytes=chunk_bytes)
                    for chunk in kind_marked(chunks, unit.format, options, files, noted):
                        yield reading.mark(chunk)
            reading.done += unit.size or 0
        yield reading.mark(None)


ONE_TEXT_FILES = "the run's plain-text files"
"""How the end-of-run report names the one-document files read together."""


def _process(processor: Processor, chunk: Chunk | None) -> ChunkResult | None:
    return None if chunk is None else processor.process(chunk)


class _Outputs:
    """Opens each unit's output when its first result arrives, commits it after its last; a
    unit whose input could not be read gets no output (``--resume`` then tries it again)."""

    def __init__(self, plan: Plan, stdout: IO[bytes], rejects: RejectsLog) -> None:
        self._plan = plan
        self._units = iter(plan.units)
        self._stdout = stdout
        self._rejects = rejects
        self._atomic: AtomicFile | None = None
        self._sink: Sink | None = None
        self._name = ""

    def sink(self) -> Sink:
        if self._sink is None:
            unit = next(self._units) if self._plan.tree else self._plan.units[0]
            path = unit.output if self._plan.tree else self._plan.output
            writer = unit.writer if self._plan.tree else self._plan.output_format
            assert writer is not None
            columns = unit.format.columns if self._plan.tree else self._plan.columns
            if path is None:
                self._name = "standard output"
                self._sink = writer.sink(self._stdout, unit.payload, flush=True, columns=columns)
            else:
                self._name = str(path)
                self._atomic = AtomicFile(path)
                stream = self._atomic.__enter__()
                self._sink = writer.sink(stream, unit.payload, columns=columns)
        return self._sink

    def write(self, data: bytes) -> None:
        sink = self.sink()
        try:
            sink.write(data)
        except BrokenPipeError:
            raise  # a reader that stopped reading (| head): not a failure of the run
        except OSError as failure:
            raise cannot_write(self._name, failure) from failure

    def unit_done(self, *, unread: bool = False) -> None:
        if not self._plan.tree:
            return
        self.sink()  # an input without records still gets its (empty) output
        if unread:
            self.abort(None)
        else:
            self.commit()

    def commit(self) -> None:
        self._rejects.checkpoint()
        try:
            if self._sink is not None:
                self._sink.close()
        except BrokenPipeError:
            raise
        except OSError as failure:
            raise cannot_write(self._name, failure) from failure
        if self._atomic is not None:
            self._atomic.__exit__(None, None, None)
        self._sink = self._atomic = None

    def abort(self, error: BaseException | None) -> None:
        if self._atomic is not None:
            kind = type(error) if error is not None else OSError
            self._atomic.__exit__(kind, error, None)
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
    outputs = _Outputs(plan, stdout if stdout is not None else sys.stdout.buffer, log)
    counts = Counts()
    errors: list[str] = list(plan.errors)
    unreadable = 0
    for error in plan.errors:
        print(f"cleantext: {error}", file=sys.stderr)
    if not plan.units:
        return Summary(skipped=plan.skipped, errors=tuple(errors))
    if not plan.tree:
        outputs.sink()  # the one output exists even when no record reaches it
    unread = False
    read_any = False  # some input was read: the stream shape's one output holds it
    try:
        with WorkerPool(processor, jobs) as pool:
            chunks = _plan_chunks(plan, reading, chunk_bytes, processor.options)
            for result in pool.map(_process, chunks):
                position = reading.marks.popleft()
                if result is None:
                    outputs.unit_done(unread=unread)
                    read_any = read_any or not unread
                    unread = False
                    continue
                outputs.write(result.data)
                for reject in result.rejects:
                    log.write(reject)
                counts += result.counts
                # An input found unreadable (every batch of a Parquet file without the text
                # column says so) is named once.
                if result.error and not unread:
                    errors.append(f"{result.source}: {result.error}")
                    print(f"cleantext: {result.source}: {result.error}", file=sys.stderr)
                    unread = unread or result.unread
                    unreadable += result.unread
                if progress is not None:
                    progress.update(counts.records_in, position)
        if not plan.tree and read_any:
            outputs.commit()
        elif not plan.tree:  # no input could be read: no output, as in a tree
            outputs.abort(None)
    except BaseException as error:
        outputs.abort(error)
        raise
    finally:
        if progress is not None:
            progress.close()
    unreadable += len(plan.errors)
    return Summary(counts, tuple(errors), plan.skipped, unreadable, tuple(reading.kinds))
