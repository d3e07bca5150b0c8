"""Hand-built events and policies for the governance tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS
from sobria.policy.loader import policy_template, read_policy_text
from sobria.policy.schema import Policy

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def policy(**replacements: str) -> Policy:
    text = policy_template(dt.date(2025, 3, 1))
    for old, new in replacements.items():
        text = text.replace(old, new)
    report = read_policy_text(text)
    assert report.policy is not None, report.issues
    return report.policy


def events(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Events with every store column; ``rows`` give what differs from a plain chat request."""
    full = []
    for i, row in enumerate(rows):
        gwp = row.pop("gwp", 0.0)
        base: dict[str, Any] = {c.name: None for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
        base.update(event_id=f"e{i:03d}", ts=START + dt.timedelta(minutes=i), tool="passerelle-sobria",
                    model="gpt-4o-mini", operation="chat", source="test", tier="measured", request_count=1,
                    gwp_kgco2e_min=gwp * 0.5, gwp_kgco2e_max=gwp * 1.5)
        base.update(row)
        full.append(base)
    schema = {c.name: c.dtype for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS)}
    return pl.DataFrame(full, schema=schema, orient="row")
