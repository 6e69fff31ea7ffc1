"""Worker processes that keep input order: the pool behind ``-j`` and ``Cleaner.clean_many``.

Each worker gets the state it needs (a :class:`~cleantext.records.Processor` or a
:class:`~cleantext.pipeline.Cleaner`) once, in the pool initializer: with the ``fork`` start
method it inherits the compiled rules, otherwise it rebuilds them once from the rule files
(see ``RuleLibrary.__reduce__``). Tasks then carry only raw bytes or texts.

Results come back in submission order while a bounded number of tasks is in flight
(``window``), so memory stays flat however long the input, and the reader never runs ahead
of the writer by more than a few chunks.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, islice, repeat
from types import TracebackType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .classify.dump import SAMPLE_DOCUMENTS
from .errors import CleanTextError

if TYPE_CHECKING:
    from .pipeline import Cleaner

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")

#: Tasks in flight per worker: enough to hide a slow task, few enough to keep memory flat.
IN_FLIGHT_PER_JOB = 3

# The state of this worker process, set once by the pool initializer. It lives at module
# level only because a worker function must find it without receiving it with every task;
# the parent process never sets it.
_worker_state: Any = None


def default_jobs() -> int:
    """The cores this process may use (``-j`` default)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


#: seconds between two checks by a worker that its parent is still there
PARENT_CHECK_SECONDS = 0.25


def _init_worker(state: Any, parent: int) -> None:
    global _worker_state
    _worker_state = state
    # Ctrl-C reaches the whole process group: the parent handles it and stops the pool.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A forked worker inherits the parent's SIGTERM handler (``cleantext clean`` turns SIGTERM
    # into an exception to remove its partial output), which in a worker only ends in a
    # traceback when ``timeout`` or systemd signal the whole group: a worker has nothing to
    # clean up, so SIGTERM ends it at once, and the parent reports the stop.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    # A parent killed outright (SIGKILL, out of memory) cannot stop its workers, which would
    # clean on for nobody: each worker leaves as soon as its parent is gone. The parent's pid
    # comes from the parent: one killed while this worker was still starting is gone already.
    threading.Thread(
        target=_exit_with_parent, args=(parent,), name="cleantext-parent-watch", daemon=True
    ).start()


def _exit_with_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _call(function: Callable[[Any, T], R], item: T) -> R:
    return function(_worker_state, item)


class WorkerPool(Generic[S]):
    """An order-keeping map over worker processes sharing one ``state``.

    With ``jobs <= 1`` everything runs in this process (no pool, no pickling).

    Args:
        state: given once to each worker; ``function(state, item)`` processes one item.
        jobs: number of worker processes.
    """

    def __init__(self, state: S, jobs: int) -> None:
        self.state = state
        self.jobs = max(1, jobs)
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool[S]:
        if self.jobs > 1:
            self._executor = ProcessPoolExecutor(
                self.jobs, initializer=_init_worker, initargs=(self.state, os.getpid())
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=kind is None, cancel_futures=True)
            self._executor = None

    def map(self, function: Callable[[S, T], R], items: Iterable[T]) -> Iterator[R]:
        """``function(state, item)`` for each item, in order; items are read lazily."""
        if self._executor is None:
            for item in items:
                yield function(self.state, item)
            return
        pending: deque[Future[R]] = deque()
        window = self.jobs * IN_FLIGHT_PER_JOB
        try:
            for item in items:
                pending.append(self._executor.submit(_call, function, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
                while pending and pending[0].done():  # pass on what is ready without waiting
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        except BrokenProcessPool as error:
            raise CleanTextError(
                "a worker process died (out of memory or killed?); run again, with fewer "
                "--jobs if memory is short."
            ) from error
        finally:
            for future in pending:
                future.cancel()


def _clean_texts(
    cleaner: Cleaner, batch: tuple[Sequence[str | None], Sequence[str | None]]
) -> list[str | None]:
    return cleaner.clean_batch(*batch)


def _batches(
    texts: Iterable[str | None], urls: Iterable[str | None] | None, size: int
) -> Iterator[tuple[list[str | None], list[str | None]]]:
    text_iter = iter(texts)
    url_iter: Iterator[str | None] = iter(urls) if urls is not None else repeat(None)
    while batch := list(islice(text_iter, size)):
        batch_urls = list(islice(url_iter, len(batch)))
        if len(batch_urls) != len(batch):
            raise ValueError("clean_many: fewer urls than texts")
        yield batch, batch_urls


def clean_many(
    cleaner: Cleaner,
    texts: Iterable[str | None],
    *,
    urls: Iterable[str | None] | None = None,
    jobs: int | None = None,
    batch_size: int = 64,
) -> Iterator[str | None]:
    """Clean ``texts`` lazily with ``jobs`` processes (default: all cores), in input order;
    missing texts (``None``, ``NaN``) come back as ``None``.

    Texts go to workers in batches of ``batch_size``; each worker holds its own copy of the
    cleaner, built once. With ``jobs=1`` it is ``cleaner.clean`` in a loop. The texts are a
    dump: their kind is read from the first of them, held back meanwhile
    (:meth:`~cleantext.pipeline.Cleaner.for_dump`).

    >>> from cleantext import Cleaner
    >>> list(clean_many(Cleaner(), ["Hi there.\\n\\nShare this"], jobs=1))
    ['Hi there.']
    """
    text_iter = iter(texts)
    held = list(islice(text_iter, SAMPLE_DOCUMENTS))
    cleaner = cleaner.for_dump(held)
    texts = chain(held, text_iter)
    with WorkerPool(cleaner, default_jobs() if jobs is None else jobs) as pool:
        for cleaned in pool.map(_clean_texts, _batches(texts, urls, batch_size)):
            yield from cleaned
