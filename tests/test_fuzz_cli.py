"""Fuzzing the command line (issue 17): random JSONL, random bytes and random rule patterns.

Whatever the input and the rules, ``cleantext clean`` ends with an exit status and a message,
never a traceback; it never runs past the rules' time budgets (a watchdog fails the example
after a generous 30 s); and every record read is written or rejected, as many as an
independent count of the input finds. A small budget runs by default;
``CLEANTEXT_FUZZ_EXAMPLES=500`` runs more (``pytest -m slow`` selects the slow tests).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleantext.authoring.mine import toml_string
from cleantext.cli import main
from cleantext.cli.common import EXIT_OK, EXIT_REJECTED, EXIT_USAGE

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("CLEANTEXT_FUZZ_EXAMPLES", "8"))
WATCHDOG_SECONDS = 30
#: the time budget of every generated rule, per document
RULE_SECONDS = 0.02

HOSTILE = [
    r"(\w+\s?)*$",
    r"((a+)\2)+b",
    r"(a+)\1*b",
    r"(?|(a+)|(b+))+$",
    r"(a*)*$",
    r"(a+)+(?=b)",
    r"(?=(a+)+b)a",
    r"(?!Zq).*",
    r".+",
    r"\w+",
    "(?x) a b # comment",
    "(?:Share this){e<=1}",
    r"(?:a+){e<=1}+$",
]
ACTIONS = ["drop-line", "drop-span", "replace", "truncate-from", "truncate-before"]
ACTIONS += ["collapse-repeat", "extract-byline"]

patterns = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(alphabet="ab ()[]*+?{}|\\^$.:=!<>e1,sdwP", min_size=1, max_size=16),
)
rules = st.lists(st.tuples(st.sampled_from(ACTIONS), patterns), min_size=1, max_size=3)
words = st.sampled_from(["Share", "this", "story", "a" * 40 + "!", "aaab", "The", "minister"])
texts = st.one_of(
    st.lists(words, max_size=30).map(" ".join),
    st.lists(st.lists(words, max_size=8).map(" ".join), max_size=8).map("\n".join),
    st.text(max_size=60),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=6,
)
records = st.one_of(
    st.fixed_dictionaries(
        {"text": texts}, optional={"url": st.text(max_size=12), "x": json_values}
    ).map(lambda r: json.dumps(r).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=40),
)
line_ends = st.sampled_from([b"\n", b"\r\n", b"\r"])
jsonl_inputs = st.tuples(st.lists(records, max_size=10), line_ends).map(
    lambda pair: pair[1].join(pair[0]) + (pair[1] if pair[0] else b"")
)


def record_count(data: bytes) -> int:
    """Records in JSONL ``data`` as the readers define them, counted independently: lines end
    with a newline, or also with a lone carriage return when the first line does; a
    byte-order mark may start the first line; a blank line holds no record."""
    first = re.search(rb"\r\n|\r|\n", data)
    if first is not None and first.group() == b"\r":
        data = data.replace(b"\r", b"\n")  # then a carriage return ends a line too
    lines = data.split(b"\n")
    if lines and lines[0].startswith(b"\xef\xbb\xbf"):
        lines[0] = lines[0][3:]
    return sum(1 for line in lines if line.strip())


def rule_set(folder: Path, chosen: list[tuple[str, str]]) -> None:
    blocks = ['id = "fuzz"\ndescription = "Generated rules."\nalways = true\n']
    for i, (action, pattern) in enumerate(chosen):
        extra = 'replacement = "x"\n' if action == "replace" else ""
        blocks.append(
            f'[[rules]]\nid = "r{i}"\ndescription = "Generated."\nwhy = "Fuzzing."\n'
            f"action = {toml_string(action)}\npattern = {toml_string(pattern)}\n{extra}"
            f"max_seconds = {RULE_SECONDS}\n\n"
            '[[rules.examples]]\ninput = "x\\nShare this"\noutput = "x"\n\n'
            '[[rules.examples]]\nkeep = "y"\n'
        )
    (folder / "fuzz.toml").write_text("\n".join(blocks), encoding="utf-8")


@contextlib.contextmanager
def watchdog(seconds: int):
    def hung(signum, frame):
        raise AssertionError(f"the run hung for {seconds} s, past every time budget")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def run_clean(data: bytes, name: str, chosen: list[tuple[str, str]], shipped: bool):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "rules").mkdir()
        rule_set(folder / "rules", chosen)
        source = folder / name
        source.write_bytes(data)
        out, rejects = folder / f"out-{name}", folder / "rejects.jsonl"
        argv = ["clean", str(source), "-o", str(out), "--rejects", str(rejects), "-j", "1"]
        argv += ["--rules-dir", str(folder / "rules"), "--no-classifier"]
        if not shipped:
            argv.append("--no-default-rules")
        err = io.StringIO()
        with watchdog(WATCHDOG_SECONDS), contextlib.redirect_stderr(err):
            code = main(argv)
        written = out.read_bytes() if out.exists() else None
        logged = rejects.read_text().splitlines() if rejects.exists() else None
    return code, err.getvalue(), written, logged


def check_run(
    code: int, err: str, written: bytes | None, logged: list[str] | None
) -> re.Match[str] | None:
    """The balance line of a run that cleaned (``None`` for a usage error), checked."""
    assert code in (EXIT_OK, EXIT_REJECTED, EXIT_USAGE), (code, err)
    assert "Traceback" not in err
    if code == EXIT_USAGE:  # a generated pattern that does not compile, for instance
        assert err.startswith("cleantext: ") and written is None and logged is None, err
        return None
    counts = re.search(r"([\d,]+) records in, ([\d,]+) out, ([\d,]+) rejected", err)
    assert counts is not None, err
    assert written is not None and logged is not None
    records_in, records_out, rejected = (int(g.replace(",", "")) for g in counts.groups())
    assert records_in == records_out + rejected
    assert rejected == len(logged)
    return counts


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=EXAMPLES <= 20,  # a fixed small sample in CI; a wider search when asked
)


@SETTINGS
@example(b'{"text": "' + b"a" * 3000 + b'!"}\n', [("drop-span", r"(a*)*$")], False)
@example(b'{"text": "x", "url": "http://[::1"}\r{"n": 1e400}\r', [("drop-line", ".+")], True)
@given(jsonl_inputs, rules, st.booleans())
def test_random_jsonl_and_rules(data: bytes, chosen: list[tuple[str, str]], shipped: bool) -> None:
    code, err, written, logged = run_clean(data, "in.jsonl", chosen, shipped)
    counts = check_run(code, err, written, logged)
    if counts is None:
        return
    records_in, records_out, _ = (int(g.replace(",", "")) for g in counts.groups())
    assert records_in == record_count(data)
    assert written is not None and len(written.splitlines()) == records_out
    for line in written.splitlines():
        assert isinstance(json.loads(line), dict)


@SETTINGS
@example(b"\xff\xfe" + "caf\u00e9".encode("latin-1"), [("drop-line", r"((a+)\2)+b")], False)
@given(st.binary(max_size=300), rules, st.booleans())
def test_random_bytes_as_a_text_document(
    data: bytes, chosen: list[tuple[str, str]], shipped: bool
) -> None:
    code, err, written, logged = run_clean(data, "in.txt", chosen, shipped)
    counts = check_run(code, err, written, logged)
    if counts is not None:
        assert counts.group(1) == "1"
