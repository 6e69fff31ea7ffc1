"""``cleantext explain``: the text with every removed or changed piece marked by its rule.

On a terminal removed text is red and struck through and added text green, each followed by
the rule id; elsewhere (a pipe, a file, ``--color never``) the same marks are written as
``[-removed-]{rule}`` and ``{+added+}{rule}``. A table of hits per rule, the rule sets that
applied and the metadata follow. ``--html OUT.html`` writes the same view as a standalone page
for reviewers; ``--edits`` lists the edit log instead of the marked text.

An HTML page (a ``.html``/``.htm``/``.xhtml`` file, or one opening with a doctype or
``<html>``) is explained as ``clean`` cleans it: its block lines are the text shown, the
blocks the HTML model dropped marked ``html/boilerplate-block``, then the rules' edits.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..document import Cleaned
from ..explain_view import (
    align,
    hits_per_rule,
    render_ansi,
    render_html,
    render_plain,
    summary_lines,
)
from ..io.formats.html import HtmlFormat
from ..io.sinks import cannot_write
from .clean import decode_text, read_bytes
from .common import EXIT_OK, add_rule_options, cleaner_from_args, shorten


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "explain",
        help="show the text with each removal marked by its rule",
        description="Clean one document and show it with every removed or changed piece "
        "marked by the rule that did it, then the hits per rule and the metadata.",
    )
    parser.add_argument("input", metavar="INPUT", help="a text file or an HTML page ('-': stdin)")
    parser.add_argument("--url", help="URL of the document, used to choose site rules")
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the marks (auto: when standard output is a terminal)",
    )
    parser.add_argument(
        "--html", type=Path, metavar="OUT.html", help="also write the view as a standalone page"
    )
    parser.add_argument(
        "--edits", action="store_true", help="list the edit log instead of the marked text"
    )
    add_rule_options(parser)
    parser.set_defaults(handler=run)


def _shorten(text: str, limit: int = 100) -> str:
    return shorten(text.replace("\n", "⏎"), limit)


def _explained(args: argparse.Namespace) -> tuple[str, Cleaned]:
    """The text the edits apply to, and the explained cleaning of the input."""
    cleaner = cleaner_from_args(args)
    data = read_bytes(args.input)
    html = HtmlFormat()
    if args.input.lower().endswith(html.suffixes) or html.sniff(data):
        from ..html import parse_page

        print("read as an HTML page: its block lines, dropped blocks as html/boilerplate-block")
        return parse_page(data).text, cleaner.explain_html(data, url=args.url)
    original = decode_text(args.input, data)
    return original, cleaner.explain(original, url=args.url)


def run(args: argparse.Namespace) -> int:
    original, cleaned = _explained(args)
    pieces = align(original, cleaned.edits)
    colour = args.color == "always" or (args.color == "auto" and sys.stdout.isatty())
    print(f"rule sets: {', '.join(cleaned.rule_sets)}")
    if args.edits:
        for edit in cleaned.edits:
            change = f"→ {_shorten(edit.replacement)}" if edit.replacement else "removed"
            print(f"{edit.rule} ({edit.action}): {_shorten(edit.removed)} {change}")
    else:
        print("-" * 72)
        print((render_ansi if colour else render_plain)(pieces))
        print("-" * 72)
    print("\n".join(summary_lines(hits_per_rule(cleaned, pieces))))
    for warning in cleaned.warnings:
        print(f"warning: {warning}")
    print(f"metadata: {json.dumps(dict(cleaned.metadata), ensure_ascii=False)}")
    if args.html:
        title = f"cleantext explain: {Path(args.input).name if args.input != '-' else 'stdin'}"
        try:
            args.html.write_text(render_html(cleaned, pieces, title=title), encoding="utf-8")
        except OSError as error:  # a missing folder, no permission: one line, exit status 2
            raise cannot_write(args.html, error) from error
        print(f"wrote {args.html}")
    return EXIT_OK
