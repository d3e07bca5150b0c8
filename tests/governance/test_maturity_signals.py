"""Measured maturity signals read from the store: measurement, training, budgets, AI intensity."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from sobria.governance.committee.pack import Budgets
from sobria.governance.maturity.signals import budget_adherence, intensity, measure_signals
from sobria.governance.training.coverage import TrainingRecord, load_modules
from sobria.governance.training.store import NewPerson, write_training
from sobria.store import Store
from sobria.store.store import BatchRecord, PersonRow
from tests.governance.helpers import events


def _march():  # type: ignore[no-untyped-def]
    rows = [{"team": "marketing", "person": f"m{i % 5}", "gwp": 2.0} for i in range(10)]   # 20 kg
    rows += [{"team": "support", "person": f"s{i % 5}", "gwp": 0.5} for i in range(10)]    # 5 kg
    return events(rows)


def test_intensity_and_budget_adherence() -> None:
    frame = _march()
    # 20 requests, 10 people, 5 working days (2025-03-03 to 2025-03-07)
    assert intensity(frame, dt.date(2025, 3, 3), dt.date(2025, 3, 8)) == pytest.approx(0.4)
    assert intensity(events([]), dt.date(2025, 3, 3), dt.date(2025, 3, 8)) is None
    assert budget_adherence(frame, Budgets({"marketing": 8.0, "support": 6.0})) == 0.5
    assert budget_adherence(frame, Budgets()) is None


def test_measure_signals_from_the_store(store: Store) -> None:
    frame = _march()
    people = [PersonRow(p, t) for p, t in sorted(set(frame.select("person", "team").iter_rows()))]
    stored = frame.with_columns(ts_us=pl.col("ts").dt.epoch("us"), batch_id=pl.lit("b1"))
    store.write_batch(BatchRecord("b1", "test", "x.csv", 0, frame.height, 0), stored, {"marketing", "support"},
                      people)
    required = [m.id for m in load_modules().values() if m.required]
    done = [TrainingRecord(p, m, dt.date(2025, 2, 1), "completed") for p in ("m0", "m1", "s0") for m in required]
    write_training(store, done, [NewPerson("m0", "marketing")])
    signals = measure_signals(store, dt.date(2025, 4, 10), Budgets({"marketing": 8.0, "support": 6.0}), True)
    assert signals.measurement_in_place is True
    assert signals.charter_formalised is True
    assert signals.trained_share == pytest.approx(3 / 10)
    assert signals.budget_adherence == 0.5
    # the 30 days before 2025-04-10 hold no request: intensity is not measured
    assert signals.ai_requests_per_person_day is None
    later = measure_signals(store, dt.date(2025, 3, 10), None, None)
    assert (later.budget_adherence, later.charter_formalised) == (None, None)
    assert later.ai_requests_per_person_day == pytest.approx(20 / 10 / 21)
