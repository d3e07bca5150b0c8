"""Adoption and the digital divide: usage bands per person, aggregated; never an individual ranking."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from sobria.audit.period import Period
from sobria.privacy.groups import MIN_GROUP, display_groups, group_order

BANDS = ("never", "occasional", "regular", "power")
# Requests per working day at the band's lower bound (docs/audit.md).
OCCASIONAL_MIN, REGULAR_MIN, POWER_MIN = 0.0, 1.0, 10.0


@dataclass(frozen=True)
class TeamAdoption:
    team: str
    people: int
    bands: dict[str, int] | None     # None only in hand-built results: a shown group is never too small


@dataclass(frozen=True)
class Adoption:
    people: int
    bands: dict[str, int]
    by_team: list[TeamAdoption]
    gini: float | None               # concentration of requests over people (0 equal, 1 one person)
    top20_share: float | None        # share of requests made by the 20 % most active people


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values (0 when all equal)."""
    if values.size == 0 or values.sum() == 0:
        return 0.0
    ordered = np.sort(values.astype(np.float64))
    n = ordered.size
    ranks = np.arange(1, n + 1)
    return float((2 * (ranks * ordered).sum()) / (n * ordered.sum()) - (n + 1) / n)


def compute_adoption(events: pl.DataFrame, people: pl.DataFrame, period: Period,
                     min_group: int = MIN_GROUP) -> Adoption:
    """``people``: the organisation's people (person, team); people without events count as 'never'.
    Teams are shown by display group (:mod:`sobria.privacy.groups`): small teams merged, hidden
    when even the merged group is too small."""
    per_person = events.filter(pl.col("person").is_not_null()).group_by("person").agg(
        pl.col("request_count").sum().alias("requests"), pl.col("team").drop_nulls().first().alias("team_seen"))
    roster = people.select("person", "team") if people.height else per_person.select(
        "person", pl.col("team_seen").alias("team"))
    merged = roster.join(per_person, on="person", how="full", coalesce=True).with_columns(
        pl.col("requests").fill_null(0), pl.coalesce("team", "team_seen").alias("team"))
    days = max(period.working_days, 1)
    rate = pl.col("requests") / days
    merged = merged.with_columns(
        pl.when(rate <= OCCASIONAL_MIN).then(pl.lit("never"))
        .when(rate < REGULAR_MIN).then(pl.lit("occasional"))
        .when(rate < POWER_MIN).then(pl.lit("regular"))
        .otherwise(pl.lit("power")).alias("band"))
    counts = dict(merged.group_by("band").len().iter_rows())
    sizes: dict[str | None, int] = {team: int(n) for team, n in merged.group_by("team").len().iter_rows()}
    groups = display_groups(sizes, min_group)
    shown: dict[str, list[str]] = {}
    for team, band in merged.select("team", "band").iter_rows():
        group = groups.get(team)
        if group is not None:
            shown.setdefault(group, []).append(band)
    by_team = [TeamAdoption(g, len(shown[g]), {b: shown[g].count(b) for b in BANDS}) for g in group_order(list(shown))]
    requests = merged["requests"].to_numpy()
    top = np.sort(requests)[::-1][: max(1, int(np.ceil(requests.size * 0.2)))] if requests.size else requests
    enough = merged.height >= min_group
    return Adoption(
        people=merged.height,
        bands={b: int(counts.get(b, 0)) for b in BANDS},
        by_team=by_team,
        gini=gini(requests) if enough else None,
        top20_share=float(top.sum() / requests.sum()) if enough and requests.sum() else None,
    )
