"""The charter replayed over a month of events: requests per rule and team, never per person."""

from __future__ import annotations

import polars as pl

from sobria.governance.violations import ViolationRow, replay
from sobria.policy.decision import Rules
from sobria.policy.replay import quantised_spent, replay_columns
from tests.governance.helpers import events, policy

MK = {"team": "marketing", "purpose": "email"}


def _month() -> pl.DataFrame:
    return events([
        {**MK, "person": "m0", "gwp": 5.0},                                          # allowed
        {**MK, "person": "m1", "tool": "midjourney", "model": "midjourney-v6", "operation": "image",
         "purpose": "communication_externe"},                                         # forbidden tool
        {**MK, "person": "m2", "model": "gpt-4o", "gwp": 3.0},                       # 62 % of budget; heavy
        {**MK, "person": "m3", "model": "gpt-4o", "purpose": "analyse_strategique"},  # budget reached: route
        {**MK, "person": "m4", "model": "gpt-image-1", "operation": "image", "purpose": "document_interne"},
        *({**MK, "person": "m0", "conversation_id": "c1", "prompt_fingerprint": "f1"} for _ in range(5)),
        {"team": "rh", "person": "r0", "purpose": "recrutement"},
        {"team": "rh", "person": "r1", "purpose": "recrutement", "tool": "chatgpt-gratuit", "request_count": 3},
    ])


def test_replay_counts_rules_and_merges_small_teams() -> None:
    rules = Rules.from_policy(policy())
    result = replay(_month(), rules)
    assert result.requests == 14
    assert result.by_action == {"allow": 1, "block": 5, "route": 2, "warn": 6}
    assert result.by_rule == {
        ("budgets.alert_thresholds_percent", "warn"): 1,
        ("budgets.on_exceeded", "route"): 1,
        ("budgets.on_exceeded", "warn"): 5,
        ("data.purposes.recrutement", "block"): 3,
        ("data.purposes.recrutement", "warn"): 1,
        ("images.forbidden_purposes", "block"): 1,
        ("models.heavy.purposes", "route"): 1,
        ("regenerations.max_per_request", "warn"): 1,
        ("tools.allowed", "block"): 1,
    }
    # rh has two people: shown in the totals above, never as a row of its own
    assert {row.group for row in result.rows} == {"marketing"}
    assert result.rows[:3] == (ViolationRow("marketing", "budgets.alert_thresholds_percent", "warn", 1),
                               ViolationRow("marketing", "budgets.on_exceeded", "route", 1),
                               ViolationRow("marketing", "budgets.on_exceeded", "warn", 5))
    assert result.escalations() == {
        ("budgets.on_exceeded", "route"): 1, ("budgets.on_exceeded", "warn"): 5,
        ("data.purposes.recrutement", "block"): 3, ("images.forbidden_purposes", "block"): 1,
        ("tools.allowed", "block"): 1}


def test_regenerations_and_spend_are_counted_in_time_order() -> None:
    frame = replay_columns(_month())
    assert frame["_regeneration"].to_list() == [0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0]
    assert frame["_spent"].to_list() == [0.0, 5.0, 5.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 8.0, 0.0, 0.0]


def test_spend_is_quantised_to_the_last_alert_level() -> None:
    rules = Rules.from_policy(policy())  # marketing: 8 kgCO2e, alerts at 50, 80, 100 %
    assert [quantised_spent(rules, "marketing", s) for s in (0.0, 3.9, 4.0, 6.5, 7.9, 8.0, 30.0)] == [
        0.0, 0.0, 4.0, 6.4, 6.4, 8.0, 8.0]
    assert quantised_spent(rules, None, 30.0) == 0.0


def test_no_events_no_violation() -> None:
    result = replay(events([]), Rules.from_policy(policy()))
    assert (result.requests, result.by_rule, result.rows) == (0, {}, ())


def test_decision_frame_takes_the_decisions_of_replay() -> None:
    """Decided once per distinct context and joined back: the same decision as the per-event replay."""
    from sobria.policy.replay import decision_frame
    from sobria.policy.replay import replay as per_event

    rules = Rules.from_policy(policy())
    frame = _month()
    expected = {r.event_id: (r.decision.action, r.decision.rule, r.decision.model,
                             "|".join(f.rule for f in r.decision.fired)) for r in per_event(frame, rules)}
    got = decision_frame(frame, rules)
    assert got.height == frame.height
    assert {row[0]: row[1:] for row in got.iter_rows()} == expected
    assert sorted(got["action"].to_list()) == sorted(a for a, *_ in expected.values())


def test_quantised_spent_expression_matches_the_function() -> None:
    from sobria.policy.replay import quantised_spent_expr

    rules = Rules.from_policy(policy())
    spent = [0.0, 3.9, 4.0, 6.5, 7.9, 8.0, 30.0, float("nan")]
    teams = ["marketing", "rh", None, "nobody"]
    frame = pl.DataFrame({"team": [t for t in teams for _ in spent], "_spent": spent * len(teams)})
    got = frame.select(quantised_spent_expr(rules))["_quantised"].to_list()
    assert got == [quantised_spent(rules, t, s) for t, s in frame.iter_rows()]
