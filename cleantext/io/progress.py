"""A one-line progress display on standard error: documents, MB read, MB/s and ETA."""

from __future__ import annotations

import time
from typing import TextIO


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class Progress:
    """Redrawn at most every ``interval`` seconds; shows an ETA when the total size is known.

    Only used when standard error is a terminal: piped runs stay silent.
    """

    def __init__(self, stream: TextIO, total: int | None, *, interval: float = 0.25) -> None:
        self._stream = stream
        self._total = total or None
        self._interval = interval
        self._start = self._last = time.monotonic()
        self._shown = False

    def update(self, documents: int, position: int, *, force: bool = False) -> None:
        """Show ``documents`` done and ``position`` input bytes read."""
        now = time.monotonic()
        if not force and now - self._last < self._interval:
            return
        self._last = now
        elapsed = max(now - self._start, 1e-9)
        rate = position / elapsed
        line = f"{documents:,} docs  {position / 1e6:,.1f} MB  {rate / 1e6:,.2f} MB/s"
        if self._total:
            share = min(position / self._total, 1.0)
            line += f"  {share:4.0%}"
            if rate > 0 and share < 1:
                line += f"  ETA {_clock((self._total - position) / rate)}"
        self._stream.write(f"\r{line}\x1b[K")
        self._stream.flush()
        self._shown = True

    def close(self) -> None:
        """Erase the line, so the summary prints on a clean line."""
        if self._shown:
            self._stream.write("\r\x1b[K")
            self._stream.flush()
