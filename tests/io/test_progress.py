"""The progress line: documents, MB, MB/s, and an ETA only when the input size is known."""

from __future__ import annotations

import io

from cleantext.io.progress import Progress


def test_progress_shows_eta_when_size_is_known() -> None:
    stream = io.StringIO()
    progress = Progress(stream, 4_000_000)
    progress.update(10, 1_000_000, force=True)
    line = stream.getvalue()
    assert "10 docs" in line and "1.0 MB" in line and "25%" in line and "ETA" in line
    progress.close()
    assert stream.getvalue().endswith("\r\x1b[K")


def test_progress_without_size_has_no_eta_and_close_is_silent_when_unused() -> None:
    stream = io.StringIO()
    Progress(stream, None).close()
    assert stream.getvalue() == ""
    progress = Progress(stream, None)
    progress.update(3, 500, force=True)
    assert "ETA" not in stream.getvalue()
