"""Fault injection: a folder run killed (SIGKILL) or stopped (SIGTERM) at several points, then
resumed with ``--resume``, ends with the same outputs and the same rejects, byte for byte, as a
run that was never interrupted (issue 17).

Each point stops the run at input ``k``, which is a named pipe the run waits on: before any of
its data (earlier outputs may still be in flight to the workers), or after part of it was read
and cleaned (rejects of an unfinished output already logged). Two points run by default, a
small budget; ``CLEANTEXT_FAULT_POINTS=all`` runs all of them (``pytest -m slow`` selects the
slow tests).
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED

pytestmark = pytest.mark.slow

CLI = [sys.executable, "-c", "from cleantext.cli import run; run()"]
FILES = 6
#: (signal, input it stops at, part of that input already read); the first two run by default
POINTS = [
    (signal.SIGKILL, 3, True),
    (signal.SIGTERM, 1, False),
    (signal.SIGKILL, 0, False),
    (signal.SIGTERM, 4, True),
    (signal.SIGKILL, FILES - 1, True),
    (signal.SIGTERM, 0, True),
]
BUDGET = len(POINTS) if os.environ.get("CLEANTEXT_FAULT_POINTS") == "all" else 2


def content(k: int) -> bytes:
    """Input ``k``: 240 records (about 45 kB, more than the first chunk a run reads), one in
    eight of them broken in one of three ways."""
    lines = []
    for i in range(240):
        kind = i % 24
        if kind == 5:
            lines.append(b'{"id": "cut-%d-%d", "text": "no end' % (k, i))
        elif kind == 13:
            lines.append(json.dumps({"id": f"{k}-{i}", "body": "no text field"}).encode())
        elif kind == 21:
            lines.append(b'{"id": "%d-%d", "text": "caf\xe9"}' % (k, i))
        else:
            text = f"Record {i} of input {k} says the talks resume on Monday.\n\nShare this"
            lines.append(json.dumps({"id": f"{k}-{i}", "text": text}).encode())
    return b"\n".join(lines) + b"\n"


def clean_here(*args: str) -> int:
    """``cleantext clean`` in this process (outputs do not depend on the number of jobs)."""
    return main(["clean", "-q", "-j", "1", *args])


def tree(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes], bytes]:
    """The inputs, and the outputs and rejects of a run never interrupted."""
    base = tmp_path_factory.mktemp("faults")
    inputs = base / "in"
    inputs.mkdir()
    for k in range(FILES):
        (inputs / f"part-{k}.jsonl").write_bytes(content(k))
    out, rejects = base / "out", base / "rejects.jsonl"
    assert clean_here(str(inputs), "-o", str(out), "--rejects", str(rejects)) == EXIT_REJECTED
    return inputs, tree(out), rejects.read_bytes()


def _writer(fifo: Path, process: subprocess.Popen) -> int:
    """A write end of ``fifo`` once the run opens it for reading (it has reached it)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError as error:
            if error.errno != errno.ENXIO:
                raise
        assert process.poll() is None, "the run ended before reaching the pipe"
        assert time.monotonic() < deadline, "the run did not reach the pipe"
        time.sleep(0.01)


@pytest.mark.parametrize(("signum", "stop_at", "partly_read"), POINTS[:BUDGET])
def test_a_resumed_run_equals_an_uninterrupted_one(
    reference: tuple[Path, dict[str, bytes], bytes],
    tmp_path: Path,
    signum: int,
    stop_at: int,
    partly_read: bool,
) -> None:
    inputs, expected, expected_rejects = reference
    source = tmp_path / "in"
    source.mkdir()
    for k in range(FILES):
        if k != stop_at:
            (source / f"part-{k}.jsonl").write_bytes((inputs / f"part-{k}.jsonl").read_bytes())
    fifo = source / f"part-{stop_at}.jsonl"
    os.mkfifo(fifo)
    out, rejects = tmp_path / "out", tmp_path / "rejects.jsonl"
    argv = [str(source), "-o", str(out), "--rejects", str(rejects)]
    process = subprocess.Popen([*CLI, "clean", *argv, "-j", "2"], stderr=subprocess.PIPE)
    writer = _writer(fifo, process)
    if partly_read:
        data = content(stop_at)
        os.write(writer, data[: len(data) * 3 // 4])
        time.sleep(0.3)  # let the run read it and clean its first chunk
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    os.close(writer)
    assert b"Traceback" not in err
    if signum == signal.SIGTERM:
        assert process.returncode == 128 + signal.SIGTERM and b"--resume" in err
    fifo.unlink()
    fifo.write_bytes(content(stop_at))
    assert clean_here(*argv, "--resume") in (EXIT_OK, EXIT_REJECTED)
    assert tree(out) == expected
    # Rejects name their input file: the reference read the same files from another folder.
    moved = expected_rejects.replace(str(inputs).encode(), str(source).encode())
    assert rejects.read_bytes() == moved
