"""A period's footprint read from the rollups only (no event scanned): what a year's report and the
dashboard overview show, the audit's KPIs (totals, by team, tool, model, month, tier, estimation
statuses, annual projection, the spend-based cross-check) equal to the audit's own.

Teams are sized on the roster (the store's people), as the audit does; people with events but not
on the roster cannot be counted from rollups (imports and the gateway add everyone to it). Waste,
adoption and the charter scenario need the events themselves: they stay the audit's.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import polars as pl

from sobria.analytics.audit import kpis_from_cube
from sobria.analytics.rollups import read_daily, statuses_between
from sobria.audit.kpis import Kpis
from sobria.audit.period import Period
from sobria.audit.totals import Totals
from sobria.catalog import Catalog
from sobria.privacy.groups import MIN_GROUP, display_groups, roster_sizes


def overview_kpis(root: Path, people: pl.DataFrame, period: Period, catalog: Catalog,
                  min_group: int = MIN_GROUP) -> Kpis:
    """The KPIs of ``period`` from the daily rollups under ``root``, teams merged under ``min_group``."""
    cells = read_daily(root, period.start, period.end)
    if cells.height:
        cells = cells.with_columns(pl.col("day").dt.strftime("%Y-%m").alias("month"),
                                   pl.lit(None, pl.Utf8).alias("impact_status"))   # from its own rollup
    teams = cells.select(pl.col("team").unique()) if cells.height else pl.DataFrame({"team": []}, schema={
        "team": pl.Utf8})
    seen = teams.with_columns(pl.lit(None, pl.Utf8).alias("person"))
    groups = display_groups(roster_sizes(people, seen), min_group)
    kpis = kpis_from_cube(cells, groups, catalog, period)
    return replace(kpis, statuses=statuses_between(root, period.start, period.end))


def kpis_json(k: Kpis) -> dict[str, Any]:
    """The KPI part of the audit's JSON (same keys and values as ``AuditResult.to_json``)."""
    def rows(items: list[tuple[str, Totals]]) -> list[dict[str, object]]:
        return [{"key": key, **t.as_dict()} for key, t in items]

    recon = k.reconciliation
    return {
        "period": {"start": str(k.period.start), "end_exclusive": str(k.period.end), "days": k.period.days,
                   "working_days": k.period.working_days},
        "totals": k.totals.as_dict(), "annual_gwp_t": k.annual_gwp_t.as_dict(),
        "energy_cost_eur": k.energy_cost_eur.as_dict(),
        "by_team": rows(k.by_team), "by_tool": rows(k.by_tool), "by_model": rows(k.by_model),
        "by_month": rows(k.by_month), "by_tier": rows(k.by_tier), "impact_statuses": k.statuses,
        "reconciliation": None if recon is None else {
            "spend_eur": recon.spend_eur, "spend_source": k.spend_source, "factor": recon.factor_key,
            "spend_based_gwp_kgco2e": recon.gwp_kgco2e.as_dict(), "ratio_to_physical": recon.ratio_central},
    }


def year_period(year: int) -> Period:
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1))
