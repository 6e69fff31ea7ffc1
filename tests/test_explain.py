"""The explain view: alignment on the original text, renderers, the HTML page in a browser."""

from __future__ import annotations

import difflib
import gzip
import html.parser
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cleantext import Cleaner, Edit, explain_view, replay
from cleantext.cli import main
from cleantext.explain_view import (
    align,
    hits_per_rule,
    original_of,
    output_of,
    render_ansi,
    render_html,
    render_plain,
)

from .conftest import SEEDS

SEED = SEEDS / "000_277d1107e5220382.txt"


@st.composite
def texts_with_edits(draw: st.DrawFn) -> tuple[str, list[Edit]]:
    """A text and a sequence of edits, each valid on the text produced by the ones before."""
    text = draw(st.text(alphabet="ab \n", max_size=40))
    original, edits = text, []
    for n in range(draw(st.integers(0, 6))):
        start = draw(st.integers(0, len(text)))
        end = draw(st.integers(start, len(text)))
        replacement = draw(st.text(alphabet="abxy \n", max_size=5))
        edit = Edit(f"set/r{n}", "replace", start, end, text[start:end], replacement)
        edits.append(edit)
        text = edit.apply(text)
    return original, edits


@given(texts_with_edits())
def test_alignment_covers_both_texts(case: tuple[str, list[Edit]]) -> None:
    original, edits = case
    pieces = align(original, edits)
    assert original_of(pieces) == original
    assert output_of(pieces) == replay(original, edits)
    assert all(p.rule for p in pieces if p.kind != "kept")


def test_seed_alignment_names_rules(cleaner: Cleaner) -> None:
    raw = SEED.read_text(encoding="utf-8")
    result = cleaner.explain(raw)
    pieces = align(raw, result.edits)
    assert original_of(pieces) == raw and output_of(pieces) == result.text
    removed = {p.text.strip(): p.rule for p in pieces if p.kind == "removed"}
    assert removed["Daily Mirror"] == "pressreader/masthead"
    assert removed["Offices & car in Almaty"] == "pressreader/glued-caption"
    hits = {h.rule: h for h in hits_per_rule(result, pieces)}
    assert hits["pressreader/masthead"].removed_chars == len("Daily Mirror\n")


def test_a_rewrite_shows_only_what_changed() -> None:
    edits = [Edit("repair/rejoin", "rejoin", 0, 20, "people cannot\nTroops", "people cannot")]
    pieces = align("people cannot\nTroops access cash.", edits)
    assert [(p.kind, p.text) for p in pieces] == [
        ("kept", "people cannot"),
        ("removed", "\nTroops"),
        ("kept", " access cash."),
    ]


@contextmanager
def _diff_sizes() -> Iterator[list[int]]:
    """Record the size (product of the two lengths) of each pair the explain view diffs."""
    sizes: list[int] = []
    plain = difflib.SequenceMatcher

    def counting(
        isjunk: None, a: str, b: str, autojunk: bool = True
    ) -> difflib.SequenceMatcher[str]:
        sizes.append(len(a) * len(b))
        return plain(isjunk, a, b, autojunk=autojunk)

    with mock.patch.object(explain_view.difflib, "SequenceMatcher", counting):
        yield sizes


@pytest.mark.parametrize("copies", [2, 2000])
def test_a_stripped_trailing_space_diffs_one_character(copies: int) -> None:
    # strip-lines logs a whole line as one replace edit: on a line of 56,000 characters, a
    # character diff of the whole took over a minute.
    line = "The council met on Tuesday. " * copies
    edits = [Edit("normalize/strip-lines", "normalize-whitespace", 0, len(line), line, line[:-1])]
    with _diff_sizes() as sizes:
        pieces = align(line, edits)
    assert [(p.kind, p.text) for p in pieces] == [
        ("kept", line[:-1]),
        ("removed", " "),
    ]
    assert max(sizes) <= explain_view._DIFF_LIMIT


def test_a_long_rewrite_past_the_limit_is_one_cut() -> None:
    old = "[" + "ab" * 3000 + "]"
    new = "[" + "ba" * 3000 + "]"
    with _diff_sizes() as sizes:
        pieces = align(old, [Edit("x/swap", "replace", 0, len(old), old, new)])
    assert [(p.kind, p.text) for p in pieces] == [
        ("kept", "["),
        ("removed", "ab" * 3000),
        ("added", "ba" * 3000),
        ("kept", "]"),
    ]
    assert sizes == []


@given(texts_with_edits())
def test_bounded_alignment_covers_both_texts(case: tuple[str, list[Edit]]) -> None:
    # The path for long replacements, run on short ones by lowering the limit.
    original, edits = case
    with mock.patch.object(explain_view, "_DIFF_LIMIT", 3):
        pieces = align(original, edits)
    assert original_of(pieces) == original
    assert output_of(pieces) == replay(original, edits)


def test_many_edits_of_a_long_text_each_show_in_place() -> None:
    """Thousands of small edits (a trailing space stripped from every line) replay by slices
    of the cell lists, not by rebuilding them per edit (which took 57 s on 2,200 lines)."""
    lines = [f"Line {n} of the council's minutes. " for n in range(2200)]
    original = "\n".join(lines)
    edits, text = [], original
    for n in range(len(lines)):
        start = text.index(" \n" if n < len(lines) - 1 else " ", sum(len(x) for x in lines[:n]))
        edit = Edit("normalize/strip-lines", "replace", start, start + 1, " ", "")
        edits.append(edit)
        text = edit.apply(text)
    pieces = align(original, edits)
    assert original_of(pieces) == original and output_of(pieces) == text
    assert [p.text for p in pieces if p.kind == "removed"] == [" "] * len(lines)


def test_plain_and_ansi_renderers() -> None:
    pieces = align("Hi ?? there", [Edit("p/q", "drop-span", 3, 6, "?? ")])
    assert render_plain(pieces) == "Hi [-?? -]{p/q}there"
    ansi = render_ansi(pieces)
    assert "\x1b[9;31m?? \x1b[0m" in ansi and "p/q" in ansi


def test_cli_plain_output_when_piped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explain", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "\x1b[" not in out
    assert "[-Daily Mirror⏎-]{pressreader/masthead}\n" in out
    assert main(["explain", str(SEED), "--color", "always"]) == 0
    assert "\x1b[9;31m" in capsys.readouterr().out


PAGE = (
    "<!DOCTYPE html><html><head><title>Storm closes port</title></head><body>"
    "<nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li></ul></nav>"
    "<article><h1>Storm closes port</h1>"
    + "<p>The port closed on Monday as the storm arrived, officials said, and ferries stayed "
    "in harbour until the wind eased late in the evening.</p>"
    * 3
    + "</article><footer><p>© 2024 Harbour Gazette · <a href='/t'>Terms</a></p></footer>"
    "</body></html>"
)


def test_cli_explains_an_html_page_as_clean_cleans_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, source in (("page.html", PAGE), ("page.txt", PAGE)):  # by name or by content
        path = tmp_path / name
        path.write_text(source, encoding="utf-8")
        assert main(["explain", str(path)]) == 0
        out = capsys.readouterr().out
        assert out.startswith("read as an HTML page")
        assert "<p>" not in out  # the page's text, not its markup
        assert "[-Home\nNews⏎-]{html/boilerplate-block}" in out
        assert "The port closed on Monday as the storm arrived" in out
        cleaned = Cleaner().explain_html(PAGE)
        kept = out.split("-" * 72)[1]
        assert all(line in kept for line in cleaned.text.splitlines())
    # text stays text
    text = tmp_path / "story.txt"
    text.write_text("Use the <html> element to start a page.\n", encoding="utf-8")
    assert main(["explain", str(text)]) == 0
    assert not capsys.readouterr().out.startswith("read as an HTML page")


def test_an_html_view_that_cannot_be_written_is_one_line_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    story = tmp_path / "story.txt"
    story.write_text("The port closed on Monday.\n\nShare this\n", encoding="utf-8")
    target = tmp_path / "missing" / "view.html"
    assert main(["explain", str(story), "--html", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"cleantext: {target}: cannot write: No such file or directory; nothing was written "
        "under that name.\n"
    )
    assert not target.parent.exists()


class _Checker(html.parser.HTMLParser):
    """Collects tags and any attribute that would fetch something from elsewhere."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("src", "href") and value:
                self.external.append(value)


def _html_report(tmp_path: Path) -> Path:
    out = tmp_path / "report.html"
    assert main(["explain", str(SEED), "--html", str(out)]) == 0
    return out


def test_a_compressed_input_is_named_as_such(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    packed = tmp_path / "seed.txt.gz"
    packed.write_bytes(gzip.compress(SEED.read_bytes()))
    assert main(["explain", str(packed)]) == 2
    assert "gzip-compressed" in capsys.readouterr().err


def test_html_report_is_standalone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    page = _html_report(tmp_path).read_text(encoding="utf-8")
    checker = _Checker()
    checker.feed(page)
    assert checker.external == []
    assert "script" not in checker.tags
    assert {"del", "svg", "rect", "table"} <= set(checker.tags)
    assert "pressreader/masthead" in page and "Daily Mirror" in page
    cleaned = Cleaner().explain(SEED.read_text(encoding="utf-8"))
    assert render_html(cleaned, align(SEED.read_text(encoding="utf-8"), cleaned.edits)).count(
        "<rect"
    ) == len(cleaned.removed_by_rule())


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_html_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    report = _html_report(tmp_path)
    shot = tmp_path / "report.png"
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                f"--user-data-dir={profile}",
                f"--screenshot={shot}",
                "--window-size=1200,900",
                report.as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=False,
        )
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 10_000  # a blank page compresses to far less
