"""Privacy of aggregates: no group under five people is ever shown on its own.

Teams smaller than :data:`MIN_GROUP` are merged into one "other teams" group; when even that
group is too small, its people count only in the organisation's total. Nothing is ranked by person.
"""

from __future__ import annotations

from collections.abc import Mapping

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
