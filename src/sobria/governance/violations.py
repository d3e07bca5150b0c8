"""Charter violations: the decision function replayed over stored events, counted per rule and team.

The replay is :func:`sobria.policy.replay.replay` (the same one the audit's charter scenario uses):
what it can and cannot know after the fact is documented there. Counts are per rule and team
group, never per person; teams under five people are merged (:mod:`sobria.privacy.groups`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import polars as pl

from sobria.policy.decision import Rules
from sobria.policy.replay import replay as replay_events
from sobria.privacy.groups import MIN_GROUP, display_groups, group_order, roster_sizes

ESCALATION_RULES = frozenset({"budgets.on_exceeded"})


@dataclass(frozen=True)
class ViolationRow:
    group: str
    rule: str
    action: str
    requests: int


@dataclass(frozen=True)
class Violations:
    """Requests replayed, and requests per (rule, action): organisation-wide and by team group."""

    requests: int
    by_action: Mapping[str, int]
    by_rule: Mapping[tuple[str, str], int]
    rows: tuple[ViolationRow, ...]

    def escalations(self) -> dict[tuple[str, str], int]:
        """Blocks and exceeded budgets: what the committee must look at."""
        return {key: n for key, n in self.by_rule.items() if key[1] == "block" or key[0] in ESCALATION_RULES}


def replay(events: pl.DataFrame, rules: Rules, min_group: int = MIN_GROUP,
           people: pl.DataFrame | None = None) -> Violations:
    """Replay ``rules`` over ``events`` (with impact columns) and count what fired; team groups
    sized on the roster ``people`` (default: the people with events)."""
    roster = people if people is not None else events.head(0).select("person", "team")
    groups = display_groups(roster_sizes(roster, events), min_group)
    by_action: dict[str, int] = {}
    by_rule: dict[tuple[str, str], int] = {}
    by_group: dict[tuple[str, str, str], int] = {}
    total = 0
    for replayed in replay_events(events, rules):
        team, count, decision = replayed.team, replayed.requests, replayed.decision
        total += count
        by_action[decision.action] = by_action.get(decision.action, 0) + count
        group = groups.get(team)
        for firing in decision.fired:
            key = (firing.rule, firing.action)
            by_rule[key] = by_rule.get(key, 0) + count
            if group is not None:
                row_key = (group, firing.rule, firing.action)
                by_group[row_key] = by_group.get(row_key, 0) + count
    order = {g: i for i, g in enumerate(group_order(list({k[0] for k in by_group})))}
    rows = tuple(ViolationRow(g, r, a, n) for (g, r, a), n in sorted(by_group.items(),
                                                                      key=lambda kv: (order[kv[0][0]], kv[0][1:])))
    return Violations(total, dict(sorted(by_action.items())), dict(sorted(by_rule.items())), rows)
