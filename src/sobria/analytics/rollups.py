"""Rollups of the month partitions, so that a page never scans events.

Two files per month, rewritten (atomically) whenever the month's partition is:

* ``rollups/daily/month=YYYY-MM.parquet``: day × team × tool × model × tier, with the audit's sums
  (requests, events, costs, every indicator's min and max: :func:`sobria.audit.totals.sum_exprs`);
* ``rollups/statuses/month=YYYY-MM.parquet``: events per day and estimation status;
* ``rollups/people/month=YYYY-MM.parquet``: month × team × tool × model × tier, with the number
  of distinct people (distinct counts do not add up over days, hence their own grain), with rows
  per team and for everyone (``scope``) since they do not add up over cells either.

Raw distinct counts stay inside this module: :func:`people_by_month` hides a group of fewer than
``MIN_GROUP`` people, as every figure shown about people must.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from sobria.audit.totals import Totals, sum_exprs, totals_from_row
from sobria.privacy.groups import MIN_GROUP

KEYS = ("team", "tool", "model", "tier")
DAILY, PEOPLE, STATUSES = "daily", "people", "statuses"
KINDS = (DAILY, PEOPLE, STATUSES)


def rollup_path(root: Path, kind: str, month: str) -> Path:
    return root / "rollups" / kind / f"month={month}.parquet"


def daily(events: pl.LazyFrame) -> pl.LazyFrame:
    return events.group_by(pl.col("ts").dt.date().alias("day"), *KEYS).agg(sum_exprs()).sort("day", *KEYS,
                                                                                              nulls_last=True)


def statuses(events: pl.LazyFrame) -> pl.LazyFrame:
    """Events per day and estimation status (``impact_status``: the audit's ``impact_statuses``)."""
    return events.group_by(pl.col("ts").dt.date().alias("day"), "impact_status").agg(pl.len().alias("events")).sort(
        "day", "impact_status", nulls_last=True)


def people(events: pl.LazyFrame, month_key: str | None = None) -> pl.LazyFrame:
    """Distinct people per month: per cell (``scope`` "cell"), per team ("team"), in all ("all");
    ``month_key`` (``YYYY-MM``) when every event is of that month (no date formatting per event)."""
    month = (pl.col("ts").dt.strftime("%Y-%m") if month_key is None else pl.lit(month_key)).alias("month")
    count = pl.col("person").drop_nulls().n_unique().alias("people")

    def scoped(keys: tuple[str, ...], scope: str) -> pl.LazyFrame:
        return events.group_by(month, *keys).agg(count).select(
            "month", *(pl.col(k) if k in keys else pl.lit(None, pl.Utf8).alias(k) for k in KEYS), "people",
            pl.lit(scope).alias("scope"))

    return pl.concat([scoped(KEYS, "cell"), scoped(("team",), "team"), scoped((), "all")]).sort(
        "scope", "month", *KEYS, nulls_last=True)


def read_daily(root: Path, start: dt.date, end: dt.date) -> pl.DataFrame:
    """Daily cells of [start, end) (dates), from the rollups only."""
    return _read_days(root, DAILY, start, end)


def statuses_between(root: Path, start: dt.date, end: dt.date) -> dict[str, int]:
    """Events per estimation status in [start, end), from the rollups only."""
    rows = _read_days(root, STATUSES, start, end)
    if rows.height == 0:
        return {}
    counted = rows.group_by("impact_status").agg(pl.col("events").sum())
    return dict(sorted(counted.iter_rows()))   # as the audit orders them


def _read_days(root: Path, kind: str, start: dt.date, end: dt.date) -> pl.DataFrame:
    files = sorted((root / "rollups" / kind).glob("month=*.parquet"))
    chosen = [f for f in files if _month_overlaps(f.stem.removeprefix("month="), start, end)]
    if not chosen:
        return pl.DataFrame()
    return pl.scan_parquet(chosen).filter((pl.col("day") >= start) & (pl.col("day") < end)).collect()


def _month_overlaps(month: str, start: dt.date, end: dt.date) -> bool:
    year, mon = (int(x) for x in month.split("-"))
    first = dt.date(year, mon, 1)
    return first < end and dt.date(year + mon // 12, mon % 12 + 1, 1) > start


def totals_by_month(root: Path, start: dt.date, end: dt.date) -> list[tuple[str, Totals]]:
    """The report's monthly totals (what ``by_month`` of the audit shows), read from the rollups."""
    cells = read_daily(root, start, end)
    if cells.height == 0:
        return []
    sums = [c for c in cells.columns if c not in ("day", *KEYS)]
    grouped = cells.group_by(pl.col("day").dt.strftime("%Y-%m").alias("month")).agg(
        pl.col(c).sum() for c in sums).sort("month")
    return [(str(row["month"]), totals_from_row(row)) for row in grouped.iter_rows(named=True)]


def people_by_month(root: Path, team: str | None = None) -> dict[str, int | None]:
    """Distinct people per month (of one team, or of all teams), hidden (None) under MIN_GROUP."""
    files = sorted((root / "rollups" / PEOPLE).glob("month=*.parquet"))
    if not files:
        return {}
    rows = pl.scan_parquet(files)
    rows = rows.filter(pl.col("scope") == "all") if team is None else rows.filter(
        (pl.col("scope") == "team") & (pl.col("team") == team))
    counted = rows.select("month", "people").sort("month").collect()
    return {str(m): (int(n) if n >= MIN_GROUP else None) for m, n in counted.iter_rows()}
