"""No figure of a group under the minimum leaves Sobria: the audit JSON, the report HTML and the
committee pack, from a real store, with small teams merged and a merged group itself too small.

The roster (people table) counts: "ventes" has 5 people on the roster but only 2 with requests,
so it is shown; "juridique" (2 people) and "rh" (2 people) merge into 4 people: hidden.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from tests.gateway.support import write_policy
from tests.governance.helpers import events

from sobria.audit.run import AuditOptions, run_audit
from sobria.catalog import Catalog
from sobria.governance.committee.html_page import render_pack
from sobria.governance.committee.pack import parse_month
from sobria.governance.committee.service import PackRequest, build_pack
from sobria.i18n import Translator
from sobria.privacy.groups import OTHERS
from sobria.report import render_html
from sobria.store import Store, open_store
from sobria.store.store import BatchRecord, PersonRow

NOW = dt.datetime(2025, 4, 1, tzinfo=dt.UTC)
ROSTER = {"conseil": 6, "ventes": 5, "juridique": 2, "rh": 2}
ACTIVE = {"conseil": 6, "ventes": 2, "juridique": 2, "rh": 2}
# requests per person, by team: the hidden teams' figures are distinctive (17 and 23 requests each)
PER_PERSON = {"conseil": 3, "ventes": 4, "juridique": 17, "rh": 23}


def _fill(store: Store, roster: dict[str, int]) -> None:
    rows = []
    for team, active in ACTIVE.items():
        for i in range(active):
            rows += [{"person": f"{team}-{i}", "team": team, "gwp": 0.01, "purpose": "email"}
                     for _ in range(PER_PERSON[team])]
    frame = events(rows)
    stored = frame.with_columns(ts_us=pl.col("ts").dt.epoch("us"), batch_id=pl.lit("b1"))
    people = [PersonRow(f"{team}-{i}", team) for team, n in roster.items() for i in range(n)]
    store.write_batch(BatchRecord("b1", "test", "x.csv", 0, frame.height, 0), stored, set(roster), people)


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = open_store(f"sqlite:///{tmp_path / 'sobria.db'}")
    store.migrate()
    _fill(store, ROSTER)
    return store


def _outputs(store: Store, catalog: Catalog, folder: Path, min_group: int = 5) -> tuple[str, str, str]:
    result = run_audit(store, catalog, AuditOptions(min_group=min_group), NOW)
    assert result is not None
    t = Translator.for_lang("fr")
    month = parse_month("2025-03")
    pack = build_pack(store, catalog, PackRequest(month, write_policy(folder), min_group=min_group), t,
                      dt.date(2025, 4, 1))
    return (json.dumps(result.to_json(), ensure_ascii=False), render_html(result, t, "fr", catalog=catalog),
            render_pack(pack, t))


def test_no_figure_of_a_group_under_the_minimum(filled: Store, catalog: Catalog, tmp_path: Path) -> None:
    audit_json, report, pack = _outputs(filled, catalog, tmp_path)
    data = json.loads(audit_json)
    assert [row["key"] for row in data["by_team"]] == ["conseil", "ventes"]
    assert [(row["team"], row["people"]) for row in data["adoption"]["by_team"]] == [("conseil", 6), ("ventes", 5)]
    assert data["adoption"]["people"] == 15 and data["min_group"] == 5
    assert data["totals"]["requests"] == 6 * 3 + 2 * 4 + 2 * 17 + 2 * 23      # hidden teams count in the total
    for text in (audit_json, report, pack):
        for hidden in ("juridique", ">rh<", '"rh"', ">autres équipes<", f'"{OTHERS}"', ">*<"):
            assert hidden not in text
    assert ">ventes<" in report and "ventes" in pack


def test_a_merged_group_big_enough_is_shown_under_its_label(catalog: Catalog, tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'sobria.db'}")
    store.migrate()
    _fill(store, {**ROSTER, "rh": 3})     # 2 + 3 people: the merged group reaches 5
    audit_json, report, pack = _outputs(store, catalog, tmp_path)
    # by carbon, largest first: the merged group has 2 x 17 + 3 x 23 requests
    assert [row["key"] for row in json.loads(audit_json)["by_team"]] == [OTHERS, "conseil", "ventes"]
    assert ">autres équipes<" in report and ">autres équipes<" in pack
    for text in (audit_json, report, pack):
        assert "juridique" not in text and ">rh<" not in text and '"rh"' not in text


def test_the_minimum_is_the_setting(filled: Store, catalog: Catalog, tmp_path: Path) -> None:
    audit_json, report, pack = _outputs(filled, catalog, tmp_path, min_group=6)
    # ventes (5 people) is now small too: 5 + 2 + 2 merged people reach 6
    assert [row["key"] for row in json.loads(audit_json)["by_team"]] == [OTHERS, "conseil"]
    for text in (audit_json, report, pack):
        assert "ventes" not in text and "juridique" not in text
