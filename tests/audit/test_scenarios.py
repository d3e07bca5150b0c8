"""The charter replayed on history, and periods compared."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from sobria.audit.period import Period
from sobria.audit.scenarios import ScenarioRules, apply_charter, compare_periods
from sobria.catalog import Catalog
from sobria.impact import Estimator, Request, estimate_request
from tests.audit.helpers import events

T0 = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)


def _flagged(rows: list[tuple[str, str, str | None]]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"event_id": pl.Utf8, "reason": pl.Utf8, "chain_id": pl.Utf8}, orient="row")


def test_heavy_model_rerouted_to_the_light_one_and_reestimated(catalog: Catalog) -> None:
    data = events([{"id": "a", "model": "gpt-4o", "input": 1000, "output": 400, "gwp": 0.01},
                   {"id": "b", "model": "gpt-4o", "input": 10, "output": 10, "purpose": "analyse", "gwp": 0.01}])
    rules = ScenarioRules(heavy_purposes=frozenset({"analyse"}))
    result = apply_charter(data, _flagged([]), catalog, rules)
    light = estimate_request(Estimator(catalog), Request("openai", "gpt-4o-mini", output_tokens=400,
                                                         input_tokens=1000))
    assert result.rerouted == 1
    assert result.projected.gwp_kgco2e.min == pytest.approx(light.gwp_kgco2e.min + 0.01)
    assert result.usages_kept_share == 1.0


def test_retries_beyond_the_allowed_number_and_internal_images_are_dropped(catalog: Catalog) -> None:
    data = events([{"id": f"r{i}", "ts": T0 + dt.timedelta(minutes=i), "model": "gpt-4o-mini", "gwp": 0.01}
                   for i in range(4)]
                  + [{"id": "img", "operation": "image", "model": "dall-e-3", "purpose": "internal", "gwp": 0.05},
                     {"id": "ext", "operation": "image", "model": "dall-e-3", "purpose": "external", "gwp": 0.05}])
    flagged = _flagged([("r1", "reformulation", "c1"), ("r2", "reformulation", "c1"), ("r3", "regeneration", "c1"),
                        ("img", "internal-image", None)])
    result = apply_charter(data, flagged, catalog, ScenarioRules(max_regenerations=1))
    assert (result.dropped_regenerations, result.dropped_images, result.rerouted) == (2, 1, 0)
    assert result.projected.requests == 3
    assert result.usages_kept_share == pytest.approx(3 / 6)
    assert result.projected.gwp_kgco2e.min == pytest.approx(0.02 + 0.05)
    assert result.gwp_reduction_share == pytest.approx(1 - 0.07 / 0.14)


def test_removing_flagged_events_never_increases_the_footprint(catalog: Catalog) -> None:
    data = events([{"id": f"e{i}", "model": "gpt-4o-mini", "gwp": 0.001 * (i + 1)} for i in range(5)])
    result = apply_charter(data, _flagged([("e3", "regeneration", "c"), ("e4", "regeneration", "c")]), catalog,
                           ScenarioRules(max_regenerations=0))
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
