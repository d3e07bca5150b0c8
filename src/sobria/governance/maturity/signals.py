"""Measured maturity signals, read from the store (events, people, training) and the policy.

- measurement in place: at least one event with an impact estimate in the 90 days before ``at``;
- charter formalised: a valid policy file was given (None when none was given);
- share of people trained: :func:`sobria.governance.training.coverage` on ``at``;
- budget adherence: share of teams with a budget whose last full month stayed within it;
- AI intensity: requests per active person and working day over the 30 days before ``at``.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from sobria.governance.committee.pack import Budgets, Month, team_footprint
from sobria.governance.maturity.matrix import Signals
from sobria.governance.training.coverage import coverage, load_modules
from sobria.governance.training.store import read_people_teams, read_training
from sobria.store import Store

MEASUREMENT_WINDOW_DAYS = 90
INTENSITY_WINDOW_DAYS = 30


def _us(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()) * 1_000_000


def intensity(events: pl.DataFrame, start: dt.date, end: dt.date) -> float | None:
    """Requests per active person and working day in [start, end); None without people."""
    people = events["person"].drop_nulls().n_unique()
    days = int(np.busday_count(start, end))
    if people == 0 or days == 0:
        return None
    return float(events["request_count"].sum()) / people / days


def budget_adherence(events: pl.DataFrame, budgets: Budgets) -> float | None:
    """Share of team groups with a budget whose month stayed within it; None without budgets."""
    rows, _total = team_footprint(events, budgets)
    judged = [r for r in rows if r.budget is not None]
    if not judged:
        return None
    return sum(1 for r in judged if (r.percent or 0.0) < 100) / len(judged)


def measure_signals(store: Store, at: dt.date, budgets: Budgets | None, charter_formalised: bool | None) -> Signals:
    """Every signal the store can give on ``at``."""
    recent = store.read_events(_us(at - dt.timedelta(days=MEASUREMENT_WINDOW_DAYS)), _us(at + dt.timedelta(days=1)))
    measured = recent.filter(pl.col("gwp_kgco2e_max").is_not_null()).height > 0
    window_start = at - dt.timedelta(days=INTENSITY_WINDOW_DAYS)
    last30 = recent.filter(pl.col("ts") >= dt.datetime(window_start.year, window_start.month, window_start.day,
                                                         tzinfo=dt.UTC))
    people = read_people_teams(store)
    records = read_training(store)
    trained = coverage(people, records, load_modules(), at).share if people and records else None
    adherence = None
    if budgets is not None:
        month = Month(at.replace(day=1), at.replace(day=1)).previous(1)
        start_us, end_us = month.us()
        adherence = budget_adherence(store.read_events(start_us, end_us), budgets)
    return Signals(measurement_in_place=measured, charter_formalised=charter_formalised, trained_share=trained,
                   budget_adherence=adherence,
                   ai_requests_per_person_day=intensity(last30, window_start, at + dt.timedelta(days=1)))
