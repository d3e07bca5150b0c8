"""One charter interpreter: the live gateway, the audit's charter scenario and `policy violations`
take the same decision for the same request (a table of 40 requests sent through a real gateway).

The requests avoid what cannot be known after the fact (personal data in the text, heavy-model
justifications: see :mod:`sobria.policy.replay`). The replay reads the stored gateway events with
the model the person asked for (the stored ``model`` is the one actually called).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import polars as pl
import pytest
from tests.gateway.support import serve_in_thread, write_config, write_policy

from sobria.audit.scenarios import ScenarioRules, charter_decisions
from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeOptions, FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import build_gateway
from sobria.governance.violations import replay
from sobria.policy.decision import Rules
from sobria.policy.loader import load_policy
from sobria.settings import Settings


@dataclass(frozen=True)
class Case:
    operation: str            # chat | image | embedding
    model: str
    purpose: str | None = None
    text: str = ""


PURPOSES = (None, "email", "synthese", "support_client", "proposition_commerciale", "analyse_strategique",
            "code", "recrutement", "document_interne")
CASES = (
    [Case("chat", model, purpose, f"Résume la note {i} du projet {model}")
     for model in ("gpt-4o-mini", "gpt-4o", "claude-sonnet-4-5") for i, purpose in enumerate(PURPOSES)]
    + [Case("image", model, purpose, f"Illustration {i} pour {model}")
       for model in ("gpt-image-1", "dall-e-3")
       for i, purpose in enumerate((None, "communication_externe", "document_interne"))]
    + [Case("embedding", "text-embedding-3-small", purpose, f"Index du texte {i}")
       for i, purpose in enumerate((None, "recrutement"))]
    + [Case("chat", "gpt-4o-mini", "email", "Reformule encore ce paragraphe")] * 5
)


@dataclass(frozen=True)
class Seen:
    case: Case
    event_id: str
    status: int
    action: str
    rules: tuple[str, ...]    # X-Sobria-Rule: every rule that fired, the main one first
    model: str

    @property
    def rule(self) -> str | None:
        return self.rules[0] if self.rules else None


def _send(client: httpx.Client, case: Case) -> httpx.Response:
    headers = {"X-Sobria-Purpose": case.purpose} if case.purpose else {}
    if case.operation == "image":
        return client.post("/v1/images/generations", headers=headers, json={"model": case.model, "prompt": case.text})
    if case.operation == "embedding":
        return client.post("/v1/embeddings", headers=headers, json={"model": case.model, "input": case.text})
    return client.post("/v1/chat/completions", headers=headers,
                       json={"model": case.model, "messages": [{"role": "user", "content": case.text}]})


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[list[Seen], pl.DataFrame, Path]]:
    folder = tmp_path_factory.mktemp("one")
    policy = write_policy(folder)
    with serve_in_thread(FakeUpstream(FakeOptions(timeout_s=5))) as upstream:
        config = load_config(write_config(folder, upstream, policy, timeout_s=5))
        gw = build_gateway(config, Settings(db="sqlite://", keep_names=True))
        _record, token = create_key(gw.store, "Alice", "p_alice", "commercial")
        gw.keys.refresh()
        seen: list[Seen] = []
        with serve_in_thread(GatewayApp(gw)) as url, httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
            for case in CASES:
                r = _send(client, case)
                fired = r.headers.get("x-sobria-rule")
                seen.append(Seen(case, r.headers["x-sobria-event-id"], r.status_code, r.headers["x-sobria-decision"],
                                 tuple(fired.split(", ")) if fired else (), r.headers["x-sobria-model"]))
            gw.wait_drained()
            stored = gw.store.read_events()
    asked = pl.DataFrame({"event_id": [s.event_id for s in seen], "_asked": [s.case.model for s in seen]})
    events = stored.join(asked, on="event_id").with_columns(pl.col("_asked").alias("model")).drop("_asked")
    yield seen, events, policy


def test_the_table_covers_every_outcome(live: tuple[list[Seen], pl.DataFrame, Path]) -> None:
    seen, events, _ = live
    assert len(seen) == events.height == 40
    assert Counter(s.action for s in seen) == {"route": 19, "allow": 13, "block": 4, "warn": 4}
    assert Counter(s.rule for s in seen) == {
        None: 13, "models.heavy.purposes": 12, "models.heavy.justification_required": 6,
        "data.purposes.recrutement": 2, "images.allowed_purposes": 2, "images.forbidden_purposes": 2,
        "images.models": 1, "models.unlisted": 1, "regenerations.max_per_request": 1}
    assert {s.status for s in seen if s.action == "block"} == {403}


def test_the_audit_scenario_takes_the_gateways_decision(live: tuple[list[Seen], pl.DataFrame, Path]) -> None:
    seen, events, path = live
    rules = ScenarioRules(Rules.from_policy(load_policy(path)), str(path))
    decided = {row["event_id"]: row for row in charter_decisions(events, rules).iter_rows(named=True)}
    for s in seen:
        row = decided[s.event_id]
        expected_target = s.case.model if s.action == "block" else s.model
        assert (row["action"], row["rule"], row["target"]) == (s.action, s.rule, expected_target), s.case
        assert set(filter(None, row["rules"].split("|"))) == set(s.rules), s.case


def test_policy_violations_count_what_the_gateway_decided(live: tuple[list[Seen], pl.DataFrame, Path]) -> None:
    seen, events, path = live
    rules = Rules.from_policy(load_policy(path))
    violations = replay(events, rules)
    assert violations.requests == len(seen)
    assert violations.by_action == dict(sorted(Counter(s.action for s in seen).items()))
    scenario = charter_decisions(events, ScenarioRules(rules, str(path)))
    fired = Counter(rule for rules_ in scenario["rules"] for rule in rules_.split("|") if rule)
    by_rule = Counter[str]()
    for (rule, _action), n in violations.by_rule.items():
        by_rule[rule] += n
    assert by_rule == fired
    assert violations.by_rule[("data.purposes.recrutement", "warn")] == 4   # 2 of them behind a routed heavy model
    main = Counter((s.rule, s.action) for s in seen if s.rule is not None)
    assert all(violations.by_rule[key] >= n for key, n in main.items())
