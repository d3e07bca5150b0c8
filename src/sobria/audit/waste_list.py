"""The waste listing behind ``sobria waste``: distinct non-essential requests, their reasons, and the
heaviest of them first.

The detector gives one row per (event, reason); a request re-asked *and* sent to a heavy model is
one request with two reasons, counted once here and in every total (the summary's counts per reason
overlap, its total does not). Teams are shown as their display group (sobria.privacy.groups): a
team under the minimum size appears merged or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from sobria.audit.waste import WasteSummary, detect_waste, waste_summary
from sobria.catalog import Catalog

DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class WasteRow:
    event_id: str
    day: dt.date
    group: str | None                   # the team's display group, None when hidden
    model: str
    reasons: tuple[str, ...]
    confidence: float                   # the highest of its reasons
    gwp_kgco2e: float                   # central
    list_cost_eur: float                # catalogue API price


@dataclass(frozen=True)
class WasteListing:
    summary: WasteSummary
    flagged_events: int                 # distinct event rows flagged
    list_cost_eur: float                # catalogue API price of the flagged requests
    rows: tuple[WasteRow, ...]          # the ``limit`` heaviest, carbon first

    def as_dict(self) -> dict[str, object]:
        s = self.summary
        return {"requests": s.requests, "share_of_requests": s.share_of_requests, "gwp_kgco2e": s.gwp_kgco2e,
                "share_of_gwp": s.share_of_gwp, "list_cost_eur": self.list_cost_eur,
                "flagged_events": self.flagged_events,
                "by_reason": {r: {"requests": n, "gwp_kgco2e": s.gwp_kgco2e_by_reason[r]}
                              for r, n in s.by_reason.items() if n},
                "events": [{"event_id": r.event_id, "day": str(r.day), "team": r.group, "model": r.model,
                            "reasons": list(r.reasons), "confidence": r.confidence, "gwp_kgco2e": r.gwp_kgco2e,
                            "list_cost_eur": r.list_cost_eur} for r in self.rows]}


def list_waste(events: pl.DataFrame, catalog: Catalog, groups: Mapping[str | None, str | None],
               limit: int = DEFAULT_LIMIT) -> WasteListing:
    flagged = detect_waste(events, catalog)
    summary = waste_summary(events, flagged)
    per_event = flagged.group_by("event_id").agg(pl.col("reason").unique().sort().alias("reasons"),
                                                 pl.col("confidence").max().alias("confidence"))
    gwp = ((pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max")) / 2).fill_null(0.0).fill_nan(0.0)
    joined = events.select("event_id", "ts", "team", "model", gwp.alias("gwp"),
                           pl.col("est_cost_eur").fill_null(0.0).fill_nan(0.0).alias("cost")).join(
        per_event, on="event_id", how="inner").sort(["gwp", "event_id"], descending=[True, False])
    rows = tuple(WasteRow(r["event_id"], r["ts"].date(), groups.get(r["team"]), str(r["model"]),
                          tuple(r["reasons"]), float(r["confidence"]), float(r["gwp"]), float(r["cost"]))
                 for r in joined.head(max(limit, 0)).iter_rows(named=True))
    return WasteListing(summary, joined.height, float(joined["cost"].sum() or 0.0), rows)
