"""Golden KPIs on a small hand-computed data set."""

from __future__ import annotations

import datetime as dt

import pytest

from sobria.audit.kpis import compute_kpis
from sobria.audit.period import Period, resolve_period
from sobria.catalog import Catalog
from sobria.privacy.groups import OTHERS, display_groups
from tests.audit.helpers import events

JAN = dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)
FEB = dt.datetime(2025, 2, 3, 9, tzinfo=dt.UTC)
PERIOD = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 2))  # 60 days


def _data() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(6):  # sales: 6 people, 1 request each in January, 0.010 kg
        rows.append({"person": f"s{i}", "team": "sales", "gwp": 0.010, "energy": 0.02, "ts": JAN, "cost": 0.5})
    for i in range(2):  # hr: 2 people -> merged into the small-groups line
        rows.append({"person": f"h{i}", "team": "hr", "gwp": 0.005, "ts": FEB, "model": "gpt-4o-mini",
                     "tier": "token-level", "count": 3, "cost": 0.25})
    rows.append({"person": None, "team": None, "gwp": 0.100, "ts": FEB, "tool": "chatbot", "status": "model-guessed"})
    return rows


def test_totals_annualised_and_breakdowns(catalog: Catalog) -> None:
    k = compute_kpis(events(_data()), catalog, PERIOD)
    # gwp min: 6 x 0.010 + 2 x 0.005 + 0.100 = 0.170 kg; max = 2 x min
    assert k.totals.gwp_kgco2e.min == pytest.approx(0.170)
    assert k.totals.gwp_kgco2e.max == pytest.approx(0.340)
    assert k.totals.requests == 6 + 2 * 3 + 1
    assert k.totals.events == 9
    # annualised: 0.255 kg central over 60 days -> 0.255 * 365 / 60 / 1000 t
    assert k.annual_gwp_t.central == pytest.approx(0.255 * 365 / 60 / 1000)
    # hr (2 people) and the events without a team (nobody) merge into 2 people: hidden, total only
    assert [key for key, _ in k.by_team] == ["sales"]
    assert dict(k.by_team)["sales"].gwp_kgco2e.min == pytest.approx(0.060)
    assert [key for key, _ in k.by_month] == ["2025-01", "2025-02"]
    assert dict(k.by_month)["2025-02"].requests == 7
    assert dict(k.by_tier)["token-level"].requests == 6
    assert k.statuses == {"model-guessed": 1, "ok": 8}


def test_energy_cost_and_reconciliation(catalog: Catalog) -> None:
    k = compute_kpis(events(_data()), catalog, PERIOD)
    # energy min: 6 x 0.02 + 3 x 0.002 = 0.126 kWh; price 0.15 .. 0.22 EUR/kWh, max energy doubled
    assert k.energy_cost_eur.min == pytest.approx(0.126 * 0.15)
    assert k.energy_cost_eur.max == pytest.approx(0.252 * 0.22)
    assert k.spend_source == "reported"
    assert k.reconciliation is not None
    assert k.reconciliation.spend_eur == pytest.approx(6 * 0.5 + 2 * 0.25)
    assert k.reconciliation.gwp_kgco2e.min == pytest.approx(3.5 * 0.109)


def test_empty_table_gives_zeros_not_errors(catalog: Catalog) -> None:
    k = compute_kpis(events([]), catalog, PERIOD)
    assert k.totals.requests == 0 and k.totals.gwp_kgco2e.max == 0
    assert k.by_team == [] and k.reconciliation is None and k.statuses == {}


def test_period_resolution() -> None:
    period = resolve_period(None, dt.date(2025, 1, 31), dt.date(2025, 1, 2), dt.date(2025, 7, 31))
    assert period == Period(dt.date(2025, 1, 2), dt.date(2025, 2, 1))
    assert period.working_days == 22
    assert resolve_period(None, None, None, None) is None


def test_small_teams_merge_into_others_when_the_merged_group_is_big_enough(catalog: Catalog) -> None:
    rows = _data() + [{"person": f"l{i}", "team": "legal", "gwp": 0.001, "ts": FEB} for i in range(3)]
    k = compute_kpis(events(rows), catalog, PERIOD)
    assert [key for key, _ in k.by_team] == [OTHERS, "sales"]   # by carbon, largest first
    assert dict(k.by_team)[OTHERS].requests == 2 * 3 + 1 + 3
    roster = display_groups({"sales": 6, "hr": 2, "legal": 3, None: 0}, min_group=6)
    assert roster == {"sales": "sales", "hr": None, "legal": None, None: None}
    assert [key for key, _ in compute_kpis(events(rows), catalog, PERIOD, roster).by_team] == ["sales"]
