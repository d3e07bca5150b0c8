"""The AI footprint in proportion and as a sustainability-report line (CSRD, ESRS E1).

Purchased generative-AI services are Scope 3, category 1 ("purchased goods and services") of the
GHG Protocol, which ESRS E1-6 (paragraph 51) asks for as gross Scope 3 emissions; the standard
also asks for the share computed from primary data of value-chain partners (AR 46(g)), which here
is the share of carbon from measured (gateway) and token-level (provider export) data. The line is
given both location-based (the electricity mix where the data centre is, Sobria's default) and
market-based (the provider's contractual electricity), the two bases of the GHG Protocol Scope 2
guidance applied to the supplier's electricity. See docs/company.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import polars as pl

from sobria.audit.company import Company
from sobria.audit.kpis import Kpis
from sobria.audit.money import Money, compute_money
from sobria.audit.period import DAYS_PER_YEAR
from sobria.catalog import Catalog
from sobria.impact.estimator import Estimator
from sobria.impact.frame import estimate_columns
from sobria.impact.options import EstimateOptions
from sobria.impact.spend import spend_check
from sobria.ranges import Range

PRIMARY_TIERS = ("measured", "token-level")     # activity data from the gateway or the provider's export


@dataclass(frozen=True)
class Disclosure:
    """Annualised t CO2e on both bases, data quality, and the company context when given."""

    location_t: Range
    market_t: Range | None
    primary_share: float                # share of carbon from measured or token-level data
    measured_share: float               # of which measured by the gateway
    headcount: int | None
    per_employee_kg: Range | None       # annual kg CO2e per employee
    company_total_t: float | None
    company_year: int | None
    ai_share: float | None              # annual AI central / the company's total

    def as_dict(self) -> dict[str, object]:
        return {"scope3_category": 1, "location_based_t_per_year": self.location_t.as_dict(),
                "market_based_t_per_year": None if self.market_t is None else self.market_t.as_dict(),
                "primary_data_share": self.primary_share, "measured_share": self.measured_share,
                "headcount": self.headcount,
                "per_employee_kg_per_year": None if self.per_employee_kg is None else self.per_employee_kg.as_dict(),
                "company_total_t": self.company_total_t, "company_year": self.company_year, "ai_share": self.ai_share}


def market_gwp_kgco2e(events: pl.DataFrame, catalog: Catalog, options: EstimateOptions | None = None) -> Range:
    """The events' carbon re-estimated market-based (the store holds the location-based figures),
    with the store's method (``options``: Settings.estimate_options)."""
    if events.height == 0:
        return Range(0.0, 0.0)
    est = estimate_columns(Estimator(catalog, replace(options or EstimateOptions(), carbon_basis="market")), events,
                           ("gwp_kgco2e_min", "gwp_kgco2e_max"))
    low, high = pl.DataFrame(est).select(pl.col("gwp_kgco2e_min").fill_nan(0.0).sum(),
                                         pl.col("gwp_kgco2e_max").fill_nan(0.0).sum()).row(0)
    return Range(float(low or 0.0), float(high or 0.0))


def disclosure(kpis: Kpis, company: Company | None, market_kgco2e: Range | None) -> Disclosure:
    yearly = DAYS_PER_YEAR / max(kpis.period.days, 1) / 1000
    total = kpis.totals.gwp_kgco2e.central
    by_tier = {tier: t.gwp_kgco2e.central for tier, t in kpis.by_tier}

    def share(tiers: tuple[str, ...]) -> float:
        return sum(by_tier.get(t, 0.0) for t in tiers) / total if total > 0 else 0.0

    headcount = company.headcount if company is not None else None
    footprint = company.footprint if company is not None else None
    annual = kpis.annual_gwp_t
    return Disclosure(
        location_t=annual, market_t=None if market_kgco2e is None else market_kgco2e.scale(yearly),
        primary_share=share(PRIMARY_TIERS), measured_share=share(("measured",)), headcount=headcount,
        per_employee_kg=None if headcount is None else annual.scale(1000 / headcount),
        company_total_t=None if footprint is None else footprint.total_t_co2e,
        company_year=None if footprint is None else footprint.year,
        ai_share=None if footprint is None else annual.central / footprint.total_t_co2e)


def with_money(kpis: Kpis, company: Company | None, catalog: Catalog) -> tuple[Kpis, Money]:
    """The KPIs whose spend-based cross-check uses the best known spend (contract costs first)."""
    money = compute_money(kpis.by_tool, company, kpis.period)
    if money.spend_eur <= 0 or not kpis.totals.events:
        return replace(kpis, reconciliation=None, spend_source=money.spend_source), money
    check = spend_check(catalog, money.spend_eur, kpis.totals.gwp_kgco2e)
    return replace(kpis, reconciliation=check, spend_source=money.spend_source), money
