"""Files, folders, outputs and processes that used to crash a run or lose data (issue 17)."""

from __future__ import annotations

import errno
import json
import os
import random
import re
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE

from .conftest import SEEDS

CLI = [sys.executable, "-c", "from cleantext.cli import run; run()"]
TEXT = "The minister said the talks would resume on Monday.\n\nShare this article\n"


def jsonl(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run did not get there in time"
        time.sleep(0.02)


@pytest.fixture
def crawl(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text(TEXT)
    (folder / "sub" / "b.jsonl").write_bytes(jsonl([{"text": TEXT}, {"no": "text"}]))
    (folder / "c.txt").write_text(TEXT)
    return folder


def test_a_dangling_symlink_is_reported_and_the_rest_is_cleaned(
    crawl: Path, tmp_path: Path, capsys
) -> None:
    (crawl / "b-link.txt").symlink_to(crawl / "gone.txt")
    out = tmp_path / "out"
    assert main(["clean", str(crawl), "-o", str(out)]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"{crawl / 'b-link.txt'}: cannot be read: No such file or directory" in err
    assert "Traceback" not in err and "1 input(s) could not be read" in err
    assert sorted(files_under(out)) == ["a.txt", "c.txt", "sub/b.jsonl"]
    (crawl / "b-link.txt").unlink()
    (crawl / "b-link.txt").write_text(TEXT)
    assert main(["clean", str(crawl), "-o", str(out), "--resume"]) == EXIT_OK
    assert "b-link.txt" in files_under(out)


def test_an_unreadable_file_and_folder_are_reported(
    crawl: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    import builtins

    import cleantext.dumps
    import cleantext.io.plan

    real_open, real_scandir = builtins.open, os.scandir

    def refusing_open(path, *args, **kwargs):
        if Path(path) == crawl / "c.txt":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    def refusing_scandir(path=".", *args, **kwargs):
        if Path(path) == crawl / "sub":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_scandir(path, *args, **kwargs)

    monkeypatch.setattr(cleantext.dumps, "open", refusing_open, raising=False)
    monkeypatch.setattr(cleantext.io.plan.os, "scandir", refusing_scandir)
    out = tmp_path / "out"
    assert main(["clean", str(crawl), "-o", str(out)]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert f"{crawl / 'c.txt'}: cannot be read: Permission denied" in err
    assert f"{crawl / 'sub'}: cannot be read: Permission denied" in err
    assert sorted(files_under(out)) == ["a.txt"]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_bad_parquet_file_in_a_folder_is_named_and_the_rest_cleaned(
    tmp_path: Path, jobs: str, capsys
) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.parquet").write_bytes(b"PAR1garbage")
    # more rows than one batch: the missing column is found in every batch, named once
    rows = [{"id": i, "body": TEXT} for i in range(600)]
    pq.write_table(pa.Table.from_pylist(rows), folder / "b.parquet")
    pq.write_table(pa.Table.from_pylist([{"id": 1, "text": TEXT}]), folder / "c.parquet")
    out = tmp_path / "out"
    assert main(["clean", str(folder), "-o", str(out), "-j", jobs]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert err.count(f"{folder / 'a.parquet'}: not a readable Parquet file (") == 1
    assert err.count(f"{folder / 'b.parquet'}: no column 'text' (columns: id, body)") == 1
    assert "Traceback" not in err and "2 input(s) could not be read" in err
    assert sorted(files_under(out)) == ["c.parquet"]
    assert pq.read_table(out / "c.parquet").to_pylist() == [
        {"id": 1, "text": "The minister said the talks would resume on Monday."}
    ]
    # no output for the bad files, so --resume with the right option cleans them
    argv = ["clean", str(folder), "-o", str(out), "--resume", "--text-field", "body"]
    assert main(argv) == EXIT_REJECTED
    assert len(pq.read_table(out / "b.parquet")) == 600


def test_a_bad_parquet_file_alone_gets_no_output(tmp_path: Path, capsys) -> None:
    pytest.importorskip("pyarrow")
    (tmp_path / "a.parquet").write_bytes(b"PAR1garbage")
    out = tmp_path / "o.parquet"
    assert main(["clean", str(tmp_path / "a.parquet"), "-o", str(out)]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert "a.parquet: not a readable Parquet file" in err and "Traceback" not in err
    assert not out.exists() and not list(tmp_path.glob(".*partial"))


def test_an_output_folder_that_cannot_be_written(tmp_path: Path, monkeypatch, capsys) -> None:
    source = tmp_path / "a.txt"
    source.write_text(TEXT)
    assert main(["clean", str(source), "-o", "/proc/cleantext-test/out.txt"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "/proc/cleantext-test/out.txt: cannot write" in err and "Traceback" not in err
    assert main(["clean", str(source), "--rejects", "/proc/nope/rejects.jsonl"]) == EXIT_USAGE
    assert "cannot write" in capsys.readouterr().err


def test_a_full_disk_is_a_clear_error_and_leaves_no_partial_file(
    tmp_path: Path, monkeypatch, capsys
) -> None:
    import cleantext.io.sinks

    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl([{"text": TEXT}, {"bad": 1}] * 5))

    def full(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(cleantext.io.sinks.ByteSink, "write", full)
    out, rejects = tmp_path / "out" / "clean.jsonl", tmp_path / "rejects.jsonl"
    argv = ["clean", str(source), "-o", str(out), "--rejects", str(rejects)]
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert f"{out}: cannot write: No space left on device" in err and "Traceback" not in err
    assert files_under(tmp_path) == {"in.jsonl": source.read_bytes()}


def test_standard_output_on_a_full_disk(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    rejects = tmp_path / "rejects.jsonl"
    with open("/dev/full", "wb") as full:
        done = subprocess.run(
            [*CLI, "clean", "--format", "jsonl", "--rejects", str(rejects), "-j", "1"],
            input=jsonl([{"text": TEXT * 50}, {"bad": 1}] * 5),
            stdout=full,
            stderr=subprocess.PIPE,
            timeout=120,
        )
    assert done.returncode == EXIT_USAGE
    assert b"standard output: cannot write: No space left on device" in done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_drop_repeated_given_a_binary_file(tmp_path: Path, capsys) -> None:
    stats = tmp_path / "stats.json"
    stats.write_bytes(bytes(range(256)) * 4)
    source = tmp_path / "a.txt"
    source.write_text(TEXT)
    assert main(["clean", str(source), "--drop-repeated", str(stats)]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert str(stats) in err and "Traceback" not in err
    stats.write_text('{"version": 1, "sites": {"x": "not a table"}}')
    assert main(["clean", str(source), "--drop-repeated", str(stats)]) == EXIT_USAGE
    assert str(stats) in capsys.readouterr().err


def test_a_truncated_zst_is_reported_like_gzip(tmp_path: Path, capsys) -> None:
    zstandard = pytest.importorskip("zstandard")
    rows = [{"id": i, "text": f"Line {i} of the story. " * 30} for i in range(300)]
    packed = b"".join(
        zstandard.ZstdCompressor().compress(jsonl(rows[i : i + 50])) for i in range(0, 300, 50)
    )
    source = tmp_path / "dump.jsonl.zst"
    source.write_bytes(packed[: len(packed) * 2 // 3])
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "-j", "1"]) == EXIT_REJECTED
    err = capsys.readouterr().err
    written = out.read_text().splitlines()
    assert f"{source}: truncated or corrupt compressed data after line {len(written)}" in err
    assert 100 <= len(written) < 300


def test_a_corrupt_gzip_says_the_lines_before_the_damage_may_be_damaged_too(
    tmp_path: Path, capsys
) -> None:
    import gzip

    noise = random.Random(3).randbytes  # text that compresses badly: many reads of the file
    rows = [{"id": i, "text": f"Record {i}: {noise(60).hex()}."} for i in range(3000)]
    packed = bytearray(gzip.compress(jsonl(rows), mtime=0))
    packed[len(packed) // 2] ^= 1  # wrong bytes come out; zlib notices at the member's end
    source = tmp_path / "dump.jsonl.gz"
    source.write_bytes(bytes(packed))
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(source), "-o", str(out), "-j", "1"]) == EXIT_REJECTED
    err = capsys.readouterr().err
    assert "the last good record" not in err
    found = re.search(
        f"{re.escape(str(source))}: corrupt compressed data, unreadable from line "
        r"(\d+) \(.*\); the lines just before it may be damaged too",
        err,
    )
    assert found is not None, err
    assert 1 < int(found[1]) <= len(rows)


def test_a_second_run_on_the_same_output_is_refused_naming_the_first(
    tmp_path: Path, capsys
) -> None:
    from cleantext.io.sinks import AtomicFile

    source = tmp_path / "in.jsonl"
    source.write_bytes(jsonl([{"id": 2, "text": TEXT}]))
    out = tmp_path / "out.jsonl"
    with AtomicFile(out) as first:  # this process writing ``out``, as a first run would
        first.write(jsonl([{"id": 1, "text": TEXT}]))
        assert main(["clean", str(source), "-o", str(out)]) == EXIT_USAGE
        err = capsys.readouterr().err
        assert f"process {os.getpid()}" in err and "is writing it" in err
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1]


def test_non_regular_outputs_are_written_in_place(tmp_path: Path) -> None:
    source = tmp_path / "a.txt"
    source.write_text(TEXT)
    # A private null device, never the system's /dev/null: a run that renamed over it as root
    # would leave the machine without one.
    null = tmp_path / "null"
    try:
        os.mknod(null, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device node here")
    assert main(["clean", "-q", str(source), "-o", str(null), "--force"]) == EXIT_OK
    assert stat.S_ISCHR(os.stat(null).st_mode)
    assert main(["clean", "-q", str(source), "-o", str(null)]) == EXIT_OK
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "null"]
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    assert main(["clean", "-q", str(source), "-o", str(link), "--force"]) == EXIT_OK
    assert link.is_symlink() and real.read_text().startswith("The minister")


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc")
def test_workers_exit_when_their_parent_is_killed() -> None:
    run = subprocess.Popen(
        [*CLI, "clean", "--format", "jsonl", "-j", "2"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert run.stdin is not None
    text = (SEEDS / "000_277d1107e5220382.txt").read_text()
    # More than the documents held back while the input's kind is read (cleantext.io.dump_kind).
    run.stdin.write(jsonl([{"text": text}] * 250))
    run.stdin.flush()
    _wait_for(lambda: len(_children(run.pid)) >= 2)
    workers = _children(run.pid)
    run.send_signal(signal.SIGKILL)
    run.wait()
    _wait_for(lambda: not any(_alive(pid) for pid in workers), seconds=10)
