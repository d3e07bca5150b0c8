"""`sobria partitions enable` and `retention`, and the gateway drain's hook into the partitions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from sobria.analytics.partitions import PartitionSet
from sobria.analytics.rollups import totals_by_month
from sobria.analytics.synthetic import generate_events
from sobria.catalog import load_catalog
from sobria.cli.app import run
from sobria.store import open_store
from tests.analytics.conftest import stored

FEB_1 = 1_738_368_000_000_000


@pytest.fixture
def three_months(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, pl.DataFrame]:
    frame = generate_events(2_000, load_catalog(), months=3)
    path = tmp_path / "sobria.db"
    stored(path, frame).close()
    monkeypatch.setenv("SOBRIA_DB", f"sqlite:///{path}")
    monkeypatch.delenv("SOBRIA_ANALYTICS", raising=False)
    return path, frame


def test_enable_writes_every_month_of_the_store(three_months: tuple[Path, pl.DataFrame],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = three_months
    assert PartitionSet.beside(open_store(f"sqlite:///{path}")) is None
    assert run(["partitions", "enable"]) == 0
    root = Path(str(path) + ".parquet")
    out = " ".join(capsys.readouterr().out.split())
    assert out == f"partitions d'analyse activées dans {root} : 2000 événements, 3 mois"
    parts = PartitionSet(root)
    assert parts.months() == ["2025-01", "2025-02", "2025-03"]
    assert parts.scan_all().collect().sort("ts_us", "event_id").equals(open_store(f"sqlite:///{path}").read_events())
    assert all(parts.person_sorted(month) for month in parts.months())


def test_retention_drops_old_raw_events_and_keeps_rollups(three_months: tuple[Path, pl.DataFrame],
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    path, frame = three_months
    assert run(["partitions", "enable"]) == 0
    root = Path(str(path) + ".parquet")
    before = totals_by_month(root, dt.date(2025, 1, 1), dt.date(2025, 4, 1))
    capsys.readouterr()
    assert run(["partitions", "retention", "--months", "2", "--today", "2025-03-15"]) == 0
    january = frame.filter(pl.col("ts_us") < FEB_1).height
    assert " ".join(capsys.readouterr().out.split()) == (
        f"conservation 2 mois : 1 mois d'événements bruts supprimés ({january} événements), agrégats gardés")
    store = open_store(f"sqlite:///{path}")
    parts = PartitionSet(root)
    assert store.count_events() == parts.count() == 2_000 - january
    assert parts.months() == ["2025-02", "2025-03"]
    assert totals_by_month(root, dt.date(2025, 1, 1), dt.date(2025, 4, 1)) == before   # January's rollups stay
    assert run(["partitions", "retention", "--months", "2", "--today", "2025-03-15"]) == 0   # nothing more
    assert store.count_events() == 2_000 - january


def test_bad_retention_is_a_user_error(three_months: tuple[Path, pl.DataFrame],
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["partitions", "enable"]) == 0
    assert run(["partitions", "retention", "--months", "0"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "--months" in err and "durée de conservation invalide : 0" in err and "Traceback" not in err


def test_retention_without_partitions_is_refused(three_months: tuple[Path, pl.DataFrame],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["partitions", "retention", "--months", "3"]) == 2
    assert " ".join(capsys.readouterr().err.split()) == (
        "paramètre SOBRIA_DB : ce stockage n'a pas de partitions d'analyse (activez-les : sobria partitions enable)")


def test_the_drain_writes_the_partitions(tmp_path: Path) -> None:
    from sobria.gateway.drain import Drainer
    from sobria.gateway.journal import Journal

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    PartitionSet.enable(tmp_path / "s.db")
    journal = Journal(tmp_path / "j")
    journal.open()
    for i in range(3):
        event = {"event_id": f"g{i}", "ts_us": 1_764_000_000_000_000 + i, "person": "p_x", "team": "rh",
                 "model": "gpt-4o-mini", "operation": "chat", "source": "gateway", "tier": "measured",
                 "request_count": 1, "batch_id": "gateway", "gwp_kgco2e_min": 0.25, "gwp_kgco2e_max": 0.25}
        outcome = {"status_code": 200, "action": "allow", "rule": None, "error": None,
                   "requested_model": "gpt-4o-mini", "stream": False}
        journal.append(json.dumps({"event": event, "gw": {"outcome": outcome, "actual_kgco2e": 0.25}}).encode()
                       + b"\n")
    assert Drainer(store, journal).drain_once() == 4
    parts = PartitionSet(tmp_path / "s.db.parquet")
    assert parts.months() == ["2025-11"]
    assert parts.scan_all().collect().equals(store.read_events())
    replay = Drainer(store, journal)
    replay.offset, replay.generation = 0, journal.generation   # as if the checkpoint had been lost
    replay.drain_once()
    assert parts.count() == store.count_events() == 3


def test_a_failed_partition_write_leaves_the_drain_going(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    from sobria.analytics.drained import write_drained

    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    store.migrate()
    PartitionSet.enable(tmp_path / "s.db")

    def full(*_args: object) -> dict[str, int]:
        raise OSError("disk full")

    monkeypatch.setattr(PartitionSet, "write", full)
    event = {"event_id": "g0", "ts_us": 1_764_000_000_000_000, "person": "p_x", "request_count": 1}
    with caplog.at_level("WARNING", logger="sobria.gateway"):
        assert write_drained(store, [event]) == 0
    assert "analysis partitions not written (disk full)" in caplog.text
