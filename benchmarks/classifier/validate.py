"""How well the line classifier does on sites it never saw, through the whole pipeline.

    python benchmarks/classifier/validate.py --folds /tmp/folds            # both schemes
    python benchmarks/classifier/validate.py --folds /tmp/folds --twice    # + idempotence

Two schemes, each cleaning every page of the three corpora (``corpora.py``) with a model that
never saw its site:

* ``corpus``: leave one corpus out. Train on two corpora, clean the third: other sites,
  other years, another annotator's idea of the article. This is the figure that predicts
  sets nobody here has.
* ``site``: five folds grouped by site over the three corpora pooled.

The decision policy is chosen on held-out predictions too, never on the corpus it is
scored on: for each corpus, the policy is tuned on the other two corpora's out-of-fold
predictions (classifier alone, on what the rule stages leave; ``tune_policy``). Extracted
text gets the policy that removes the most residue while article recall stays within
:data:`RECALL_SLACK` of the input's on every tuning corpus. The policy tuned on all three
corpora's leave-one-corpus-out predictions is what ``train.py --policy-from`` ships.

Each page is then cleaned by the full default pipeline (rules, site detection, page or
article detection, the classifier with its fold model, valve, repair), each corpus and input
as ``cleantext clean`` cleans a dump: its kind read from its first documents
(:mod:`cleantext.classify.dump`; ``--input-kind document`` judges each page alone), and scored with
``score.py`` (token F1, precision, recall; headline counted). The table shows the input as
is and, for whole pages, trafilatura on the same pages' HTML (the figures in the corpus
README, measured by whoever built the corpus). Fold models are kept in ``--folds`` and
reused on the next run; delete the folder after changing features or training.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import train
from corpora import CORPORA, FIELDS, Page, load_pages, load_score, read_records
from sklearn.model_selection import GroupKFold

from cleantext.classify.decide import Policy, headline_of, keep_mask, too_little_kept
from cleantext.classify.features import FloatArray
from cleantext.classify.kind import KindModel

TRAFILATURA = {"dev": 0.949, "train_wcxb": 0.816, "train_readability": 0.932}
"""Token F1 of trafilatura's default extract() on each corpus's HTML, headline counted
(``../shared/corpus/README.md``)."""
RECALL_SLACK = 0.003
"""Extracted text: article recall the policy may lose against the input, per tuning corpus."""
PAGE_GRID = [
    Policy(block=b, inside=i, outside=o)
    for b in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55)
    for i in (0.05, 0.1, 0.2)
    for o in (0.8, 0.9, 1.01)
]
EDGE_GRID = (0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2)
KIND_GRID = (0.5, 0.6, 0.7, 0.8)

Fold = tuple[str, list[int], list[int]]


def folds_of(pages: Sequence[Page], scheme: str) -> list[Fold]:
    """``(name, train, held)`` page indexes of each fold of ``scheme``."""
    if scheme == "corpus":
        return [
            (
                corpus,
                [i for i, p in enumerate(pages) if p.corpus != corpus],
                [i for i, p in enumerate(pages) if p.corpus == corpus],
            )
            for corpus in CORPORA
        ]
    splits = GroupKFold(n_splits=5).split(np.zeros(len(pages)), groups=train.groups_of(pages))
    return [(f"site{k}", list(tr), list(te)) for k, (tr, te) in enumerate(splits)]


@dataclass
class Held:
    """Out-of-fold predictions of every page: stage-2 probabilities in each mode, and the page
    detector's probability that the page is a whole page."""

    page: list[FloatArray]
    article: list[FloatArray]
    kind: list[float]
    model_of: dict[str, tuple[Any, Any, KindModel]]


def fold_models(pages: Sequence[Page], scheme: str, folder: Path, seed: int) -> Held:
    """Fit (or read back from ``folder``) the fold models of ``scheme`` and predict every page
    with the one that never saw it."""
    held = Held([np.empty(0)] * len(pages), [np.empty(0)] * len(pages), [0.0] * len(pages), {})
    for name, tr, test in folds_of(pages, scheme):
        path = folder / f"{scheme}-{name}.npz"
        if path.exists():
            stage1, stage2, kind, _ = train.load_saved(path)
        else:
            t0 = time.perf_counter()
            stage1, stage2, kind = train.fit_model([pages[i] for i in tr], seed=seed)
            held_out = sorted({pages[i].rid for i in test})
            train.save_model(path, stage1, stage2, kind, {"held_out": held_out})
            print(f"  fitted {path.name} in {time.perf_counter() - t0:.0f} s", flush=True)
        test_pages = [pages[i] for i in test]
        train.add_features(test_pages)
        for i, features in zip(test, train.kind_inputs(test_pages), strict=True):
            page = pages[i]
            held.kind[i] = kind.page_probability(features)
            for mode, probs in ((True, held.page), (False, held.article)):
                page.whole_page = mode
                probs[i] = train.predict(stage1, stage2, page)
            held.model_of[page.rid] = (stage1, stage2, kind)
    return held


@dataclass(frozen=True)
class Choice:
    """A decision policy and the page detector's threshold."""

    policy: Policy
    kind_threshold: float


class Tuner:
    """Token scores of choices on held-out predictions, memoised per page and keep mask."""

    def __init__(self, score: Any, pages: Sequence[Page], held: Held) -> None:
        self.score, self.pages, self.held = score, pages, held
        self.memo: dict[tuple[int, bytes], tuple[float, float, float]] = {}
        self.lengths = [np.array([len(s) for s in p.lines], dtype=np.float64) for p in pages]
        self.headlines = [headline_of(p.x) for p in pages]

    def counts(self, i: int, choice: Choice | None) -> tuple[float, float, float]:
        page = self.pages[i]
        if choice is None:
            keep = np.ones(len(page.lines), dtype=bool)
        else:
            whole = self.held.kind[i] >= choice.kind_threshold
            probs = (self.held.page if whole else self.held.article)[i]
            keep = keep_mask(
                probs,
                self.lengths[i],
                whole_page=whole,
                policy=choice.policy,
                headline=self.headlines[i],
            )
            if too_little_kept(self.lengths[i], keep, whole_page=whole):
                keep[:] = True
        key = (i, keep.tobytes())
        if key not in self.memo:
            text = "\n".join(s for s, k in zip(page.lines, keep, strict=True) if k)
            self.memo[key] = self.score.tp_fp_fn(page.gold, text)
        return self.memo[key]

    def metrics(self, index: Sequence[int], choice: Choice | None) -> dict[str, float]:
        """Token metrics of ``choice`` (None: every line kept) on pages ``index``."""
        return dict(self.score.token_metrics([self.counts(i, choice) for i in index]))


def tune_policy(tuner: Tuner, index: Sequence[int]) -> Choice:
    """The choice for unseen corpora, made on the pages ``index`` (see the module docstring).

    For each detector threshold: the article edge first, on the extracted field with
    whole-page documents left alone; then the page thresholds, for the best whole-page F1
    among those that keep the extracted field's recall within :data:`RECALL_SLACK` of the
    input's on every tuning corpus. The threshold whose choice has the best whole-page plus
    extracted F1 wins. F1 is the mean over the corpora, so the largest does not choose alone."""
    pages = tuner.pages
    by_corpus: dict[tuple[str, str], list[int]] = {}
    for i in index:
        by_corpus.setdefault((pages[i].corpus, pages[i].field), []).append(i)

    def mean_f1(field: str, choice: Choice) -> float:
        groups = [v for (c, f), v in by_corpus.items() if f == field]
        return float(np.mean([tuner.metrics(g, choice)["sh_f1"] for g in groups]))

    def recall_holds(choice: Choice) -> bool:
        for (_, field), group in by_corpus.items():
            if field != "extracted":
                continue
            floor = tuner.metrics(group, None)["sh_recall"] - RECALL_SLACK
            if tuner.metrics(group, choice)["sh_recall"] < floor:
                return False
        return True

    pages_kept = {"block": -1.0, "inside": -1.0, "outside": -1.0}
    best: tuple[float, Choice] | None = None
    for threshold in KIND_GRID:
        edges = [
            e for e in EDGE_GRID if recall_holds(Choice(Policy(**pages_kept, edge=e), threshold))
        ]
        edge = max(
            edges or [0.0],
            key=lambda e: mean_f1("extracted", Choice(Policy(**pages_kept, edge=e), threshold)),
        )
        grid = [
            Choice(Policy(block=p.block, inside=p.inside, outside=p.outside, edge=edge), threshold)
            for p in PAGE_GRID
        ]
        allowed = [choice for choice in grid if recall_holds(choice)]
        if not allowed:
            continue
        choice = max(allowed, key=lambda c: mean_f1("wet", c))
        total = mean_f1("wet", choice) + mean_f1("extracted", choice)
        if best is None or total > best[0]:
            best = (total, choice)
    if best is None:  # nothing keeps the recall: cut nothing but what a page policy must
        return Choice(Policy(block=0.5, inside=0.05, outside=1.01, edge=0.0), max(KIND_GRID))
    return best[1]


def line_models(held: Held, choice: Choice) -> Callable[[str], Any]:
    """Page id -> the fold model that never saw it, with ``choice`` (built once per fold)."""
    from cleantext.classify.model import LineModel

    built: dict[int, LineModel] = {}

    def model_for(rid: str) -> LineModel:
        stage1, stage2, kind = held.model_of[rid]
        if id(stage1) not in built:
            built[id(stage1)] = LineModel.from_stages(
                stage1,
                stage2,
                policy=choice.policy,
                kind=replace(kind, threshold=choice.kind_threshold),
                meta="{}",
            )
        return built[id(stage1)]

    return model_for


def clean_corpus(
    records: list[dict[str, str]],
    field: str,
    model_for: Callable[[str], Any],
    twice: bool,
    input_kind: str = "auto",
) -> tuple[list[str], int, str]:
    """Every record's ``field`` cleaned by the default pipeline with its fold model, as
    ``cleantext clean`` cleans a dump of them: under ``auto`` the dump's kind is read from its
    first documents (each with its fold model's detector; :mod:`cleantext.classify.dump`).
    The texts, how many change when cleaned again, and the kind they were cleaned as."""
    import cleantext.classify as classify
    from cleantext import Cleaner, read_dump

    def texts_seen_by_their_fold() -> Iterator[str]:
        for rec in records:  # read_dump takes each text just after its model is set
            classify._MODEL = model_for(rec["id"])
            yield rec.get(field) or ""

    if input_kind == "auto":
        input_kind = read_dump(texts_seen_by_their_fold()).input_kind
    cleaner = Cleaner(input_kind=input_kind)
    texts, unstable = [], 0
    for rec in records:
        classify._MODEL = model_for(rec["id"])
        text = cleaner.clean(rec.get(field) or "")
        if twice and cleaner.clean(text) != text:
            unstable += 1
        texts.append(text)
    return texts, unstable, input_kind


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--folds", type=Path, required=True, help="fold models are kept here")
    ap.add_argument("--schemes", default="corpus,site")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--twice", action="store_true", help="count documents unstable on re-cleaning")
    ap.add_argument("--json", type=Path, help="write the table's figures here")
    ap.add_argument(
        "--input-kind",
        default="auto",
        help="as cleantext clean's option: auto reads each corpus's kind from its first documents",
    )
    ap.add_argument(
        "--by-type",
        action="store_true",
        help="also a row per page type, in corpora that name them (WCXB: article, forum, ...)",
    )
    ap.add_argument(
        "--outputs",
        type=Path,
        help="write every held-out output here, one JSONL file per scheme, corpus and field "
        "(id, text, F1): to read what the figures are made of",
    )
    a = ap.parse_args(argv)
    a.folds.mkdir(parents=True, exist_ok=True)
    score = load_score()
    t0 = time.perf_counter()
    pages = load_pages(CORPORA, score)
    train.add_features(pages)
    print(f"{len(pages)} pages ({time.perf_counter() - t0:.0f} s)", flush=True)

    results: list[dict[str, Any]] = []
    saved = a.folds / "policy.json"  # a run of one scheme keeps the other's policies
    policies: dict[str, Any] = json.loads(saved.read_text()) if saved.exists() else {}
    for scheme in a.schemes.split(","):
        held = fold_models(pages, scheme, a.folds, a.seed)
        tuner = Tuner(score, pages, held)
        chosen = {
            corpus: tune_policy(tuner, [i for i, p in enumerate(pages) if p.corpus != corpus])
            for corpus in CORPORA
        }
        policies[scheme] = {c: asdict(choice) for c, choice in chosen.items()}
        if scheme == "corpus":
            policies["all"] = asdict(tune_policy(tuner, range(len(pages))))
        for corpus in CORPORA:
            records = read_records(corpus)
            model_for = line_models(held, chosen[corpus])
            for field in FIELDS:
                texts, unstable, kind = clean_corpus(
                    records, field, model_for, a.twice, a.input_kind
                )
                gold = [score.gold_text(r, ["gold_title", "gold"]) for r in records]
                got_counts = [score.tp_fp_fn(g, t) for g, t in zip(gold, texts, strict=True)]
                given_counts = [
                    score.tp_fp_fn(g, r.get(field) or "")
                    for g, r in zip(gold, records, strict=True)
                ]
                got = score.token_metrics(got_counts)
                given = score.token_metrics(given_counts)
                results.append(
                    {
                        "scheme": scheme,
                        "corpus": corpus,
                        "field": field,
                        "input": {k: given[k] for k in ("sh_f1", "sh_precision", "sh_recall")},
                        "cleantext": {k: got[k] for k in ("sh_f1", "sh_precision", "sh_recall")},
                        "unstable": unstable if a.twice else None,
                        "input_kind": kind,
                        "choice": asdict(chosen[corpus]),
                    }
                )
                print_row(results[-1])
                if a.outputs:
                    write_outputs(
                        a.outputs / f"{scheme}-{corpus}-{field}.jsonl", records, texts, got_counts
                    )
                if a.by_type:
                    types = [r.get("page_type") or "" for r in records]
                    results[-1]["by_type"] = by_type(score, types, given_counts, got_counts)
    saved.write_text(json.dumps(policies, indent=1))
    if a.json:
        a.json.write_text(json.dumps(results, indent=1))
    print(f"policy for shipping: {policies.get('all')}  ({time.perf_counter() - t0:.0f} s)")
    return 0


def write_outputs(
    path: Path, records: Sequence[dict[str, str]], texts: Sequence[str], counts: Sequence[Any]
) -> None:
    """One line per page: its id, the held-out output and its token F1."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for rec, text, (tp, fp, fn) in zip(records, texts, counts, strict=True):
            f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
            out.write(json.dumps({"id": rec["id"], "f1": round(f1, 4), "text": text}) + "\n")


def by_type(
    score: Any, types: Sequence[str], given: Sequence[Any], got: Sequence[Any]
) -> dict[str, dict[str, Any]]:
    """The input's and cleantext's token metrics per page type (printed): where a corpus
    names its pages' types, the mean over all of them can hide one type's loss."""
    rows: dict[str, dict[str, Any]] = {}
    if len(set(types)) < 2:
        return rows
    for kind in sorted(set(types), key=lambda t: -types.count(t)):
        chosen = [i for i, t in enumerate(types) if t == kind]
        mine = score.token_metrics([got[i] for i in chosen])
        theirs = score.token_metrics([given[i] for i in chosen])
        rows[kind] = {"pages": len(chosen), "input": theirs, "cleantext": mine}
        print(
            f"{'':36s}{kind or '(none)':14s} {len(chosen):5d} pages  as is "
            f"{theirs['sh_f1']:.3f}  cleantext {mine['sh_f1']:.3f} "
            f"({mine['sh_precision']:.3f}/{mine['sh_recall']:.3f})",
            flush=True,
        )
    return rows


def print_row(row: dict[str, Any]) -> None:
    def fmt(m: dict[str, float]) -> str:
        return f"{m['sh_f1']:.3f} ({m['sh_precision']:.3f}/{m['sh_recall']:.3f})"

    reference = TRAFILATURA[row["corpus"]] if row["field"] == "wet" else None
    extra = f"  trafilatura {reference:.3f}" if reference else ""
    if row["unstable"] is not None:
        extra += f"  unstable {row['unstable']}"
    extra += f"  as {row['input_kind']}"
    print(
        f"{row['scheme']:7s} {row['corpus']:18s} {row['field']:9s} "
        f"as is {fmt(row['input'])}  cleantext {fmt(row['cleantext'])}{extra}",
        flush=True,
    )


if __name__ == "__main__":
    raise SystemExit(main())
