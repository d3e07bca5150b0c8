"""Large batches into a SQLite store file, written through the ADBC SQLite driver.

The ADBC driver binds Arrow columns in C, several times faster than ``executemany`` and without
holding the GIL, so the caller can prepare the next chunk of events meanwhile. The whole batch
(events, teams, people, the batch record) is one transaction of that one connection: a crash or
an error leaves the store as it was.

The driver carries its own copy of the SQLite library. Two copies must never have the same file
open in one process (POSIX locks are per process: closing a file in one copy would drop the
other's locks, https://sqlite.org/howtocorrupt.html#multiple_copies_of_sqlite_linked_into_the_same_application),
so the caller closes its own connections to the file first (:meth:`Store.write_batch` disposes
its engine's pool) and opens none until this returns.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
from sqlalchemy.dialects import sqlite

from sobria.store import bulk
from sobria.store.driver_errors import user_error
from sobria.store.rollup_sums import BatchRollup
from sobria.store.tables import import_batches, people, teams

LOAD_MIN_ROWS = 50_000     # from this many events, a SQLite file store is loaded through ADBC
BUSY_TIMEOUT_MS = 30_000
_IDS = "sobria_batch_ids"
_SEED = 20250101

ChunkDone = Callable[[int], None]


@dataclass(frozen=True)
class SmallRows:
    """The batch's rows for the small tables, written in the same transaction as the events."""

    teams: Sequence[dict[str, Any]]
    people: Sequence[dict[str, Any]]
    batch: dict[str, Any] | None   # None: the batch added and rejected nothing, it is not recorded
    rollup: BatchRollup | None = None  # the sums of the events inserted, for the dashboard's rollup


def load_events(path: Path, rows: int, chunks: Iterable[pl.DataFrame], small: Callable[[int], SmallRows],
                done: ChunkDone | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> int:
    """Append the chunks' events not yet stored, then the small rows (``small`` is given the number
    of events inserted), in one transaction; return that number.

    An id given twice (in one chunk or two) is stored once, the first time, as ``ON CONFLICT DO
    NOTHING`` does on the other paths. The caller must hold no other connection to ``path``.
    A lock held by another writer past ``busy_timeout_ms`` is the user error ``store.locked``.
    """
    import adbc_driver_sqlite.dbapi as adbc

    try:
        return _load_events(adbc, path, rows, chunks, small, done, busy_timeout_ms)
    except adbc.Error as exc:
        error = user_error(str(exc), str(path))
        if error is None:
            raise
        raise error from None


def _load_events(adbc: Any, path: Path, rows: int, chunks: Iterable[pl.DataFrame], small: Callable[[int], SmallRows],
                 done: ChunkDone | None, busy_timeout_ms: int) -> int:
    with adbc.connect(str(path), autocommit=True) as conn, conn.cursor() as cur:
        for pragma in (f"busy_timeout={int(busy_timeout_ms)}", "synchronous=NORMAL", "cache_size=-65536"):
            _run(cur, f"PRAGMA {pragma}")
        _run(cur, "BEGIN IMMEDIATE")
        try:
            inserted = _load(cur, rows, chunks, done)
            last = small(inserted)
            _executemany(cur, bulk.insert_ignore_statement("sqlite", teams, ["name"]), last.teams)
            _executemany(cur, bulk.upsert_statement("sqlite", people, ["person"]), last.people)
            if last.batch is not None:
                _executemany(cur, sqlite.insert(import_batches), [last.batch])
            if last.rollup is not None:
                _add_rollup(cur, last.rollup)
            _run(cur, "COMMIT")
        except BaseException:
            # SQLite may have rolled back already (a full disk): the original error is the one to see
            with contextlib.suppress(conn.Error):
                _run(cur, "ROLLBACK")
            raise
    return inserted


def _load(cur: Any, rows: int, chunks: Iterable[pl.DataFrame], done: ChunkDone | None) -> int:
    stored = _stored(cur, rows)
    rebuild = _drop_indexes(cur) if rows >= bulk.REBUILD_MIN_ROWS and stored < rows else []
    inserted = 0
    batch_ids = pl.Series("h", [], dtype=pl.UInt64())  # hashes of the ids already given by this batch
    for chunk in chunks:
        new = chunk.unique("event_id", keep="first", maintain_order=True) if chunk["event_id"].is_duplicated().any() \
            else chunk
        hashes = new["event_id"].hash(_SEED)
        if stored or hashes.is_in(batch_ids.implode()).any():  # exact check against the table
            new = _not_stored(cur, new)
        batch_ids = pl.concat([batch_ids, hashes])
        if new.height:
            # columns null throughout the chunk are left out: the insert leaves them null
            cur.adbc_ingest("events", new.select(c for c in new.columns if new[c].null_count() < new.height),
                            mode="append")
        inserted += new.height
        if done is not None:
            done(chunk.height)
    for sql in rebuild:
        _run(cur, sql)
    return inserted


def _add_rollup(cur: Any, batch: BatchRollup) -> None:
    """:func:`sobria.store.web_rollup.add_batch` on this connection (the rows through ADBC)."""
    covered = {str(m): int(n) for m, n in _run(cur, "SELECT month, events FROM web_rollup_months")}

    def span(start_us: int, end_us: int) -> tuple[int, int | None]:
        count, newest = _run(cur, "SELECT count(*), max(ts_us) FROM events WHERE ts_us >= ? AND ts_us < ?",
                             (start_us, end_us))[0]
        return int(count), (None if newest is None else int(newest))

    months = batch.appendable(covered, span)
    if not months:
        return
    rows = batch.rows().filter(pl.col("month").is_in([m for m, _, _ in months]))
    if rows.height:
        cur.adbc_ingest("web_rollup", rows, mode="append")
    for month, count, newest in months:
        _run(cur, "DELETE FROM web_rollup_months WHERE month = ?", (month,))
        _run(cur, "INSERT INTO web_rollup_months (month, events, max_ts_us) VALUES (?, ?, ?)", (month, count, newest))


def _run(cur: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    cur.execute(sql, params)
    return list(cur.fetchall()) if cur.description else []


def _stored(cur: Any, rows: int) -> int:
    return int(_run(cur, bulk.stored_up_to(rows))[0][0])


def _not_stored(cur: Any, chunk: pl.DataFrame) -> pl.DataFrame:
    """The chunk's events whose id is not in the store yet (the ids go through a temporary table)."""
    cur.adbc_ingest(_IDS, chunk.select("event_id"), mode="replace", temporary=True)
    known = [r[0] for r in _run(cur, f"SELECT i.event_id FROM temp.{_IDS} AS i JOIN events USING (event_id)")]
    return chunk.filter(~pl.col("event_id").is_in(known)) if known else chunk


def _drop_indexes(cur: Any) -> list[str]:
    """Drop the secondary indexes of ``events``; return the statements that recreate them.

    Building an index once after the insert (a sort) is faster than as many B-tree inserts; the
    drop is part of the transaction, so a crash or an error restores the indexes.
    """
    indexes = _run(cur, bulk.SECONDARY_INDEXES["sqlite"])
    for name, _ in indexes:
        _run(cur, f'DROP INDEX "{name}"')
    return [str(sql) for _, sql in indexes]


def _executemany(cur: Any, stmt: Any, rows: Sequence[dict[str, Any]]) -> None:
    """A SQLAlchemy insert compiled for SQLite (``?`` parameters), run for each row."""
    if not rows:
        return
    compiled = stmt.compile(dialect=sqlite.dialect(), column_keys=list(rows[0]))
    order = compiled.positiontup or []
    cur.executemany(str(compiled), [tuple(row[key] for key in order) for row in rows])
