"""cleantext benchmark suite: the pipeline, each stage, the engine at scale, the CLI, and the
alternatives measured in the same run on the same text.

Run from the repository root (after ``pip install -e '.[bench]'``)::

    python benchmarks/run.py                 # ~10 MB per input, 3 repetitions, everything
    python benchmarks/run.py --mb 25 --only pipeline,alternatives

Prints a table and writes ``benchmarks/results/<timestamp>.json`` (git-ignored). Rates are
MB of UTF-8 input per second, median of the repetitions, one process, text in memory.
Cases whose feature is missing (the generic classifier, ``clean -j``) are reported as skipped.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import alternatives
import corpus as corpus_module
import dump_throughput
import sitesets

from cleantext import Cleaner, RuleLibrary, default_library, read_dump
from cleantext.actions import Stage
from cleantext.actions.normalize import repair_unicode
from cleantext.classify import classify_lines
from cleantext.detect import SiteDetector
from cleantext.matcher import LineMatcher
from cleantext.pipeline import build_plan, run_steps
from cleantext.rules import shipped_rules_dir

RESULTS = Path(__file__).resolve().parent / "results"
GROUPS = ("pipeline", "stages", "engine", "explain", "alternatives", "html", "cli")


@dataclass
class Result:
    """One measured (or skipped) case."""

    group: str
    case: str
    input: str
    megabytes: float = 0.0
    seconds: list[float] = field(default_factory=list)
    note: str = ""
    skipped: str = ""

    @property
    def rate(self) -> float:
        """MB/s at the median repetition."""
        return self.megabytes / statistics.median(self.seconds) if self.seconds else 0.0


def size_of(docs: Sequence[str]) -> float:
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6


def timed(run: Callable[[str], object], docs: Sequence[str], repeat: int) -> list[float]:
    """Seconds for each of ``repeat`` passes of ``run`` over ``docs``."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for doc in docs:
            run(doc)
        times.append(time.perf_counter() - start)
    return times


ChunkTimer = Callable[[int, int], float]
"""Seconds some cleaner takes over documents ``first`` to ``last - 1`` of an input."""


def chunk_timer(run: Callable[[str], object], docs: Sequence[str]) -> ChunkTimer:
    """A :data:`ChunkTimer` running ``run`` on each document of ``docs`` in this process."""

    def seconds(first: int, last: int) -> float:
        start = time.perf_counter()
        for doc in docs[first:last]:
            run(doc)
        return time.perf_counter() - start

    return seconds


def take_turns(
    timers: Sequence[ChunkTimer], count: int, repeat: int, chunk: int = 50
) -> list[list[float]]:
    """Seconds of each of ``timers`` over ``count`` documents per repetition, the timers taking
    turns every ``chunk`` documents (in reversed order every other turn).

    For ratios: the host's speed drifts within seconds, and turns this short put the cleaners
    compared under the same drift.
    """
    times = [[0.0] * repeat for _ in timers]
    for rep in range(repeat):
        for turn, first in enumerate(range(0, count, chunk)):
            last = min(first + chunk, count)
            order = range(len(timers)) if turn % 2 == 0 else range(len(timers) - 1, -1, -1)
            for k in order:
                times[k][rep] += timers[k](first, last)
    return times


def timed_turns(timers: Sequence[ChunkTimer], count: int, turn: float = 1.0) -> list[float]:
    """Seconds each of ``timers`` takes over ``count`` documents, the timers taking turns of
    about ``turn`` seconds each (each goes on from where its last turn stopped).

    For cleaners of very different speeds: turns of equal documents would give the faster one
    turns of a few hundredths of a second, each starting with the caches the slower one just
    filled, a cost turns of a second make small for both; the host's drift within a run still
    falls on both alike.
    """
    done = [0] * len(timers)
    seconds = [0.0] * len(timers)
    batch = [1] * len(timers)  # documents per call, doubled while calls are short
    while min(done) < count:
        for k, timer in enumerate(timers):
            spent = 0.0
            while done[k] < count and spent < turn:
                last = min(done[k] + batch[k], count)
                took = timer(done[k], last)
                spent += took
                seconds[k] += took
                done[k] = last
                if took < turn / 8:
                    batch[k] *= 2
    return seconds


def interleaved(
    runs: Sequence[Callable[[str], object]], docs: Sequence[str], repeat: int
) -> list[list[float]]:
    """:func:`take_turns` for variants of cleantext, after one untimed pass of each: what is
    compared is the steady state, not first-use compilation."""
    for run in runs:
        for doc in docs:
            run(doc)
    return take_turns([chunk_timer(run, docs) for run in runs], len(docs), repeat)


def host_speed() -> float:
    """Milliseconds of a fixed pure-Python loop (best of five): on shared virtual machines the
    host's speed drifts by tens of percent within minutes, and rates taken at different
    moments are only comparable next to this."""
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        sum(range(2_000_000))
        best = min(best, time.perf_counter() - start)
    return round(best * 1000, 1)


def busy(seconds: float, run: Callable[[str], object], docs: Sequence[str]) -> None:
    """Run ``run`` over ``docs`` untimed for ``seconds``, so what is timed next runs in the
    host's busy state: this machine's virtual cores run slower for about a second after any
    idle moment (a fixed loop took ~37 ms, then ~20 ms once the core had been busy for a
    second), and a group timed from a cold start would carry that."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        for doc in docs[:50]:
            run(doc)


@contextmanager
def one_core() -> Iterator[None]:
    """Pin this process, and the processes it starts meanwhile, to one core: cleantext and
    an alternative in another process then take turns on a core that never idles (on two
    cores, each would idle through the other's turns and start its own turns slowed)."""
    cores = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(cores)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, cores)


def slice_of(docs: list[str], megabytes: float) -> list[str]:
    """The first documents adding up to about ``megabytes`` (for cases too slow for all)."""
    taken, total = [], 0.0
    for doc in docs:
        if total >= megabytes:
            break
        taken.append(doc)
        total += len(doc.encode("utf-8")) / 1e6
    return taken


class Suite:
    """Holds the input and options; each ``case_*`` method appends results."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.corpus = corpus_module.load(args.mb, args.corpus)
        self.results: list[Result] = []
        self.cleaner = Cleaner()

    def add(self, result: Result) -> Result:
        self.results.append(result)
        shown = f"{result.rate:8.2f} MB/s" if result.seconds else f"skipped: {result.skipped}"
        print(f"  {result.group:12} {result.case:42} {result.input:10} {shown}", flush=True)
        return result

    def measure(
        self,
        group: str,
        case: str,
        field_name: str,
        run: Callable[[str], object],
        *,
        docs: Sequence[str] | None = None,
    ) -> Result:
        """Time ``run`` over ``docs`` (default: the field's documents), ``--repeat`` times."""
        docs = self.corpus.docs[field_name] if docs is None else docs
        seconds = timed(run, docs, self.args.repeat)
        return self.add(Result(group, case, field_name, size_of(docs), seconds))

    # --- cases -------------------------------------------------------------------------

    def case_pipeline(self) -> None:
        for name in corpus_module.FIELDS:
            self.measure("pipeline", "default pipeline (clean)", name, self.cleaner.clean)
        for name in corpus_module.FIELDS:
            # What cleantext clean does with a dump of these documents: its kind read from
            # the first ones (whole-page text is then cut down as pages, every document).
            kind = read_dump(self.corpus.docs[name]).input_kind
            dump = Cleaner(input_kind=kind)
            self.measure("pipeline", f"as a dump (read as {kind})", name, dump.clean)
        urls = self.corpus.urls
        for name in corpus_module.FIELDS:
            docs = self.corpus.docs[name]
            pairs = list(zip(docs, urls * (len(docs) // max(len(urls), 1) + 1), strict=False))
            start = []
            for _ in range(self.args.repeat):
                t = time.perf_counter()
                for doc, url in pairs:
                    self.cleaner.clean(doc, url=url)
                start.append(time.perf_counter() - t)
            self.add(Result("pipeline", "default pipeline, URL given", name, size_of(docs), start))

    def case_stages(self) -> None:
        library = default_library()
        generic = [s for s in library.sets.values() if s.always]
        normalize = build_plan(generic, [Stage.NORMALIZE], frozenset())
        rule_stages = [s for s in Stage if s not in (Stage.NORMALIZE, Stage.CLASSIFY)]
        rules = build_plan(generic, rule_stages, frozenset())
        detector = SiteDetector(library)
        for name in corpus_module.FIELDS:
            docs = self.corpus.docs[name]
            normalized = [run_steps(d, normalize, explain=False).text for d in docs]
            self.measure(
                "stages",
                "normalize (strip + gated repair)",
                name,
                lambda d: run_steps(d, normalize, explain=False),
            )
            self.measure(
                "stages",
                "unicode repair alone (gated ftfy)",
                name,
                lambda d: repair_unicode(d.split("\n")),
            )
            self.measure(
                "stages",
                "site detection (content, no URL)",
                name,
                lambda d: detector.sites(d, None),
                docs=normalized,
            )
            self.measure(
                "stages",
                "rule stages (generic sets)",
                name,
                lambda d: run_steps(d, rules, explain=False),
                docs=normalized,
            )
            self.measure(
                "stages",
                "generic classifier",
                name,
                lambda d: classify_lines(d.split("\n")),
                docs=normalized,
            )

    def case_engine(self) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            folder = sitesets.write_site_sets(Path(tmp) / "sites", self.args.sites)
            loads = []
            for _ in range(self.args.repeat):
                start = time.perf_counter()
                big = RuleLibrary.load([shipped_rules_dir(), folder])
                loads.append(time.perf_counter() - start)
            self.add(
                Result(
                    "engine",
                    f"RuleLibrary.load, {self.args.sites} extra sets (s)",
                    "-",
                    seconds=loads,
                    note=f"median {statistics.median(loads):.2f} s",
                )
            )
            many = Cleaner(big)
            for name in corpus_module.FIELDS:
                docs = self.corpus.docs[name]
                shipped = Result("engine", "pipeline, shipped sets", name, size_of(docs))
                loaded = Result(
                    "engine", f"pipeline, +{self.args.sites} site sets", name, size_of(docs)
                )
                shipped.seconds, loaded.seconds = interleaved(
                    [self.cleaner.clean, many.clean], docs, self.args.repeat
                )
                loaded.note = f"{loaded.rate / shipped.rate:.2f}x the shipped-sets rate"
                self.add(shipped)
                self.add(loaded)
                urls = [
                    f"https://www.site{i % self.args.sites}.example/a" for i in range(len(docs))
                ]
                pairs = dict(zip(range(len(docs)), urls, strict=True))
                times = []
                for _ in range(self.args.repeat):
                    t = time.perf_counter()
                    for i, doc in enumerate(docs):
                        many.clean(doc, url=pairs[i])
                    times.append(time.perf_counter() - t)
                self.add(
                    Result(
                        "engine",
                        f"pipeline, +{self.args.sites} sets, site by URL",
                        name,
                        size_of(docs),
                        times,
                        "each document routed to a generated site",
                    )
                )
        lines_docs = [d.split("\n") for d in self.corpus.docs["wet"]]
        for count in (64, 3000):
            matcher = LineMatcher(sitesets.line_patterns(count))
            self.add(
                Result(
                    "engine",
                    f"line rules: {count} rules, combined scan",
                    "wet",
                    size_of(self.corpus.docs["wet"]),
                    timed(matcher.scan, lines_docs, self.args.repeat),  # type: ignore[arg-type]
                )
            )
            small = slice_of(self.corpus.docs["wet"], 1.0 if count < 1000 else 0.1)
            small_lines = [d.split("\n") for d in small]
            self.add(
                Result(
                    "engine",
                    f"line rules: {count} rules, regex per line",
                    "wet",
                    size_of(small),
                    timed(
                        lambda ls, m=matcher: [m.first(x) for x in ls if x],  # type: ignore[misc]
                        small_lines,  # type: ignore[arg-type]
                        1,
                    ),
                    "the plain reference, on a slice",
                )
            )

    def case_explain(self) -> None:
        """Explain off and on take turns (see :func:`interleaved`)."""
        for name in corpus_module.FIELDS:
            docs = self.corpus.docs[name]
            off = Result("explain", "explain off (clean)", name, size_of(docs))
            on = Result("explain", "explain on (explain)", name, size_of(docs))
            off.seconds, on.seconds = interleaved(
                [self.cleaner.clean, self.cleaner.explain], docs, self.args.repeat
            )
            off.note = f"{off.rate / on.rate:.2f}x explain on"
            self.add(off)
            self.add(on)

    def case_alternatives(self) -> None:
        """Each alternative takes turns with cleantext on the same documents (see
        :func:`timed_turns`), and its ratio is taken over those turns: shared machines drift by
        tens of percent within a run, and rates measured even a minute apart carry that drift.
        """
        for name in corpus_module.FIELDS:  # cleantext's first-use compilation is not timed
            for doc in self.corpus.docs[name]:
                self.cleaner.clean(doc)
        for alt, make in alternatives.IN_PROCESS.items():
            for name in corpus_module.FIELDS:
                try:
                    run = make()
                except alternatives.Unavailable as why:
                    self.add(Result("alternatives", alt, name, skipped=str(why)))
                    continue
                self.versus(alt, name, chunk_timer(run, self.corpus.docs[name]))
        for name in corpus_module.FIELDS:
            try:
                install = not self.args.no_install
                with (
                    one_core(),
                    alternatives.CleanTextWorker(self.corpus.docs[name], install=install) as w,
                ):
                    self.versus("clean-text", name, w.time)
            except alternatives.Unavailable as why:
                self.add(Result("alternatives", "clean-text", name, skipped=str(why)))

    def case_html(self) -> None:
        """HTML pages to clean text (``Cleaner.clean_html``) beside trafilatura's default
        ``extract()`` on the same pages, in turns of about a second (:func:`timed_turns`), on
        one core. Rates are MB of HTML per second."""
        source, pages, urls = corpus_module.html_pages(self.args.html_mb, self.args.html)
        if not pages:
            self.add(Result("html", "clean_html", "html", skipped="no HTML corpus found"))
            return
        print(f"  html input: {source}; {size_of(pages):.1f} MB, {len(pages)} pages", flush=True)
        by_page = dict(zip(map(id, pages), urls, strict=True))

        def ours(page: str) -> object:
            return self.cleaner.clean_html(page, url=by_page[id(page)])

        try:
            import trafilatura
        except ImportError:
            trafilatura = None
        for page in pages[:20]:  # first-use work (model load, plans) is not timed
            ours(page)
        megabytes = size_of(pages)
        if trafilatura is None:
            self.add(
                Result(
                    "html",
                    "cleantext clean_html",
                    "html",
                    megabytes,
                    timed(ours, pages, self.args.repeat),
                )
            )
            self.add(
                Result(
                    "html",
                    "trafilatura extract() (defaults)",
                    "html",
                    skipped="trafilatura is not installed: pip install '.[bench]'",
                )
            )
            return

        def theirs(page: str) -> object:
            return trafilatura.extract(page, url=by_page[id(page)])

        mine, other = [], []
        with one_core():
            for _ in range(self.args.alt_repeat):
                a, b = timed_turns(
                    [chunk_timer(ours, pages), chunk_timer(theirs, pages)], len(pages)
                )
                mine.append(a)
                other.append(b)
        ours_result = Result("html", "cleantext clean_html", "html", megabytes, mine)
        theirs_result = Result("html", "trafilatura extract() (defaults)", "html", megabytes, other)
        ratios = sorted(b / a for a, b in zip(mine, other, strict=True))
        ours_result.note = (
            f"{statistics.median(ratios):.1f}x trafilatura (median of {len(ratios)} rounds in "
            f"turns, one core; rounds {ratios[0]:.1f}-{ratios[-1]:.1f}x)"
        )
        self.add(ours_result)
        self.add(theirs_result)

    def versus(self, alt: str, field_name: str, timer: ChunkTimer) -> None:
        """Time ``alt`` and the default pipeline in turns; report ``alt`` with the ratio."""
        docs = self.corpus.docs[field_name]
        ours, theirs = [], []
        for _ in range(self.args.alt_repeat):
            mine, other = timed_turns([chunk_timer(self.cleaner.clean, docs), timer], len(docs))
            ours.append(mine)
            theirs.append(other)
        megabytes = size_of(docs)
        rate = megabytes / statistics.median(ours)
        result = Result("alternatives", alt, field_name, megabytes, theirs)
        result.note = f"cleantext is {rate / result.rate:.1f}x faster ({rate:.2f} MB/s in turns)"
        self.add(result)

    def case_cli(self) -> None:
        script = self.args.cli or shutil.which("cleantext", path=str(Path(sys.executable).parent))
        help_text = ""
        if script:
            done = subprocess.run([script, "clean", "--help"], capture_output=True, text=True)
            help_text = done.stdout
        has_jobs = re.search(r"(?<![\w-])-j\b", help_text) and "--format" in help_text
        if not script or not has_jobs:
            for jobs in (1, 2):
                self.add(
                    Result(
                        "cli",
                        f"cleantext clean -j {jobs} (JSONL.gz)",
                        "wet",
                        skipped="no -j/--format",
                    )
                )
            return
        RESULTS.mkdir(parents=True, exist_ok=True)
        source = RESULTS / f"cli-input-{self.args.cli_mb}mb.jsonl.gz"
        if not source.exists():
            self.write_jsonl(source, self.args.cli_mb)
        megabytes = self.args.cli_mb
        out = RESULTS / "cli-output.jsonl.gz"
        runs: dict[int, list[dict[str, float]]] = {1: [], 2: []}
        for round_number in range(self.args.cli_repeat):
            # the job counts take turns, reversed every other round: the host's speed drifts
            for jobs in (1, 2) if round_number % 2 == 0 else (2, 1):
                command = [script, "clean", str(source), "-o", str(out)]
                command += ["-j", str(jobs), "--format", "jsonl"]
                command += ["--force"] if "--force" in help_text else []
                measured = dump_throughput.run(command)
                if measured["returncode"]:
                    status = measured["returncode"]
                    for skipped_jobs in (1, 2):
                        self.add(
                            Result(
                                "cli",
                                f"cleantext clean -j {skipped_jobs}",
                                "wet",
                                skipped=f"exit {status}",
                            )
                        )
                    out.unlink(missing_ok=True)
                    return
                runs[jobs].append(measured)
        out.unlink(missing_ok=True)
        for jobs in (1, 2):
            note = f"peak RSS {max(r['peak'] for r in runs[jobs]) / 1e6:.0f} MB"
            if jobs == 2:
                speedup = dump_throughput.median_ratio(runs[1], runs[2], "seconds")
                note += f"; {speedup:.2f}x -j 1 (median of {len(runs[1])} rounds, in turns)"
            self.add(
                Result(
                    "cli",
                    f"cleantext clean -j {jobs} (JSONL.gz)",
                    "wet",
                    float(megabytes),
                    [r["seconds"] for r in runs[jobs]],
                    note,
                )
            )

    def write_jsonl(self, path: Path, megabytes: int) -> None:
        docs = self.corpus.docs["wet"]
        urls = self.corpus.urls
        written = 0.0
        with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
            i = 0
            while written < megabytes:
                doc = docs[i % len(docs)]
                record = {"id": str(i), "url": urls[i % len(urls)], "text": doc}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                written += len(doc.encode("utf-8")) / 1e6
                i += 1


def print_table(results: list[Result]) -> None:
    print(f"\n{'group':12} {'case':44} {'input':9} {'MB':>7} {'MB/s':>9}  note")
    print("-" * 110)
    for r in results:
        if r.skipped:
            print(f"{r.group:12} {r.case:44} {r.input:9} {'':>7} {'skipped':>9}  {r.skipped}")
        elif r.megabytes:
            print(
                f"{r.group:12} {r.case:44} {r.input:9} {r.megabytes:7.1f} {r.rate:9.2f}  {r.note}"
            )
        else:
            print(f"{r.group:12} {r.case:44} {r.input:9} {'':>7} {'':>9}  {r.note}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mb", type=float, default=10.0, help="MB of text per input (10)")
    parser.add_argument("--repeat", type=int, default=3, help="repetitions per case (3)")
    parser.add_argument("--alt-repeat", type=int, default=3, help="repetitions, alternatives (3)")
    parser.add_argument("--only", help=f"comma-separated groups: {', '.join(GROUPS)}")
    parser.add_argument("--sites", type=int, default=1000, help="generated site sets (1000)")
    parser.add_argument("--cli-mb", type=int, default=200, help="MB of text in the CLI input")
    parser.add_argument(
        "--cli-repeat", type=int, default=3, help="CLI rounds, -j 1 and -j 2 in turns (3)"
    )
    parser.add_argument(
        "--cli", help="the cleantext command to time (default: the one beside this Python)"
    )
    parser.add_argument("--corpus", type=Path, help="a JSONL.gz with wet/extracted fields")
    parser.add_argument(
        "--html",
        type=Path,
        action="append",
        help="a JSONL.gz of HTML pages (fields html, url) for the html group; repeatable "
        "(default: the dev and Readability HTML corpora)",
    )
    parser.add_argument("--html-mb", type=float, default=40.0, help="MB of HTML pages (40)")
    parser.add_argument(
        "--busy",
        type=float,
        default=2.0,
        help="seconds of untimed cleaning before each group, to time a busy core (2)",
    )
    parser.add_argument(
        "--no-install", action="store_true", help="do not create the clean-text environment"
    )
    args = parser.parse_args(argv)
    groups = args.only.split(",") if args.only else list(GROUPS)
    unknown = set(groups) - set(GROUPS)
    if unknown:
        parser.error(f"unknown group(s): {', '.join(sorted(unknown))}")
    suite = Suite(args)
    c = suite.corpus
    print(
        f"input: {c.source}; wet {c.megabytes('wet'):.1f} MB, "
        f"extracted {c.megabytes('extracted'):.1f} MB",
        flush=True,
    )
    host = []
    for group in GROUPS:
        if group in groups:
            busy(args.busy, suite.cleaner.clean, c.docs["wet"])
            host.append(host_speed())
            getattr(suite, f"case_{group}")()
    host.append(host_speed())
    print_table(suite.results)
    print(f"\nhost check (ms, lower is faster), before each group and at the end: {host}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"{stamp}.json"
    payload = {
        "when": stamp,
        "command": " ".join(["python", "benchmarks/run.py", *(argv or sys.argv[1:])]),
        "input": c.source,
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "host_check_ms": host,
        },
        "results": [{**asdict(r), "mb_per_s": round(r.rate, 3)} for r in suite.results],
    }
    out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    print(f"\nwrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
