"""A small company for the dashboard tests: teams of 6, 5, 5, 3 and 2 people over two months.

March 2025 (central kgCO2e): conseil 2.4 (chat) + 0.2 (two people's images) = 2.6 -> 87 % of the
default 3 kg budget (alert); tech 5.0 (exceeded); ``<b>R&D</b>`` 0.5; rh 0.6 and support 0.2 are
small teams. February 2025: tech 5.0 only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS
from sobria.policy.loader import policy_template, read_policy_text
from sobria.policy.schema import Policy
from sobria.store import Store
from sobria.store.store import BatchRecord, PersonRow

INJECTED_TEAM = "<b>R&D</b>"
MARCH = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
FEBRUARY = dt.datetime(2025, 2, 10, 9, 0, tzinfo=dt.UTC)

# (persons, team, tool, model, tier, requests per person, central kgCO2e per person, when)
GROUPS: list[tuple[list[str], str, str, str, str, int, float, dt.datetime]] = [
    ([f"c{i}" for i in range(1, 7)], "conseil", "chatgpt-entreprise", "gpt-4o-mini", "token-level", 10, 0.4, MARCH),
    (["c1", "c2"], "conseil", "midjourney", "midjourney-v6", "token-level", 1, 0.1, MARCH),
    ([f"t{i}" for i in range(1, 6)], "tech", "passerelle-sobria", "gpt-4o", "measured", 4, 1.0, MARCH),
    ([f"t{i}" for i in range(1, 6)], "tech", "passerelle-sobria", "gpt-4o", "measured", 4, 1.0, FEBRUARY),
    ([f"d{i}" for i in range(1, 6)], INJECTED_TEAM, "chatgpt-entreprise", "gpt-4o-mini", "token-level", 2, 0.1,
     MARCH),
    (["r1", "r2", "r3"], "rh", "chatgpt-entreprise", "gpt-4o-mini", "token-level", 3, 0.2, MARCH),
    (["s1", "s2"], "support", "chatgpt-entreprise", "gpt-4o-mini", "token-level", 1, 0.1, MARCH),
]


def frame() -> pl.DataFrame:
    rows: list[dict[str, Any]] = []
    for persons, team, tool, model, tier, requests, gwp, when in GROUPS:
        for person in persons:
            base: dict[str, Any] = {c.name: None for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
            base.update(event_id=f"e{len(rows):04d}", ts=when + dt.timedelta(minutes=len(rows)), person=person,
                        team=team, tool=tool, model=model, operation="image" if tool == "midjourney" else "chat",
                        source="test", tier=tier, request_count=requests, gwp_kgco2e_min=gwp * 0.5,
                        gwp_kgco2e_max=gwp * 1.5, energy_kwh_min=gwp, energy_kwh_max=gwp * 3,
                        est_cost_eur=gwp * 10)
            rows.append(base)
    schema = {c.name: c.dtype for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
    events = pl.DataFrame(rows, schema=schema, orient="row")
    return events.with_columns(pl.col("ts").dt.epoch("us").alias("ts_us"), pl.lit("b1").alias("batch_id"))


def fill(store: Store) -> None:
    events = frame()
    persons = [PersonRow(p, t) for p, t in events.select("person", "team").unique().sort("person").iter_rows()]
    store.init_organisation("TechVert (test)", "0" * 64)
    store.write_batch(BatchRecord("b1", "events", "test.csv", 0, events.height, 0), events,
                      sorted({g[1] for g in GROUPS}), persons)


def charter() -> Policy:
    report = read_policy_text(policy_template(dt.date(2025, 3, 1)))
    assert report.policy is not None, report.issues
    return report.policy
