"""Run an iterator ahead of its consumer, in a thread, through a bounded queue.

The import prepares chunk k+1 of a batch (impacts, Polars and NumPy, which release the GIL)
while the store writes chunk k (the SQLite ADBC driver and psycopg's COPY also release it): on
two cores the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Generator, Iterable
from typing import TypeVar, cast

T = TypeVar("T")
_END = object()
_WAIT_S = 0.1


def prefetched(items: Iterable[T], depth: int = 2) -> Generator[T, None, None]:
    """The items of ``items``, produced in a thread at most ``depth`` ahead of their use.

    An exception raised by ``items`` is raised here, in the consumer. If the consumer stops early
    (an exception, or it closes this generator), the thread stops before its next item.
    """
    slots: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def produce() -> None:
        try:
            for item in items:
                if not _put(slots, stop, item):
                    return
            _put(slots, stop, _END)
        except BaseException as exc:  # handed over to the consumer, which raises it
            _put(slots, stop, _Failure(exc))

    thread = threading.Thread(target=produce, name="sobria-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = slots.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield cast(T, item)
    finally:
        stop.set()
        thread.join()


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def _put(slots: queue.Queue[object], stop: threading.Event, item: object) -> bool:
    """Put ``item`` unless the consumer has stopped; False when it has."""
    while not stop.is_set():
        try:
            slots.put(item, timeout=_WAIT_S)
            return True
        except queue.Full:
            continue
    return False
