"""The charter replayed on history, and periods compared."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import polars as pl
import pytest

from sobria.audit.period import Period
from sobria.audit.scenarios import ScenarioRules, builtin_rules, compare_periods, replay_scenario
from sobria.catalog import Catalog
from sobria.impact import Estimator, Request, estimate_request
from tests.audit.helpers import events

T0 = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)


def _rules(catalog: Catalog, **changes: object) -> ScenarioRules:
    builtin = builtin_rules(catalog)
    return ScenarioRules(replace(builtin.rules, **changes), "test", check_tools=False)  # type: ignore[arg-type]


def test_heavy_model_rerouted_to_the_light_one_and_reestimated(catalog: Catalog) -> None:
    data = events([{"id": "a", "model": "gpt-4o", "input": 1000, "output": 400, "gwp": 0.01},
                   {"id": "b", "model": "gpt-4o", "input": 10, "output": 10, "purpose": "analyse", "gwp": 0.01}])
    rules = _rules(catalog, heavy_purposes=frozenset({"analyse"}), justification_required=False)
    result = replay_scenario(data, catalog, rules)
    light = estimate_request(Estimator(catalog), Request("openai", "gpt-4o-mini", output_tokens=400,
                                                         input_tokens=1000))
    assert result.rerouted == 1
    assert result.projected.gwp_kgco2e.min == pytest.approx(light.gwp_kgco2e.min + 0.01)
    assert result.usages_kept_share == 1.0


def test_a_heavy_model_of_another_provider_is_reestimated_as_the_charter_default(catalog: Catalog) -> None:
    data = events([{"id": "a", "provider": "anthropic", "model": "claude-sonnet-4-5", "input": 1000, "output": 400}])
    result = replay_scenario(data, catalog, builtin_rules(catalog))
    light = estimate_request(Estimator(catalog), Request("openai", "gpt-4o-mini", output_tokens=400,
                                                         input_tokens=1000))
    assert result.rerouted == 1
    assert result.projected.gwp_kgco2e.min == pytest.approx(light.gwp_kgco2e.min)


def test_the_reroute_is_reestimated_with_the_store_method(catalog: Catalog) -> None:
    """SOBRIA_METHOD=ecologits: the stored events are EcoLogits estimates, so the re-routed ones are
    too (``AuditOptions.estimate`` -> ``ScenarioRules.estimate``), and the market-based disclosure keeps
    the method; the default method gives another figure (input tokens counted)."""
    from sobria.audit.disclosure import market_gwp_kgco2e
    from sobria.audit.run import AuditOptions, scenario_rules
    from sobria.impact.options import EstimateOptions

    ecologits = EstimateOptions(method="ecologits")
    data = events([{"id": "a", "provider": "anthropic", "model": "claude-sonnet-4-5", "input": 1000, "output": 400}])
    rules = scenario_rules(AuditOptions(estimate=ecologits), catalog)
    assert rules.estimate == ecologits and rules.source == "built-in"
    light = Request("openai", "gpt-4o-mini", output_tokens=400, input_tokens=1000)
    as_ecologits = estimate_request(Estimator(catalog, ecologits), light)
    assert replay_scenario(data, catalog, rules).projected.gwp_kgco2e.min == pytest.approx(as_ecologits.gwp_kgco2e.min)
    as_sobria = estimate_request(Estimator(catalog), light)
    assert as_sobria.gwp_kgco2e.min != pytest.approx(as_ecologits.gwp_kgco2e.min)
    market = estimate_request(Estimator(catalog, EstimateOptions(method="ecologits", carbon_basis="market")),
                              Request("anthropic", "claude-sonnet-4-5", output_tokens=400, input_tokens=1000))
    assert market_gwp_kgco2e(data, catalog, ecologits).min == pytest.approx(market.gwp_kgco2e.min)


def test_retries_beyond_the_allowed_number_and_internal_images_are_dropped(catalog: Catalog) -> None:
    retry = {"model": "gpt-4o-mini", "gwp": 0.01, "person": "p1", "fingerprint": "f1"}
    data = events([{"id": f"r{i}", "ts": T0 + dt.timedelta(minutes=i), **retry} for i in range(4)]
                  + [{"id": "img", "operation": "image", "model": "dall-e-3", "purpose": "internal", "gwp": 0.05},
                     {"id": "ext", "operation": "image", "model": "dall-e-3", "purpose": "external", "gwp": 0.05}])
    data = data.with_columns(pl.when(pl.col("event_id").str.starts_with("r")).then(pl.lit("f1"))
                             .alias("prompt_fingerprint"))
    result = replay_scenario(data, catalog, _rules(catalog, max_regenerations=1, image_models=("dall-e-3",)))
    assert (result.dropped_regenerations, result.dropped_images, result.rerouted, result.blocked_other) == (2, 1, 0, 0)
    assert result.projected.requests == 3
    assert result.usages_kept_share == pytest.approx(3 / 6)
    assert result.projected.gwp_kgco2e.min == pytest.approx(0.02 + 0.05)
    assert result.gwp_reduction_share == pytest.approx(1 - 0.07 / 0.14)


def test_the_builtin_rules_come_from_the_template_and_the_catalogue(catalog: Catalog) -> None:
    rules = builtin_rules(catalog)
    assert (rules.source, rules.check_tools) == ("built-in", False)
    assert rules.rules.heavy == frozenset(catalog.model_classes.heavy)
    assert rules.rules.image_forbidden_purposes == frozenset({"internal", "document_interne"})
    assert (rules.rules.default_model, rules.rules.max_regenerations, rules.rules.default_budget) == (
        "gpt-4o-mini", 3, None)


def test_removing_blocked_events_never_increases_the_footprint(catalog: Catalog) -> None:
    data = events([{"id": f"e{i}", "model": "gpt-4o-mini", "gwp": 0.001 * (i + 1), "tool": "absent"}
                   for i in range(5)])
    result = replay_scenario(data, catalog, ScenarioRules(builtin_rules(catalog).rules, "test"))
    assert (result.blocked_other, result.projected.requests) == (5, 0)
    assert result.projected.gwp_kgco2e.max <= result.actual.gwp_kgco2e.max


def test_compare_periods_per_working_day() -> None:
    data = events([{"id": "a", "ts": dt.datetime(2025, 3, 3, tzinfo=dt.UTC), "gwp": 0.010},
                   {"id": "b", "ts": dt.datetime(2025, 3, 4, tzinfo=dt.UTC), "gwp": 0.010},
                   {"id": "c", "ts": dt.datetime(2025, 3, 17, tzinfo=dt.UTC), "gwp": 0.005}])
    period = Period(dt.date(2025, 3, 3), dt.date(2025, 3, 31))
    cmp_ = compare_periods(data, period, dt.date(2025, 3, 17))
    assert cmp_ is not None
    # before: 10 working days, 0.030 kg central; after: 10 working days, 0.0075 kg central
    assert cmp_.gwp_change_share == pytest.approx(0.0075 / 0.030 - 1)
    assert cmp_.requests_change_share == pytest.approx(1 / 2 - 1)
    assert compare_periods(data, period, dt.date(2025, 5, 1)) is None


@pytest.mark.parametrize("check_tools", [False, True])
def test_the_replay_by_context_is_the_replay_by_event(catalog: Catalog, check_tools: bool) -> None:
    """Events in time order are decided per distinct context, their flags looked up by the
    context's number: the same scenario, bit for bit, as from each event's decision
    (``charter_decisions``, the path of events in any order), with budgets, tools, images and
    regenerations firing."""
    from sobria.analytics.synthetic import generate_events
    from sobria.audit.scenarios import _scenario_of, charter_decisions

    data = generate_events(6_000, catalog, months=2, seed=3).sort("ts_us", "event_id")
    builtin = builtin_rules(catalog).rules
    teams = data["team"].drop_nulls().unique().sort().to_list()
    rules = ScenarioRules(replace(builtin, max_regenerations=1, team_budgets={teams[0]: 0.5, teams[1]: 5.0},
                                  default_budget=50.0, tools={"chatgpt": ("enterprise", True)} if check_tools else {}),
                          "test", check_tools=check_tools)
    fast = replay_scenario(data, catalog, rules)
    assert fast == _scenario_of(charter_decisions(data, rules), data, catalog, rules)
    assert fast.rerouted and fast.dropped_regenerations and fast.dropped_images
    assert (fast.blocked_other > 0) == check_tools
    shuffled = data.sample(fraction=1.0, shuffle=True, seed=1)   # not in time order: decided per event
    assert replay_scenario(shuffled, catalog, rules).projected.requests == fast.projected.requests
