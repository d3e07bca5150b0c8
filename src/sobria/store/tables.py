"""The store's tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create them.

Timestamps are stored as integer microseconds since the Unix epoch, UTC (``*_us`` columns): the
same representation on SQLite and PostgreSQL, fast to write in bulk and to filter on.
"""

from __future__ import annotations

from typing import Any

import polars as pl
from sqlalchemy import BigInteger, Boolean, Column, Float, Index, MetaData, String, Table, Text
from sqlalchemy.types import TypeEngine

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS

metadata = MetaData()


def _sql_type(dtype: pl.DataType) -> TypeEngine[Any]:
    if dtype == pl.Int64:
        return BigInteger()
    if dtype == pl.Float64:
        return Float()
    if dtype == pl.Boolean:
        return Boolean()
    if isinstance(dtype, pl.Datetime):
        return BigInteger()
    return Text()


def event_column_names() -> list[str]:
    """Store column names of the events table, in order."""
    names = [("ts_us" if c.name == "ts" else c.name) for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)]
    return [*names, "batch_id"]


organisation = Table(
    "organisation", metadata,
    Column("id", BigInteger, primary_key=True),
    Column("name", Text, nullable=False),
    Column("key_fingerprint", String(64), nullable=False),
    Column("created_us", BigInteger, nullable=False),
)
teams = Table("teams", metadata, Column("name", String(200), primary_key=True))
people = Table(
    "people", metadata,
    Column("person", String(64), primary_key=True),
    Column("team", String(200), nullable=True),
    Column("role", Text, nullable=True),
    Column("display_name", Text, nullable=True),
    Column("email", Text, nullable=True),
)
tools = Table(
    "tools", metadata,
    Column("name", String(200), primary_key=True),
    Column("tier", Text, nullable=True),
)
import_batches = Table(
    "import_batches", metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", Text, nullable=False),
    Column("files", Text, nullable=False),
    Column("started_us", BigInteger, nullable=False),
    Column("finished_us", BigInteger, nullable=False),
    Column("rows_read", BigInteger, nullable=False),
    Column("rows_inserted", BigInteger, nullable=False),
    Column("rows_rejected", BigInteger, nullable=False),
)
events = Table(
    "events", metadata,
    *(Column("ts_us" if c.name == "ts" else c.name, _sql_type(c.dtype), primary_key=c.name == "event_id",
             nullable=not c.required)
      for c in EVENT_COLUMNS),
    *(Column(c.name, _sql_type(c.dtype), nullable=True) for c in IMPACT_COLUMNS),
    Column("batch_id", String(64), nullable=False),
)
Index("events_ts", events.c.ts_us)  # the only secondary index: every read filters on time (migration 0300)


# Tables of the other features share this metadata (imported for their side effect of registering).
from sobria.store import gateway_tables, governance_tables, web_tables  # noqa: E402, F401
