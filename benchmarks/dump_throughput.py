"""End-to-end dump throughput: ``cleantext clean`` on a generated JSONL.gz, ``-j 1`` vs ``-j 2``.

Generates a JSONL.gz of ``--gz-mb`` megabytes (200 by default, gzip level 1, about 470 MB of
JSONL; ``--mb`` sizes it by its uncompressed JSONL instead) from real-looking pages (the
``wet`` and ``extracted`` texts of /work/shared/corpus/dev.jsonl.gz when present, else the
seed articles), each record varied (lines rotated, a unique line added) so that gzip cannot
fold the dump into a few repeats. The dump lives in a temporary folder and is deleted after:
generated data is never committed.

For each job count it runs the installed command as a user would (``--rounds`` times, the
job counts taking turns; speed-ups are the median of each round's ratio), samples the resident
memory and CPU time of every process of the tree (parent and workers) every 50 ms, and
reports wall time, MB/s of uncompressed input, peak RSS, total and per-process CPU, and checks
that every run wrote the same records. On a shared machine wall-clock speed-up depends on
other users' load; "CPU speed-up" is a conservative estimate of the speed-up on idle cores:
the CPU time of ``-j 1`` over the parent's plus the busiest worker's CPU time of ``-j N``.
"reference" is what the host gives a plain CPU-bound loop run as N processes in the same
rounds: N on idle cores of its own, less when virtual cores share physical ones or other
tenants are busy; it is what ``-j N`` can be expected to reach then.
Results go to ``benchmarks/results/dump_throughput.json`` (git-ignored) and a table is
printed.

    python benchmarks/dump_throughput.py                 # 200 MB gzipped, -j 1 and -j 2
    python benchmarks/dump_throughput.py --mb 20 --jobs 1 2   # 20 MB of JSONL
    python benchmarks/dump_throughput.py --mb 20 --stream-gb 2   # also: memory on a 2 GB stream

``--stream-gb N`` also pipes N GB of generated JSONL through ``cleantext clean -j 2`` with an
empty rule set, so that the reading, splitting, worker round trip and writing are measured
alone, and shows that peak memory does not grow with the size of the input.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path("/work/shared/corpus/dev.jsonl.gz")
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def base_texts() -> list[tuple[str, str | None]]:
    """``(text, url)`` pairs to build records from."""
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in f]
        return [(r[field], r.get("url")) for r in rows for field in ("wet", "extracted")]
    seeds = sorted(p for p in (ROOT / "seeds").glob("*.txt") if ".expected." not in p.name)
    return [(p.read_text(encoding="utf-8"), None) for p in seeds]


def generate(
    path: Path, megabytes: float, *, gzipped: bool = False, seed: int = 1
) -> tuple[int, int]:
    """Write the dump: ``megabytes`` of JSONL, or with ``gzipped`` until the gzip file is that
    big; return (records, uncompressed bytes)."""
    texts = base_texts()
    rng = random.Random(seed)
    target = int(megabytes * 1e6)
    written = records = 0
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=1) as out:
        while (raw.tell() if gzipped else written) < target:
            text, url = rng.choice(texts)
            lines = text.split("\n")
            cut = rng.randrange(len(lines))
            varied = "\n".join([*lines[cut:], *lines[:cut], f"Ref {records}-{rng.random():.6f}"])
            line = (
                json.dumps(
                    {"id": records, "url": url, "text": varied, "source": "bench"},
                    ensure_ascii=False,
                ).encode("utf-8")
                + b"\n"
            )
            out.write(line)
            written += len(line)
            records += 1
    return records, written


def _stat(pid: int) -> tuple[int, float] | None:
    """Resident bytes and CPU seconds (user + system) of ``pid`` itself, or None if gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return None
    # fields 24 (rss, in pages), 14 and 15 (utime, stime, in ticks) of proc(5)
    return int(fields[21]) * PAGE, (int(fields[11]) + int(fields[12])) / TICKS


def _tree(root: int) -> list[int]:
    """The pids of ``root`` and its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                parent = int(f.read().rsplit(b")", 1)[1].split()[1])  # field 4: ppid
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
    stack, pids = [root], []
    while stack:
        pid = stack.pop()
        pids.append(pid)
        stack += children.get(pid, [])
    return pids


def _tree_rss(root: int) -> int:
    """Resident bytes of ``root`` and all its descendants (from /proc)."""
    return sum(found[0] for pid in _tree(root) if (found := _stat(pid)) is not None)


#: Seconds between samples of the measured process tree, and samples between two searches
#: of /proc for its processes (a search costs about a millisecond of CPU, taken from the
#: measured run: searching every sample would slow ``-j 2`` by 2% of a core).
SAMPLE_SECONDS = 0.05
SAMPLES_PER_SEARCH = 20


def run(command: list[str]) -> dict[str, float]:
    """Run ``command``; return its exit status, wall seconds, peak RSS of its process tree
    (sampled from /proc: a ``wait4`` maximum would count the memory of the process that
    forked it, before ``exec``) and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command)
    peak = 0
    cpu_by_pid: dict[int, float] = {}
    pids: list[int] = []
    samples = 0
    while process.poll() is None:
        if samples % SAMPLES_PER_SEARCH == 0 or samples < SAMPLES_PER_SEARCH:
            pids = _tree(process.pid)  # every sample in the first second, as workers start
        samples += 1
        rss = 0
        for pid in pids:
            if (found := _stat(pid)) is not None:
                rss += found[0]
                cpu_by_pid[pid] = max(cpu_by_pid.get(pid, 0.0), found[1])
        peak = max(peak, rss)
        time.sleep(SAMPLE_SECONDS)
    parent_cpu = cpu_by_pid.pop(process.pid, 0.0)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # The run cannot be shorter than the parent's CPU time plus its busiest worker's (counted
    # as if they never overlapped, so this errs on the slow side). Samples miss the last
    # moments of a worker: the workers' share of the exact total, split evenly, bounds the
    # busiest one from below.
    busiest = parent_cpu
    if cpu_by_pid:
        even_share = (cpu - parent_cpu) / len(cpu_by_pid)
        busiest += max(even_share, *cpu_by_pid.values())
    return {
        "returncode": process.returncode,
        "seconds": seconds,
        "peak": peak,
        "cpu": cpu,
        "parent_cpu": parent_cpu,
        "busiest_cpu": busiest,
    }


#: A fixed pure-Python loop (about a second), the reference for what the host gives N processes.
_REFERENCE_LOOP = "total = 0\nfor i in range(10_000_000):\n    total += i * i"


def reference_speedup(processes: int) -> float:
    """How much faster ``processes`` copies of a CPU-bound loop run side by side than one
    after another, on this host now: ``processes`` for idle cores of their own, less when
    the virtual cores share physical ones or other tenants' load. It is what ``-j N`` can be
    expected to reach in the same round, whatever the code (a pipeline that waits on memory
    may fare a little better or worse than this loop)."""

    def wall(copies: int) -> float:
        start = time.perf_counter()
        children = [
            subprocess.Popen([sys.executable, "-c", _REFERENCE_LOOP]) for _ in range(copies)
        ]
        for child in children:
            child.wait()
        return time.perf_counter() - start

    return processes * wall(1) / wall(processes)


def stream_through(gigabytes: float, command: str) -> dict[str, float]:
    """Pipe ``gigabytes`` of JSONL through the I/O path (no rules); wall time and peak RSS."""
    text = "Some article text here, written to be cleaned. " * 90
    line = json.dumps({"id": 1, "url": "https://example.com/a", "text": text}).encode() + b"\n"
    block = line * 256
    empty_rules = tempfile.mkdtemp(prefix="cleantext-no-rules-")
    argv = [command, "clean", "-q", "--format", "jsonl", "-j", "2", "--no-default-rules"]
    process = subprocess.Popen(
        [*argv, "--rules", empty_rules], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    assert process.stdin is not None
    peak, sent, total = 0, 0, int(gigabytes * 1e9)
    start = time.perf_counter()
    while sent < total:
        process.stdin.write(block)
        sent += len(block)
        if sent % (len(block) * 64) == 0:
            peak = max(peak, _tree_rss(process.pid))
    process.stdin.close()
    process.wait()
    seconds = time.perf_counter() - start
    os.rmdir(empty_rules)
    return {
        "gigabytes": round(sent / 1e9, 2),
        "seconds": round(seconds, 1),
        "mb_per_s": round(sent / 1e6 / seconds, 1),
        "peak_rss_mb": round(peak / 1e6, 1),
    }


def median_ratio(base: list[dict[str, float]], runs: list[dict[str, float]], key: str) -> float:
    """The median over rounds of ``base[key] / run[key]``: each run is compared with the base
    job count's run of the same round, which ran next to it."""
    return round(statistics.median(b[key] / r[key] for b, r in zip(base, runs, strict=True)), 2)


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with gzip.open(path, "rb") as f:
        while block := f.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--gz-mb", type=float, default=200, help="dump size, gzipped (200)")
    size.add_argument("--mb", type=float, help="dump size, uncompressed JSONL instead")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs per job count, taking turns (3)"
    )
    parser.add_argument("--stream-gb", type=float, default=0, help="also stream N GB, no rules")
    parser.add_argument(
        "--results", type=Path, default=ROOT / "benchmarks/results/dump_throughput.json"
    )
    parser.add_argument(
        "--command",
        default=str(Path(sys.executable).with_name("cleantext")),
        help="the cleantext executable to measure",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cleantext-bench-"))
    try:
        dump = work / "dump.jsonl.gz"
        started = time.perf_counter()
        if args.mb is not None:
            records, raw_bytes = generate(dump, args.mb)
        else:
            records, raw_bytes = generate(dump, args.gz_mb, gzipped=True)
        print(
            f"generated {records:,} records, {raw_bytes / 1e6:.0f} MB JSONL, "
            f"{dump.stat().st_size / 1e6:.0f} MB gzip, in {time.perf_counter() - started:.0f} s",
            flush=True,
        )
        measured: dict[int, list[dict[str, float]]] = {jobs: [] for jobs in args.jobs}
        references: dict[int, list[float]] = {jobs: [] for jobs in args.jobs if jobs > 1}
        digests = set()
        for round_number in range(args.rounds):
            # Job counts take turns, in reversed order every other round: the host's speed
            # drifts by tens of percent within a minute, and a ratio of two runs taken far
            # apart carries that drift.
            order = args.jobs if round_number % 2 == 0 else args.jobs[::-1]
            for jobs in order:
                out = work / f"out-j{jobs}.jsonl.gz"
                command = [args.command, "clean", "-q", "-j", str(jobs), str(dump), "-o", str(out)]
                one = run(command)
                if one["returncode"]:
                    raise SystemExit(f"{' '.join(command)} exited {one['returncode']}")
                measured[jobs].append(one)
                digests.add(digest(out))
                out.unlink()
                print(f"round {round_number + 1}, -j {jobs}: {one['seconds']:.1f} s", flush=True)
            for jobs, found in references.items():
                found.append(reference_speedup(jobs))
                print(f"round {round_number + 1}, reference loop x{jobs}: {found[-1]:.2f}x")
        base_runs = measured[args.jobs[0]]
        rows = []
        for jobs, runs in measured.items():
            seconds = statistics.median(r["seconds"] for r in runs)
            rows.append(
                {
                    "jobs": jobs,
                    "seconds": round(seconds, 2),
                    "seconds_each_round": [round(r["seconds"], 2) for r in runs],
                    "mb_per_s": round(raw_bytes / 1e6 / seconds, 2),
                    "docs_per_s": round(records / seconds, 1),
                    "peak_rss_mb": round(max(r["peak"] for r in runs) / 1e6, 1),
                    "cpu_seconds": round(statistics.median(r["cpu"] for r in runs), 1),
                    "parent_cpu_seconds": round(
                        statistics.median(r["parent_cpu"] for r in runs), 1
                    ),
                    "critical_path_cpu_seconds": round(
                        statistics.median(r["busiest_cpu"] for r in runs), 1
                    ),
                    "speedup": median_ratio(base_runs, runs, "seconds"),
                    # The speed-up on idle cores, estimated from CPU times, which other users'
                    # load on a shared machine does not skew (see ``run``).
                    "cpu_bound_speedup": median_ratio(base_runs, runs, "busiest_cpu"),
                    # What the host gave a plain CPU-bound loop in the same rounds.
                    "reference_speedup": round(statistics.median(references[jobs]), 2)
                    if jobs in references
                    else 1.0,
                }
            )
        result = {
            "benchmark": "dump_throughput",
            "input_mb": round(raw_bytes / 1e6, 1),
            "input_gz_mb": round(dump.stat().st_size / 1e6, 1),
            "records": records,
            "cores": os.cpu_count(),
            "load_average_before": os.getloadavg()[0],
            "rounds": args.rounds,
            "same_output_for_every_job_count": len(digests) == 1,
            "runs": rows,
        }
        if args.stream_gb:
            result["stream_no_rules"] = stream_through(args.stream_gb, args.command)
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
        header = (
            "jobs",
            "seconds",
            "MB/s",
            "docs/s",
            "peak RSS MB",
            "speed-up",
            "CPU s",
            "parent CPU s",
            "critical CPU s",
            "CPU speed-up",
            "reference",
        )
        print("\n" + " ".join(f"{h:>12}" for h in header))
        for row in rows:
            values = (
                row["jobs"],
                row["seconds"],
                row["mb_per_s"],
                row["docs_per_s"],
                row["peak_rss_mb"],
                row["speedup"],
                row["cpu_seconds"],
                row["parent_cpu_seconds"],
                row["critical_path_cpu_seconds"],
                row["cpu_bound_speedup"],
                row["reference_speedup"],
            )
            print(" ".join(f"{v:>12}" for v in values))
        print(
            "reference: N copies of a pure-Python loop side by side vs one, same rounds "
            "(what the host gives N processes)"
        )
        print(f"same output for every job count: {result['same_output_for_every_job_count']}")
        if args.stream_gb:
            streamed = result["stream_no_rules"]
            print(
                f"stream, no rules, -j 2: {streamed['gigabytes']} GB in {streamed['seconds']} s "
                f"({streamed['mb_per_s']} MB/s), peak RSS {streamed['peak_rss_mb']} MB"
            )
        print(f"results: {args.results}")
    finally:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
