"""Privacy of aggregates: no group under the minimum size is ever shown on its own.

This module alone decides whether a group may be shown. The minimum is the ``min_group`` setting
(default :data:`MIN_GROUP`, 5 people). Teams smaller than it are merged into one "other teams"
group (key :data:`OTHERS`, rendered through i18n); when even that group is too small, it is
hidden and its people count only in the organisation's total. Sizes are counted on the roster
(:func:`roster_sizes`). Nothing is ranked by person. Documented in docs/audit.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from sobria.i18n import Translator

MIN_GROUP = 5
OTHERS = "*"
"""The key of the merged small-teams group (rendered as « autres équipes »)."""


def display_groups(sizes: Mapping[str | None, int], min_group: int = MIN_GROUP) -> dict[str | None, str | None]:
    """Team -> the group it is shown in: itself, :data:`OTHERS`, or None (total only)."""
    small = [team for team, size in sizes.items() if team is None or size < min_group]
    merged = sum(sizes[team] for team in small)
    shown_small: str | None = OTHERS if merged >= min_group else None
    return {team: (shown_small if team in small else team) for team in sizes}


def group_order(groups: list[str]) -> list[str]:
    """Teams alphabetically, the merged group last."""
    return sorted(groups, key=lambda g: (g == OTHERS, g))


def roster_sizes(people: pl.DataFrame, events: pl.DataFrame) -> dict[str | None, int]:
    """People per team, counted on the roster (the store's people table) — people without any
    request count too —, plus the people seen in ``events`` who are not on it (under the team of
    their events). Teams with events but nobody on the roster count their distinct people."""
    seen = events.select("person", "team").filter(pl.col("person").is_not_null()).unique("person", keep="first")
    roster = people.select("person", "team") if people.height else seen.head(0)
    extra = seen.join(roster.select("person"), on="person", how="anti")
    both = pl.concat([roster.with_columns(pl.col("team").cast(pl.Utf8)),
                      extra.with_columns(pl.col("team").cast(pl.Utf8))], how="vertical")
    sizes: dict[str | None, int] = {team: int(n) for team, n in both.group_by("team").len().iter_rows()}
    for team in events["team"].unique().to_list():
        sizes.setdefault(team, 0)
    return sizes


def shown_teams(frame: pl.DataFrame, groups: Mapping[str | None, str | None], column: str = "team") -> pl.DataFrame:
    """``frame`` with ``column`` replaced by its display group, rows of hidden groups removed."""
    mapping = {team: group for team, group in groups.items() if team is not None}
    null_group = groups.get(None)
    mapped = pl.col(column).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    grouped = frame.with_columns(pl.when(pl.col(column).is_null()).then(pl.lit(null_group, pl.Utf8))
                                 .otherwise(mapped).alias(column))
    return grouped.filter(pl.col(column).is_not_null())


def group_label(group: str, t: Translator) -> str:
    """A group as shown: a team's name, or « autres équipes » for :data:`OTHERS` (via i18n)."""
    return t("privacy.group.others") if group == OTHERS else group
