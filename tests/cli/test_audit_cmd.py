"""`sobria audit`, `sobria waste` and `sobria report` on the demo company, and on an empty store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(cwd: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")} | {"COLUMNS": "200"} | settings
    return subprocess.run([sys.executable, "-m", "sobria", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False, timeout=300)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo")
    out = _run(path, "demo")
    assert out.returncode == 0, out.stderr
    assert "sobria-demo/rapport-ia.html" in out.stdout
    return path


def test_audit_json_follows_the_documented_schema(demo_dir: Path) -> None:
    out = _run(demo_dir, "audit", "--json", "--split", "2025-03-17")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["schema"] == "sobria.audit/1"
    assert data["period"] == {"start": "2025-01-02", "end_exclusive": "2025-08-01", "days": 211,
                              "working_days": 145}  # French public holidays excluded
    assert data["totals"]["requests"] == 31872
    t = data["totals"]["gwp_kgco2e"]
    assert t["min"] <= t["central"] <= t["max"]
    assert data["headline"]["policy_formalised"] is False
    assert 0 < data["headline"]["non_essential_share"] < 1
    assert sum(data["adoption"]["bands"].values()) == 45
    assert [row["key"] for row in data["by_month"]] == [f"2025-0{m}" for m in range(1, 8)]
    assert data["comparison"]["gwp_per_working_day_change"] < 0  # the charter lowered the footprint
    assert all(len(team["key"]) for team in data["by_team"])
    assert data["scenario"]["projected"]["gwp_kgco2e"]["max"] <= data["scenario"]["actual"]["gwp_kgco2e"]["max"]
    # no company file: the money is the catalogue API price only, the disclosure has no company context
    assert data["money"]["contract_eur"] is None and data["money"]["spend_source"] == "list-price"
    assert data["reconciliation"]["spend_eur"] == pytest.approx(data["money"]["list_price_eur"])
    d = data["disclosure"]
    assert (d["scope3_category"], d["headcount"], d["ai_share"]) == (1, None, None)
    assert d["primary_data_share"] == pytest.approx(1.0)          # measured and token-level data only
    assert d["location_based_t_per_year"] == data["annual_gwp_t"]
    assert 0 < d["market_based_t_per_year"]["max"] < d["location_based_t_per_year"]["max"]


def test_audit_terminal_summary_and_period_filter(demo_dir: Path) -> None:
    out = _run(demo_dir, "audit", "--from", "2025-04-01", "--to", "2025-04-30")
    assert out.returncode == 0, out.stderr
    assert "du 1er avril 2025 au 30 avril 2025 (30 jours)" in out.stdout
    assert "t CO2e/an liées à l'IA" in out.stdout


def test_small_team_is_refused(demo_dir: Path) -> None:
    # the demo's smallest team, RH, has 5 people on the roster: shown at the default minimum,
    # refused when the min_group setting asks for 6
    assert _run(demo_dir, "audit", "--team", "rh").returncode == 0
    out = _run(demo_dir, "audit", "--team", "rh", SOBRIA_MIN_GROUP="6")
    assert out.returncode == 2
    assert "moins de 6 personnes" in out.stderr and "Traceback" not in out.stderr


def test_bad_date_is_a_user_error(demo_dir: Path) -> None:
    out = _run(demo_dir, "audit", "--from", "1er avril")
    assert out.returncode == 2 and "paramètre --from" in out.stderr


def test_waste_counts_distinct_requests_and_lists_the_heaviest(demo_dir: Path) -> None:
    out = _run(demo_dir, "waste", "--json", "--from", "2025-01-06", "--to", "2025-01-06", "--limit", "3")
    assert out.returncode == 0, out.stderr
    listing = json.loads(out.stdout)
    events = listing["events"]
    assert len(events) == 3 and len({e["event_id"] for e in events}) == 3
    assert [e["gwp_kgco2e"] for e in events] == sorted((e["gwp_kgco2e"] for e in events), reverse=True)
    assert {r for e in events for r in e["reasons"]} <= {"reformulation", "regeneration", "unused-image",
                                                        "internal-image", "heavy-model-trivial"}
    # one request with two reasons counts once in the total, once under each reason
    assert listing["requests"] == listing["flagged_events"] <= sum(r["requests"] for r in
                                                                   listing["by_reason"].values())
    text = _run(demo_dir, "waste", "--limit", "0")
    assert text.returncode == 0, text.stderr
    assert "Du 2 janvier 2025 au 31 juillet 2025 : " in text.stdout
    assert "les plus émettrices" not in text.stdout           # --limit 0: the summary and reasons only
    bad = _run(demo_dir, "waste", "--limit", "-1")
    assert bad.returncode == 2 and "paramètre --limit" in bad.stderr


def test_report_pdf(demo_dir: Path) -> None:
    out = _run(demo_dir, "report", "--out", "r.pdf", "--from", "2025-01-01", "--to", "2025-01-31")
    assert out.returncode == 0, out.stderr
    assert (demo_dir / "r.pdf").read_bytes().startswith(b"%PDF-")


def test_empty_store(tmp_path: Path) -> None:
    out = _run(tmp_path, "audit")
    assert out.returncode == 0 and "Aucun événement" in out.stdout
    assert json.loads(_run(tmp_path, "audit", "--json").stdout) is None
    report = _run(tmp_path, "report")
    assert report.returncode == 2 and "rien à rapporter" in report.stderr
