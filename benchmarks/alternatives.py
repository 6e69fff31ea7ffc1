"""The alternatives cleantext is compared with, run in the same benchmark run on the same text.

* ``ftfy``: ``ftfy.fix_text`` with its defaults (unicode repair alone).
* ``jusText``: boilerplate removal on the lines of the text, each line a ``<p>``.
* ``datatrove C4``: datatrove's C4 line rules (``C4QualityFilter``) without the sentence count,
  which would need spaCy; the line filters are the part comparable with cleantext.
* ``clean-text``: the PyPI package ``clean-text`` imports as ``cleantext`` too, so it runs in
  its own virtual environment (made on first use under ``benchmarks/results/``), in a separate
  process that times ``clean()`` itself on the documents it is sent.

Each runner returns a callable over one document, or raises ``Unavailable`` with the reason.
"""

from __future__ import annotations

import html
import json
import subprocess
import sys
import tempfile
import venv
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
CLEAN_TEXT_VENV = RESULTS / "venv-clean-text"
WORKER = Path(__file__).resolve().parent / "clean_text_worker.py"


class Unavailable(Exception):
    """An alternative that cannot run here (not installed); the reason is the message."""


def ftfy_runner() -> Callable[[str], object]:
    try:
        import ftfy
    except ImportError as error:
        raise Unavailable("ftfy is not installed") from error
    return ftfy.fix_text


def justext_runner() -> Callable[[str], object]:
    try:
        import justext
    except ImportError as error:
        raise Unavailable("jusText is not installed: pip install '.[bench]'") from error
    stoplist = justext.get_stoplist("English")

    def run(text: str) -> object:
        markup = "".join(f"<p>{html.escape(line)}</p>" for line in text.split("\n") if line)
        if not markup:
            return []
        return [p.text for p in justext.justext(markup, stoplist) if not p.is_boilerplate]

    return run


def datatrove_runner() -> Callable[[str], object]:
    try:
        from datatrove.data import Document
        from datatrove.pipeline.filters import C4QualityFilter
    except ImportError as error:
        raise Unavailable("datatrove is not installed: pip install '.[bench]'") from error
    c4 = C4QualityFilter(min_num_sentences=-1)

    def run(text: str) -> object:
        return c4.filter(Document(text=text, id="0"))

    return run


IN_PROCESS = {"ftfy": ftfy_runner, "jusText": justext_runner, "datatrove C4": datatrove_runner}


def clean_text_python(*, install: bool = True) -> Path:
    """The interpreter of the separate clean-text environment, created when missing."""
    python = CLEAN_TEXT_VENV / "bin" / "python"
    if not python.exists():
        if not install:
            raise Unavailable("no clean-text environment (run without --no-install)")
        venv.EnvBuilder(with_pip=True, clear=True).create(CLEAN_TEXT_VENV)
        done = subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "clean-text"],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise Unavailable(f"pip install clean-text failed: {done.stderr.strip()[-300:]}")
    return python


def run_clean_text(docs: list[str], repeat: int, *, install: bool = True) -> list[float]:
    """Seconds per repetition of clean-text's ``clean()`` over ``docs`` (timed in its process)."""
    python = clean_text_python(install=install)
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
        json.dump(docs, f)
        path = f.name
    try:
        # -I: isolated mode, so our own ``cleantext`` (cwd, PYTHONPATH) cannot shadow theirs.
        done = subprocess.run(
            [str(python), "-I", str(WORKER), path, str(repeat)],
            capture_output=True,
            text=True,
            cwd=tempfile.gettempdir(),
        )
    finally:
        Path(path).unlink()
    if done.returncode != 0:
        raise Unavailable(f"clean-text worker failed: {done.stderr.strip()[-300:]}")
    return [float(x) for x in json.loads(done.stdout.strip().splitlines()[-1])]


if __name__ == "__main__":  # pragma: no cover - manual check of the environments
    for name, make in IN_PROCESS.items():
        try:
            make()
            print(name, "ok")
        except Unavailable as why:
            print(name, "unavailable:", why, file=sys.stderr)
    print("clean-text", run_clean_text(["Some  text “here”."], 1))
