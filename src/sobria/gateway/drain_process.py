"""The drain runs in its own process, so that storing events never holds the gateway's GIL.

Draining costs about 100 µs of CPU per event (JSON, a Polars frame, the SQL insert); done in a
thread of the gateway, a batch of a few hundred events held the interpreter for tens of
milliseconds and showed in the p99 latency. The child process reads the gateway's slot file,
writes to the store, and publishes how far it got in shared memory; the gateway empties a large
slot only once that offset has reached the end of the file. A drain whose gateway was killed
stops at its next tick, and a lock file keeps a successor's drain waiting until it has gone, so
that one slot never has two drains (which could settle a budget twice).
"""

from __future__ import annotations

import fcntl
import logging
import multiprocessing as mp
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger("sobria.gateway")
RESTART_BYTES = 64 * 1024 * 1024  # a fully drained slot larger than this is emptied
POLL_S = 0.05


@dataclass(frozen=True)
class DrainJob:
    store_url: str
    path: str
    name: str
    batch_lines: int
    interval_s: float
    parent_pid: int
    semantic: bool = False   # compute the semantic fingerprint from the journalled text (events.semantic)


class Cell(Protocol):
    """A shared integer (a lock-free ``multiprocessing`` value: one writer, aligned 64-bit words)."""

    value: int


def _wait(stop: Cell, seconds: float) -> bool:
    """Sleep up to ``seconds``, waking early when ``stop`` is set; returns whether it is."""
    deadline = time.monotonic() + seconds
    while not stop.value and time.monotonic() < deadline:
        time.sleep(min(POLL_S, seconds))
    return bool(stop.value)


def drain_forever(job: DrainJob, drained: Cell, stored: Cell, stop: Cell) -> None:
    """The child's loop: drain every ``interval_s`` until ``stop``, then once more, and exit."""
    from sobria.events.semantic import model_if
    from sobria.gateway.drain import Drainer
    from sobria.gateway.journal import JournalReader
    from sobria.store import StoreUnavailableError, open_store

    lock = os.open(job.path + ".drain.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(lock, fcntl.LOCK_EX)  # one drain per slot: wait for an orphan of a killed gateway to go
    store = open_store(job.store_url)
    reader = JournalReader(Path(job.path), job.name)
    reader.open()
    drainer = Drainer(store, reader, job.batch_lines, semantic=model_if(job.semantic))
    while True:
        stopping = _wait(stop, job.interval_s)
        if os.getppid() != job.parent_pid:  # the gateway was killed: its successor drains the slot
            break
        try:
            while drainer.drain_once():
                drained.value = drainer.offset
                stored.value = drainer.stored
        except StoreUnavailableError as exc:  # the store is down or busy: the journal keeps everything
            log.warning("journal drain failed, will retry: %s", exc.orig)
            if stopping:
                break
            continue
        drained.value = drainer.offset
        if stopping:
            break
    reader.close()
    store.close()
    os.close(lock)


@dataclass
class DrainProcess:
    """The parent's handle on the drain child."""

    job: DrainJob
    drained: Cell
    stored: Cell
    stop: Cell
    process: mp.process.BaseProcess | None = None

    @classmethod
    def create(cls, job: DrainJob) -> DrainProcess:
        ctx = mp.get_context("spawn")
        cells = [ctx.Value("q", initial, lock=False) for initial in (-1, 0, 0)]  # no semaphore to leak
        return cls(job, *cells)

    def start(self) -> None:
        ctx = mp.get_context("spawn")
        self.process = ctx.Process(target=drain_forever, args=(self.job, self.drained, self.stored, self.stop),
                                   name="sobria-drain", daemon=True)
        self.process.start()

    def finish(self, timeout_s: float = 60.0) -> None:
        """Ask for a last drain and wait for the child to exit."""
        self.stop.value = 1
        if self.process is not None:
            self.process.join(timeout_s)
            if self.process.is_alive():
                self.process.terminate()
            self.process = None

    def offset(self) -> int:
        return int(self.drained.value)
