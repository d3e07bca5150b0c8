"""Hand-built audit results with small, hand-computed figures, for the report's tests."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sobria.audit.adoption import Adoption, TeamAdoption
from sobria.audit.company import Company, CompanyFootprint, ToolCost
from sobria.audit.disclosure import disclosure
from sobria.audit.kpis import Kpis
from sobria.audit.money import compute_money
from sobria.audit.period import Period
from sobria.audit.result import AuditResult, Headline, WasteFigures
from sobria.audit.scenarios import Comparison, ScenarioResult, ScenarioRules
from sobria.audit.totals import Totals
from sobria.impact.spend import SpendCheck
from sobria.policy.decision import Rules
from sobria.policy.loader import policy_template, read_policy_text
from sobria.ranges import Range

# 73 days from Monday 6 January 2025: 365 / 73 = 5 (annualisation), 53 working days.
PERIOD = Period(dt.date(2025, 1, 6), dt.date(2025, 3, 20))
SPLIT = dt.date(2025, 2, 17)


def _template_rules() -> ScenarioRules:
    policy = read_policy_text(policy_template(dt.date(2026, 1, 1))).policy
    assert policy is not None
    return ScenarioRules(Rules.from_policy(policy))


def tot(requests: int, gwp_min: float, gwp_max: float, events: int | None = None, cost: float = 0.0) -> Totals:
    """Totals whose other indicators are fixed multiples of the carbon (energy 5x, water 10x...)."""
    return Totals(
        requests=requests, events=requests if events is None else events,
        energy_kwh=Range(gwp_min * 5, gwp_max * 5), gwp_kgco2e=Range(gwp_min, gwp_max),
        water_l=Range(gwp_min * 10, gwp_max * 10), adpe_kgsbeq=Range(gwp_min * 5e-5, gwp_max * 5e-5),
        pe_mj=Range(gwp_min * 50, gwp_max * 50), reported_cost_eur=cost, list_cost_eur=0.0)


def sample_result() -> AuditResult:
    total = tot(1000, 2.0, 6.0, events=800, cost=500.0)
    kpis = Kpis(
        period=PERIOD, totals=total, annual_gwp_t=Range(0.01, 0.03), energy_cost_eur=Range(1.5, 6.0),
        by_team=[("Conseil", tot(600, 1.2, 3.6)), ("Marketing", tot(400, 0.8, 2.4))],
        by_tool=[("ChatGPT", tot(700, 1.5, 4.5)), ("API", tot(300, 0.5, 1.5))],
        by_model=[("gpt-4o", tot(500, 1.5, 4.5)), ("gpt-4o-mini", tot(500, 0.5, 1.5))],
        by_month=[("2025-01", tot(400, 1.0, 3.0)), ("2025-02", tot(350, 0.6, 1.8)), ("2025-03", tot(250, 0.4, 1.2))],
        by_tier=[("token-level", tot(700, 1.5, 4.5)), ("declared", tot(300, 0.5, 1.5))],
        statuses={"model-guessed": 10, "ok": 790},
        # the company file's 240 € (below) × 109–167 kgCO2e/k€; ratio 33.12 / 4
        reconciliation=SpendCheck(240.0, "it-services", Range(26.16, 40.08), Range(2.0, 6.0), 8.28),
        spend_source="contract",
    )
    waste = WasteFigures(requests=730, share_of_requests=0.73, gwp_kgco2e_central=2.0, share_of_gwp=0.5,
                         by_reason={"reformulation": 400, "regeneration": 100, "internal-image": 30,
                                    "heavy-model-trivial": 200},
                         heavy_trivial_saving_gwp_kgco2e=0.3, list_cost_eur=12.5, heavy_trivial_saving_eur=1.75)
    adoption = Adoption(
        people=45, bands={"never": 12, "occasional": 13, "regular": 15, "power": 5},
        by_team=[TeamAdoption("Conseil", 30, {"never": 8, "occasional": 9, "regular": 10, "power": 3}),
                 TeamAdoption("Marketing", 12, {"never": 4, "occasional": 4, "regular": 2, "power": 2})],
        gini=0.5, top20_share=0.6)
    scenario = ScenarioResult(_template_rules(), total, tot(800, 1.1, 3.3), rerouted=300, dropped_regenerations=170,
                              dropped_images=30)
    comparison = Comparison(Period(PERIOD.start, SPLIT), Period(SPLIT, PERIOD.end), tot(600, 1.2, 3.6),
                            tot(400, 0.8, 2.4))
    return AuditResult(
        organisation="TechVert", generated_at="2025-03-21T09:30:00+00:00", team=None, kpis=kpis, waste=waste,
        adoption=adoption, scenario=scenario, comparison=comparison,
        headline=Headline(t_co2e_per_year=0.02, non_essential_share=0.73, policy_formalised=False,
                          reduction_potential_share=0.45),
        reference="EcoLogits 0.11.3, méthode sobria, carbone location-based",
        # ChatGPT at 100 €/month: 1 200 € × 73 / 365 = 240 € over the period; market-based 1–3 kg × 5 a year
        money=compute_money(kpis.by_tool, COMPANY, PERIOD), disclosure=disclosure(kpis, COMPANY, Range(1.0, 3.0)))


COMPANY = Company(headcount=45, footprint=CompanyFootprint(total_t_co2e=100.0, year=2024),
                  costs=[ToolCost(tool="ChatGPT", monthly_eur=100.0)])


def empty_result() -> AuditResult:
    """No event in the period: every total is zero."""
    zero = tot(0, 0.0, 0.0)
    base = sample_result()
    kpis = Kpis(period=PERIOD, totals=zero, annual_gwp_t=Range(0.0, 0.0), energy_cost_eur=Range(0.0, 0.0),
                by_team=[], by_tool=[], by_model=[], by_month=[], by_tier=[], statuses={}, reconciliation=None,
                spend_source="list-price")
    return dataclasses.replace(
        base, kpis=kpis,
        waste=WasteFigures(0, 0.0, 0.0, 0.0, {}, 0.0),
        adoption=Adoption(people=0, bands={"never": 0, "occasional": 0, "regular": 0, "power": 0}, by_team=[],
                          gini=None, top20_share=None),
        scenario=ScenarioResult(_template_rules(), zero, zero, 0, 0, 0), comparison=None,
        headline=Headline(0.0, 0.0, False, 0.0))
