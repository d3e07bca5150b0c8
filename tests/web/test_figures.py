"""The query layer: golden figures, and no group under five people ever shown, whatever the filters."""

from __future__ import annotations

import itertools

import polars as pl
import pytest

from sobria.catalog import Catalog
from sobria.store import Store
from sobria.store.web_store import WebStore
from sobria.web.export import table_csv
from sobria.web.figures import DIMENSIONS, MASKED, FigureCache, grouped, select
from sobria.web.pages import Figures
from tests.web import data


def _figures(store: Store, catalog: Catalog) -> Figures:
    data.fill(store)
    return Figures.create(store, data.charter(), catalog)


def test_rollup_golden_on_both_databases(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    table = f.explorer({"month": "2025-03"}, "team")
    got = {r["key"]: (r["requests"], round(r["gwp"], 6), round(r["gwp_min"], 6)) for r in table.rows}
    assert got == {"tech": (20, 5.0, 2.5), "conseil": (62, 2.6, 1.3), data.INJECTED_TEAM: (10, 0.5, 0.25),
                   MASKED: (11, 0.8, 0.4)}  # rh (3 people) and support (2) only together
    assert table.total is not None and table.total["gwp"] == pytest.approx(8.9)
    overview = f.overview("2025-03")
    assert overview["year"]["gwp"] == pytest.approx(13.9)
    assert overview["measured"] == pytest.approx(20 / 103)
    status = {r["key"]: (r["status"], round(r["percent"] or 0, 1)) for r in overview["teams"]}
    assert status == {"tech": ("exceeded", 166.7), "conseil": ("alert", 86.7), data.INJECTED_TEAM: ("ok", 16.7),
                      MASKED: ("none", 0.0)}


def test_a_small_cell_is_never_recoverable_by_difference(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    # two people of conseil use midjourney: alone it would be masked, then conseil's total minus the
    # chat row would give it away; so the chat row joins the masked row
    table = f.explorer({"team": "conseil"}, "tool")
    assert [(r["key"], round(r["gwp"], 6)) for r in table.rows] == [(MASKED, 2.6)]
    assert f.explorer({"tool": "midjourney"}, "team").rows == []
    assert f.explorer({"team": "rh", "month": "2025-03"}, "tool").rows == []
    assert f.explorer({"team": "rh"}, "month").total is None


def test_every_filter_combination_shows_only_groups_of_five(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    rollup = f.cache.rollup()
    values = {d: [None, *sorted(v for v in rollup[d].unique().to_list() if v is not None)] for d in DIMENSIONS}
    checked = 0
    for by in DIMENSIONS:
        others = [d for d in DIMENSIONS if d != by]
        for combo in itertools.product(*(values[d] for d in others[:3])):
            filters = {d: v for d, v in zip(others[:3], combo, strict=True) if v is not None}
            selection = select(rollup, filters)
            table = grouped(selection, by)
            for row in table.rows:
                rows = selection if row["key"] == MASKED and len(table.rows) == 1 else None
                if row["key"] != MASKED:
                    rows = selection.filter(pl.col(by).cast(pl.Utf8).fill_null("—") == row["key"])
                if rows is not None:
                    assert rows["person"].n_unique() >= 5, (by, filters, row)
                checked += 1
    assert checked > 100


def test_cache_is_reused_until_the_data_changes(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    first = f.cache.rollup()
    assert f.cache.rollup() is first
    cache = FigureCache(WebStore(store))
    before = cache.web.data_version()
    extra = data.frame().head(1).with_columns(pl.lit("new-1").alias("event_id"), pl.lit("b2").alias("batch_id"))
    from sobria.store.store import BatchRecord

    store.write_batch(BatchRecord("b2", "events", "more.csv", 1, 1, 0), extra, [], [])
    assert cache.web.data_version() != before
    assert f.cache.rollup() is not first
    assert f.cache.rollup()["request_count"].sum() == 133


def test_employee_sees_own_figures(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    me = f.me("c1", "2025-03")
    assert me["this"]["requests"] == 11
    assert me["this"]["gwp"] == pytest.approx(0.5)
    assert me["heavy_share"] == 0.0
    assert f.me(None, "2025-03")["this"] is None


def test_csv_is_the_masked_table(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    text = table_csv(f.explorer({"month": "2025-03"}, "team"))
    assert text.splitlines() == [
        "team,requests,gwp,gwp_min,gwp_max,energy_min,energy_max,cost_eur",
        "tech,20,5,2.5,7.5,5,15,50",
        "conseil,62,2.6,1.3,3.9,2.6,7.8,26",
        "<b>R&D</b>,10,0.5,0.25,0.75,0.5,1.5,5",
        "*,11,0.8,0.4,1.2,0.8,2.4,8",
    ]


def test_trend_is_in_time_order(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    assert [r["key"] for r in f.overview("2025-03")["trend"].rows] == ["2025-02", "2025-03"]


def test_cache_stays_bounded(store: Store, catalog: Catalog) -> None:
    from sobria.web.figures import MAX_CACHED

    f = _figures(store, catalog)
    for i in range(MAX_CACHED + 10):
        f.explorer({"team": f"t{i}"}, "tool")
    assert len(f.cache.values) == MAX_CACHED


def test_warm_fills_the_cache(store: Store, catalog: Catalog) -> None:
    f = _figures(store, catalog)
    f.warm()
    names = {k[0] if isinstance(k[0], str) else k[0][0] for k in f.cache.values}
    assert {"rollup", "overview", "violations", "audit"} <= names
