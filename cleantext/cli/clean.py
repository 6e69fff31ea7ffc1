"""``cleantext clean``: clean plain-text documents from files or standard input."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .common import EXIT_OK, add_rule_options
from .mine import add_drop_repeated_option, cleaner_with_mined


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "clean",
        help="clean documents",
        description="Clean plain-text documents (one per file; "
        "standard input when no file or '-' is given) and write the result to standard output.",
    )
    parser.add_argument("inputs", nargs="*", metavar="INPUT", help="text files ('-': stdin)")
    parser.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    parser.add_argument("--url", help="URL of the document, used to choose site rules")
    add_rule_options(parser)
    add_drop_repeated_option(parser)
    parser.set_defaults(handler=run)


def read_text(name: str) -> str:
    """A whole text file (or stdin for ``-``) as UTF-8; undecodable bytes are an input error."""
    try:
        if name == "-":
            return sys.stdin.buffer.read().decode("utf-8")
        return Path(name).read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{name}: not UTF-8 text (byte {error.start}): {error.reason}") from error
    except OSError as error:
        raise InputError(f"{name}: {error.strerror}") from error


def run(args: argparse.Namespace) -> int:
    cleaner = cleaner_with_mined(args)
    outputs = []
    for name in args.inputs or ["-"]:
        text = cleaner.clean(read_text(name), url=args.url)
        outputs.append(text + "\n" if text else "")
    result = "".join(outputs)
    if args.output:
        args.output.write_text(result, encoding="utf-8")
    else:
        sys.stdout.write(result)
    return EXIT_OK
