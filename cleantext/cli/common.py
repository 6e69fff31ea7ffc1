"""What every subcommand shares: exit codes, rule-selection options, error printing."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..mine import drop_lines_from_stats
from ..pipeline import Cleaner
from ..rules import RuleLibrary, shipped_rules_dir

EXIT_OK = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2

RULES_DIR_ENV = "CLEANTEXT_RULES_DIR"


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
        metavar="SET",
        help="apply this site set to every document instead of detecting it",
    )
    group.add_argument(
        "--input-kind",
        choices=("auto", "page", "article"),
        default="auto",
        help="whole-page text (navigation, footers...) or extracted article text: the generic "
        "classifier cuts a page down to its article but only trims residue from an article "
        "(default: detected per document)",
    )
    group.add_argument(
        "--no-classifier",
        action="store_true",
        help="apply the rules only, not the generic line classifier",
    )
    group.add_argument(
        "--drop-headline",
        action="store_true",
        help="also remove the headline (kept by default: it is article text)",
    )


def rule_paths(args: argparse.Namespace) -> list[Path]:
    """Folders to load rules from: shipped ones, then the environment, then ``--rules-dir``."""
    paths = [] if args.no_default_rules else [shipped_rules_dir()]
    paths += [Path(p) for p in os.environ.get(RULES_DIR_ENV, "").split(os.pathsep) if p]
    paths += args.rules_dir
    return paths


def cleaner_from_args(args: argparse.Namespace) -> Cleaner:
    """A :class:`Cleaner` configured by the rule options (and ``--drop-repeated``, if any)."""
    library = RuleLibrary.load(rule_paths(args))
    stats = getattr(args, "drop_repeated", None)
    return Cleaner(
        library,
        select=args.select,
        ignore=args.ignore,
        sites=args.site,
        drop_lines=drop_lines_from_stats(stats) if stats else None,
        classifier=not args.no_classifier,
        whole_page={"auto": None, "page": True, "article": False}[args.input_kind],
        drop_headline=args.drop_headline,
    )
