"""``cleantext explain``: show what cleaning removed or changed, and which rule did it."""

from __future__ import annotations

import argparse
import json

from .clean import read_text
from .common import EXIT_OK, add_rule_options, cleaner_from_args


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="show each edit and the rule that made it",
        description="Clean one document and list every edit with its rule, then the metadata.",
    )
    parser.add_argument("input", metavar="INPUT", help="a text file ('-': stdin)")
    parser.add_argument("--url", help="URL of the document, used to choose site rules")
    add_rule_options(parser)
    parser.set_defaults(handler=run)


def _shorten(text: str, limit: int = 100) -> str:
    flat = text.replace("\n", "⏎")
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def run(args: argparse.Namespace) -> int:
    cleaned = cleaner_from_args(args).explain(read_text(args.input), url=args.url)
    print(f"rule sets: {', '.join(cleaned.rule_sets)}")
    for edit in cleaned.edits:
        if edit.replacement:
            print(
                f"{edit.rule} ({edit.action}): {_shorten(edit.removed)!s} → "
                f"{_shorten(edit.replacement)}"
            )
        else:
            print(f"{edit.rule} ({edit.action}): removed {_shorten(edit.removed)}")
    for warning in cleaned.warnings:
        print(f"warning: {warning}")
    print(f"metadata: {json.dumps(dict(cleaned.metadata), ensure_ascii=False)}")
    return EXIT_OK
