"""Bulk writes and reads, with the one dialect difference each needs (SQLite / PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import polars as pl
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS
from sobria.store.tables import event_column_names

_DTYPES = {("ts_us" if c.name == "ts" else c.name): (pl.Int64 if c.name == "ts" else c.dtype)
           for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
_DTYPES["batch_id"] = pl.Utf8()


def _insert(conn: Connection, table: sa.Table) -> Any:
    dialect = conn.dialect.name
    return (postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table))


def insert_ignore(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: list[str]) -> None:
    if rows:
        conn.execute(_insert(conn, table).on_conflict_do_nothing(index_elements=keys), list(rows))


def upsert(conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: list[str]) -> None:
    if not rows:
        return
    stmt = _insert(conn, table)
    updates = {c.name: stmt.excluded[c.name] for c in table.columns if c.name not in keys}
    conn.execute(stmt.on_conflict_do_update(index_elements=keys, set_=updates), list(rows))


CHUNK_ROWS = 50_000


def _rows(frame: pl.DataFrame) -> Iterator[tuple[Any, ...]]:
    """Row tuples, converted chunk by chunk so that memory stays bounded on large batches."""
    for offset in range(0, frame.height, CHUNK_ROWS):
        chunk = frame.slice(offset, CHUNK_ROWS)
        yield from zip(*(chunk.get_column(c).to_list() for c in chunk.columns), strict=True)


def insert_events(conn: Connection, frame: pl.DataFrame) -> int:
    """Insert events, skipping ids already stored; returns the number inserted."""
    if frame.height == 0:
        return 0
    names = event_column_names()
    columns = ", ".join(names)
    raw = conn.connection.driver_connection
    assert raw is not None, "an open DBAPI connection"
    if conn.dialect.name == "sqlite":
        before = raw.total_changes
        marks = ", ".join("?" for _ in names)
        sql = f"INSERT INTO events ({columns}) VALUES ({marks}) ON CONFLICT (event_id) DO NOTHING"
        raw.executemany(sql, _rows(frame))
        return int(raw.total_changes - before)
    with raw.cursor() as cur:
        cur.execute("CREATE TEMP TABLE IF NOT EXISTS events_stage (LIKE events INCLUDING DEFAULTS) ON COMMIT DROP")
        with cur.copy(f"COPY events_stage ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')") as copy:
            for offset in range(0, frame.height, CHUNK_ROWS):
                copy.write(frame.slice(offset, CHUNK_ROWS).write_csv(include_header=False, null_value="\\N",
                                                                      float_precision=None))
        cur.execute(f"INSERT INTO events ({columns}) SELECT {columns} FROM events_stage "
                    "ON CONFLICT (event_id) DO NOTHING")
        return int(cur.rowcount)


def read_frame(conn: Connection, query: sa.Select[Any]) -> pl.DataFrame:
    """Run a select on the events table into a Polars frame with the canonical dtypes."""
    result = conn.execute(query)
    names = list(result.keys())
    data = result.fetchall()
    frame = pl.DataFrame(data, schema={n: _DTYPES[n] for n in names}, orient="row")
    if "ts_us" in frame.columns:
        frame = frame.with_columns(pl.from_epoch("ts_us", time_unit="us").dt.replace_time_zone("UTC").alias("ts"))
    return frame
