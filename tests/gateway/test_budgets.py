"""Budget races: hundreds of concurrent requests never reserve past a team's monthly budget —
in one gateway on SQLite, and in two gateway processes sharing a real PostgreSQL server."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import sqlalchemy as sa

from sobria.gateway.app import GatewayApp
from sobria.gateway.budgets import budget_state, micrograms, month_of
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import build_gateway
from sobria.settings import Settings
from sobria.store import open_store
from sobria.store.tables import events
from tests.gateway.support import free_port, serve_in_thread, write_config, write_policy
from tests.support.postgres import create_database

REQUESTS = 300
GRANTED = 100
BODY = {"model": "gpt-4o-mini", "max_tokens": 200, "messages": [{"role": "user", "content": "bilan carbone"}]}


async def _storm(urls: list[str], key: str) -> list[int]:
    limits = httpx.Limits(max_connections=200)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        calls = [client.post(f"{urls[i % len(urls)]}/v1/chat/completions", json=BODY,
                             headers={"Authorization": f"Bearer {key}"}) for i in range(REQUESTS)]
        return [r.status_code for r in await asyncio.gather(*calls)]


def test_concurrent_requests_cannot_overshoot_on_sqlite(fake: tuple[str, FakeUpstream], tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, fake[0], write_policy(tmp_path, on_exceeded="block"), timeout_s=60))
    settings = Settings(db="sqlite://", keep_names=True)
    gw = build_gateway(config.model_copy(update={"drain_interval_s": 600.0}), settings)  # settle afterwards
    estimate = gw.footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=3, output_tokens=200)
    limit = estimate.gwp_kgco2e * (GRANTED + 0.5)
    gw.rules = dataclasses.replace(gw.rules, team_budgets={"course": limit})
    _record, key = create_key(gw.store, "robot", None, "course")
    with serve_in_thread(GatewayApp(gw)) as url:
        statuses = asyncio.run(_storm([url], key))
    assert gw.lag_bytes() == 0  # the stop drained the journal
    assert (statuses.count(200), statuses.count(403)) == (GRANTED, REQUESTS - GRANTED), sorted(set(statuses))
    actual = gw.footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=2, output_tokens=3)
    state = budget_state(gw.store, "course", month_of(time.time_ns() // 1000))
    assert (state.reserved_ug, state.spent_ug) == (0, GRANTED * micrograms(actual.gwp_kgco2e))  # exact
    assert state.spent_kgco2e <= limit + estimate.gwp_kgco2e


@pytest.fixture
def postgres_url(postgres_base_url: str) -> str:
    return create_database(postgres_base_url, f"sobria_gw_{os.getpid()}_{time.monotonic_ns()}")


@pytest.fixture
def two_gateways(fake: tuple[str, FakeUpstream], tmp_path: Path, postgres_url: str) -> Iterator[list[str]]:
    store = open_store(postgres_url)
    store.migrate()
    config_path = write_config(tmp_path, fake[0], write_policy(tmp_path, on_exceeded="block",
                                                               teams="    course: 0.0001\n"), timeout_s=60)
    text = config_path.read_text().replace(f"store: sqlite:///{tmp_path / 'sobria.db'}", f"store: {postgres_url}")
    config_path.write_text(text.replace("drain_interval_s: 0.05", "drain_interval_s: 600"))  # drained at exit
    ports = [free_port(), free_port()]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    procs = [subprocess.Popen([sys.executable, "-m", "sobria.gateway", "--config", str(config_path), "--port",
                               str(p)], env=env) for p in ports]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    try:
        _wait_healthy(urls)
        yield urls
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(20)
        store.engine.dispose()


def _wait_healthy(urls: list[str]) -> None:
    deadline = time.monotonic() + 60
    for url in urls:
        while True:
            try:
                if httpx.get(f"{url}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"{url} did not start")
            time.sleep(0.1)


def test_two_gateway_processes_share_the_budget_on_postgresql(two_gateways: list[str], postgres_url: str) -> None:
    store = open_store(postgres_url)
    _record, key = create_key(store, "robot", None, "course")
    statuses = asyncio.run(_storm(two_gateways, key))
    for url in two_gateways:  # a clean stop drains the journal
        pid = int(httpx.get(f"{url}/healthz").json()["pid"])
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while True:
        with store.engine.connect() as conn:
            stored = int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one())
        if stored == REQUESTS or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert stored == REQUESTS
    from sobria.catalog import load_catalog
    from sobria.gateway.footprint import FootprintCalculator
    from sobria.impact.estimator import Estimator

    footprints = FootprintCalculator(Estimator(load_catalog()))
    estimate = footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=3, output_tokens=200).gwp_kgco2e
    actual = footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=2, output_tokens=3).gwp_kgco2e
    granted = 100_000 // micrograms(estimate)  # 0.1 g in whole micrograms
    assert (statuses.count(200), statuses.count(403)) == (granted, REQUESTS - granted)
    state = budget_state(store, "course", month_of(time.time_ns() // 1000))
    assert (state.reserved_ug, state.spent_ug) == (0, granted * micrograms(actual))
    assert state.spent_kgco2e <= 0.0001 + estimate
    store.engine.dispose()


def test_alert_thresholds_then_routing_when_over_budget(fake: tuple[str, FakeUpstream], tmp_path: Path) -> None:
    config = load_config(write_config(tmp_path, fake[0], write_policy(tmp_path, on_exceeded="route"), timeout_s=60))
    gw = build_gateway(config.model_copy(update={"drain_interval_s": 600.0}), Settings(db="sqlite://", keep_names=True))
    heavy = gw.footprints.footprint("openai", "gpt-4o", "chat", input_tokens=2, output_tokens=200).gwp_kgco2e
    gw.rules = dataclasses.replace(gw.rules, team_budgets={"etudes": heavy * 2.5})
    _record, key = create_key(gw.store, "analyste", None, "etudes")
    headers = {"Authorization": f"Bearer {key}", "X-Sobria-Purpose": "analyse_strategique",
               "X-Sobria-Justification": quote("Croiser trois études de marché")}
    seen = []
    with serve_in_thread(GatewayApp(gw)) as url:
        for i in range(4):
            body = {**BODY, "model": "gpt-4o", "messages": [{"role": "user", "content": f"étude {i}"}]}
            r = httpx.post(f"{url}/v1/chat/completions", json=body, headers=headers)
            seen.append((r.status_code, r.headers["x-sobria-model"], r.headers["x-sobria-decision"],
                         r.headers.get("x-sobria-rule")))
    assert seen == [
        (200, "gpt-4o", "allow", None),
        (200, "gpt-4o", "allow", None),
        (200, "gpt-4o", "warn", "budgets.alert_thresholds_percent"),
        (200, "gpt-4o-mini", "route", "budgets.on_exceeded"),
    ]
