"""The Dask engine: clean dumps on a cluster, one output partition per input partition.

Optional (the ``dask`` extra) and at the edge: this module imports the core, the core never
imports it. Paths are fsspec URLs (local paths, ``s3://``, ``gs://``... with the matching
fsspec backend installed), so workers read their input file and write their output file
themselves; the client only plans and adds up counts and rejects.

Each input file is one partition and gives one output file under the output folder, written
with the same readers, processor and sinks as the local engine (so outputs are
byte-identical to ``cleantext clean -o FOLDER``), under a temporary name first and renamed
when complete.

From Python::

    from cleantext import CleanOptions
    from cleantext.distributed import clean_dask

    summary = clean_dask(["s3://dumps/2024/"], "s3://clean/2024/",
                         options=CleanOptions(text_field="content", input_kind="page"),
                         scheduler="tcp://host:8786")
    assert summary.counts.balanced
"""

from __future__ import annotations

import dataclasses
import posixpath
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from .classify.dump import DumpReading
from .dumps import ONE_TEXT_FILES, RejectsLog, Summary, unit_chunks
from .errors import ConfigError
from .io.chunk import Counts, Payload, Reject
from .io.compression import open_decompressed
from .io.dump_kind import kind_marked, read_files
from .io.format import Format
from .io.plan import Unit, output_name
from .io.registry import format_for, writer_for
from .io.sinks import cannot_write
from .options import CleanOptions
from .pipeline import Cleaner
from .records import Processor

#: Scheduler names dask knows without a cluster (handy for debugging a job locally).
LOCAL_SCHEDULERS = ("sync", "threads", "processes")


def _dask() -> Any:
    try:
        import dask.bag
        import fsspec  # noqa: F401 (checked here so the message names the extra)
    except ImportError as error:
        raise ConfigError(
            "--engine dask needs dask: pip install 'cleantext-news[dask]'."
        ) from error
    return dask


@dataclass(frozen=True, slots=True)
class Partition:
    """One input file and the output file it becomes (fsspec URLs), named and written as the
    local engine's tree shape does (an export or WARC file becomes ``.jsonl``)."""

    source: str
    output: str
    format: Format
    files: DumpReading | None = None
    """What the run's one-document files showed (:func:`~cleantext.io.dump_kind.read_files`),
    read by the driver; ``None`` when it was not read."""

    @property
    def payload(self) -> Payload:
        """What the partition's processed chunks hold."""
        return self.format.payloads[0]

    @property
    def writer(self) -> Format:
        """The format its output is written in."""
        return writer_for(self.payload)


@dataclass(frozen=True, slots=True)
class PartitionResult:
    """What a worker sends back: counts, rejects and input problems of one partition
    (``unread``: its input could not be read, and it has no output)."""

    counts: Counts
    rejects: tuple[Reject, ...]
    errors: tuple[str, ...]
    unread: bool = False
    kinds: tuple[str, ...] = ()


def _files(url: str) -> list[tuple[str, str]]:
    """``(file URL, name relative to the input)`` for a file or, recursively, a folder."""
    import fsspec

    fs, path = fsspec.core.url_to_fs(url)
    if not fs.exists(path):
        raise ConfigError(f"{url}: no such file or folder.")
    if not fs.isdir(path):
        return [(url, posixpath.basename(path.rstrip("/")))]
    found = []
    root = path.rstrip("/")
    for file in sorted(fs.find(root)):
        relative = posixpath.relpath(file, root)
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        # Spelled as the user gave the folder, so rejects name files as the local engine does.
        found.append((f"{url.rstrip('/')}/{relative}", relative))
    return found


def plan_partitions(
    inputs: Sequence[str],
    output: str,
    *,
    format: Format | None = None,
    force: bool = False,
    resume: bool = False,
) -> tuple[list[Partition], int]:
    """The partitions to clean and how many were skipped because complete (``resume``).

    Credentials and endpoints for remote file systems come from fsspec's own configuration
    (environment variables, its config file), which workers read too.
    """
    import fsspec

    if not inputs:
        raise ConfigError("--engine dask needs input paths (standard input is not distributed).")
    out_fs, out_root = fsspec.core.url_to_fs(output)
    out_root = out_root.rstrip("/")
    partitions: list[Partition] = []
    skipped = 0
    seen: set[str] = set()
    for url in inputs:
        in_fs, in_path = fsspec.core.url_to_fs(url)
        if type(in_fs) is type(out_fs) and (out_root + "/").startswith(in_path.rstrip("/") + "/"):
            raise ConfigError(f"{output}: is inside the input {url}; choose another output.")
        for file, relative in _files(url):
            fmt = format or format_for(relative)
            renamed = output_name(PurePosixPath(relative), fmt, writer_for(fmt.payloads[0]))
            target = f"{out_root}/{renamed}"
            if target in seen:
                raise ConfigError(f"two inputs would both be written to {target}.")
            seen.add(target)
            if out_fs.exists(target):
                if resume:
                    skipped += 1
                    continue
                if not force:
                    raise ConfigError(
                        f"{target}: already exists; add --force to overwrite, or --resume."
                    )
            partitions.append(Partition(file, out_fs.unstrip_protocol(target), fmt))
    return partitions, skipped


def clean_partition(partition: Partition, processor: Processor) -> PartitionResult:
    """Clean one input file into its output file (runs on a worker)."""
    import fsspec

    in_fs, in_path = fsspec.core.url_to_fs(partition.source)
    out_fs, out_path = fsspec.core.url_to_fs(partition.output)
    parent, name = posixpath.split(out_path)
    temporary = f"{parent}/.{name}.partial"
    out_fs.makedirs(parent, exist_ok=True)
    unit = Unit(partition.source, partition.format, payload=partition.payload)
    compress = partition.writer.output_codec(out_path)
    codec = partition.format.input_codec(in_path)
    counts = Counts()
    rejects: list[Reject] = []
    errors: list[str] = []
    readings: list[DumpReading] = []
    try:
        raw = in_fs.open(in_path, "rb")
    except OSError as error:  # no output: a later --resume tries this input again
        reason = error.strerror or str(error)
        problem = f"{partition.source}: cannot be read: {reason}"
        return PartitionResult(counts, (), (problem,), unread=True)
    try:
        with raw, open_decompressed(raw, codec) as stream, out_fs.open(temporary, "wb") as out:
            sink = partition.writer.sink(out, partition.payload, columns=partition.format.columns)
            chunks = kind_marked(
                unit_chunks(unit, stream, compress=compress),
                partition.format,
                processor.options,
                partition.files,
                readings.append,
            )
            for chunk in chunks:
                result = processor.process(chunk)
                if result.unread:  # not a file of this format: no output, named once
                    out.close()
                    out_fs.rm(temporary)
                    problem = f"{partition.source}: {result.error}"
                    return PartitionResult(Counts(), (), (problem,), unread=True)
                sink.write(result.data)
                counts += result.counts
                rejects += result.rejects
                if result.error:
                    errors.append(f"{partition.source}: {result.error}")
            sink.close()
        out_fs.mv(temporary, out_path)
    except BaseException as error:
        if out_fs.exists(temporary):
            out_fs.rm(temporary)
        if isinstance(error, OSError) and not isinstance(error, BrokenPipeError):
            raise cannot_write(partition.output, error) from error
        raise
    notes = (found.note(partition.source) for found in readings)
    kinds = tuple(note for note in notes if note is not None)
    return PartitionResult(counts, tuple(rejects), tuple(errors), kinds=kinds)


def _client(scheduler: Any, workers: int | None) -> Any:
    """A distributed client: the one given, one to ``scheduler``, or a new local cluster."""
    from distributed import Client, LocalCluster

    if isinstance(scheduler, Client):
        return scheduler
    if scheduler:
        return Client(scheduler)  # type: ignore[no-untyped-call]
    cluster = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    )
    return Client(cluster)  # type: ignore[no-untyped-call]


def clean_dask(
    inputs: Sequence[str],
    output: str,
    *,
    cleaner: Cleaner | None = None,
    options: CleanOptions | None = None,
    scheduler: Any = None,
    jobs: int | None = None,
    format: Format | None = None,
    force: bool = False,
    resume: bool = False,
    rejects: RejectsLog | None = None,
) -> Summary:
    """Clean files or folders (fsspec URLs) into the ``output`` folder with Dask.

    Args:
        inputs: files or folders; folders are walked recursively and mirrored.
        output: the output folder.
        cleaner: the cleaner to use (default: one built from ``options``); each worker
            builds it once.
        options: the options (:class:`~cleantext.options.CleanOptions`): those of the
            cleaning when no ``cleaner`` is given, and the record fields (``text_field``,
            ``annotate``, ``max_bytes``...); default: the cleaner's own.
        scheduler: a ``distributed.Client``, a scheduler address, one of
            :data:`LOCAL_SCHEDULERS`, or ``None`` to start a local cluster of ``jobs``.
        jobs: worker processes of the local cluster (default: all cores), as ``-j``.
        format: input format for every file (default: from each file name).
        force, resume: overwrite, or skip, outputs that exist.
        rejects: where rejected records go (default: reported on standard error).

    Returns:
        The counts of the whole run; ``summary.counts.balanced`` holds.
    """
    dask = _dask()
    processor = Processor(cleaner or Cleaner(options=options), options)
    partitions, skipped = plan_partitions(inputs, output, format=format, force=force, resume=resume)
    if processor.options.annotate and any(p.payload is Payload.TEXT for p in partitions):
        raise ConfigError("--annotate needs JSONL or Parquet records; plain text has no fields.")
    if not partitions:
        return Summary(skipped=skipped)
    partitions, files = _with_files_kind(partitions, processor.options)
    # One bag partition per input file; the processor is one graph key, so each worker
    # receives it (and rebuilds the compiled rules) once, not once per task.
    bag = dask.bag.from_sequence(partitions, npartitions=len(partitions))
    results = bag.map(clean_partition, dask.delayed(processor))
    if scheduler in LOCAL_SCHEDULERS:
        gathered = results.compute(scheduler=scheduler)
    else:
        client = _client(scheduler, jobs)
        try:
            gathered = results.compute(scheduler=client)
        finally:
            if client is not scheduler:
                cluster = client.cluster
                client.close()
                if cluster is not None and not scheduler:
                    cluster.close()
    log = rejects if rejects is not None else RejectsLog(None)
    counts = Counts()
    errors: list[str] = []
    with log:
        for result in gathered:
            counts += result.counts
            errors += result.errors
            for reject in result.rejects:
                log.write(reject)
    for error in errors:
        print(f"cleantext: {error}", file=sys.stderr)
    unreadable = sum(result.unread for result in gathered)
    kinds = (*files, *(kind for result in gathered for kind in result.kinds))
    return Summary(counts, tuple(errors), skipped, unreadable, kinds)


def _with_files_kind(
    partitions: list[Partition], options: CleanOptions
) -> tuple[list[Partition], tuple[str, ...]]:
    """The partitions, each with what the run's one-document files show (read here, from the
    first ones: :func:`~cleantext.io.dump_kind.read_files`), and the report's note of it."""
    import fsspec

    def opener(url: str) -> Any:
        return fsspec.open(url, "rb").open()

    found = read_files(((p.source, p.format) for p in partitions), options, opener)
    if found is None:
        return partitions, ()
    note = found.note(ONE_TEXT_FILES)
    notes = (note,) if note is not None else ()
    return [dataclasses.replace(p, files=found) for p in partitions], notes
