"""The events for analysis on ClickHouse, past one machine: the same audit as the month partitions.

Selected by a URL (``SOBRIA_ANALYTICS``): ``clickhouse://user:password@host:8123/database`` (or
``clickhouses://`` for HTTPS) talks to a server or a cluster through ``clickhouse-connect``;
``chdb:///path/to/folder`` runs the ClickHouse engine in-process (chDB, the same SQL executed by
the same engine: this is how the tests run it). Both are in the optional extra ``scale``.

The table is a MergeTree partitioned by month and ordered by (``ts_us``, ``event_id``); writes
are idempotent by ``event_id`` (a staging table, then only the ids not yet there). The audit's
aggregations (:mod:`sobria.analytics.sql`) run in ClickHouse; only the per-person slices that the
waste detector and the charter replay need come back, one slice at a time. See docs/scale.md.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

import polars as pl

from sobria.analytics import sql
from sobria.analytics.partitions import ORDER, event_dtypes, store_shaped
from sobria.errors import Location, UserInputError

SCHEMES = ("chdb", "clickhouse", "clickhouses")


class Connection(Protocol):
    def frame(self, query: str) -> pl.DataFrame: ...
    def command(self, query: str) -> None: ...
    def insert(self, table: str, frame: pl.DataFrame) -> None: ...
    def close(self) -> None: ...


class ChdbConnection:
    """ClickHouse in-process (chDB): a session on a folder (data kept) or in memory."""

    def __init__(self, path: str | None) -> None:
        import importlib

        session: Any = importlib.import_module("chdb.session")
        self._session: Any = session.Session(path) if path else session.Session()

    def frame(self, query: str) -> pl.DataFrame:
        data = self._session.query(query, "Parquet").bytes()
        return pl.read_parquet(io.BytesIO(data)) if data else pl.DataFrame()

    def command(self, query: str) -> None:
        self._session.query(query)

    def insert(self, table: str, frame: pl.DataFrame) -> None:
        with tempfile.TemporaryDirectory(prefix="sobria-chdb-") as folder:
            path = Path(folder) / "rows.parquet"
            frame.write_parquet(path)
            self._session.query(f"INSERT INTO {table} SELECT * FROM file({sql.quote(str(path))}, Parquet)")

    def close(self) -> None:
        self._session.close()


class HttpConnection:
    """A ClickHouse server (or a cluster's load balancer) through clickhouse-connect."""

    def __init__(self, client: Any) -> None:
        self._client = client

    def frame(self, query: str) -> pl.DataFrame:
        return _frame(self._client.query_arrow(query))

    def command(self, query: str) -> None:
        self._client.command(query)

    def insert(self, table: str, frame: pl.DataFrame) -> None:
        self._client.insert_arrow(table, frame.to_arrow())

    def close(self) -> None:
        self._client.close()


def _frame(table: Any) -> pl.DataFrame:
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


def connect(url: str) -> Connection:
    """The connection a URL names; a clear error for another scheme or a missing package."""
    parsed = urlparse(url)
    if parsed.scheme not in SCHEMES:
        raise UserInputError("analytics.bad_url", {"url": url, "schemes": ", ".join(SCHEMES)},
                             Location(parameter="SOBRIA_ANALYTICS"))
    try:
        if parsed.scheme == "chdb":
            return ChdbConnection(unquote(parsed.path) or None)
        import clickhouse_connect
    except ImportError:
        raise UserInputError("analytics.missing_extra", {"url": url},
                             Location(parameter="SOBRIA_ANALYTICS")) from None
    client = clickhouse_connect.get_client(
        host=parsed.hostname or "localhost", port=parsed.port or (8443 if parsed.scheme == "clickhouses" else 8123),
        username=unquote(parsed.username or "default"), password=unquote(parsed.password or ""),
        database=parsed.path.strip("/") or "default", secure=parsed.scheme == "clickhouses")
    return HttpConnection(client)


@dataclass
class ClickHouseEvents:
    """The events table on ClickHouse: written idempotently, read by the out-of-core audit."""

    connection: Connection
    table: str = "sobria_events"

    def create(self) -> None:
        self.connection.command(sql.create_table(self.table, event_dtypes()))

    def write(self, frame: pl.DataFrame) -> int:
        """Add ``frame``'s events (store columns with ``ts_us``); return how many were new."""
        if frame.height == 0:
            return 0
        rows = frame.select(list(event_dtypes())).unique("event_id", keep="first", maintain_order=True)
        before = self.count()
        staging = f"{self.table}_staging"
        self.connection.command(f"DROP TABLE IF EXISTS {staging}")
        self.connection.command(f"CREATE TABLE {staging} AS {self.table} ENGINE = Memory")
        try:
            self.connection.insert(staging, rows)
            self.connection.command(sql.insert_new(self.table, staging))
        finally:
            self.connection.command(f"DROP TABLE IF EXISTS {staging}")
        return self.count() - before

    def count(self) -> int:
        return int(self.connection.frame(f"SELECT count() AS n FROM {self.table}")["n"][0])

    def months(self) -> list[str]:
        found = self.connection.frame(sql.months(self.table))
        return [str(m) for m in found["month"].to_list()] if "month" in found.columns else []

    def bounds_us(self) -> tuple[int, int]:
        low, high = self.connection.frame(f"SELECT min(ts_us) AS low, max(ts_us) AS high FROM {self.table}").row(0)
        return int(low), int(high)

    def reader(self, start_us: int, end_us: int, team: str | None) -> ClickHouseScan:
        return ClickHouseScan(self, sql.Where(start_us, end_us, team))

    def drop_before(self, start_us: int) -> None:
        """Retention: the raw events before ``start_us`` deleted: the whole months before it as
        partitions (``DROP PARTITION``, no rewrite), what remains before it row by row."""
        first_kept = dt.datetime.fromtimestamp(start_us / 1e6, tz=dt.UTC).strftime("%Y-%m")
        for month in self.months():
            if month < first_kept:
                self.connection.command(f"ALTER TABLE {self.table} DROP PARTITION {month.replace('-', '')}")
        if self.connection.frame(f"SELECT count() AS n FROM {self.table} WHERE ts_us < {int(start_us)}")["n"][0]:
            self.connection.command(f"DELETE FROM {self.table} WHERE ts_us < {int(start_us)}")


@dataclass(frozen=True)
class ClickHouseScan:
    """What :func:`sobria.analytics.audit.run_partitioned_audit` reads, as ClickHouse SQL."""

    events: ClickHouseEvents
    where: sql.Where

    def first_pass(self, split: Any) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        con, table = self.events.connection, self.events.table
        cube = con.frame(sql.cube(table, self.where, split)).with_columns(
            pl.col("after").cast(pl.Boolean), pl.col("events").cast(pl.UInt32), pl.col("requests").cast(pl.Int64))
        persons = con.frame(sql.persons(table, self.where)).select(
            pl.col("person").cast(pl.Utf8), pl.col("requests").cast(pl.Int64), pl.col("events").cast(pl.UInt32),
            pl.col("team_seen").cast(pl.Utf8))
        pairs = con.frame(sql.pairs(table, self.where)).select(pl.col("team").cast(pl.Utf8),
                                                               pl.col("person").cast(pl.Utf8))
        return cube, persons, pairs

    def slices(self, persons: pl.DataFrame, ranges: list[tuple[str | None, str | None]]) -> Iterator[pl.DataFrame]:
        """Each range's events: ClickHouse filters them (a cluster shards by person)."""
        for low, high in ranges:
            yield self.slice(low, high)

    def slice(self, low: str | None, high: str | None) -> pl.DataFrame:
        rows = self.events.connection.frame(sql.person_slice(self.events.table, self.where, low, high))
        dtypes = event_dtypes()
        shaped = rows.select(pl.col(name).cast(dtype) for name, dtype in dtypes.items())
        return store_shaped(shaped).sort(ORDER)
