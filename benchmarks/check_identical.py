"""Check that this checkout cleans exactly like a reference checkout (e.g. before a speed-up).

    python benchmarks/check_identical.py --ref ../main          # the dev corpus, both fields
    python benchmarks/check_identical.py --ref ../main --options   # and other options too

Runs ``Cleaner.explain`` from both checkouts (the reference in a subprocess with its own
``sys.path``) on every document, with and without its URL, and compares text, edits, metadata,
rule sets and warnings. Also checks the gated unicode repair against plain ftfy on every corpus
line. ``--options`` also compares cleaners built with :data:`OPTION_SETS` (the keywords every
checkout since the classifier's input kind understands). Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus as corpus_module

_RUN = """
import json, sys
sys.path.insert(0, sys.argv[1])
from dataclasses import asdict
from cleantext import Cleaner
cleaner = Cleaner(**json.loads(sys.argv[2]))
out = []
for doc, url in json.load(sys.stdin):
    r = cleaner.explain(doc, url=url)
    out.append([r.text, [asdict(e) for e in r.edits], r.metadata, list(r.rule_sets),
                list(r.warnings)])
print(json.dumps(out))
"""

#: ``--options``: keyword options of ``Cleaner`` compared besides the defaults (``whole_page``
#: is the older name of ``input_kind``, which a reference checkout may not know)
OPTION_SETS: list[dict[str, object]] = [
    {"whole_page": True},
    {"whole_page": False},
    {"classifier": False},
    {"drop_headline": True},
    {"ignore": ["share"]},
]


def results(
    checkout: Path, jobs: list[tuple[str, str | None]], options: dict[str, object] | None = None
) -> list[object]:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, str(checkout), json.dumps(options or {})],
        input=json.dumps(jobs),
        capture_output=True,
        text=True,
        check=True,
        cwd="/",
    )
    return json.loads(done.stdout)


def plain_repair(line: str, rounds: int = 4) -> str:
    """The repair without the gate: ftfy on every line, repeated until stable."""
    import ftfy

    from cleantext.actions.normalize import FTFY_CONFIG

    fixed = ftfy.fix_text(line, FTFY_CONFIG) if rounds else line
    if fixed == line:
        return line
    return "\n".join(plain_repair(part, rounds - 1) for part in fixed.split("\n"))


def check_repair(docs: list[str]) -> int:
    # the action strips the parts of a repaired line as strip-lines does: zero-width
    # characters too (ftfy turns "â\x80\x8d" into a zero-width joiner alone)
    from cleantext.actions.normalize import _strip, repair_unicode

    bad = 0
    for doc in docs:
        lines = doc.split("\n")
        changed = {c.first: c.lines for c in repair_unicode(lines).changes}
        for i, line in enumerate(lines):
            fixed = plain_repair(line) if line else line
            want = (line,) if fixed == line else tuple(map(_strip, fixed.split("\n")))
            if changed.get(i, (line,)) != want:
                bad += 1
                print(f"repair differs from ftfy on {line!r}")
    return bad


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", type=Path, required=True, help="reference checkout")
    parser.add_argument("--corpus", type=Path)
    parser.add_argument(
        "--options", action="store_true", help="also compare cleaners of other options"
    )
    args = parser.parse_args()
    corpus = corpus_module.load(0, args.corpus)
    here = Path(__file__).resolve().parent.parent
    differences = 0
    for field in corpus_module.FIELDS:
        docs = corpus.docs[field][: len(corpus.urls)]
        jobs = [(d, None) for d in docs] + list(zip(docs, corpus.urls, strict=True))
        for options in [{}, *(OPTION_SETS if args.options else [])]:
            ours, theirs = results(here, jobs, options), results(args.ref.resolve(), jobs, options)
            for (doc, url), a, b in zip(jobs, ours, theirs, strict=True):
                if a != b:
                    differences += 1
                    print(f"{field} {options}: differs (url={url}): {doc[:60]!r}")
            print(f"{field} {options}: {len(jobs)} runs compared, {differences} differences so far")
        differences += check_repair(docs)
    print("identical" if not differences else f"{differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
