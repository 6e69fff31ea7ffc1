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


class CleanTextWorker:
    """clean-text's ``clean()`` in its own process, timing ranges of ``docs`` on request.

    >>> with CleanTextWorker(docs) as worker:  # doctest: +SKIP
    ...     seconds = worker.time(0, 50)
    """

    def __init__(self, docs: list[str], *, install: bool = True) -> None:
        python = clean_text_python(install=install)
        with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as f:
            json.dump(docs, f)
        self._path = Path(f.name)
        # -I: isolated mode, so our own ``cleantext`` (cwd, PYTHONPATH) cannot shadow theirs.
        self._process = subprocess.Popen(
            [str(python), "-I", str(WORKER), str(self._path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=tempfile.gettempdir(),
        )
        if self._reply() != "ready":
            raise self._failed()

    def time(self, first: int, last: int) -> float:
        """Seconds clean-text took over documents ``first`` to ``last - 1``."""
        assert self._process.stdin is not None
        self._process.stdin.write(f"{first} {last}\n")
        self._process.stdin.flush()
        try:
            return float(self._reply())
        except ValueError:
            raise self._failed() from None

    def _reply(self) -> str:
        assert self._process.stdout is not None
        return self._process.stdout.readline().strip()

    def _failed(self) -> Unavailable:
        self.close()
        assert self._process.stderr is not None
        return Unavailable(f"clean-text worker failed: {self._process.stderr.read()[-300:]}")

    def close(self) -> None:
        if self._process.stdin is not None and not self._process.stdin.closed:
            self._process.stdin.close()
        self._process.wait()
        self._path.unlink(missing_ok=True)

    def __enter__(self) -> CleanTextWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


if __name__ == "__main__":  # pragma: no cover - manual check of the environments
    for name, make in IN_PROCESS.items():
        try:
            make()
            print(name, "ok")
        except Unavailable as why:
            print(name, "unavailable:", why, file=sys.stderr)
    with CleanTextWorker(["Some  text “here”."]) as worker:
        print("clean-text", worker.time(0, 1))
