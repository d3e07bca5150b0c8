"""Key figures over a period: totals, breakdowns, annualised carbon, data quality, reconciliation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from sobria.audit.period import DAYS_PER_YEAR, Period
from sobria.audit.totals import Totals, breakdown, totals
from sobria.catalog import Catalog
from sobria.impact.spend import SpendCheck, spend_check
from sobria.privacy.groups import MIN_GROUP, display_groups, roster_sizes, shown_teams
from sobria.ranges import Range


@dataclass(frozen=True)
class Kpis:
    period: Period
    totals: Totals
    annual_gwp_t: Range
    energy_cost_eur: Range
    by_team: list[tuple[str, Totals]]
    by_tool: list[tuple[str, Totals]]
    by_model: list[tuple[str, Totals]]
    by_month: list[tuple[str, Totals]]
    by_tier: list[tuple[str, Totals]]
    statuses: dict[str, int]
    reconciliation: SpendCheck | None
    spend_source: str                     # "reported" or "list-price"


def compute_kpis(events: pl.DataFrame, catalog: Catalog, period: Period,
                 groups: Mapping[str | None, str | None] | None = None) -> Kpis:
    """``groups``: team -> display group (:func:`sobria.privacy.groups.display_groups`); by
    default the teams' people with events, at the default minimum."""
    total = totals(events)
    factor = DAYS_PER_YEAR / max(period.days, 1) / 1000
    price = catalog.constant("electricity_price_eur_per_kwh")
    spend, source = (total.reported_cost_eur, "reported") if total.reported_cost_eur > 0 else (
        total.list_cost_eur, "list-price")
    reconciliation = spend_check(catalog, spend, total.gwp_kgco2e) if spend > 0 and total.events else None
    months = pl.col("ts").dt.strftime("%Y-%m")
    return Kpis(
        period=period,
        totals=total,
        annual_gwp_t=total.gwp_kgco2e.scale(factor),
        energy_cost_eur=Range(total.energy_kwh.min * price.min, total.energy_kwh.max * price.max),
        by_team=breakdown(_private_teams(events, groups), "team", "team"),
        by_tool=breakdown(events, "tool", "tool"),
        by_model=breakdown(events, "model", "model"),
        by_month=sorted(breakdown(events, months, "month")),
        by_tier=breakdown(events, "tier", "tier"),
        statuses=dict(sorted(events.group_by("impact_status").len().iter_rows())) if events.height else {},
        reconciliation=reconciliation,
        spend_source=source,
    )


def _private_teams(events: pl.DataFrame, groups: Mapping[str | None, str | None] | None) -> pl.DataFrame:
    """Teams by display group: small teams merged, a merged group still too small hidden."""
    if groups is None:
        groups = display_groups(roster_sizes(events.head(0).select("person", "team"), events), MIN_GROUP)
    return shown_teams(events, groups)
