"""Writers: files that appear under their final name only when complete, and byte sinks.

Each output format gives its own sink (:meth:`cleantext.io.format.Format.sink`); the byte sink
here serves those whose processed chunks are already their output bytes (text, JSONL).

An output is written to a hidden temporary name beside the final one (same folder, so the
rename is atomic) and renamed when the run finished it. A run that is killed leaves at most
that hidden file, which the next run overwrites; it never leaves a truncated file under the
final name, which is what makes ``--resume`` safe: an output that exists is complete.

The temporary file is locked while it is written, so two runs given the same output cannot
interleave their records: the second is refused and told which process holds it. An output
that is not a regular file (``/dev/null``, a named pipe) is written in place, never renamed
over, and a symbolic link is written through to its target.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from types import TracebackType
from typing import IO, Protocol

from ..errors import OutputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock, the rest works
    fcntl = None  # type: ignore[assignment]


def partial_name(path: Path) -> Path:
    """The hidden name an output has while it is written (``out/.a.jsonl.partial``)."""
    return path.with_name(f".{path.name}.partial")


def is_special(path: Path) -> bool:
    """Whether ``path`` exists and is not a regular file (a device, a named pipe, a socket):
    such an output is written in place, and is never refused as existing or skipped as done.

    >>> is_special(Path(os.devnull)), is_special(Path(__file__))
    (True, False)
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def cannot_write(path: Path | str, error: OSError) -> OutputError:
    """The error for an output that could not be written, naming it."""
    reason = error.strerror or str(error)
    return OutputError(f"{path}: cannot write: {reason}; nothing was written under that name.")


def lock_holder(path: Path) -> str:
    """Who holds the lock on ``path``, from ``/proc/locks`` where there is one."""
    try:
        inode = os.stat(path).st_ino
        with open("/proc/locks", encoding="ascii") as locks:
            for entry in locks:
                fields = entry.split()
                if "->" in fields or len(fields) < 6:
                    continue
                if fields[5].rsplit(":", 1)[-1] == str(inode):
                    pid = fields[4]
                    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                    shown = command.decode(errors="replace").strip()
                    return f"process {pid} ({shown[:100]})" if shown else f"process {pid}"
    except (OSError, ValueError):
        pass
    return "another process"


class AtomicFile:
    """A binary file written under :func:`partial_name`, locked, and renamed on success.

    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with AtomicFile(target) as f:
    ...     _ = f.write(b"done")
    ...     target.exists()
    False
    >>> target.read_bytes()
    b'done'

    Raises :class:`~cleantext.errors.OutputError` when the output cannot be written, or is
    being written by another process; a failed output leaves no file behind.
    """

    def __init__(self, path: Path, *, keep: bytes = b"") -> None:
        # A link is written through: the temporary file goes beside the file it points to.
        self.path = Path(os.path.realpath(path)) if path.is_symlink() else path
        self.shown = path
        self.temporary: Path | None = None if is_special(self.path) else partial_name(self.path)
        self._keep = keep
        self._file: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        try:
            if self.temporary is None:
                self._file = open(self.path, "wb")
            else:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file = self._open_locked(self.temporary)
            self._file.write(self._keep)
        except OSError as error:
            if self._file is not None:
                self._discard()
            raise cannot_write(self.shown, error) from error
        return self._file

    def _open_locked(self, temporary: Path) -> IO[bytes]:
        # Opened without truncating: another run may be writing it, and must keep its data.
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT, 0o666)
        if fcntl is not None:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = lock_holder(temporary)
                os.close(descriptor)
                raise OutputError(
                    f"{self.shown}: {holder} is writing it (its temporary file {temporary} is "
                    "locked); wait for that run to finish, or choose another output."
                ) from None
        os.ftruncate(descriptor, 0)
        return os.fdopen(descriptor, "wb")

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if kind is not None:
            self._discard()
            return
        assert self._file is not None
        try:
            self._file.flush()
            if self.temporary is not None:
                # Renamed while still locked: a run waiting for the lock then opens a new file
                # under the temporary name, never this one.
                os.replace(self.temporary, self.path)
            self._file.close()
        except OSError as failure:
            self._discard()
            raise cannot_write(self.shown, failure) from failure

    def keep_partial(self) -> None:
        """Close without renaming and keep the temporary file (never under the final name),
        for a log that a later ``--resume`` reads back."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()

    def _discard(self) -> None:
        """Remove the temporary file (never a special output) and close, whatever fails."""
        try:
            if self.temporary is not None:
                self.temporary.unlink(missing_ok=True)
        finally:
            if self._file is not None:
                # The data is being thrown away: a flush failing again changes nothing.
                with contextlib.suppress(OSError):
                    self._file.close()


class Sink(Protocol):
    """Where processed chunks of one output go, in order."""

    def write(self, data: bytes) -> None: ...

    def close(self) -> None: ...


class ByteSink:
    """Text and JSONL output: the chunks' bytes (already encoded and compressed) appended.

    ``flush`` makes each chunk visible at once, so a filter's reader is not kept waiting.
    """

    def __init__(self, stream: IO[bytes], *, flush: bool = False) -> None:
        self._stream = stream
        self._flush = flush

    def write(self, data: bytes) -> None:
        if data:
            self._stream.write(data)
            if self._flush:
                self._stream.flush()

    def close(self) -> None:
        self._stream.flush()
