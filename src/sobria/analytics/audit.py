"""The audit out of core: the same :class:`AuditResult` as :func:`sobria.audit.run.run_audit`,
read from the month partitions without holding the period in memory.

Two passes. Per month partition, the engine aggregates (pushed down, only the columns needed): a
cube of sums by team × tool × model × month × tier × impact status × side of the split, and one
row per person (requests, first team seen). KPIs, the comparison and adoption come from those.
Per *person range* (all months of a slice of the people, about one month's events), the waste
detector and the charter scenario run unchanged: re-ask chains are windows over one person's
events in time (sessions, the person's usual words over the whole period), so a slice of people
gives exactly the chains of the whole period, which a month would not (a chain across midnight at
a month's end; the vocabulary of the period). Every figure is a sum over people or over cells,
added up here. See docs/scale.md.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import polars as pl

from sobria.analytics.partitions import PartitionSet, month_bounds_us, time_ordered
from sobria.analytics.person_pass import Pool, SlicePart, SliceTask, audit_slice, combined, worker_pool
from sobria.analytics.spill import range_frame, range_of_person, spill_month, spilled_slices
from sobria.audit.adoption import compute_adoption
from sobria.audit.company import load_company
from sobria.audit.disclosure import disclosure, with_money
from sobria.audit.kpis import Kpis
from sobria.audit.period import DAYS_PER_YEAR, Period, resolve_period
from sobria.audit.result import AuditResult, Headline
from sobria.audit.run import AuditOptions, figures_of, run_audit, scenario_rules
from sobria.audit.scenarios import Comparison, ScenarioResult
from sobria.audit.totals import Totals, sum_exprs, totals_from_row
from sobria.audit.waste import WasteSummary
from sobria.audit.waste_accuracy import shares_of
from sobria.catalog import Catalog
from sobria.errors import Location, UserInputError
from sobria.impact.spend import spend_check
from sobria.privacy.groups import display_groups, roster_sizes, shown_teams
from sobria.ranges import Range
from sobria.store import Store

if TYPE_CHECKING:
    from sobria.analytics.clickhouse import ClickHouseEvents

SLICE_EVENTS = 500_000       # events of one person range (about): the memory bound (~1.2 GiB RSS)
SPILL_AFTER = 12             # more ranges, months in the old layout (by time): each month split once into
                             # per-range files (a write costs about ten reads: below this, reading every
                             # month per range is cheaper); months in the person layout are never split
POOL_EVENTS = 2_000_000      # from this many events (in two ranges or more): ranges audited by worker processes
CHUNK_ROWS = 1_000_000       # rows of a month read at a time by the first pass and the spill (~0.6 GB in memory
                             # with every column): their memory bound, whatever the month's size
CUBE_KEYS = ("team", "tool", "model", "month", "tier", "impact_status", "after")
SUMS = ("requests", "events", "reported_cost_eur", "list_cost_eur",
        *(f"{n}_{b}" for n in ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj") for b in ("min", "max")))


class Reader(Protocol):
    """The period's events, read by the audit: the aggregations of the first pass and the events
    of each person range (the month partitions or ClickHouse)."""

    def first_pass(self, split: dt.date | None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]: ...
    def slices(self, persons: pl.DataFrame, ranges: list[tuple[str | None, str | None]]) -> Iterator[pl.DataFrame]:
        ...


@dataclass(frozen=True)
class Scan:
    """What to read from the month partitions: the months overlapping the period, its bounds, the team."""

    partitions: PartitionSet
    months: list[str]
    start_us: int
    end_us: int
    team: str | None
    chunk_rows: int = CHUNK_ROWS

    def frame(self, months: list[str]) -> pl.LazyFrame:
        return self._restrict(self.partitions.scan_all(months))

    def chunks(self, month: str) -> Iterator[pl.LazyFrame]:
        """The month's events by consecutive rows (``chunk_rows`` each, in time order), in the period and team."""
        rows = self.partitions.month_count(month)
        for offset in range(0, rows, self.chunk_rows):
            yield self._restrict(self.partitions.scan(month).slice(offset, self.chunk_rows))

    def empty(self) -> pl.DataFrame:
        return self.frame(self.months[:1]).head(0).collect()

    def _restrict(self, lazy: pl.LazyFrame) -> pl.LazyFrame:
        lazy = lazy.filter((pl.col("ts_us") >= self.start_us) & (pl.col("ts_us") < self.end_us))
        return lazy if self.team is None else lazy.filter(pl.col("team") == self.team)

    def first_pass(self, split: dt.date | None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        return _first_pass(self, split)

    def spills(self, ranges: list[tuple[str | None, str | None]]) -> bool:
        """Whether the months are first split by range: past ``SPILL_AFTER`` ranges, unless every
        month is in the partitions' person layout (a range then reads only its own row groups)."""
        return len(ranges) > SPILL_AFTER and not all(self.partitions.person_sorted(m) for m in self.months)

    def slices(self, persons: pl.DataFrame, ranges: list[tuple[str | None, str | None]]) -> Iterator[pl.DataFrame]:
        """The events of each person range, read directly or, for months in the old layout (sorted by
        time), from every month read once (:mod:`sobria.analytics.spill`)."""
        if not self.spills(ranges):
            for low, high in ranges:
                yield self.slice(low, high)
            return
        yield from spilled_slices(self.chunks, self.months, persons, ranges, self.partitions.root, self.empty())

    def pooled(self, pool: Pool, persons: pl.DataFrame, ranges: list[tuple[str | None, str | None]]
               ) -> list[SlicePart]:
        """Each range's part, audited by the pool's workers (each reading its range), in range order;
        past ``SPILL_AFTER`` ranges of months in the old layout, the months are split first, one month per task."""
        if not self.spills(ranges):
            parts = pool.map([SliceTask(RangeSource(self, low, high)) for low, high in ranges])
        else:
            buckets = range_of_person(persons, ranges)
            with tempfile.TemporaryDirectory(prefix=".spill-", dir=self.partitions.root) as tmp:
                pool.map([SpillTask(self, month, i, buckets, Path(tmp)) for i, month in enumerate(self.months)])
                parts = pool.map([SliceTask(SpilledSource(self, Path(tmp), i)) for i in range(len(ranges))])
        return [part for part in parts if isinstance(part, SlicePart)]

    def slice(self, low: str | None, high: str | None) -> pl.DataFrame:
        """The events of the people in [low, high) (and, for the first range, those without a person),
        in time order (months in the person layout: only the row groups of those people are read)."""
        person = pl.col("person")
        within = (pl.lit(True) if low is None else person >= low) & (pl.lit(True) if high is None else person < high)
        chosen = within | person.is_null() if low is None else within
        return time_ordered(self.frame(self.months).filter(chosen).collect())


@dataclass(frozen=True)
class RangeSource:
    """The events of the people in [low, high), read from the month partitions."""

    scan: Scan
    low: str | None
    high: str | None

    def frame(self) -> pl.DataFrame:
        return self.scan.slice(self.low, self.high)


@dataclass(frozen=True)
class SpilledSource:
    """The events of range ``index``, read from the months split by range (:mod:`sobria.analytics.spill`)."""

    scan: Scan
    folder: Path
    index: int

    def frame(self) -> pl.DataFrame:
        return range_frame(self.folder, self.index, self.scan.empty())


@dataclass(frozen=True)
class SpillTask:
    """One month split by person range into files under ``folder``."""

    scan: Scan
    month: str
    number: int
    buckets: pl.DataFrame
    folder: Path

    def run(self) -> None:
        spill_month(self.scan.chunks(self.month), self.buckets, self.folder, self.number)


def audit_store(store: Store, catalog: Catalog, options: AuditOptions, now: dt.datetime,
                analytics_url: str | None = None) -> AuditResult | None:
    """The audit: on ClickHouse when ``analytics_url`` names it (``SOBRIA_ANALYTICS``); out of
    core when the store has partitions holding all its events (same count: events written by
    another path since make them stale); else in memory."""
    if analytics_url:
        from sobria.analytics.clickhouse import ClickHouseEvents, connect

        connection = connect(analytics_url)
        try:
            return run_partitioned_audit(store, ClickHouseEvents(connection), catalog, options, now)
        finally:
            connection.close()
    partitions = PartitionSet.beside(store)
    if partitions is not None and partitions.months() and partitions.count() == store.count_events():
        return run_partitioned_audit(store, partitions, catalog, options, now)
    return run_audit(store, catalog, options, now)


def run_partitioned_audit(store: Store, partitions: PartitionSet | ClickHouseEvents, catalog: Catalog,
                          options: AuditOptions, now: dt.datetime) -> AuditResult | None:
    """:func:`run_audit` over the month partitions (or ClickHouse's events table); None when they
    hold no event."""
    months = partitions.months()
    if not months:
        return None
    low, high = partitions.bounds_us()
    period = resolve_period(options.start, options.end, _day_of(low), _day_of(high))
    if period is None:
        return None
    scan = _reader(partitions, [m for m in months if _overlaps(m, period)], period, options.team)
    cube, persons, pairs = scan.first_pass(options.split)
    people = store.people() if options.team is None else store.people().filter(pl.col("team") == options.team)
    sizes = roster_sizes(people if options.team is None else store.people(), pairs)
    if options.team is not None and sizes.get(options.team, 0) < options.min_group:
        raise UserInputError("audit.team_too_small", {"team": options.team, "min": options.min_group},
                             Location(parameter="--team"))
    company = load_company(options.company_file) if options.company_file is not None else None
    kpis, money = with_money(kpis_from_cube(cube, display_groups(roster_sizes(people, pairs), options.min_group),
                                            catalog, period), company, catalog)
    summary, scenario, counts, market = _second_pass(scan, persons, catalog, options)
    waste = figures_of(summary, shares_of(counts))
    org = store.organisation()
    return AuditResult(
        organisation=str(org["name"]) if org else "", generated_at=now.isoformat(timespec="seconds"),
        team=options.team, kpis=kpis, waste=waste,
        adoption=compute_adoption(_per_person(persons), people, period, options.min_group),
        scenario=scenario, comparison=_comparison(cube, period, options.split) if options.split else None,
        headline=Headline(t_co2e_per_year=kpis.annual_gwp_t.central, non_essential_share=waste.share_of_requests,
                          policy_formalised=options.policy_file is not None,
                          reduction_potential_share=scenario.gwp_reduction_share),
        reference=f"ecologits {catalog.reference_version}", min_group=options.min_group,
        money=money, disclosure=disclosure(kpis, company, market))


def _reader(source: PartitionSet | ClickHouseEvents, months: list[str], period: Period, team: str | None) -> Reader:
    if isinstance(source, PartitionSet):
        return Scan(source, months, period.start_us(), period.end_us(), team, CHUNK_ROWS)
    return source.reader(period.start_us(), period.end_us(), team)


def _day_of(us: int) -> dt.date:
    return dt.datetime.fromtimestamp(us / 1e6, tz=dt.UTC).date()


def _overlaps(month: str, period: Period) -> bool:
    start, end = month_bounds_us(month)
    return start < period.end_us() and end > period.start_us()


def _first_pass(scan: Scan, split: dt.date | None) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Per chunk of a month (months and chunks in time order, one at a time: memory bounded by a
    chunk): the cube of sums, the people (in time order, so 'first team seen' holds) and the
    (team, person) pairs.

    A month partition holds that month's events, so the cube's month is the partition's (a
    constant, not a string formatted per event), checked on the chunk's first and last times
    (else formatted per event); the side of the split compares the microseconds."""
    split_us = int(dt.datetime.combine(split, dt.time(), dt.UTC).timestamp()) * 1_000_000 if split else None
    after = pl.col("ts_us") >= split_us if split_us is not None else pl.lit(False)
    cubes, people, pairs = [], [], []
    for month in scan.months:
        low, high = month_bounds_us(month)
        for lazy in scan.chunks(month):
            def cube(month_key: pl.Expr, lazy: pl.LazyFrame = lazy) -> pl.LazyFrame:
                return lazy.group_by(pl.col("team"), pl.col("tool"), pl.col("model"), month_key.alias("month"),
                                     pl.col("tier"), pl.col("impact_status"), after.alias("after")).agg(sum_exprs())

            cells, seen, pair, times = pl.collect_all([
                cube(pl.lit(month)),
                lazy.group_by("person", maintain_order=True).agg(
                    pl.col("request_count").sum().alias("requests"), pl.len().alias("events"),
                    pl.col("team").drop_nulls().first().alias("team_seen")),
                lazy.select("team", "person").unique(),
                lazy.select(pl.col("ts_us").min().alias("first"), pl.col("ts_us").max().alias("last"))])
            first, last = times.row(0)
            if first is not None and not (low <= first and last < high):    # not this month's events alone
                cells = cube(pl.col("ts").dt.strftime("%Y-%m")).collect()
            cubes.append(cells)
            people.append(seen)
            pairs.append(pair)
    if not cubes:
        empty = pl.DataFrame(schema={"team": pl.Utf8, "person": pl.Utf8})
        return pl.DataFrame(), pl.DataFrame(schema={"person": pl.Utf8}), empty
    persons = pl.concat(people).group_by("person", maintain_order=True).agg(
        pl.col("requests").sum(), pl.col("events").sum(), pl.col("team_seen").drop_nulls().first())
    return pl.concat(cubes), persons, pl.concat(pairs).unique()


def _sum(cube: pl.DataFrame) -> Totals:
    if cube.height == 0:
        return totals_from_row({})
    return totals_from_row(cube.select(pl.col(c).sum() for c in SUMS).row(0, named=True))


def _breakdown(cube: pl.DataFrame, key: str) -> list[tuple[str, Totals]]:
    if cube.height == 0:
        return []
    grouped = cube.group_by(pl.col(key).fill_null("—")).agg(pl.col(c).sum() for c in SUMS)
    grouped = grouped.sort(pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max"), descending=True)
    return [(str(row[key]), totals_from_row(row)) for row in grouped.iter_rows(named=True)]


def kpis_from_cube(cube: pl.DataFrame, groups: Mapping[str | None, str | None], catalog: Catalog,
                   period: Period) -> Kpis:
    """The audit's KPIs from cells of sums (keys: team, tool, model, month, tier, impact_status)."""
    total = _sum(cube)
    price = catalog.constant("electricity_price_eur_per_kwh")
    spend, source = (total.reported_cost_eur, "reported") if total.reported_cost_eur > 0 else (
        total.list_cost_eur, "list-price")
    private = shown_teams(cube, groups) if cube.height else cube
    statuses = cube.group_by("impact_status").agg(pl.col("events").sum()) if cube.height else None
    return Kpis(
        period=period, totals=total, annual_gwp_t=total.gwp_kgco2e.scale(DAYS_PER_YEAR / max(period.days, 1) / 1000),
        energy_cost_eur=Range(total.energy_kwh.min * price.min, total.energy_kwh.max * price.max),
        by_team=_breakdown(private, "team"), by_tool=_breakdown(cube, "tool"), by_model=_breakdown(cube, "model"),
        by_month=sorted(_breakdown(cube, "month")), by_tier=_breakdown(cube, "tier"),
        statuses=dict(sorted(statuses.iter_rows())) if statuses is not None else {},
        reconciliation=spend_check(catalog, spend, total.gwp_kgco2e) if spend > 0 and total.events else None,
        spend_source=source)


def _per_person(persons: pl.DataFrame) -> pl.DataFrame:
    """One event per person carrying all their requests: adoption needs nothing more."""
    if persons.height == 0:
        return pl.DataFrame(schema={"person": pl.Utf8, "request_count": pl.Int64, "team": pl.Utf8})
    return persons.select("person", pl.col("requests").alias("request_count"), pl.col("team_seen").alias("team"))


def _comparison(cube: pl.DataFrame, period: Period, split: dt.date) -> Comparison | None:
    if not (period.start < split < period.end) or cube.height == 0:
        return None
    before, after = _sum(cube.filter(~pl.col("after"))), _sum(cube.filter(pl.col("after")))
    if before.events == 0 or after.events == 0:
        return None
    return Comparison(Period(period.start, split), Period(split, period.end), before, after)


def person_ranges(persons: pl.DataFrame, target_events: int) -> list[tuple[str | None, str | None]]:
    """Consecutive [low, high) ranges of person ids of about ``target_events`` events each; the
    first also takes the events without a person."""
    known = persons.filter(pl.col("person").is_not_null()).sort("person")
    bounds: list[str | None] = [None]
    running = 0
    for person, events in known.select("person", "events").iter_rows():
        if running >= target_events:
            bounds.append(str(person))
            running = 0
        running += int(events)
    return list(zip(bounds, [*bounds[1:], None], strict=True))


def _second_pass(scan: Reader, persons: pl.DataFrame, catalog: Catalog, options: AuditOptions
                 ) -> tuple[WasteSummary, ScenarioResult, tuple[int, int, int], Range]:
    """Waste, the charter scenario, the data's id counts and the market-based carbon per person
    range, summed in range order; on worker processes from ``POOL_EVENTS`` events in two ranges or more."""
    rules = scenario_rules(options, catalog)
    everyone: list[tuple[str | None, str | None]] = [(None, None)]
    ranges = person_ranges(persons, SLICE_EVENTS) if persons.height else everyone
    events = int(persons["events"].sum() or 0) if persons.height else 0
    if isinstance(scan, Scan) and len(ranges) > 1 and events >= POOL_EVENTS:
        with worker_pool(catalog, rules) as pool:
            return combined(scan.pooled(pool, persons, ranges))
    return combined(audit_slice(frame, catalog, rules) for frame in scan.slices(persons, ranges))
