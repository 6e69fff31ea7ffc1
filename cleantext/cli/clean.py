"""``cleantext clean``: clean documents from files, folders or standard input.

Argument parsing and wiring only: formats and files are :mod:`cleantext.io`, record handling
and rejects :mod:`cleantext.records`, the engines :mod:`cleantext.dumps` (local, ``-j``) and
:mod:`cleantext.distributed` (Dask).
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import backends
from ..dumps import RejectsLog, Summary, run
from ..errors import ConfigError, InputError
from ..io.chunk import Counts, Payload
from ..io.plan import Plan, make_plan
from ..io.progress import Progress
from ..io.registry import format_named, names
from ..parallel import default_jobs
from ..records import Processor
from .common import (
    EXIT_OK,
    EXIT_REJECTED,
    add_rule_options,
    cleaner_from_args,
    fail,
)

#: ``--format auto``: formats from file names, and by their content for files named as text.
AUTO = "auto"

EPILOG = """\
examples:
  cleantext clean article.txt                          cleaned text on stdout
  cleantext clean --format jsonl < dump.jsonl > out.jsonl
  cleantext clean dump.jsonl.gz -o clean.jsonl.gz -j 2 --rejects rejects.jsonl --stats
  cleantext clean articles/ -o cleaned/ --resume       one output per file, tree mirrored
  cleantext clean --engine dask dumps/ -o s3://bucket/clean/
  cleantext clean export.TXT --format nexis -o articles.jsonl   one record per article
  cleantext clean exports/ --format auto -o cleaned/   Nexis/Factiva exports found by content
  cleantext clean page.html                            an HTML page's article text
  cleantext clean pages.jsonl.gz --html-field html -o clean.jsonl   HTML in, text out
  cleantext clean CC-MAIN-x.warc.wet.gz -o clean.jsonl.gz -j 2   a record per page

exit status: 0 all records written, 1 some rejected (or an input was cut short), 2 usage.
"""


def _size(value: str) -> int:
    """``--max-bytes`` value: a number of bytes, optionally with K, M or G (powers of 1024)."""
    units = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
    text = value.strip().upper().removesuffix("B")
    factor = units.get(text[-1:], 1)
    try:
        number = int(text[:-1] if factor > 1 else text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (try 1000000 or 10M)") from None
    return number * factor


def read_bytes(name: str) -> bytes:
    """A whole file (or stdin for ``-``); a file that cannot be read is an input error."""
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"{name}: {error.strerror}") from error


#: the first bytes of the compressed formats ``clean`` reads, by name
_COMPRESSED = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bzip2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}


def decode_text(name: str, data: bytes) -> str:
    """``data``, read from ``name``, as UTF-8; undecodable bytes are an input error (which
    names the compression when the data is compressed: this reads one plain document)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        for magic, kind in _COMPRESSED.items():
            if data.startswith(magic):
                raise InputError(
                    f"{name}: {kind}-compressed; this reads one plain-text or HTML document: "
                    f"decompress it first, or clean the file with `cleantext clean`"
                ) from error
        raise InputError(f"{name}: not UTF-8 text (byte {error.start}): {error.reason}") from error


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "clean",
        help="clean documents",
        description="Clean documents: plain-text files (one document each), HTML pages,\n"
        "JSONL/NDJSON records, Parquet tables, optionally compressed (.gz .bz2 .xz .zst);\n"
        "folders are cleaned recursively into a mirrored folder. Reads standard input when\n"
        "no INPUT (or '-') is given, writes standard output when there is no -o. WARC and\n"
        "WET files (Common Crawl) and Nexis and Factiva text exports give one JSONL (or\n"
        "Parquet) record per page or article.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders ('-': stdin)")
    parser.add_argument(
        "-o",
        "--output",
        metavar="OUTPUT",
        help="output file, or folder (one output per input file); default: standard output",
    )
    parser.add_argument(
        "--format",
        choices=[*names(), AUTO],
        help="input format (default: from the file name; text for standard input); "
        f"'{AUTO}' also reads a file named as text as a Nexis or Factiva export when its "
        "content shows one (or a WARC file, or an HTML page)",
    )
    records = parser.add_argument_group("records")
    records.add_argument("--text-field", default="text", metavar="NAME", help="default: text")
    records.add_argument(
        "--url-field", default="url", metavar="NAME", help="field with the page URL (default: url)"
    )
    records.add_argument("--url", help="URL for documents that carry none (chooses site rules)")
    records.add_argument(
        "--html-field",
        metavar="NAME",
        help="field (column) holding an HTML page to clean; its text goes to --text-field",
    )
    records.add_argument(
        "--annotate",
        action="store_true",
        help="add a field with the metadata found, the rule sets applied and every edit",
    )
    records.add_argument(
        "--annotate-field",
        default="cleantext",
        metavar="NAME",
        help="name of the --annotate field (default: cleantext)",
    )
    records.add_argument(
        "--stats",
        action="store_true",
        help="print per-rule hit counts, documents and bytes in and out on stderr",
    )
    records.add_argument(
        "--max-bytes", type=_size, metavar="N", help="reject records larger than N (e.g. 10M)"
    )
    safety = parser.add_argument_group("nothing lost")
    safety.add_argument(
        "--rejects",
        type=Path,
        metavar="FILE",
        help="write records that cannot be processed here (JSONL); default: report on stderr",
    )
    safety.add_argument("--force", action="store_true", help="overwrite existing outputs")
    safety.add_argument(
        "--resume", action="store_true", help="skip outputs that are already complete"
    )
    safety.add_argument("-q", "--quiet", action="store_true", help="no summary, no progress")
    engine = parser.add_argument_group("engine")
    engine.add_argument(
        "-j", "--jobs", type=int, metavar="N", help="worker processes (default: all cores)"
    )
    engine.add_argument(
        "--engine",
        choices=["local", "dask"],
        default="local",
        help="local processes, or Dask (needs the dask extra; paths may be fsspec URLs)",
    )
    engine.add_argument(
        "--scheduler", metavar="ADDRESS", help="Dask scheduler (default: start a local cluster)"
    )
    add_rule_options(parser)
    parser.add_argument(
        "--drop-repeated",
        type=Path,
        metavar="STATS",
        help="also drop the lines `cleantext mine --stats` found recurring on each site",
    )
    parser.add_argument(
        "--rules",
        action="append",
        dest="rules",
        type=Path,
        metavar="DIR",
        help="same as --rules-dir",
    )
    parser.set_defaults(handler=run_command)


def _check_options(args: argparse.Namespace) -> None:
    """Checks that need no plan: option values and the rejects file."""
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError("--jobs must be at least 1.")
    if args.scheduler and args.engine != "dask":
        raise ConfigError("--scheduler is for the Dask engine: add --engine dask.")
    if args.format == AUTO and args.engine == "dask":
        raise ConfigError("--format auto reads files before planning; the Dask engine cannot.")
    if args.annotate and args.annotate_field in (args.text_field, args.url_field, args.html_field):
        raise ConfigError(
            f"--annotate-field {args.annotate_field} would overwrite the field cleantext reads "
            "the text or URL from; choose another name."
        )
    if args.rejects is not None and args.rejects.exists() and not (args.force or args.resume):
        raise ConfigError(f"{args.rejects}: already exists; add --force to overwrite it.")


def _check_plan(args: argparse.Namespace, plan: Plan) -> None:
    """Checks of the local plan: annotations need fields, rejects may not clobber a file."""
    payloads = {unit.payload for unit in plan.units}
    if args.annotate and Payload.TEXT in payloads:
        raise ConfigError(
            "--annotate needs JSONL or Parquet records; plain text has no fields (an HTML page "
            "is written as a record to an output named .jsonl or .parquet)."
        )
    if args.html_field and payloads - {Payload.JSONL, Payload.ARROW}:
        raise ConfigError(
            "--html-field names a field of JSONL or Parquet records; "
            f"{', '.join(sorted({u.format.name for u in plan.units}))} input has no fields."
        )
    if args.rejects is not None:
        rejects = args.rejects.resolve()
        taken = {Path(unit.source).resolve() for unit in plan.units}
        taken |= {unit.output.resolve() for unit in plan.units if unit.output is not None}
        if plan.output is not None:
            taken.add(plan.output.resolve())
        if rejects in taken:
            raise ConfigError(f"{args.rejects}: is an input or an output; choose another name.")


class _Terminated(BaseException):
    """SIGTERM arrived (a scheduler stopping the job, ``kill``). Like ``KeyboardInterrupt``,
    not an ``Exception``: code that survives a bad record (``except Exception``) must not
    survive the end of the run."""


#: what an interrupted run tells the user; complete outputs (and their rejects) are kept
STOPPED = (
    "{what}; complete outputs were kept and the one being written was removed: run the same "
    "command with --resume to finish"
)


@contextmanager
def _terminate_cleanly() -> Iterator[None]:
    """Turn SIGTERM into an exception, so partial outputs are removed as on Ctrl-C."""

    def stop(signum: int, frame: Any) -> None:
        raise _Terminated

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def report(summary: Summary, *, stats: bool) -> None:
    """The closing lines on stderr: the records balance, then ``--stats`` figures."""
    c = summary.counts
    line = f"cleantext: {c.records_in:,} records in, {c.records_out:,} out, "
    if c.skipped:
        line += f"{c.records_skipped:,} skipped, "
    line += f"{c.rejected:,} rejected"
    if summary.skipped:
        line += f"; {summary.skipped:,} complete outputs skipped (--resume)"
    cut_short = len(summary.errors) - summary.unreadable
    if cut_short:
        line += f"; {cut_short} input(s) cut short"
    if summary.unreadable:
        line += f"; {summary.unreadable} input(s) could not be read"
    print(line, file=sys.stderr)
    for reason, records in sorted(c.skipped.items(), key=lambda item: (-item[1], item[0])):
        print(f"cleantext: {records:,} skipped: {reason}", file=sys.stderr)
    for warning, documents in sorted(c.warnings.items(), key=lambda item: (-item[1], item[0])):
        plural = "document" if documents == 1 else "documents"
        print(f"cleantext: {documents:,} {plural}: {warning}", file=sys.stderr)
    for kind in summary.kinds:
        print(f"cleantext: {kind}", file=sys.stderr)
    if stats:
        print(format_stats(c), file=sys.stderr)


def format_stats(counts: Counts) -> str:
    """``--stats``: documents and text bytes in and out, share removed, hits per rule."""
    removed = 1 - counts.bytes_out / counts.bytes_in if counts.bytes_in else 0.0
    lines = [
        f"documents: {counts.records_in:,} in, {counts.records_out:,} out, "
        + (f"{counts.records_skipped:,} skipped, " if counts.skipped else "")
        + f"{counts.rejected:,} rejected",
        f"text bytes: {counts.bytes_in:,} in, {counts.bytes_out:,} out ({removed:.1%} removed)",
        "rule hits:" if counts.rule_hits else "rule hits: none",
    ]
    ranked = sorted(counts.rule_hits.items(), key=lambda item: (-item[1], item[0]))
    lines += [f"  {hits:>9,}  {rule}" for rule, hits in ranked]
    if counts.warnings:
        lines.append("warnings (documents):")
        ranked = sorted(counts.warnings.items(), key=lambda item: (-item[1], item[0]))
        lines += [f"  {documents:>9,}  {warning}" for warning, documents in ranked]
    return "\n".join(lines)


def run_command(args: argparse.Namespace) -> int:
    _check_options(args)
    slow = backends.kernel_warning()  # raises under CLEANTEXT_REQUIRE_KERNEL=1
    if slow:
        print(f"cleantext: warning: {slow}", file=sys.stderr)
    by_content = args.format == AUTO
    forced = format_named(args.format) if args.format and not by_content else None
    jobs = args.jobs if args.jobs is not None else default_jobs()
    processor = Processor(cleaner_from_args(args))
    if args.engine == "dask":
        from ..distributed import clean_dask

        if not args.output:
            raise ConfigError("--engine dask writes one output per input file: give -o FOLDER.")
        summary = clean_dask(
            args.inputs,
            args.output,
            cleaner=processor.cleaner,
            options=processor.options,
            scheduler=args.scheduler,
            jobs=jobs,
            format=forced,
            force=args.force,
            resume=args.resume,
            rejects=RejectsLog(args.rejects, resume=args.resume),
        )
    else:
        plan = make_plan(
            args.inputs,
            args.output,
            format=forced,
            by_content=by_content,
            force=args.force,
            resume=args.resume,
        )
        _check_plan(args, plan)
        progress = (
            Progress(sys.stderr, plan.size) if sys.stderr.isatty() and not args.quiet else None
        )
        log = RejectsLog(args.rejects, resume=args.resume, done=plan.done)
        try:
            with _terminate_cleanly(), log as rejects:
                summary = run(plan, processor, jobs=jobs, rejects=rejects, progress=progress)
        except _Terminated:
            return fail(STOPPED.format(what="terminated (SIGTERM)"), 128 + signal.SIGTERM)
        except KeyboardInterrupt:
            return fail(STOPPED.format(what="interrupted"), 128 + signal.SIGINT)
    if not args.quiet or not summary.clean:
        report(summary, stats=args.stats)
    return EXIT_OK if summary.clean else EXIT_REJECTED
