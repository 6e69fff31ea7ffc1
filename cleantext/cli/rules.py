"""``cleantext rules``: list, show, lint and test rule sets, and scaffold a new site's set.

Every subcommand sees the shipped rules plus the folders of ``--rules-dir`` and
``CLEANTEXT_RULES_DIR``, so private rule folders work without a fork.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from ..authoring.lint import lint
from ..authoring.mine import toml_string
from ..authoring.scaffold import propose, scaffold
from ..errors import ConfigError
from ..io.documents import iter_documents
from ..rules import ID_PATTERN, Rule, RuleLibrary, RuleSet, rule_files
from ..testing import check_example, run_rule
from .common import EXIT_OK, EXIT_REJECTED, add_rule_options, clean_options, rule_paths, shorten

EXIT_PROBLEMS = EXIT_REJECTED  # lint found problems / a rule example failed


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "rules",
        help="list, show, lint, test rule sets; scaffold a new site",
        description="Work with rule sets: the shipped ones and those in --rules-dir folders.",
    )
    commands = parser.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", required=True)

    listing = commands.add_parser(
        "list", help="rule sets with rule counts, domains, detect markers"
    )
    add_rule_options(listing)
    listing.set_defaults(handler=run_list)

    show = commands.add_parser("show", help="one rule set or rule in full")
    show.add_argument(
        "id", metavar="ID", help="a set id (pressreader) or rule id (pressreader/masthead)"
    )
    add_rule_options(show)
    show.set_defaults(handler=run_show)

    check = commands.add_parser(
        "lint",
        help="find defects in rule files (exit 1 when any)",
        description="Check rule files: schema, duplicate ids, unreachable sets, rules that can "
        "never fire or are shadowed, patterns that can backtrack catastrophically, missing "
        "keep-examples and failing examples. Exit 0 when clean, 1 when problems were found.",
    )
    check.add_argument(
        "paths",
        nargs="*",
        type=Path,
        metavar="PATH",
        help="rule files or folders (default: every rule folder in use)",
    )
    add_rule_options(check)
    check.set_defaults(handler=run_lint)

    test = commands.add_parser(
        "test",
        help="run rule examples with a pass/fail report",
        description="Run the examples of rule files, sets or rules (outside pytest) and show a "
        "diff for each failure. Exit 0 when all pass, 1 otherwise.",
    )
    test.add_argument(
        "targets",
        nargs="*",
        metavar="PATH|ID",
        help="rule files/folders, set ids or set/rule ids (default: all rules in use)",
    )
    test.add_argument("-q", "--quiet", action="store_true", help="only show failures")
    add_rule_options(test)
    test.set_defaults(handler=run_test)

    new = commands.add_parser(
        "new",
        help="draft a site's rule set from sample articles",
        description="Propose domains, detect markers and drop-line rule stubs for SITE from "
        "sample articles (text files, or JSONL records with text and url) and write "
        "SITE.toml, ready for `cleantext rules test`.",
    )
    new.add_argument("site", metavar="SITE", help="the new set's id, kebab-case (harbour-gazette)")
    new.add_argument(
        "--from",
        dest="samples",
        nargs="+",
        required=True,
        metavar="FILE",
        help="sample articles of the site: .txt files or .jsonl records",
    )
    new.add_argument(
        "-o",
        "--output-dir",
        type=Path,
        metavar="DIR",
        help="where to write SITE.toml (default: the first --rules-dir, else rules/sites)",
    )
    new.add_argument("--force", action="store_true", help="overwrite an existing file")
    add_rule_options(new)
    new.set_defaults(handler=run_new)


def _library(args: argparse.Namespace) -> RuleLibrary:
    return clean_options(args).library()


def _kind(rule_set: RuleSet) -> str:
    return "generic" if rule_set.always else "site"


def run_list(args: argparse.Namespace) -> int:
    library = _library(args)
    rows = [("set", "kind", "rules", "domains", "detect markers", "file")]
    for rule_set in library.sets.values():
        detect = f"{len(rule_set.detect)}: {rule_set.detect[0]}" if rule_set.detect else "-"
        domains = ", ".join(rule_set.domains) or "-"
        rows.append(
            (
                rule_set.id,
                _kind(rule_set),
                str(len(rule_set.rules)),
                shorten(domains, 40),
                shorten(detect, 50),
                str(rule_set.path),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print(
            "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        )
    return EXIT_OK


def _find(library: RuleLibrary, wanted: str) -> tuple[RuleSet, Rule | None]:
    set_id, _, rule_id = wanted.partition("/")
    rule_set = library.sets.get(set_id)
    if rule_set is None:
        raise ConfigError(
            f"no rule set {set_id!r}; `cleantext rules list` shows them "
            "(add --rules-dir DIR for your own folders)."
        )
    if not rule_id:
        return rule_set, None
    for rule in rule_set.rules:
        if rule_id == rule.id or rule_id in rule.aliases:
            return rule_set, rule
    known = ", ".join(r.id for r in rule_set.rules)
    raise ConfigError(f"rule set {set_id!r} has no rule {rule_id!r}; its rules: {known}.")


def _print_rule(rule: Rule, *, full: bool) -> None:
    print(f"{rule.qualified_id}  ({rule.action}, stage {rule.stage.name.lower()})")
    print(f"  {rule.description}")
    if not full:
        return
    print(f"  why: {rule.why}")
    for name, value in rule.params.items():
        # As TOML, to paste back into a rule file (a conversion in the f-string would apply
        # to the whole conditional: the TOML string itself quoted again).
        shown = toml_string(value) if isinstance(value, str) else repr(value)
        print(f"  {name} = {shown}")
    for i, example in enumerate(rule.examples):
        if example.is_keep:
            print(f"  example {i} (keep): {example.input!r}")
        else:
            print(f"  example {i}: {example.input!r}\n           → {example.output!r}")
            if example.metadata:
                print(f"           metadata {dict(example.metadata)!r}")


def run_show(args: argparse.Namespace) -> int:
    rule_set, rule = _find(_library(args), args.id)
    if rule is not None:
        _print_rule(rule, full=True)
        return EXIT_OK
    print(f"{rule_set.id}: {rule_set.name} ({_kind(rule_set)}, {rule_set.path})")
    print(f"  {rule_set.description}")
    if rule_set.domains:
        print(f"  domains: {', '.join(rule_set.domains)}")
    for marker in rule_set.detect:
        print(f"  detect: {marker}")
    if rule_set.extends:
        print(f"  extends: {', '.join(rule_set.extends)}")
    print()
    for each in rule_set.rules:
        _print_rule(each, full=False)
    print(f"\n`cleantext rules show {rule_set.id}/RULE` shows a rule with its examples.")
    return EXIT_OK


def run_lint(args: argparse.Namespace) -> int:
    context = rule_paths(args)
    problems = lint(args.paths or context, context=context)
    for problem in problems:
        print(problem)
    files = len({p.file for p in problems})
    if problems:
        print(f"\n{len(problems)} problem(s) in {files} file(s).")
        return EXIT_PROBLEMS
    checked = len(rule_files(Path(p) for p in (args.paths or context) if Path(p).exists()))
    print(f"{checked} rule file(s) checked: no problems.")
    return EXIT_OK


def _selected_rules(args: argparse.Namespace) -> list[Rule]:
    """The rules named by the targets: files/folders, set ids or set/rule ids."""
    paths = rule_paths(args)
    path_targets = [Path(t) for t in args.targets if Path(t).exists()]
    library = RuleLibrary.load(
        paths + [p for p in path_targets if not any(p.resolve() == q.resolve() for q in paths)]
    )
    if not args.targets:
        return [rule for s in library.sets.values() for rule in s.rules]
    files = {f.resolve() for f in rule_files(path_targets)}
    rules: list[Rule] = [
        rule
        for rule_set in library.sets.values()
        if rule_set.path.resolve() in files
        for rule in rule_set.rules
    ]
    for target in args.targets:
        if Path(target).exists():
            continue
        rule_set, rule = _find(library, target)
        rules += [rule] if rule is not None else list(rule_set.rules)
    return list({rule.qualified_id: rule for rule in rules}.values())


def _diff(expected: str, got: str) -> list[str]:
    return list(
        difflib.unified_diff(
            expected.split("\n"), got.split("\n"), "expected", "got", lineterm="", n=1
        )
    )


def run_test(args: argparse.Namespace) -> int:
    passed = failed = 0
    for rule in _selected_rules(args):
        failures_of_rule = []
        for i, example in enumerate(rule.examples):
            failures = check_example(rule, example)
            if failures:
                failures_of_rule.append((i, example, failures))
            else:
                passed += 1
        failed += len(failures_of_rule)
        if not failures_of_rule:
            if not args.quiet:
                print(f"PASS {rule.qualified_id} ({len(rule.examples)} examples)")
            continue
        for i, example, failures in failures_of_rule:
            kind = "keep-example" if example.is_keep else "example"
            print(f"FAIL {rule.qualified_id}[{i}] ({kind})")
            for failure in failures:
                print("  " + failure.replace("\n", "\n  "))
            got = run_rule(rule, example.input).text
            if got != example.output:
                print("\n".join("    " + line for line in _diff(example.output, got)))
    total = passed + failed
    print(f"\n{passed} of {total} examples passed" + (f", {failed} failed." if failed else "."))
    if failed:
        print("Fix the pattern or the example, then run the same command again.")
    return EXIT_PROBLEMS if failed else EXIT_OK


def _output_dir(args: argparse.Namespace) -> Path:
    if args.output_dir is not None:
        return Path(args.output_dir)
    if args.rules:
        return Path(args.rules[0])
    return Path("rules") / "sites"


def run_new(args: argparse.Namespace) -> int:
    if not ID_PATTERN.fullmatch(args.site):
        raise ConfigError(
            f"{args.site!r} is not a valid set id: use kebab-case, e.g. 'harbour-gazette'."
        )
    documents = [doc for sample in args.samples for doc in iter_documents(sample)]
    if not documents:
        raise ConfigError("no sample articles were read; give .txt files or .jsonl records.")
    proposal = propose(args.site, documents)
    text = scaffold(proposal)
    folder = _output_dir(args)
    target = folder / f"{args.site}.toml"
    if target.exists() and not args.force:
        raise ConfigError(f"{target} exists; choose another SITE id or pass --force to replace it.")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    written = RuleLibrary.load([target]).sets[args.site]
    print(f"wrote {target}: {len(written.rules)} rule stub(s) from {len(documents)} sample(s)")
    print(f"  domains: {', '.join(proposal.domains) or '(none: add the site domain)'}")
    print(f"  detect:  {', '.join(proposal.detect) or '(none: add a line only this site prints)'}")
    for rule in written.rules:
        print(f"  - {rule.id}: {rule.description}")
    rules_dir = folder if folder != Path("rules") / "sites" else None
    option = f" --rules-dir {rules_dir}" if rules_dir else ""
    sample = args.samples[0]
    print("\nNext: review the stubs (generalize the patterns, delete article text), then run")
    print(f"  cleantext rules test {target}")
    print(f"  cleantext explain {sample}{option}")
    print(f"  cleantext rules lint {target}{option}")
    sys.stdout.flush()
    return EXIT_OK
