"""``python -m cleantext``: the command line, as the ``cleantext`` command runs it."""

from __future__ import annotations

import sys

from .errors import InstallError


def main() -> None:
    """Run the command line; an installation it cannot run on is one line on stderr, not a
    traceback (importing :mod:`cleantext.cli` checks for another ``cleantext`` package)."""
    try:
        from .cli import run
    except InstallError as error:
        print(f"cleantext: {error}", file=sys.stderr)
        sys.exit(2)  # cleantext.cli's EXIT_USAGE, which could not be imported
    run()


if __name__ == "__main__":
    main()
