"""Charter violations: the decision function replayed over stored events, counted per rule and team.

Each event becomes a :class:`~sobria.policy.decision.RequestContext` (tool, model, team, purpose,
image or text, how many times the same prompt was already sent in the conversation, and the team's
emissions so far in the month) and goes through :func:`~sobria.policy.decision.decide`. What
cannot be known after the fact is left out: personal data in prompts (not stored) and heavy-model
justifications (not logged), so data rules fire only through purposes, and heavy models without a
justification count as routed. Counts are per rule and team group, never per person; teams under
five people are merged (:mod:`sobria.privacy.groups`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import polars as pl

from sobria.policy.decision import BudgetState, Decision, RequestContext, Rules, decide
from sobria.privacy.groups import MIN_GROUP, display_groups, group_order

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


_COLUMNS = ("person", "team", "tool", "model", "operation", "purpose", "request_count", "_regeneration", "_spent")


def replay_columns(events: pl.DataFrame) -> pl.DataFrame:
    """Add ``_regeneration`` (earlier sends of the same prompt in the conversation) and ``_spent``
    (the team's central kgCO2e earlier in the same month), in time order."""
    ts = pl.col("ts_us") if "ts_us" in events.columns else pl.col("ts").dt.epoch("us")
    central = ((pl.col("gwp_kgco2e_min").fill_null(0.0) + pl.col("gwp_kgco2e_max").fill_null(0.0)) / 2)
    month = pl.from_epoch(ts, time_unit="us").dt.strftime("%Y-%m")
    ordered = events.with_columns(_ts=ts, _month=month, _gwp=central).sort("_ts", "event_id")
    regeneration = (pl.when(pl.col("prompt_fingerprint").is_null()).then(0)
                    .otherwise(pl.int_range(pl.len()).over("person", "conversation_id", "prompt_fingerprint")))
    spent = (pl.col("_gwp").cum_sum().over("team", "_month") - pl.col("_gwp"))
    return ordered.with_columns(_regeneration=regeneration, _spent=spent)


def quantised_spent(rules: Rules, team: str | None, spent: float) -> float:
    """The spend at the last alert level crossed: the decision only depends on that level."""
    limit = rules.team_budgets.get(team, rules.default_budget) if team is not None else None
    if limit is None or limit <= 0:
        return 0.0
    percent = spent / limit * 100
    crossed = [level for level in (*rules.thresholds, 100) if percent >= level]
    return limit * max(crossed) / 100 if crossed else 0.0


def _contexts(rules: Rules, frame: pl.DataFrame) -> Iterator[tuple[str | None, str | None, int, RequestContext]]:
    for person, team, tool, model, operation, purpose, count, regen, spent in frame.select(_COLUMNS).iter_rows():
        budget = BudgetState(quantised_spent(rules, team, spent)) if team is not None else None
        ctx = RequestContext(model=model, tool=tool, team=team, purpose=purpose,
                             kind="image" if operation == "image" else "text", regeneration=int(regen),
                             budget=budget)
        yield person, team, int(count), ctx


def replay(events: pl.DataFrame, rules: Rules, min_group: int = MIN_GROUP) -> Violations:
    """Replay ``rules`` over ``events`` (with impact columns) and count what fired."""
    frame = replay_columns(events)
    people: dict[str | None, set[str]] = {}
    for team, person in frame.select("team", "person").unique().iter_rows():
        if person is not None:
            people.setdefault(team, set()).add(person)
    groups = display_groups({team: len(p) for team, p in people.items()}, min_group)
    cache: dict[RequestContext, Decision] = {}
    by_action: dict[str, int] = {}
    by_rule: dict[tuple[str, str], int] = {}
    by_group: dict[tuple[str, str, str], int] = {}
    total = 0
    for _person, team, count, ctx in _contexts(rules, frame):
        decision = cache.get(ctx)
        if decision is None:
            decision = cache[ctx] = decide(rules, ctx)
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
