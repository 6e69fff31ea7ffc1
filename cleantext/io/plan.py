"""Which input goes to which output, decided and checked before anything is read.

Two shapes:

* **stream**: every input, in the order given, into one output (standard output or
  ``-o FILE``). This is the filter shape: ``cleantext clean < in > out``.
* **tree**: one output file per input file, under the ``-o`` folder. Used when an input is
  a folder (its files, recursively, mirrored under ``-o``) or when ``-o`` is an existing
  folder or ends with ``/`` (each input file by its name).

Every refusal happens here, before any output is touched: writing over an input, an output
inside an input folder, an existing output without ``--force`` (or ``--resume``, which skips
it instead), two inputs mapped to the same output.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..errors import ConfigError, InputError
from .chunk import Payload
from .compression import codec_for, corrupt_errors, open_decompressed, strip_codec
from .format import Format
from .registry import DEFAULT, claimed_by, format_for, format_named, sniffed, writer_for
from .sinks import is_special

STDIO = "-"

#: How much of a file ``--format auto`` reads to recognise a format by its content: enough
#: for a Nexis Uni cover page listing hundreds of articles and the first article after it.
SNIFF_BYTES = 1 << 20


@dataclass(frozen=True, slots=True)
class Unit:
    """One input and where its records go.

    Attributes:
        source: the input path, or ``-`` for standard input.
        format: how the input holds documents.
        output: its own output file (tree shape), or ``None`` (stream shape).
        size: input size in bytes when known (for the progress estimate).
        payload: what its processed chunks hold (:class:`~cleantext.io.chunk.Payload`).
        writer: the format its output is written in.
    """

    source: str
    format: Format
    output: Path | None = None
    size: int | None = None
    payload: Payload = Payload.TEXT
    writer: Format | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run does: the units in order and, in the stream shape, the one output.

    ``output_format`` is the format the stream shape's output is written in (in the tree
    shape each unit has its own ``writer``). ``done`` names the inputs whose outputs are
    complete and skipped (``--resume``): their rejects from the interrupted run are kept.
    ``errors`` are folders that could not be read: the run goes on without them and says so.
    """

    units: tuple[Unit, ...]
    tree: bool
    output: Path | None = None
    output_format: Format | None = None
    skipped: int = 0
    done: frozenset[str] = frozenset()
    errors: tuple[str, ...] = ()

    @property
    def size(self) -> int | None:
        """Total input size, or ``None`` when some input (standard input) has no size."""
        sizes = [unit.size for unit in self.units]
        return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)

    @property
    def columns(self) -> Mapping[str, str]:
        """The record fields the inputs' formats declare (for a Parquet output of records)."""
        merged: dict[str, str] = {}
        for unit in self.units:
            merged.update(unit.format.columns)
        return merged


def output_name(path: PurePath, input_format: Format, writer: Format) -> PurePath:
    """The name an input's output gets in a tree: its own when written in its own format,
    else with the writer's ending (``a.TXT`` → ``a.jsonl``, ``a.warc.gz`` → ``a.jsonl.gz``,
    ``page.html`` → ``page.txt``).

    >>> from cleantext.io.registry import format_named
    >>> output_name(PurePath("cc/a.warc.wet.gz"), format_named("wet"), format_named("jsonl"))
    PurePosixPath('cc/a.jsonl.gz')
    """
    if writer == input_format:
        return path
    codec = codec_for(path)
    stem = strip_codec(path.name)
    suffix = input_format.suffix_of(path)
    base = stem[: len(stem) - len(suffix)] if suffix else PurePath(stem).stem
    return path.with_name(base + writer.suffixes[0] + (codec.value if codec else ""))


def _walk(folder: Path, errors: list[str]) -> list[Path]:
    """Files under ``folder``, sorted, skipping hidden ones (and our ``.partial`` files); a
    folder that cannot be read is added to ``errors`` (its files would be silently missing)."""

    def refused(error: OSError) -> None:
        errors.append(f"{error.filename}: cannot be read: {error.strerror}")

    found = []
    for root, dirs, files in os.walk(folder, onerror=refused):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found += [Path(root, name) for name in sorted(files) if not name.startswith(".")]
    return found


def _file_size(path: Path) -> int | None:
    """The size of an input, ``None`` when it cannot be known (a dangling link: reading it
    will fail and be reported with the other input problems)."""
    try:
        return path.stat().st_size
    except OSError:
        return None


def _exists(path: Path) -> bool:
    """An output that exists as a file to protect: not a device or pipe written in place."""
    return path.exists() and not is_special(path)


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def make_plan(
    inputs: list[str],
    output: str | None,
    *,
    format: Format | None = None,
    by_content: bool = False,
    force: bool = False,
    resume: bool = False,
) -> Plan:
    """Check the inputs and output and decide the shape; raise before touching anything.

    ``by_content``: a file whose name says plain text is read as a database export when its
    content shows one (``--format auto``; see :func:`sniff_format`).

    Raises:
        InputError: an input does not exist.
        ConfigError: a refusal (overwrite, output inside an input folder, mixed formats...).
    """
    inputs = inputs or [STDIO]
    for name in inputs:
        if name != STDIO and not Path(name).exists():
            raise InputError(f"{name}: no such file or folder.")
    tree = any(name != STDIO and Path(name).is_dir() for name in inputs) or (
        output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir())
    )
    if tree:
        return _tree_plan(inputs, output, format, by_content, force=force, resume=resume)
    return _stream_plan(inputs, output, format, by_content, force=force, resume=resume)


def sniff_format(path: Path) -> Format:
    """The format the start of a file shows by its content (an export, a WARC file, an HTML
    page), else text. A file that cannot be read here is left to the reader, which reports
    it properly.
    """
    text = format_named(DEFAULT)
    try:
        with open(path, "rb") as raw, open_decompressed(raw, codec_for(path)) as stream:
            head = stream.read(SNIFF_BYTES)
    except corrupt_errors():
        return text
    return sniffed(head) or text


def _format_of(name: str, forced: Format | None, by_content: bool = False) -> Format:
    if forced is not None:
        return forced
    if name == STDIO:
        return format_named(DEFAULT)
    named = format_for(name)
    return sniff_format(Path(name)) if by_content and named.name == DEFAULT else named


def _named_writer(output: Path) -> Format | None:
    """The output format the output's name asks for; ``None`` for a name that asks for none
    in particular (text: any name no format claims)."""
    named = claimed_by(output)
    return named if named is not None and named.writes and named.name != DEFAULT else None


def _size(name: str) -> int | None:
    return None if name == STDIO else _file_size(Path(name))


def _stream_plan(
    inputs: list[str],
    output: str | None,
    forced: Format | None,
    by_content: bool,
    *,
    force: bool,
    resume: bool,
) -> Plan:
    target = None if output is None or output == STDIO else Path(output)
    named = _named_writer(target) if target is not None else None
    units: list[Unit] = []
    for name in inputs:
        fmt = _format_of(name, forced, by_content)
        payload = fmt.payload_for(named)
        if payload is None:
            assert named is not None
            raise ConfigError(
                f"{output}: the output name says {named.name} but the input is {fmt.name}; "
                "converting between formats is not supported."
            )
        units.append(Unit(name, fmt, None, _size(name), payload, named or writer_for(payload)))
    # Formats that give JSON lines (JSONL, exports, WARC pages) may share a JSONL output.
    writers = {unit.writer for unit in units if unit.writer is not None}
    payloads = {unit.payload for unit in units}
    if len(writers) > 1 or (len(payloads) > 1 and Payload.ARROW in payloads):
        kinds = writers if len(writers) > 1 else {unit.format for unit in units}
        names = ", ".join(sorted(kind.name for kind in kinds))
        raise ConfigError(
            f"inputs mix formats ({names}) but go to one output; clean them separately, "
            "or give -o a folder to get one output per input."
        )
    (writer,) = writers
    if Payload.ARROW in payloads and (target is None or STDIO in inputs):
        raise ConfigError("Parquet needs files: give the input as a file and -o FILE.parquet.")
    if target is None:
        return Plan(tuple(units), tree=False, output=None, output_format=writer)
    if not writer.decompress and codec_for(target):
        raise ConfigError(
            f"{output}: {writer.name.capitalize()} compresses itself; drop the compression "
            "extension."
        )
    for unit in units:
        if unit.source != STDIO and _same_file(Path(unit.source), target):
            raise ConfigError(f"{output}: that is an input; refusing to overwrite it.")
    if _exists(target):
        if resume:
            done = frozenset(unit.source for unit in units)
            return Plan((), tree=False, output=target, output_format=writer, skipped=1, done=done)
        if not force:
            raise ConfigError(f"{output}: already exists; add --force to overwrite it.")
    return Plan(tuple(units), tree=False, output=target, output_format=writer)


def _tree_plan(
    inputs: list[str],
    output: str | None,
    forced: Format | None,
    by_content: bool,
    *,
    force: bool,
    resume: bool,
) -> Plan:
    if output is None or output == STDIO:
        raise ConfigError("cleaning a folder writes one output per file: give -o OUTPUT_FOLDER.")
    if STDIO in inputs:
        raise ConfigError("standard input cannot be mixed with files when -o is a folder.")
    target = Path(output)
    if target.exists() and not target.is_dir():
        raise ConfigError(f"{output}: is a file; with a folder input -o must be a folder.")
    pairs: list[tuple[Path, Path]] = []
    errors: list[str] = []
    for name in inputs:
        path = Path(name)
        if path.is_dir():
            if _inside(target, path):
                raise ConfigError(
                    f"{output}: is inside the input folder {name}; choose an output folder "
                    "outside it."
                )
            pairs += [(file, target / file.relative_to(path)) for file in _walk(path, errors)]
        else:
            pairs.append((path, target / path.name))
    seen: dict[Path, Path] = {}
    units: list[Unit] = []
    skipped = 0
    done: set[str] = set()
    for source, mirrored in pairs:
        fmt = _format_of(str(source), forced, by_content)
        payload = fmt.payloads[0]
        writer = writer_for(payload)
        destination = Path(output_name(mirrored, fmt, writer))
        if destination in seen:
            raise ConfigError(
                f"{source} and {seen[destination]} would both be written to {destination}; "
                "clean them in separate runs."
            )
        seen[destination] = source
        if _same_file(source, destination):
            raise ConfigError(f"{destination}: that is an input; refusing to overwrite it.")
        if _exists(destination):
            if resume:
                skipped += 1
                done.add(str(source))
                continue
            if not force:
                raise ConfigError(
                    f"{destination}: already exists; add --force to overwrite, or --resume "
                    "to skip the outputs that are complete."
                )
        units.append(Unit(str(source), fmt, destination, _file_size(source), payload, writer))
    return Plan(
        tuple(units),
        tree=True,
        output=target,
        skipped=skipped,
        done=frozenset(done),
        errors=tuple(errors),
    )
