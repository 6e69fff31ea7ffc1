"""The ``cleantext`` command line: ``main(argv) -> exit code``; subcommands live in sibling modules.

Each subcommand module has ``register(subparsers)`` that adds its parser and sets ``handler``;
adding a command is adding a module and one line to ``COMMANDS``. Errors cleantext raises on
purpose are printed as ``cleantext: <message>`` without a traceback.
"""

from __future__ import annotations

# First: when another distribution's files replaced this package's, the imports below would
# fail far from the cause; this one stops with the name of that distribution.
from . import name_clash

# isort: split
import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .. import backends
from ..errors import CleanTextError, ConfigError, InputError, RuleFileError
from . import clean, explain, mine, rules
from .common import EXIT_OK, EXIT_USAGE, fail

COMMANDS = (clean, explain, rules, mine)


def version_report() -> str:
    """The version, where the package is installed, and what runs each part."""
    from .. import __file__ as package_file
    from .. import __version__

    location = Path(package_file).parent
    return f"cleantext {__version__} ({name_clash.DISTRIBUTION}, {location})\n{backends.report()}"


class _VersionAction(argparse.Action):
    """``--version``: print :func:`version_report` and exit, as argparse's own version does."""

    def __init__(self, option_strings: Sequence[str], dest: str, help: str | None = None) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, help=help)

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: object,
        option_string: str | None = None,
    ) -> None:
        print(version_report())
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (also used to generate help in the docs)."""
    parser = argparse.ArgumentParser(
        prog="cleantext",
        description="Remove boilerplate (bylines, captions, footers, navigation) from scraped "
        "newspaper text.",
    )
    parser.add_argument(
        "--version",
        action=_VersionAction,
        help="show the version and what runs each part (compiled kernels or Python, RE2 or "
        "regex), then exit",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0) and EXIT_USAGE
    except BrokenPipeError:  # --version read by a pipe that closed early (| head -1)
        sys.stderr.close()
        return EXIT_OK
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return int(args.handler(args))
    except (RuleFileError, ConfigError) as error:
        return fail(str(error), EXIT_USAGE)
    except InputError as error:
        return fail(str(error), EXIT_USAGE)
    except CleanTextError as error:
        return fail(str(error), EXIT_USAGE)
    except BrokenPipeError:
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return fail("interrupted", 130)


def run() -> None:
    """Console-script entry point."""
    code = main()
    try:
        sys.stdout.flush()
    except OSError as error:  # standard output is full or gone: say it once, not at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if not isinstance(error, BrokenPipeError):
            code = code or fail(f"standard output: cannot write: {error.strerror}", EXIT_USAGE)
    sys.exit(code)
