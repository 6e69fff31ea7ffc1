"""A generated dump with planted per-site boilerplate, to measure ``cleantext mine``.

Each site gets 3-6 boilerplate lines (mastheads, menus, footers, subscription and "updated"
lines whose digits vary), each printed on a fixed share (40-100 %) of its articles. Article
text is random sentences, plus distractors that must NOT be reported: cross-site subheadings
on ~8 % of articles and per-site recurring topic lines on ~12 % of a site's articles; 3 % of
records have no URL. Everything comes from one seeded ``random.Random``, so a dump is
reproducible.

Run as a script for the full-size figure (20,000 articles, 50 sites)::

    python tests/minegen.py --articles 20000 --sites 50
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from collections.abc import Iterator
from dataclasses import dataclass

from cleantext.authoring.mine import MineOptions, Miner
from cleantext.document import Document
from cleantext.pipeline.steps import line_key

_SYLLABLES = ["ka", "lo", "mi", "ner", "sta", "vo", "ri", "den", "ta", "bel", "or", "un", "ex"]
_TEMPLATES = (
    "{name} | {tagline}",
    "Home | {menu}",
    "© {year} {name} Media. All rights reserved.",
    "Subscribe to {name} for £{n} a month",
    "Updated {n}:{m} GMT",
    "Follow {name} on Mastodon and Bluesky",
    "{name} newsletter: the day's top stories in your inbox",
    "Advertisement",
    "More from {name}",
    "Got a story? Email news@{domain}",
)
_SUBHEADINGS = ("Background", "What happens next", "Analysis", "Reaction")


@dataclass(frozen=True)
class Dump:
    documents: list[Document]
    planted: frozenset[tuple[str, str]]  # (domain, line_key)


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))


def _sentence(rng: random.Random) -> str:
    words = [_word(rng) for _ in range(rng.randint(8, 24))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def generate(articles: int, sites: int, *, seed: int = 7) -> Iterator[tuple[Document, set[str]]]:
    """Yield (document, planted keys in it) one at a time (the dump is never held whole)."""
    rng = random.Random(seed)
    profiles = []
    for i in range(sites):
        name = f"{_word(rng).capitalize()} {rng.choice(['Post', 'Herald', 'Courier', 'Times'])}"
        domain = f"{name.split()[0].lower()}{i}.example"
        fields = {
            "name": name,
            "domain": domain,
            "tagline": f"{_word(rng).capitalize()} news for {_word(rng).capitalize()}",
            "menu": " | ".join(rng.sample(["News", "Sport", "Business", "Opinion", "Life"], 4)),
        }
        chosen = rng.sample(range(len(_TEMPLATES)), rng.randint(3, 6))
        planted = [(_TEMPLATES[t], rng.uniform(0.4, 1.0), t < 2) for t in chosen]
        topics = [f"{_word(rng).capitalize()} {_word(rng)} {_word(rng)}" for _ in range(3)]
        weight = 1 / (i + 5)  # uneven site sizes
        profiles.append((domain, fields, planted, topics, weight))
    weights = [p[4] for p in profiles]
    for n in range(articles):
        domain, fields, planted, topics, _ = rng.choices(profiles, weights)[0]
        head, tail, keys = [], [], set()
        for template, share, at_head in planted:
            if rng.random() < share:
                line = template.format(
                    **fields,
                    year=rng.choice([2023, 2024]),
                    n=rng.randint(1, 23),
                    m=rng.randint(10, 59),
                )
                (head if at_head else tail).append(line)
                keys.add(line_key(line))
        body = [_sentence(rng) for _ in range(rng.randint(4, 14))]
        if rng.random() < 0.08:
            body.insert(rng.randrange(len(body)), rng.choice(_SUBHEADINGS))
        if rng.random() < 0.12:
            body.insert(rng.randrange(len(body)), rng.choice(topics))
        url = None if rng.random() < 0.03 else f"https://www.{domain}/story/{n}"
        text = "\n".join([*head, _sentence(rng)[:-1], *body, *tail])
        yield Document(text, url, f"generated:{n}"), keys


def build(articles: int, sites: int, *, seed: int = 7) -> Dump:
    documents, planted = [], set()
    for document, keys in generate(articles, sites, seed=seed):
        documents.append(document)
        planted |= {(_site(document), key) for key in keys}
    return Dump(documents, frozenset(planted))


def _site(document: Document) -> str:
    """Where mining counts a generated document: its domain, or ``unknown`` without a URL."""
    return document.url.split("/")[2].removeprefix("www.") if document.url else "unknown"


def score(miner: Miner, planted: frozenset[tuple[str, str]]) -> tuple[float, float, int, int]:
    """Recall, precision, true and reported counts of the reported lines vs the planted ones."""
    # Records without a URL are pooled as "unknown" (no site set detects these made-up
    # sites), where each site's lines are diluted: that bucket is not scored.
    reports = [r for r in miner.report() if r.site != "unknown"]
    found = {(r.site, line.key) for r in reports for line in r.lines}
    sites = {r.site for r in reports}
    expected = {(site, key) for site, key in planted if site in sites}
    hits = len(found & expected)
    return hits / max(len(expected), 1), hits / max(len(found), 1), len(expected), len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=20000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--capacity", type=int, default=MineOptions().capacity)
    args = parser.parse_args()
    planted: set[tuple[str, str]] = set()
    miner = Miner(MineOptions(capacity=args.capacity))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    for document, keys in generate(args.articles, args.sites):
        planted |= {(_site(document), key) for key in keys}
        miner.add(document)
    seconds = time.perf_counter() - start
    recall, precision, expected, found = score(miner, frozenset(planted))
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(
        f"{args.articles} articles, {args.sites} sites, capacity {args.capacity}: "
        f"recall {recall:.3f} ({expected} planted lines), precision {precision:.3f} "
        f"({found} reported), {seconds:.1f} s, max RSS grew {grown:.1f} MiB"
    )


if __name__ == "__main__":
    main()
