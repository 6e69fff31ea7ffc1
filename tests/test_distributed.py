"""The Dask engine writes exactly what the local engine writes, on a loopback LocalCluster."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleantext import Cleaner, CleanOptions
from cleantext.cli import main

from .conftest import SEEDS

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.bag")

SEED_TEXTS = [
    p.read_text(encoding="utf-8")
    for p in sorted(SEEDS.glob("*.txt"))
    if not p.name.endswith(".expected.txt")
]


def _jsonl(rows: list[dict]) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in rows)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    )
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    folder = tmp_path / "dump"
    (folder / "part").mkdir(parents=True)
    rows = [{"id": i, "text": f"{SEED_TEXTS[i % 2]}\n{i}", "url": None} for i in range(30)]
    (folder / "a.jsonl").write_bytes(_jsonl(rows[:10]))
    (folder / "part" / "b.jsonl.gz").write_bytes(gzip.compress(_jsonl(rows[10:]), mtime=0))
    (folder / "part" / "bad.jsonl").write_bytes(b'{"id": 99}\n{"text": "Fine."}\n')
    (folder / "page.txt").write_text(SEED_TEXTS[0])
    return folder


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_dask_output_is_byte_identical_to_local(client, dump: Path, tmp_path: Path) -> None:
    local, remote = tmp_path / "local", tmp_path / "dask"
    local_rejects, dask_rejects = tmp_path / "local.rej", tmp_path / "dask.rej"
    argv = ["clean", "-q", str(dump), "--max-bytes", "1M"]
    assert main([*argv, "-o", str(local), "-j", "2", "--rejects", str(local_rejects)]) == 1
    address = client.scheduler.address
    dask_argv = ["-o", str(remote), "--engine", "dask", "--scheduler", address]
    assert main([*argv, *dask_argv, "--rejects", str(dask_rejects)]) == 1
    assert _tree(local) == _tree(remote)
    assert sorted(_tree(local)) == ["a.jsonl", "page.txt", "part/b.jsonl.gz", "part/bad.jsonl"]
    assert local_rejects.read_bytes() == dask_rejects.read_bytes()


def test_python_entry_point_counts_and_resumes(client, dump: Path, tmp_path: Path) -> None:
    from cleantext.distributed import clean_dask

    out = tmp_path / "out"
    summary = clean_dask([str(dump)], str(out), cleaner=Cleaner(), scheduler=client)
    assert summary.counts.balanced
    assert (summary.counts.records_in, summary.counts.rejected) == (33, 1)
    (out / "a.jsonl").unlink()
    again = clean_dask([str(dump)], str(out), options=CleanOptions(), scheduler=client, resume=True)
    assert again.skipped == 3
    assert again.counts.records_in == 10
    assert not list(out.rglob(".*.partial"))


def test_parquet_partitions(client, tmp_path: Path) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    (tmp_path / "in").mkdir()
    rows = [{"id": i, "text": f"{SEED_TEXTS[i % 2]}\n{i}"} for i in range(12)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in" / "t.parquet")
    assert main(["clean", "-q", str(tmp_path / "in"), "-o", str(tmp_path / "l"), "-j", "1"]) == 0
    dask_argv = ["--engine", "dask", "--scheduler", client.scheduler.address]
    assert main(["clean", "-q", str(tmp_path / "in"), "-o", str(tmp_path / "d"), *dask_argv]) == 0
    assert pq.read_table(tmp_path / "l" / "t.parquet") == pq.read_table(
        tmp_path / "d" / "t.parquet"
    )


def test_a_bad_parquet_partition_is_named_and_gets_no_output(
    client, tmp_path: Path, capsys
) -> None:
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.parquet").write_bytes(b"PAR1garbage")
    pq.write_table(pa.Table.from_pylist([{"body": "x"}]), tmp_path / "in" / "b.parquet")
    pq.write_table(pa.Table.from_pylist([{"text": SEED_TEXTS[0]}]), tmp_path / "in" / "c.parquet")
    dask_argv = ["--engine", "dask", "--scheduler", client.scheduler.address]
    out = tmp_path / "d"
    assert main(["clean", "-q", str(tmp_path / "in"), "-o", str(out), *dask_argv]) == 1
    err = capsys.readouterr().err
    assert "a.parquet: not a readable Parquet file" in err
    assert "b.parquet: no column 'text' (columns: body)" in err
    assert "2 input(s) could not be read" in err
    assert sorted(p.name for p in out.rglob("*")) == ["c.parquet"]


def test_options_alone_build_the_cleaner_of_each_partition(dump: Path, tmp_path: Path) -> None:
    from cleantext.distributed import clean_dask

    options = CleanOptions(classifier=False, annotate="note")
    summary = clean_dask(
        [str(dump / "a.jsonl")], str(tmp_path / "out"), options=options, scheduler="sync"
    )
    assert summary.counts.records_out == 10
    rows = [json.loads(line) for line in (tmp_path / "out" / "a.jsonl").read_text().splitlines()]
    expected = Cleaner(classifier=False)
    assert [row["text"] for row in rows] == [
        expected.clean(f"{SEED_TEXTS[i % 2]}\n{i}") for i in range(10)
    ]
    assert all("classifier/boilerplate-line" not in str(row["note"]) for row in rows)
