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
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, InputError
from .compression import codec_for, corrupt_errors, open_decompressed, strip_codec
from .formats import EXPORTS, Format, detect_format
from .sinks import is_special

STDIO = "-"

#: How much of a file ``--format auto`` reads to recognise an export by its content: enough
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
    """

    source: str
    format: Format
    output: Path | None = None
    size: int | None = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run does: the units in order and, in the stream shape, the one output.

    ``done`` names the inputs whose outputs are complete and skipped (``--resume``): their
    rejects from the interrupted run are kept. ``errors`` are folders that could not be read:
    the run goes on without them and says so.
    """

    units: tuple[Unit, ...]
    tree: bool
    output: Path | None = None
    output_format: Format = Format.TEXT
    skipped: int = 0
    done: frozenset[str] = frozenset()
    errors: tuple[str, ...] = ()

    @property
    def size(self) -> int | None:
        """Total input size, or ``None`` when some input (standard input) has no size."""
        sizes = [unit.size for unit in self.units]
        return None if any(s is None for s in sizes) else sum(s or 0 for s in sizes)


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
    """The export format the start of a file shows (:func:`~.exports.sniff_export`), else text.

    A file that cannot be read here is left to the reader, which reports it properly.
    """
    from .exports import sniff_export

    try:
        with open(path, "rb") as raw, open_decompressed(raw, codec_for(path)) as stream:
            head = stream.read(SNIFF_BYTES)
    except corrupt_errors():
        return Format.TEXT
    kind = sniff_export(head.decode("utf-8", "replace"))
    return Format(kind) if kind else Format.TEXT


def _format_of(name: str, forced: Format | None, by_content: bool = False) -> Format:
    if forced is not None:
        return forced
    if name == STDIO:
        return Format.TEXT
    named = detect_format(name)
    return sniff_format(Path(name)) if by_content and named is Format.TEXT else named


def _records_format(input_format: Format) -> Format:
    """What an input is written as: exports become JSONL records, others stay as they are."""
    return Format.JSONL if input_format in EXPORTS else input_format


def _records_name(path: Path) -> Path:
    """An export's output name in a tree: ``a.TXT`` → ``a.jsonl``, ``a.txt.gz`` → ``a.jsonl.gz``."""
    codec = codec_for(path)
    stem = Path(strip_codec(path)).with_suffix(".jsonl")
    return stem.with_name(stem.name + codec.value) if codec else stem


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
    units = tuple(
        Unit(name, _format_of(name, forced, by_content), None, _size(name)) for name in inputs
    )
    # Nexis and Factiva exports both give JSONL records, so they may share an output.
    formats = {_records_format(unit.format) for unit in units}
    if len(formats) > 1:
        names = ", ".join(sorted(f.value for f in formats))
        raise ConfigError(
            f"inputs mix formats ({names}) but go to one output; clean them separately, "
            "or give -o a folder to get one output per input."
        )
    (input_format,) = formats
    if input_format is Format.PARQUET and (output is None or STDIO in inputs):
        raise ConfigError("Parquet needs files: give the input as a file and -o FILE.parquet.")
    if output is None or output == STDIO:
        return Plan(units, tree=False, output=None, output_format=input_format)
    target = Path(output)
    named = detect_format(target)
    if named is Format.PARQUET and all(unit.format in EXPORTS for unit in units):
        input_format = Format.PARQUET  # export records go to a table as well as to JSONL
    if named is not Format.TEXT and named is not input_format:
        raise ConfigError(
            f"{output}: the output name says {named.value} but the input is "
            f"{input_format.value}; converting between formats is not supported."
        )
    if input_format is Format.PARQUET and codec_for(target):
        raise ConfigError(f"{output}: Parquet compresses itself; drop the compression extension.")
    for unit in units:
        if unit.source != STDIO and _same_file(Path(unit.source), target):
            raise ConfigError(f"{output}: that is an input; refusing to overwrite it.")
    if _exists(target):
        if resume:
            done = frozenset(unit.source for unit in units)
            return Plan(
                (), tree=False, output=target, output_format=input_format, skipped=1, done=done
            )
        if not force:
            raise ConfigError(f"{output}: already exists; add --force to overwrite it.")
    return Plan(units, tree=False, output=target, output_format=input_format)


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
    for source, destination in pairs:
        fmt = _format_of(str(source), forced, by_content)
        if fmt in EXPORTS:
            destination = _records_name(destination)
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
        units.append(Unit(str(source), fmt, destination, _file_size(source)))
    return Plan(
        tuple(units),
        tree=True,
        output=target,
        skipped=skipped,
        done=frozenset(done),
        errors=tuple(errors),
    )
