"""The audit's analytical SQL, in ClickHouse's dialect (run by a server, a cluster or chDB).

The same aggregations as the Polars pass over the month partitions (:mod:`sobria.analytics.audit`):
the cube of sums by team × tool × model × month × tier × impact status × side of the split, the
people (requests, events, first team seen in time order) and the (team, person) pairs; and the
per-person slices the waste detector reads. Sums of a column with only nulls are 0, as in Polars.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from sobria.audit.totals import INDICATORS

TS = "fromUnixTimestamp64Micro(ts_us, 'UTC')"
MONTH = f"formatDateTime({TS}, '%Y-%m')"
CUBE_KEYS = ("team", "tool", "model", "month", "tier", "impact_status", "after")


def quote(value: str) -> str:
    """A ClickHouse string literal."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _type(dtype: pl.DataType) -> str:
    if dtype == pl.Int64:
        return "Int64"
    if dtype == pl.Float64:
        return "Float64"
    if dtype == pl.Boolean:
        return "Bool"
    return "String"


def create_table(table: str, dtypes: Mapping[str, pl.DataType]) -> str:
    """The events table: a MergeTree with one partition per month, sorted by time."""
    required = {"event_id", "ts_us"}
    columns = ", ".join(f"{name} {_type(d) if name in required else f'Nullable({_type(d)})'}"
                        for name, d in dtypes.items())
    return (f"CREATE TABLE IF NOT EXISTS {table} ({columns}) ENGINE = MergeTree "
            f"PARTITION BY toYYYYMM({TS}) ORDER BY (ts_us, event_id)")


def insert_new(table: str, staging: str) -> str:
    return f"INSERT INTO {table} SELECT * FROM {staging} WHERE event_id NOT IN (SELECT event_id FROM {table})"


def months(table: str) -> str:
    return f"SELECT DISTINCT {MONTH} AS month FROM {table} ORDER BY month"


@dataclass(frozen=True)
class Where:
    """The period [start, end) in microseconds and the team filter."""

    start_us: int
    end_us: int
    team: str | None

    def clause(self) -> str:
        team = "" if self.team is None else f" AND team = {quote(self.team)}"
        return f"ts_us >= {int(self.start_us)} AND ts_us < {int(self.end_us)}{team}"


def _sums() -> str:
    parts = ["coalesce(sum(request_count), 0) AS requests", "count() AS events",
             "coalesce(sum(cost_eur), 0) AS reported_cost_eur", "coalesce(sum(est_cost_eur), 0) AS list_cost_eur"]
    parts += [f"coalesce(sum({n}_{b}), 0) AS {n}_{b}" for n in INDICATORS for b in ("min", "max")]
    return ", ".join(parts)


def cube(table: str, where: Where, split: dt.date | None) -> str:
    after = f"toDate({TS}) >= toDate({quote(split.isoformat())})" if split else "false"
    return (f"SELECT team, tool, model, {MONTH} AS month, tier, impact_status, {after} AS after, {_sums()} "
            f"FROM {table} WHERE {where.clause()} GROUP BY {', '.join(CUBE_KEYS)}")


def persons(table: str, where: Where) -> str:
    """One row per person in order of first appearance, with the first team seen (time order)."""
    return (f"SELECT person, coalesce(sum(request_count), 0) AS requests, count() AS events, "
            f"if(countIf(team IS NOT NULL) = 0, NULL, argMinIf(team, (ts_us, event_id), team IS NOT NULL)) "
            f"AS team_seen FROM {table} WHERE {where.clause()} GROUP BY person "
            f"ORDER BY min((ts_us, event_id))")


def pairs(table: str, where: Where) -> str:
    return f"SELECT DISTINCT team, person FROM {table} WHERE {where.clause()}"


def person_slice(table: str, where: Where, low: str | None, high: str | None) -> str:
    """The events of the people in [low, high); the first range also takes those without a person."""
    within = " AND ".join([*([f"person >= {quote(low)}"] if low is not None else []),
                           *([f"person < {quote(high)}"] if high is not None else [])]) or "true"
    people = f"({within} OR person IS NULL)" if low is None else f"({within})"
    return f"SELECT * FROM {table} WHERE {where.clause()} AND {people} ORDER BY ts_us, event_id"
