"""The store: one interface over SQLite (default) and PostgreSQL (same code, a URL setting)."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from sobria.errors import Location, UserInputError
from sobria.store import bulk, sqlite_load
from sobria.store.budget_ledger import BudgetLedger
from sobria.store.driver_errors import user_error
from sobria.store.gateway_store import GatewayStore
from sobria.store.records import PersonRow, RecordsStore
from sobria.store.rollup_sums import BatchRollup
from sobria.store.tables import event_column_names, events, import_batches, organisation, people, teams
from sobria.store.web_rollup import add_batch


@dataclass(frozen=True)
class BatchRecord:
    id: str
    kind: str
    files: str
    started_us: int
    rows_read: int
    rows_rejected: int


@dataclass(frozen=True)
class BatchEnd:
    """What closes a batch, known once its events are written."""

    batch: BatchRecord
    team_names: Iterable[str]
    persons: Sequence[PersonRow]
    totals: BatchRollup | None = None   # the batch's sums for the dashboard's rollup (web_rollup.add_batch)


DEFAULT_LOCK_TIMEOUT_S = 30.0  # seconds a write waits for another writer (SOBRIA_LOCK_TIMEOUT_S)


def open_store(url: str, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S) -> Store:
    """Open (without creating tables) the store at ``url``; see :meth:`Store.migrate`.

    A write waits up to ``lock_timeout_s`` for another writer (SQLite's busy timeout), then fails
    with the user error ``store.locked`` (``SOBRIA_LOCK_TIMEOUT_S``).
    """
    path = _sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
    try:
        engine = sa.create_engine(url, future=True)
    except (sa.exc.ArgumentError, ModuleNotFoundError) as exc:
        raise UserInputError("store.bad_url", {"url": url, "reason": str(exc)},
                             Location(parameter="SOBRIA_DB")) from None
    sa.event.listen(engine, "handle_error", _user_errors)
    timeout_ms = max(1, round(lock_timeout_s * 1000))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", partial(_sqlite_pragmas, timeout_ms))
    elif engine.dialect.name != "postgresql":
        raise UserInputError("store.bad_url", {"url": url, "reason": engine.dialect.name},
                             Location(parameter="SOBRIA_DB"))
    return Store(engine, timeout_ms)


def open_initialised_store(url: str, lock_timeout_s: float = DEFAULT_LOCK_TIMEOUT_S) -> Store:
    """The store ``sobria init`` made at ``url``, migrated; refused (creating nothing, not even
    the SQLite file) when there is none."""
    refused = UserInputError("pipeline.not_initialised", {}, Location(parameter="SOBRIA_DB"))
    path = _sqlite_path(url)
    if path is not None and (not path.is_file() or path.stat().st_size == 0):
        _check_sqlite_file(path)  # a folder, a missing folder: that message rather
        raise refused
    store = open_store(url, lock_timeout_s)
    if not sa.inspect(store.engine).has_table(organisation.name):
        store.close()
        raise refused
    store.migrate()
    if store.organisation() is None:
        store.close()
        raise refused
    return store


def _sqlite_path(url: str) -> Path | None:
    if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
        return Path(url.removeprefix("sqlite:///")).expanduser().resolve()
    return None

_SQLITE_MAGIC = b"SQLite format 3\x00"


def _check_sqlite_file(path: Path) -> None:
    """A SQLite store path: its folder exists, it is not a folder, and an existing file is SQLite."""
    where = Location(file=str(path), parameter="SOBRIA_DB")
    if not path.parent.is_dir():
        raise UserInputError("store.no_folder", {"folder": str(path.parent)}, Location(parameter="SOBRIA_DB"))
    if path.is_dir():
        raise UserInputError("store.not_a_file", {"path": str(path)}, where)
    if path.is_file() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                raise UserInputError("store.not_a_database", {"path": str(path)}, where)


def _user_errors(context: sa.engine.ExceptionContext) -> None:
    """A locked or foreign database file is the person's to fix: a user error, not a traceback."""
    url = context.engine.url if context.engine is not None else None
    error = user_error(str(context.original_exception), str(url.database if url else ""))
    if error is not None:
        raise error from None


def _sqlite_pragmas(busy_timeout_ms: int, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")  # first: WAL mode may wait for a lock too
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: large imports keep the indexes in memory
    cursor.close()


StoreUnavailableError = sa.exc.DBAPIError  # the database refused or dropped a statement (down, busy)


@dataclass
class Store(RecordsStore, GatewayStore):
    engine: Engine
    lock_timeout_ms: int = round(DEFAULT_LOCK_TIMEOUT_S * 1000)

    @property
    def dialect(self) -> str:
        return str(self.engine.dialect.name)

    def migrate(self) -> None:
        """Bring the schema to the latest revision (Alembic)."""
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(resources.files("sobria.store") / "migrations"))
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")

    def organisation(self) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(organisation)).mappings().first()
        return dict(row) if row else None

    def init_organisation(self, name: str, key_fingerprint: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(sa.delete(organisation))
            conn.execute(sa.insert(organisation).values(id=1, name=name, key_fingerprint=key_fingerprint,
                                                        created_us=time.time_ns() // 1000))

    def teams(self) -> set[str]:
        with self.engine.connect() as conn:
            return {r[0] for r in conn.execute(sa.select(teams.c.name))}

    def people(self) -> pl.DataFrame:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(people)).mappings().all()
        return pl.DataFrame([dict(r) for r in rows], schema={c.name: pl.Utf8 for c in people.c})

    def count_events(self, start: int | None = None, end: int | None = None) -> int:
        """Events stored, or those whose ``ts_us`` is in [start, end) (the time index counts them)."""
        query = sa.select(sa.func.count()).select_from(events)
        if start is not None:
            query = query.where(events.c.ts_us >= start)
        if end is not None:
            query = query.where(events.c.ts_us < end)
        with self.engine.connect() as conn:
            return int(conn.execute(query).scalar_one())

    def delete_events_before(self, ts_us: int) -> int:
        """Retention: delete the raw events before ``ts_us`` (the rollups are kept elsewhere)."""
        with self.engine.begin() as conn:
            return int(conn.execute(sa.delete(events).where(events.c.ts_us < ts_us)).rowcount or 0)

    def batches(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(import_batches)).mappings()]

    def write_batch(self, batch: BatchRecord, frame: pl.DataFrame, team_names: Iterable[str],
                    persons: Sequence[PersonRow]) -> int:
        """Write a whole batch in one transaction; return the events actually inserted.

        Events already in the store (same ``event_id``) are skipped, so a re-import adds nothing.
        Either everything is written or nothing is (a crash mid-way leaves the store unchanged).
        """
        chunks = (frame.slice(offset, bulk.CHUNK_ROWS) for offset in range(0, frame.height, bulk.CHUNK_ROWS))
        return self.write_chunks(frame.height, chunks, lambda: BatchEnd(batch, team_names, persons))

    def write_chunks(self, rows: int, chunks: Iterable[pl.DataFrame], end: Callable[[], BatchEnd],
                     done: Callable[[int], None] | None = None) -> int:
        """:meth:`write_batch` for about ``rows`` events (at most) given chunk by chunk.

        Each chunk is written as it comes (the next one can be prepared meanwhile); ``done`` is
        told each chunk's size; empty chunks are skipped. ``end`` gives the batch record, teams and
        people once every chunk is written; an exception from ``chunks`` rolls everything back.
        The write lock is taken at the first non-empty chunk and held until the end (SQLite: other
        writers wait up to the lock timeout, ``SOBRIA_LOCK_TIMEOUT_S``, 30 s by default). A large
        batch into a SQLite file goes through
        ADBC (:mod:`sobria.store.sqlite_load`) only when none of this store's connections is in
        use; the caller must hold no other connection to the file in this process. The batch's
        sums (``BatchEnd.totals``) are added to the dashboard's rollup in the same transaction when
        every one of its events was inserted (:func:`sobria.store.web_rollup.add_batch`).
        """
        pending = (chunk.select(event_column_names()) for chunk in chunks if chunk.height)
        first = next(pending, None)  # the transaction starts with the first events: a batch rejected
        # before any (strict mode) takes no lock
        selected = itertools.chain([] if first is None else [first], pending)
        path = self.sqlite_file()
        if path is not None and rows >= sqlite_load.LOAD_MIN_ROWS and self._no_connection_in_use():
            self.engine.dispose()  # no other copy of the SQLite library may hold the file meanwhile
            return sqlite_load.load_events(path, rows, selected, partial(_small_rows, end), done,
                                           self.lock_timeout_ms)
        with bulk.transaction(self.engine) as conn:
            inserted = bulk.insert_events(conn, rows, selected, done)
            small = _small_rows(end, inserted)
            bulk.insert_ignore(conn, teams, small.teams, ["name"])
            bulk.upsert(conn, people, small.people, ["person"])  # the roster replaces (store.records)
            if small.batch is not None:
                conn.execute(sa.insert(import_batches).values(**small.batch))
            if small.rollup is not None:
                add_batch(conn, small.rollup)
        return inserted

    def budget_ledger(self, wait: bool = True) -> BudgetLedger:
        """A reservation ledger on a connection of its own (for one thread: see its docstring);
        ``wait=False``: one that never waits for the write lock (SQLite only)."""
        return BudgetLedger(self.engine, wait)

    def close(self) -> None:
        """Close the store's idle connections (a later use opens new ones)."""
        self.engine.dispose()

    def _no_connection_in_use(self) -> bool:
        """True when none of the engine's connections is checked out (disposing closes all of them)."""
        checked_out = getattr(self.engine.pool, "checkedout", None)
        return checked_out is not None and int(checked_out()) == 0

    def sqlite_file(self) -> Path | None:
        """The database file of a SQLite store (None: PostgreSQL, or in memory)."""
        url = self.engine.url
        if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
            return None
        return Path(str(url.database))

    def read_events(self, start: int | None = None, end: int | None = None, team: str | None = None) -> pl.DataFrame:
        """Events (with impacts) whose ``ts`` is in [start, end) microseconds, optionally one team."""
        query = sa.select(events)
        if start is not None:
            query = query.where(events.c.ts_us >= start)
        if end is not None:
            query = query.where(events.c.ts_us < end)
        if team is not None:
            query = query.where(events.c.team == team)
        with self.engine.connect() as conn:
            return bulk.read_frame(conn, query.order_by(events.c.ts_us, events.c.event_id))

    def connect(self) -> Connection:
        return self.engine.connect()


def _small_rows(end: Callable[[], BatchEnd], inserted: int) -> sqlite_load.SmallRows:
    """The teams, people and batch rows that close a batch of ``inserted`` new events.

    A batch that adds no event and rejects no row (a header-only file, a re-import) is not
    recorded in ``import_batches``: it changed nothing to account for (the summary says so). Its
    sums go to the rollup only when they are those of the events inserted (all of the batch's).
    """
    last = end()
    batch = last.batch
    recorded = inserted > 0 or batch.rows_rejected > 0
    complete = last.totals is not None and inserted > 0 and last.totals.events == inserted
    return sqlite_load.SmallRows(
        teams=[{"name": n} for n in sorted(set(last.team_names))], people=[p.__dict__ for p in last.persons],
        rollup=last.totals if complete else None,
        batch=None if not recorded else {
            "id": batch.id, "kind": batch.kind, "files": batch.files, "started_us": batch.started_us,
            "finished_us": time.time_ns() // 1000, "rows_read": batch.rows_read, "rows_inserted": inserted,
            "rows_rejected": batch.rows_rejected})
