"""Hand-made event tables with known impacts, for golden audit tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl

from sobria.events.schema import IMPACT_COLUMNS, conform, empty_events


def events(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """Canonical events; ``gwp`` (kg) and ``energy`` (kWh) give min, max = 2 × min."""
    if not rows:
        return empty_events(with_impacts=True)
    base = []
    for i, r in enumerate(rows):
        base.append({"event_id": r.get("id", f"e{i}"), "ts": r.get("ts", dt.datetime(2025, 1, 6, 9, tzinfo=dt.UTC)),
                     "person": r.get("person"), "team": r.get("team"), "tool": r.get("tool", "chat"),
                     "provider": r.get("provider", "openai"), "model": r.get("model", "gpt-4o"),
                     "operation": r.get("operation", "chat"), "input_tokens": r.get("input", 100),
                     "output_tokens": r.get("output", 100), "images": r.get("images"),
                     "purpose": r.get("purpose"), "cost_eur": r.get("cost"), "source": "test",
                     "tier": r.get("tier", "measured"), "request_count": r.get("count", 1)})
    frame = conform(pl.DataFrame(base, infer_schema_length=None))
    extra = {c.name: [] for c in IMPACT_COLUMNS}
    for r in rows:
        for c in IMPACT_COLUMNS:
            name = c.name
            if name.startswith("gwp_kgco2e"):
                value: Any = r.get("gwp", 0.001) * (2 if name.endswith("max") else 1)
            elif name.startswith("energy_kwh"):
                value = r.get("energy", 0.002) * (2 if name.endswith("max") else 1)
            elif name == "impact_status":
                value = r.get("status", "ok")
            elif name == "resolved_model":
                value = r.get("model", "gpt-4o")
            elif name == "est_cost_eur":
                value = r.get("list_cost", 0.01)
            else:
                value = 0.0
            extra[name].append(value)
    return frame.with_columns([pl.Series(k, v, dtype=c.dtype) for c in IMPACT_COLUMNS for k, v in extra.items()
                               if k == c.name])
