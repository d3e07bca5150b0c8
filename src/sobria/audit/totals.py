"""Summing impacts over events: totals and breakdowns, every figure a range."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sobria.ranges import Range

INDICATORS = ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")


@dataclass(frozen=True)
class Totals:
    requests: int
    events: int
    energy_kwh: Range
    gwp_kgco2e: Range
    water_l: Range
    adpe_kgsbeq: Range
    pe_mj: Range
    reported_cost_eur: float       # what sources report (0 when none)
    list_cost_eur: float           # catalogue list price, where known

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {"requests": self.requests, "events": self.events}
        for name in INDICATORS:
            r: Range = getattr(self, name)
            out[name] = {"min": r.min, "max": r.max, "central": r.central}
        out |= {"reported_cost_eur": self.reported_cost_eur, "list_cost_eur": self.list_cost_eur}
        return out


def sum_exprs() -> list[pl.Expr]:
    exprs = [pl.col("request_count").sum().alias("requests"), pl.len().alias("events"),
             pl.col("cost_eur").sum().alias("reported_cost_eur"), pl.col("est_cost_eur").sum().alias("list_cost_eur")]
    for name in INDICATORS:
        exprs += [pl.col(f"{name}_min").sum().alias(f"{name}_min"), pl.col(f"{name}_max").sum().alias(f"{name}_max")]
    return exprs


def totals_from_row(row: dict[str, object]) -> Totals:
    def num(key: str) -> float:
        value = row.get(key)
        return float(value) if isinstance(value, int | float) else 0.0

    return Totals(
        requests=int(num("requests")), events=int(num("events")),
        **{name: Range(num(f"{name}_min"), num(f"{name}_max")) for name in INDICATORS},
        reported_cost_eur=num("reported_cost_eur"), list_cost_eur=num("list_cost_eur"),
    )


def totals(events: pl.DataFrame) -> Totals:
    return totals_from_row(events.select(sum_exprs()).row(0, named=True))


def breakdown(events: pl.DataFrame, key: str | pl.Expr, name: str) -> list[tuple[str, Totals]]:
    """Totals per value of ``key``, largest carbon first; null keys shown as '—'."""
    grouped = events.group_by((pl.col(key) if isinstance(key, str) else key).fill_null("—").alias(name)).agg(
        sum_exprs())
    grouped = grouped.sort(pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max"), descending=True)
    return [(str(row[name]), totals_from_row(row)) for row in grouped.iter_rows(named=True)]
