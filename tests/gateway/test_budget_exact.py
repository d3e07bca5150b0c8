"""Budgets in integer micrograms: any sequence of reservations and settlements is exact."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sobria.gateway.budgets import Settlement, budget_state, micrograms, reserve, settle
from sobria.store import Store, open_store

AMOUNT = st.one_of(st.floats(min_value=0, max_value=1e-3), st.floats(min_value=0, max_value=1e3),
                   st.sampled_from([0.0, 1e-9, 1e-10, 1e6, 3.0]))


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path_factory.mktemp('exact') / 'b.db'}")
    store.migrate()
    yield store
    store.close()


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(st.tuples(AMOUNT, AMOUNT, st.booleans()), min_size=1, max_size=8))
def test_reserving_then_settling_any_sequence_is_exact(store: Store, steps: list[tuple[float, float, bool]]) -> None:
    name, month = "property", "2026-12"
    store.clear_budget(name)  # each example starts from an empty budget
    open_reservations: list[tuple[float, float]] = []
    spent = 0
    for estimate, actual, settle_now in steps:
        assert reserve(store, name, month, estimate, None).granted
        open_reservations.append((estimate, actual))
        if settle_now:  # settle the oldest open reservation, as the drain would
            first, real = open_reservations.pop(0)
            settle(store, [Settlement(name, month, first, real)])
            spent += micrograms(real)
        state = budget_state(store, name, month)
        assert state.reserved_ug == sum(micrograms(e) for e, _ in open_reservations)
        assert state.spent_ug == spent
    settle(store, [Settlement(name, month, e, a) for e, a in open_reservations])
    state = budget_state(store, name, month)
    assert (state.reserved_ug, state.spent_ug) == (0, spent + sum(micrograms(a) for _, a in open_reservations))


def test_a_huge_reservation_does_not_absorb_the_small_ones(store: Store) -> None:
    assert reserve(store, "absorb", "2026-12", 2.9e9, None).granted  # 2.9 million tonnes, as the probe did
    assert reserve(store, "absorb", "2026-12", 1e-4, None).granted
    settle(store, [Settlement("absorb", "2026-12", 2.9e9, 0.0)])
    assert budget_state(store, "absorb", "2026-12").reserved_ug == 100_000  # 0.1 g, exactly
    settle(store, [Settlement("absorb", "2026-12", 1e-4, 1e-4)])
    state = budget_state(store, "absorb", "2026-12")
    assert (state.reserved_ug, state.spent_ug) == (0, 100_000)


def test_the_limit_is_exact_to_the_microgram(store: Store) -> None:
    assert reserve(store, "edge", "2026-12", 0.5, 1.0).granted
    assert reserve(store, "edge", "2026-12", 0.5, 1.0).granted  # exactly at the limit
    refused = reserve(store, "edge", "2026-12", 1e-9, 1.0)
    assert (refused.granted, refused.reserved_ug) == (False, 1_000_000_000)


def test_micrograms_round_up() -> None:
    assert [micrograms(x) for x in (0.0, -1.0, 1e-9, 1.5e-9, 1e-10, 0.3)] == [0, 0, 1, 2, 1, 300_000_000]
    assert micrograms(1e300) == micrograms(float("inf")) == 10**15  # bounded: 1,000 t, far past any request
