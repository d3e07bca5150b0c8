"""The footprint read from the rollups alone equals the audit's KPIs (same JSON), on the demo and
on a generated store; a year's overview from the CLI."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sobria.analytics.compare import differences
from sobria.analytics.overview import kpis_json, overview_kpis
from sobria.analytics.partitions import PartitionSet
from sobria.analytics.synthetic import generate_events
from sobria.audit.run import AuditOptions, run_audit
from sobria.catalog import load_catalog
from sobria.cli.app import run
from sobria.store import open_store
from tests.analytics.conftest import partitioned, stored

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
KPI_KEYS = ("period", "totals", "annual_gwp_t", "energy_cost_eur", "by_team", "by_tool", "by_model", "by_month",
            "by_tier", "impact_statuses", "reconciliation")


def _same_as_audit(path: Path, parts: PartitionSet, options: AuditOptions) -> None:
    store, catalog = open_store(f"sqlite:///{path}"), load_catalog()
    audit = run_audit(store, catalog, options, NOW)
    assert audit is not None
    got = kpis_json(overview_kpis(parts.root, store.people(), audit.kpis.period, catalog, options.min_group))
    expected = {key: audit.to_json()[key] for key in KPI_KEYS}
    assert list(got) == list(KPI_KEYS)
    assert differences(expected, got) == []


@pytest.mark.parametrize("options", [AuditOptions(), AuditOptions(start=dt.date(2025, 2, 10),
                                                                  end=dt.date(2025, 4, 3))])
def test_demo_overview_is_the_audit_kpis(demo: tuple[Path, PartitionSet], options: AuditOptions) -> None:
    _same_as_audit(*demo, options)


def test_generated_overview_is_the_audit_kpis(tmp_path: Path) -> None:
    path = tmp_path / "sobria.db"
    store = stored(path, generate_events(6_000, load_catalog(), months=3))
    _same_as_audit(path, partitioned(store, path), AuditOptions(min_group=40))


def test_year_overview_from_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sobria.db"
    frame = generate_events(3_000, load_catalog(), months=3)
    partitioned(stored(path, frame), path)
    monkeypatch.setenv("SOBRIA_DB", f"sqlite:///{path}")
    assert run(["partitions", "overview", "--year", "2025", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["period"] == {"start": "2025-01-01", "end_exclusive": "2026-01-01", "days": 365, "working_days": 251}
    assert doc["totals"]["events"] == 3_000
    assert [row["key"] for row in doc["by_month"]] == ["2025-01", "2025-02", "2025-03"]
    assert run(["partitions", "overview", "--year", "1"]) == 2
