"""Budgets with a limit, as a property (hypothesis): any sequence of reservations against a limit
(through the gateway's ``BudgetWorker``, the request path's), refusals and settlements (the drain's
``Settlement.move``, in any order, at any actual value) keeps ``spent_ug`` and ``reserved_ug`` exactly
those of an integer model; a reservation is granted exactly when it fits under the limit, a refused
one changes nothing; the total never passes the limit but by what settlements over their estimate
added; nothing is left reserved once every reservation is settled. And through the gateway: the
request past a team's limit is refused (403) with nothing reserved and nothing forwarded."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import openai
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sobria.catalog import load_catalog
from sobria.gateway.budgets import BudgetWorker, Settlement, budget_state, limit_ug, micrograms, settle
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.footprint import FootprintCalculator
from sobria.impact.estimator import Estimator
from sobria.store import Store, open_store
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import Served, serve_gateway

AMOUNT = st.one_of(st.floats(min_value=0, max_value=1e-3), st.floats(min_value=0, max_value=10),
                   st.sampled_from([0.0, 1e-9, 1e-10, 0.5, 3.0, 1e300]))
LIMIT = st.one_of(st.floats(min_value=0, max_value=1e-3), st.floats(min_value=0, max_value=20),
                  st.sampled_from([0.0, 1e-9, 1.0, 3.0]))
# ("reserve", estimate, -) or ("settle", actual, which open reservation)
STEP = st.one_of(st.tuples(st.just("reserve"), AMOUNT, st.just(0)),
                 st.tuples(st.just("settle"), AMOUNT, st.integers(min_value=0, max_value=15)))
TEAM, MONTH = "limited", "2026-12"


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, BudgetWorker]]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('limits') / 'b.db'}")
    store.migrate()
    worker = BudgetWorker.for_store(store)
    yield store, worker
    worker.close()
    store.close()


@settings(max_examples=60, deadline=None)
@given(limit=LIMIT, steps=st.lists(STEP, min_size=1, max_size=14))
def test_reservations_under_a_limit_refusals_and_settlements_stay_exact(
        ledger: tuple[Store, BudgetWorker], limit: float, steps: list[tuple[str, float, int]]) -> None:
    store, worker = ledger
    store.clear_budget(TEAM)
    bound = limit_ug(limit)
    assert bound is not None
    spent = reserved = overshoot = 0
    open_reservations: list[float] = []
    for kind, amount, which in steps:
        if kind == "reserve":
            fits = spent + reserved + micrograms(amount) <= bound
            result = asyncio.run(worker.reserve(TEAM, MONTH, amount, limit))
            assert result.granted == fits
            if fits:
                open_reservations.append(amount)
                reserved += micrograms(amount)
            assert (result.spent_ug, result.reserved_ug) == (spent, reserved)  # a refusal changed nothing
        elif open_reservations:
            estimate = open_reservations.pop(which % len(open_reservations))
            settle(store, [Settlement(TEAM, MONTH, estimate, amount)])
            reserved -= micrograms(estimate)
            spent += micrograms(amount)
            overshoot += max(0, micrograms(amount) - micrograms(estimate))
        state = budget_state(store, TEAM, MONTH)
        assert (state.spent_ug, state.reserved_ug) == (spent, reserved)
        assert state.spent_ug + state.reserved_ug <= bound + overshoot
    settle(store, [Settlement(TEAM, MONTH, e, e) for e in open_reservations])  # each at its estimate
    state = budget_state(store, TEAM, MONTH)
    assert (state.spent_ug, state.reserved_ug) == (spent + sum(micrograms(e) for e in open_reservations), 0)
    assert state.spent_ug <= bound + overshoot


def test_the_limit_refuses_to_the_microgram_through_the_worker(ledger: tuple[Store, BudgetWorker]) -> None:
    store, worker = ledger
    store.clear_budget("edge")
    assert asyncio.run(worker.reserve("edge", MONTH, 0.999999999, 1.0)).granted  # 999,999,999 µg of 1,000,000,000
    assert asyncio.run(worker.reserve("edge", MONTH, 1e-9, 1.0)).granted  # the last microgram
    refused = asyncio.run(worker.reserve("edge", MONTH, 1e-10, 1.0))  # rounds up to 1 µg: over
    assert (refused.granted, refused.spent_ug, refused.reserved_ug) == (False, 0, 1_000_000_000)
    huge = asyncio.run(worker.reserve("edge", MONTH, 1e300, 1e9))  # bounded to MAX_UG (1,000 t): fits 10**6 t
    assert (huge.granted, huge.reserved_ug) == (True, 1_000_000_000 + 10**15)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, FakeUpstream, int, int]]:
    """A gateway whose team ``tiny`` may spend one request's estimate and half an answer more, then is
    refused (``on_exceeded: block``): its limit is ``estimate + actual // 2`` micrograms."""
    footprints = FootprintCalculator(Estimator(load_catalog()))
    estimate = micrograms(footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=2,
                                               output_tokens=500).gwp_kgco2e)  # "bonjour": 7 characters / 4
    actual = micrograms(footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=1,
                                             output_tokens=2).gwp_kgco2e)  # the fake's "echo: bonjour"
    folder = tmp_path_factory.mktemp("tiny")
    policy = write_policy(folder, on_exceeded="block", teams=f"    tiny: {(estimate + actual // 2 + 0.5) / 1e9:.12f}\n")
    upstream = FakeUpstream()
    with serve_in_thread(upstream) as url:
        config = (f"policy: {policy}\ntool: passerelle-sobria\nupstreams:\n"
                  f"  - {{name: fake, base_url: '{url}/v1', provider: openai, models: [gpt-4o-mini]}}\n")
        with serve_gateway(folder, config, team="tiny") as served:
            yield served, upstream, estimate, actual


def test_the_gateway_refuses_the_reservation_past_the_limit_and_reserves_nothing(
        tiny: tuple[Served, FakeUpstream, int, int]) -> None:
    served, upstream, estimate, actual = tiny
    assert limit_ug(served.gw.rules.team_budgets["tiny"]) == estimate + actual // 2
    with openai.OpenAI(base_url=f"{served.url}/v1", api_key=served.key, max_retries=0) as client:
        messages: list[Any] = [{"role": "user", "content": "bonjour"}]
        first = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages)
        assert served.outcome(first.headers["x-sobria-event-id"])["status_code"] == 200
        assert served.budget("tiny") == (actual, 0)
        before = len(upstream.received)
        for _attempt in range(2):  # actual + estimate > the limit: refused, each time, and nothing reserved
            with pytest.raises(openai.PermissionDeniedError) as info:
                client.chat.completions.create(model="gpt-4o-mini", messages=messages)
            assert info.value.code == "budget_exceeded"
            row = served.outcome(info.value.response.headers["x-sobria-event-id"])
            assert (row["status_code"], row["gwp_kgco2e_max"]) == (403, 0.0)
            assert served.budget("tiny") == (actual, 0)
        assert len(upstream.received) == before  # nothing left
