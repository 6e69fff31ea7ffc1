"""``cleantext mine DUMP``: the lines each site repeats across its articles, and draft rules.

The statistics it writes (``--stats``) are what ``cleantext clean --drop-repeated STATS``
reads into the ``drop_lines`` option (:func:`cleantext.cli.common.clean_options`).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from ..authoring.mine import (
    MineOptions,
    Miner,
    draft_rule_set,
    set_id_for,
    stats_data,
    write_stats,
)
from ..errors import ConfigError
from ..io.documents import iter_documents
from .common import EXIT_OK, add_rule_options, clean_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "mine",
        help="find lines each site repeats across its articles",
        description="Stream a dump (JSONL with text and url, .txt files or folders), count "
        "normalized lines and line prefixes per site (URL domain, else the site detected from "
        "the content) in bounded memory, and report the lines found in a large share of a "
        "site's articles. --out writes a draft rule set per site for review; --stats writes "
        "the statistics `cleantext clean --drop-repeated` uses.",
    )
    parser.add_argument("dumps", nargs="+", metavar="DUMP", type=Path, help="dump files or folders")
    parser.add_argument("--out", type=Path, metavar="DIR", help="write a draft rule set per site")
    parser.add_argument("--stats", type=Path, metavar="FILE", help="write statistics (JSON)")
    defaults = MineOptions()
    parser.add_argument(
        "--min-share",
        type=float,
        default=defaults.min_share,
        help=f"report lines in at least this share of a site's articles ({defaults.min_share})",
    )
    parser.add_argument(
        "--min-articles",
        type=int,
        default=defaults.min_articles,
        help=f"skip sites with fewer articles ({defaults.min_articles})",
    )
    parser.add_argument(
        "--capacity",
        type=int,
        default=defaults.capacity,
        help=f"lines counted per site: the memory bound ({defaults.capacity})",
    )
    parser.add_argument(
        "--max-sites",
        type=int,
        default=defaults.max_sites,
        help=f"sites tracked at once ({defaults.max_sites})",
    )
    parser.add_argument("--top", type=int, default=10, help="lines shown per site (10)")
    add_rule_options(parser)
    parser.set_defaults(handler=run)


def mine_options(args: argparse.Namespace) -> MineOptions:
    """The :class:`MineOptions` of the parsed arguments: each option is stored under the
    name of its field (``--min-share`` under ``min_share``), as the clean options are."""
    names = [field.name for field in dataclasses.fields(MineOptions)]
    return MineOptions(**{name: getattr(args, name) for name in names if hasattr(args, name)})


def run(args: argparse.Namespace) -> int:
    if not 0 < args.min_share <= 1:
        raise ConfigError("--min-share must be above 0 and at most 1.")
    options = mine_options(args)
    # The rules only tell sites apart (by their detect markers) for records without a URL;
    # they are loaded as every command loads them (--rules-dir, CLEANTEXT_RULES_DIR).
    miner = Miner(options, library=clean_options(args).library())
    for dump in args.dumps:
        miner.add_all(iter_documents(dump))
    reports = miner.report()
    print(f"{miner.documents} articles, {len(reports)} sites with {options.min_articles}+ articles")
    if not reports and miner.documents:
        print(
            f"(a site needs {options.min_articles} articles or more to tell its recurring lines "
            "from chance; --min-articles N lowers that)"
        )
    for report in reports:
        found = len(report.lines) + len(report.prefixes)
        print(f"\n{report.site}: {report.articles} articles, {found} recurring line(s)")
        for line in [*report.lines, *report.prefixes][: args.top]:
            kind = "prefix" if line.prefix else "line"
            print(f"  {line.share:6.1%} {line.count:6d}  {kind}: {line.example[:90]}")
    if args.stats:
        write_stats(args.stats, stats_data(reports, options, miner.documents))
        print(f"\nwrote {args.stats}; use it with `cleantext clean --drop-repeated {args.stats}`")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        source = ", ".join(p.name for p in args.dumps)
        written = 0
        for report in reports:
            if report.lines:
                path = args.out / f"{set_id_for(report.site)}.toml"
                path.write_text(draft_rule_set(report, source=source), encoding="utf-8")
                written += 1
        then = f"; review them, then `cleantext rules lint {args.out}`" if written else ""
        print(f"wrote {written} draft rule set(s) to {args.out}{then}")
    sys.stdout.flush()
    return EXIT_OK
