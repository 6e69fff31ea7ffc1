"""``cleantext clean`` as a user runs it: filters, rejects accounting, refusals, interruption."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleantext import Cleaner
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE

from .conftest import SEEDS

CLI = [sys.executable, "-c", "from cleantext.cli import run; run()"]
SEED = SEEDS / "000_277d1107e5220382.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")


def cli(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*CLI, "clean", *args], input=stdin, capture_output=True, cwd=cwd, timeout=120
    )


def jsonl(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows)


def test_jsonl_filter_as_the_scorer_runs_it(cleaner: Cleaner) -> None:
    rows = [
        {"id": f"p{i}", "text": f"{SEED_TEXT}\n{i}" if i % 2 else "Hi.\n\nShare this"}
        for i in range(9)
    ]
    done = cli("--format", "jsonl", stdin=jsonl(rows))
    assert done.returncode == EXIT_OK, done.stderr
    out = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert out == [{"id": r["id"], "text": cleaner.clean(r["text"])} for r in rows]
    assert b"9 records in, 9 out, 0 rejected" in done.stderr


def test_plain_text_filter_and_quiet(cleaner: Cleaner) -> None:
    done = cli("-q", stdin=SEED.read_bytes())
    assert done.returncode == EXIT_OK
    assert done.stdout.decode() == cleaner.clean(SEED_TEXT) + "\n"
    assert done.stderr == b""


BAD_RECORDS = [
    (b'{"id": 1, "text": "Good one."}', None),
    (b'{"id": 2, "text": "cut', "invalid JSON"),
    (b'["not", "an", "object"]', "not a JSON object"),
    (b'{"id": 4}', "no 'text' field"),
    (b'{"id": 5, "text": 42}', "is int, not a string"),
    (b'{"id": 6, "text": null}', "is null"),
    (b'{"id": 7, "text": "caf\xe9"}', "not UTF-8"),
    (b'{"id": 8, "text": "' + b"x" * 300 + b'"}', "over --max-bytes"),
    (b"", None),  # a blank line is no record
    (b'{"id": 10, "text": "Also good."}', None),
]


def test_every_kind_of_bad_record_is_rejected_and_accounted(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b"\n".join(record for record, _ in BAD_RECORDS) + b"\n")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    argv = [str(source), "-o", str(out), "--rejects", str(rejects), "--max-bytes", "200"]
    done = cli(*argv)
    assert done.returncode == EXIT_REJECTED
    assert b"9 records in, 2 out, 7 rejected" in done.stderr
    assert [json.loads(line)["id"] for line in out.read_text().splitlines()] == [1, 10]
    logged = [json.loads(line) for line in rejects.read_text().splitlines()]
    expected = [(n, reason) for n, (_, reason) in enumerate(BAD_RECORDS, 1) if reason]
    assert [(r["line"], r["source"]) for r in logged] == [(n, str(source)) for n, _ in expected]
    for entry, (line, reason) in zip(logged, expected, strict=True):
        assert reason in entry["reason"]
        raw = BAD_RECORDS[line - 1][0]
        if "record_base64" in entry:
            import base64

            assert base64.b64decode(entry["record_base64"]) == raw
        else:
            assert entry["record"].encode() == raw


def test_without_rejects_file_each_reject_is_reported(tmp_path: Path) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_bytes(b'{"text": "Fine."}\n{oops\n')
    done = cli(str(source))
    assert done.returncode == EXIT_REJECTED
    assert f"cleantext: {source}:2: rejected: invalid JSON".encode() in done.stderr
    assert done.stdout == b'{"text": "Fine."}\n'


def test_truncated_gzip_names_file_and_last_good_record(tmp_path: Path) -> None:
    words = SEED_TEXT.split()
    shuffle = random.Random(7).sample
    rows = [{"id": i, "text": " ".join(shuffle(words, len(words)))} for i in range(40)]
    packed = gzip.compress(jsonl(rows))
    source = tmp_path / "dump.jsonl.gz"
    source.write_bytes(packed[: len(packed) // 2])
    done = cli(str(source), "-o", str(tmp_path / "out.jsonl"))
    assert done.returncode == EXIT_REJECTED
    assert b"Traceback" not in done.stderr
    assert f"{source}: truncated or corrupt compressed data after line".encode() in done.stderr
    written = (tmp_path / "out.jsonl").read_text().splitlines()
    assert 5 < len(written) < 40
    assert f"after line {len(written)} (the last good record)".encode() in done.stderr


def test_annotate_and_stats(tmp_path: Path) -> None:
    from cleantext import Edit, replay

    rows = [{"id": 1, "text": SEED_TEXT, "url": "https://www.pressreader.com/uk/x"}]
    done = cli("--format", "jsonl", "--annotate", "--stats", stdin=jsonl(rows))
    assert done.returncode == EXIT_OK
    (out,) = [json.loads(line) for line in done.stdout.decode().splitlines()]
    note = out["cleantext"]
    assert note["metadata"]["publication"] == "Daily Mirror"
    edits = [Edit(**edit) for edit in note["edits"]]
    assert replay(SEED_TEXT, edits) == out["text"]
    assert b"pressreader/footer-newspapers-in" in done.stderr
    assert b"removed)" in done.stderr


def test_rules_is_an_alias_of_rules_dir(tmp_path: Path) -> None:
    assert (
        main(["clean", "-q", "--no-default-rules", "--rules", "nowhere/", str(SEED)]) == EXIT_USAGE
    )


@pytest.mark.parametrize(
    "argv",
    [
        ["--bogus"],
        ["--jobs", "0", "IN"],
        ["IN", "-o", "IN"],
        ["IN", "-o", "EXISTING"],
        ["IN", "--rejects", "EXISTING"],
        ["IN", "-o", "OUT.txt", "--rejects", "OUT.txt"],
        ["IN", "--rejects", "IN"],
        ["IN", "-o", "x.parquet"],
        ["DIR"],
        ["DIR", "-o", "DIR/sub"],
        ["missing.jsonl"],
        ["--annotate", "IN"],
        ["--scheduler", "tcp://127.0.0.1:1", "IN"],
    ],
)
def test_usage_errors_exit_2_and_touch_nothing(tmp_path: Path, argv: list[str]) -> None:
    (tmp_path / "DIR").mkdir()
    (tmp_path / "DIR" / "a.txt").write_text(SEED_TEXT)
    (tmp_path / "IN").write_text(SEED_TEXT)
    (tmp_path / "EXISTING").write_text("keep me")
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    argv = [str(tmp_path / a) if a.isupper() or "/" in a or "." in a else a for a in argv]
    assert main(["clean", *argv]) == EXIT_USAGE
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_force_overwrites(tmp_path: Path) -> None:
    (tmp_path / "out.txt").write_text("old")
    assert main(["clean", "-q", str(SEED), "-o", str(tmp_path / "out.txt"), "--force"]) == 0
    assert (tmp_path / "out.txt").read_text() == Cleaner().clean(SEED_TEXT) + "\n"


def _wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run did not get there in time"
        time.sleep(0.05)


def test_killed_run_leaves_no_final_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    run = subprocess.Popen(
        [*CLI, "clean", "--format", "jsonl", "-j", "1", "-o", str(target)],
        stdin=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert run.stdin is not None
    # More than the documents held back while the input's kind is read (cleantext.io.dump_kind).
    run.stdin.write(jsonl([{"id": i, "text": SEED_TEXT} for i in range(250)]))
    run.stdin.flush()
    partial = tmp_path / ".out.jsonl.partial"
    _wait_for(lambda: partial.exists() and partial.stat().st_size > 0)
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert not target.exists()


def test_terminated_run_removes_its_partial_file_and_says_so(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    run = subprocess.Popen(
        [*CLI, "clean", "--format", "jsonl", "-j", "2", "-o", str(target)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert run.stdin is not None
    run.stdin.write(jsonl([{"id": i, "text": SEED_TEXT} for i in range(50)]))
    run.stdin.flush()
    _wait_for((tmp_path / ".out.jsonl.partial").exists)
    run.send_signal(signal.SIGTERM)
    assert run.wait(timeout=60) == 128 + signal.SIGTERM
    assert run.stderr is not None
    said = run.stderr.read()
    assert b"terminated (SIGTERM)" in said and b"--resume" in said and b"Traceback" not in said
    assert list(tmp_path.iterdir()) == []


def test_sigterm_to_the_whole_group_gives_no_worker_traceback(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    run = subprocess.Popen(  # its own group, as under `timeout` or systemd
        [*CLI, "clean", "--format", "jsonl", "-j", "2", "-o", str(target)],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert run.stdin is not None
    run.stdin.write(jsonl([{"id": i, "text": SEED_TEXT} for i in range(400)]))
    run.stdin.flush()  # and kept open: the run waits for more
    _wait_for((tmp_path / ".out.jsonl.partial").exists)
    time.sleep(3)  # the workers have started and cleaned (a worker in its first steps is quiet)
    os.killpg(run.pid, signal.SIGTERM)
    assert run.wait(timeout=60) == 128 + signal.SIGTERM
    assert run.stderr is not None
    said = run.stderr.read().decode()
    assert said.startswith("cleantext: terminated (SIGTERM); complete outputs were kept")
    assert "Traceback" not in said and "ForkProcess" not in said
    assert list(tmp_path.iterdir()) == []


def test_resume_completes_an_interrupted_folder_run(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for name in "abde":
        rows = [{"id": f"{name}{i}", "text": f"{SEED_TEXT}\n{name}{i}"} for i in range(3)]
        (source / f"{name}.jsonl").write_bytes(jsonl(rows) + b'{"bad": "%s"}\n' % name.encode())
    # A named pipe makes the run stop at "c" for as long as we like: kill it there.
    os.mkfifo(source / "c.jsonl")
    out, rejects = tmp_path / "out", tmp_path / "rejects.jsonl"
    run = subprocess.Popen(
        [*CLI, "clean", "-j", "1", str(source), "-o", str(out), "--rejects", str(rejects)],
        stderr=subprocess.DEVNULL,
    )
    _wait_for(lambda: (out / "b.jsonl").exists())
    run.send_signal(signal.SIGKILL)
    run.wait()
    assert sorted(p.name for p in out.iterdir()) == ["a.jsonl", "b.jsonl"]
    (source / "c.jsonl").unlink()
    (source / "c.jsonl").write_bytes(jsonl([{"id": "c", "text": SEED_TEXT}]) + b'{"bad": "c"}\n')
    done = cli(str(source), "-o", str(out), "--resume", "--rejects", str(rejects))
    assert done.returncode == EXIT_REJECTED, done.stderr
    assert b"2 complete outputs skipped" in done.stderr
    fresh, fresh_rejects = tmp_path / "fresh", tmp_path / "fresh-rejects.jsonl"
    assert cli(str(source), "-o", str(fresh), "--rejects", str(fresh_rejects)).returncode == 1
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in fresh.iterdir())
    for path in fresh.iterdir():
        assert (out / path.name).read_bytes() == path.read_bytes()
    # The rejects of the outputs completed before the kill are kept (issue 17).
    assert rejects.read_bytes() == fresh_rejects.read_bytes()
    assert [json.loads(r)["record"] for r in rejects.read_text().splitlines()] == [
        f'{{"bad": "{name}"}}' for name in "abcde"
    ]


def test_input_kind_and_no_classifier_options(tmp_path, capsys) -> None:
    from cleantext.cli import main

    from .test_pipeline import HEADLINE, NAVIGATION, WHOLE_PAGE

    page = tmp_path / "page.txt"
    page.write_text(WHOLE_PAGE, encoding="utf-8")
    assert main(["clean", "-q", "--input-kind", "page", str(page)]) == 0
    assert capsys.readouterr().out.startswith(f"{HEADLINE}\n")
    assert main(["clean", "-q", "--no-classifier", str(page)]) == 0
    assert capsys.readouterr().out.startswith(f"{NAVIGATION[0]}\nHome\nNews")
    assert main(["clean", "-q", "--drop-headline", str(page)]) == 0
    assert HEADLINE not in capsys.readouterr().out
