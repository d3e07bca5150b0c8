"""Bulk writes and reads, with the one dialect difference each needs (SQLite / PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS
from sobria.store.tables import event_column_names

_DTYPES = {("ts_us" if c.name == "ts" else c.name): (pl.Int64 if c.name == "ts" else c.dtype)
           for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
_DTYPES["batch_id"] = pl.Utf8()


def insert_ignore_statement(dialect: str, table: sa.Table, keys: list[str]) -> Any:
    """``INSERT … ON CONFLICT (keys) DO NOTHING`` for ``dialect`` (sqlite or postgresql)."""
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=keys)


def upsert_statement(dialect: str, table: sa.Table, keys: list[str]) -> Any:
    """``INSERT … ON CONFLICT (keys) DO UPDATE`` of every other column, for ``dialect``."""
    stmt = _insert(dialect, table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    return stmt.on_conflict_do_update(index_elements=keys, set_=updates)


def _insert(dialect: str, table: sa.Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def insert_ignore(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: list[str]) -> None:
    if rows:
        conn.execute(insert_ignore_statement(conn.dialect.name, table, keys), list(rows))


def upsert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: list[str]) -> None:
    if rows:
        conn.execute(upsert_statement(conn.dialect.name, table, keys), list(rows))


CHUNK_ROWS = 50_000
REBUILD_MIN_ROWS = 50_000  # from this many new events (and more than are stored), indexes are rebuilt


def _rows(frame: pl.DataFrame) -> Iterator[tuple[Any, ...]]:
    """Row tuples, converted chunk by chunk so that memory stays bounded on large batches."""
    for offset in range(0, frame.height, CHUNK_ROWS):
        chunk = frame.slice(offset, CHUNK_ROWS)
        yield from zip(*(chunk.get_column(c).to_list() for c in chunk.columns), strict=True)


@contextmanager
def transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction; on SQLite it takes the write lock at once.

    ``BEGIN IMMEDIATE`` makes index changes (DDL) part of the transaction from the first statement.
    """
    with engine.connect() as conn, conn.begin():
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn


def insert_events(conn: Connection, rows: int, chunks: Iterable[pl.DataFrame],
                  done: Callable[[int], None] | None = None) -> int:
    """Insert events, skipping ids already stored; returns the number inserted.

    SQLite: ``executemany`` (large batches into a file go through :mod:`sobria.store.sqlite_load`).
    PostgreSQL: COPY into a temporary table, then one insert from it.
    """
    names = event_column_names()
    columns = ", ".join(names)
    raw = conn.connection.driver_connection
    assert raw is not None, "an open DBAPI connection"
    if conn.dialect.name == "sqlite":
        before = raw.total_changes
        marks = ", ".join("?" for _ in names)
        sql = f"INSERT INTO events ({columns}) VALUES ({marks}) ON CONFLICT (event_id) DO NOTHING"
        for chunk in chunks:
            raw.executemany(sql, _rows(chunk.select(names)))
            if done is not None:
                done(chunk.height)
        return int(raw.total_changes - before)
    with raw.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS events_stage (LIKE events INCLUDING DEFAULTS) ON COMMIT DROP")
        # CSV: a null is an empty unquoted field, an empty text is "" (a text "\\N" stays a text)
        with cur.copy(f"COPY events_stage ({columns}) FROM STDIN WITH (FORMAT csv)") as copy:
            for chunk in chunks:
                for offset in range(0, chunk.height, CHUNK_ROWS):
                    copy.write(chunk.slice(offset, CHUNK_ROWS).select(names).write_csv(
                        include_header=False, null_value="", float_precision=None))
                if done is not None:
                    done(chunk.height)
        rebuild = _drop_indexes(conn, rows)
        cur.execute(f"INSERT INTO events ({columns}) SELECT {columns} FROM events_stage "
                    "ON CONFLICT (event_id) DO NOTHING")
        inserted = int(cur.rowcount)
    for sql in rebuild:
        conn.exec_driver_sql(sql)
    return inserted


SECONDARY_INDEXES = {  # name and definition of each secondary index of ``events``
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' AND sql IS NOT NULL",
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                  "AND tablename = 'events' AND indexname NOT IN "
                  "(SELECT conname FROM pg_constraint WHERE conrelid = 'events'::regclass)",
}


def stored_up_to(rows: int) -> str:
    """SQL counting the stored events up to ``rows`` (enough to decide, in bounded time)."""
    return f"SELECT count(*) FROM (SELECT 1 FROM events LIMIT {int(rows)}) AS s"


def _drop_indexes(conn: Connection, rows: int) -> list[str]:
    """Drop the secondary indexes of ``events`` when ``rows`` new events outnumber the stored ones.

    Building an index once after the insert (a sort) is several times faster than as many B-tree
    inserts; it pays when the batch is at least as large as the table. Returns the statements
    that recreate the indexes, to run after the insert in the same transaction: a crash or an
    error rolls the drop back with the rest. SQLite readers keep their snapshot meanwhile;
    PostgreSQL readers of ``events`` wait for the commit (the drop locks the table).
    """
    if rows < REBUILD_MIN_ROWS:
        return []
    stored = conn.exec_driver_sql(stored_up_to(rows)).scalar_one()
    if stored >= rows:
        return []
    indexes = [(str(r[0]), str(r[1])) for r in conn.exec_driver_sql(SECONDARY_INDEXES[conn.dialect.name])]
    for name, _ in indexes:
        conn.exec_driver_sql(f'DROP INDEX "{name}"')
    return [sql for _, sql in indexes]


def read_frame(conn: Connection, query: sa.Select[Any]) -> pl.DataFrame:
    """Run a select on the events table into a Polars frame with the canonical dtypes."""
    result = conn.execute(query)
    names = list(result.keys())
    data = result.fetchall()
    frame = pl.DataFrame(data, schema={n: _DTYPES[n] for n in names}, orient="row")
    if "ts_us" in frame.columns:
        frame = frame.with_columns(pl.from_epoch("ts_us", time_unit="us").dt.replace_time_zone("UTC").alias("ts"))
    return frame
