"""Adoption bands, concentration, and the five-person rule."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from sobria.audit.adoption import compute_adoption, gini
from sobria.audit.period import Period
from tests.audit.helpers import events

PERIOD = Period(dt.date(2025, 1, 6), dt.date(2025, 1, 11))  # Monday to Friday: 5 working days


def test_gini_golden_values() -> None:
    assert gini(np.array([1, 1, 1, 1])) == pytest.approx(0.0)
    assert gini(np.array([0, 0, 0, 10])) == pytest.approx(0.75)
    assert gini(np.array([1, 2, 3, 4])) == pytest.approx(0.25)
    assert gini(np.array([])) == 0.0


def test_bands_per_person_and_small_teams_hidden() -> None:
    rows = [{"person": "a", "team": "sales", "count": 60},   # 12 a day: power
            {"person": "b", "team": "sales", "count": 10},   # 2 a day: regular
            {"person": "c", "team": "sales", "count": 2},    # 0.4 a day: occasional
            {"person": "d", "team": "hr", "count": 5}]       # 1 a day: regular
    people = pl.DataFrame({"person": ["a", "b", "c", "e", "f", "d"],
                           "team": ["sales", "sales", "sales", "sales", "sales", "hr"]})
    adoption = compute_adoption(events(rows), people, PERIOD)
    assert adoption.people == 6
    assert adoption.bands == {"never": 2, "occasional": 1, "regular": 2, "power": 1}
    by_team = {t.team: t for t in adoption.by_team}
    assert by_team["sales"].bands == {"never": 2, "occasional": 1, "regular": 1, "power": 1}
    assert "hr" not in by_team and [t.team for t in adoption.by_team] == ["sales"]   # 1 person: hidden
    assert adoption.gini == pytest.approx(gini(np.array([60, 10, 2, 0, 0, 5])))
    assert adoption.top20_share == pytest.approx((60 + 10) / 77)


def test_fewer_than_five_people_shows_no_concentration() -> None:
    adoption = compute_adoption(events([{"person": "a", "team": "x"}]), pl.DataFrame(
        {"person": [], "team": []}, schema={"person": pl.Utf8, "team": pl.Utf8}), PERIOD)
    assert adoption.people == 1 and adoption.gini is None and adoption.top20_share is None
