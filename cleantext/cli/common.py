"""What every subcommand shares: exit codes, rule-selection options, error printing.

Every option that configures cleaning is stored under the name of its
:class:`~cleantext.options.CleanOptions` field (``--rules-dir`` under ``rules``, ``--site``
under ``sites``, ``--no-classifier`` under ``classifier``), so :func:`clean_options` builds
the options object from the parsed arguments by name.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ..authoring.mine import drop_lines_from_stats
from ..options import FIELDS, INPUT_KINDS, RULES_DIR_ENV, CleanOptions
from ..pipeline import Cleaner

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2


def fail(message: str, code: int) -> int:
    """Print ``cleantext: message`` on stderr and return ``code``."""
    print(f"cleantext: {message}", file=sys.stderr)
    return code


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters with an ellipsis, for tables and one-line listings."""
    return text if len(text) <= width else text[: width - 1] + "…"


def add_rule_options(parser: argparse.ArgumentParser) -> None:
    """Options that choose which rules run; shared by every command that loads rules."""
    group = parser.add_argument_group("rules")
    group.add_argument(
        "--rules-dir",
        action="append",
        dest="rules",
        default=[],
        metavar="DIR",
        type=Path,
        help="also load rule files from DIR (repeatable; also from the "
        f"{RULES_DIR_ENV} environment variable, separated by '{os.pathsep}')",
    )
    group.add_argument(
        "--no-default-rules",
        action="store_true",
        help="do not load the shipped rule sets, only those given with --rules-dir",
    )
    group.add_argument(
        "--select", action="append", metavar="SET", help="only apply these rule sets (repeatable)"
    )
    group.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="SET|SET/RULE",
        help="never apply this rule set or rule (repeatable)",
    )
    group.add_argument(
        "--site",
        action="append",
        dest="sites",
        metavar="SET",
        help="apply this site set to every document instead of detecting it",
    )
    group.add_argument(
        "--input-kind",
        choices=INPUT_KINDS,
        default="auto",
        help="whole-page text (navigation, footers...) or extracted article text: the generic "
        "classifier cuts a page down to its article but only trims residue from an article; "
        "'document' detects it for each document alone, 'auto' (default) reads each input's "
        "kind from its first 100 documents (held back meanwhile) and judges each document "
        "alone when they are mixed or too few",
    )
    group.add_argument(
        "--no-classifier",
        action="store_false",
        dest="classifier",
        help="apply the rules only, not the generic line classifier",
    )
    group.add_argument(
        "--drop-headline",
        action="store_true",
        help="also remove the headline (kept by default: it is article text)",
    )


def clean_options(args: argparse.Namespace) -> CleanOptions:
    """The :class:`CleanOptions` the parsed arguments give, field by field of the same name;
    ``--annotate`` adds its field under ``--annotate-field``, and ``--drop-repeated STATS``
    gives ``drop_lines``."""
    values: dict[str, Any] = {name: getattr(args, name) for name in FIELDS if hasattr(args, name)}
    if "annotate" in values:
        values["annotate"] = args.annotate_field if args.annotate else None
    stats = getattr(args, "drop_repeated", None)
    if stats:
        values["drop_lines"] = drop_lines_from_stats(stats)
    return CleanOptions(**values)


def rule_paths(args: argparse.Namespace) -> list[Path]:
    """Folders to load rules from: shipped ones, then the environment, then ``--rules-dir``
    (:meth:`CleanOptions.rule_paths`)."""
    return CleanOptions(rules=args.rules, no_default_rules=args.no_default_rules).rule_paths()


def cleaner_from_args(args: argparse.Namespace) -> Cleaner:
    """A :class:`Cleaner` configured by the parsed options (see :func:`clean_options`); a
    loaded set that can never apply is named on standard error (a contributor's set without
    domains or detect markers would otherwise do nothing, silently)."""
    cleaner = Cleaner(options=clean_options(args))
    forced = set(cleaner.options.sites or ())
    for rule_set in cleaner.library.unreachable():
        if rule_set.id not in forced:
            print(
                f"cleantext: warning: rule set {rule_set.id} ({rule_set.path}) never applies: it "
                "has no domains, no detect markers and is not always = true (`cleantext rules "
                "lint` checks rule files)",
                file=sys.stderr,
            )
    return cleaner
