"""Running the audit: read the period from the store, compute every figure, assemble the result."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

import polars as pl

from sobria.audit.adoption import compute_adoption
from sobria.audit.company import load_company
from sobria.audit.disclosure import disclosure, market_gwp_kgco2e, with_money
from sobria.audit.kpis import compute_kpis
from sobria.audit.period import Period, resolve_period
from sobria.audit.result import AuditResult, Headline, WasteFigures
from sobria.audit.scenarios import ScenarioRules, builtin_rules, compare_periods, replay_scenario, rules_from_policy
from sobria.audit.waste import WasteOptions, WasteSummary, detect_waste, waste_summary
from sobria.audit.waste_accuracy import data_shares
from sobria.catalog import Catalog
from sobria.errors import Location, UserInputError
from sobria.impact.options import EstimateOptions
from sobria.privacy.groups import MIN_GROUP, display_groups, roster_sizes
from sobria.store import Store

CHARTER_SPLIT_DEFAULT = None


@dataclass(frozen=True)
class AuditOptions:
    start: dt.date | None = None
    end: dt.date | None = None          # inclusive
    team: str | None = None
    policy_file: Path | None = None
    split: dt.date | None = None        # compare before / after this day (e.g. the charter's adoption)
    min_group: int = MIN_GROUP          # the min_group setting (sobria.privacy.groups)
    company_file: Path | None = None    # real costs, headcount, total footprint (sobria.audit.company)
    # the re-estimates' method: the store's (Settings.estimate_options)
    estimate: EstimateOptions = field(default_factory=EstimateOptions)


def load_events(store: Store, options: AuditOptions) -> tuple[pl.DataFrame, Period | None]:
    first, last = _data_span(store)
    period = resolve_period(options.start, options.end, first, last)
    if period is None:
        return store.read_events(start=0, end=0), None
    events = store.read_events(start=period.start_us(), end=period.end_us(), team=options.team)
    if options.team is not None:
        size = roster_sizes(store.people(), events).get(options.team, 0)
        if size < options.min_group:
            raise UserInputError("audit.team_too_small", {"team": options.team, "min": options.min_group},
                                 Location(parameter="--team"))
    return events, period


def _data_span(store: Store) -> tuple[dt.date | None, dt.date | None]:
    low, high = store.event_span_us()
    if low is None or high is None:
        return None, None
    return _day_of(low), _day_of(high)


def _day_of(us: int) -> dt.date:
    return dt.datetime.fromtimestamp(us / 1e6, tz=dt.UTC).date()


def waste_figures(events: pl.DataFrame, flagged: pl.DataFrame) -> WasteFigures:
    return figures_of(waste_summary(events, flagged), data_shares(events))


def figures_of(summary: WasteSummary, shares: tuple[float, float] | None) -> WasteFigures:
    """The audit's waste figures from a summary and the data's (conversation id, thread signal) shares."""
    return WasteFigures(
        requests=summary.requests, share_of_requests=summary.share_of_requests,
        gwp_kgco2e_central=summary.gwp_kgco2e, share_of_gwp=summary.share_of_gwp,
        by_reason={k: v for k, v in summary.by_reason.items() if v},
        heavy_trivial_saving_gwp_kgco2e=summary.heavy_trivial_saving_gwp_kgco2e,
        list_cost_eur=summary.list_cost_eur, heavy_trivial_saving_eur=summary.heavy_trivial_saving_eur,
        conversation_id_share=None if shares is None else shares[0],
        thread_signal_share=None if shares is None else shares[1],
    )


def scenario_rules(options: AuditOptions, catalog: Catalog) -> ScenarioRules:
    """The charter the audit replays, re-estimating with the store's method."""
    if options.policy_file is None:
        return replace(builtin_rules(catalog), estimate=options.estimate)
    from sobria.policy.loader import load_policy

    return replace(rules_from_policy(load_policy(options.policy_file, catalog), str(options.policy_file)),
                   estimate=options.estimate)


def run_audit(store: Store, catalog: Catalog, options: AuditOptions, now: dt.datetime) -> AuditResult | None:
    """The whole audit of a period; None when the store holds no event at all."""
    events, period = load_events(store, options)
    if period is None:
        return None
    company = load_company(options.company_file) if options.company_file is not None else None
    flagged = detect_waste(events, catalog, WasteOptions(estimate=options.estimate))
    people = store.people() if options.team is None else store.people().filter(pl.col("team") == options.team)
    groups = display_groups(roster_sizes(people, events), options.min_group)
    kpis, money = with_money(compute_kpis(events, catalog, period, groups), company, catalog)
    waste = waste_figures(events, flagged)
    scenario = replay_scenario(events, catalog, scenario_rules(options, catalog))
    comparison = compare_periods(events, period, options.split) if options.split else None
    org = store.organisation()
    return AuditResult(
        organisation=str(org["name"]) if org else "",
        generated_at=now.isoformat(timespec="seconds"),
        team=options.team,
        kpis=kpis,
        waste=waste,
        adoption=compute_adoption(events, people, period, options.min_group),
        scenario=scenario,
        comparison=comparison,
        headline=Headline(
            t_co2e_per_year=kpis.annual_gwp_t.central,
            non_essential_share=waste.share_of_requests,
            policy_formalised=options.policy_file is not None,
            reduction_potential_share=scenario.gwp_reduction_share,
        ),
        reference=f"ecologits {catalog.reference_version}",
        min_group=options.min_group,
        money=money,
        disclosure=disclosure(kpis, company, market_gwp_kgco2e(events, catalog, options.estimate)),
    )
