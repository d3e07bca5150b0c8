"""The gateway with an injected upstream transport and clock: charter behaviour in one process, no
socket, no sleep and no real timeout (the end-to-end path keeps its real-server tests)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from sobria.catalog import load_catalog
from sobria.gateway.app import GatewayApp
from sobria.gateway.budgets import month_of
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import Gateway, build_gateway
from sobria.gateway.transport import ASGITransport, ManualClock, UpstreamResponse, UpstreamUnreachableError
from sobria.gateway.upstream import Target
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from sobria.settings import Settings
from tests.gateway.support import write_config, write_policy

JAN_31_LAST_SECOND = 1_769_903_999_000_000  # 2026-01-31T23:59:59Z


class RefusingTransport:
    """Every upstream refuses the connection, or times out, at once."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error
        self.calls: list[str] = []

    @asynccontextmanager
    async def post(self, target: Target, path: str, data: bytes) -> AsyncIterator[UpstreamResponse]:
        self.calls.append(target.config.name)
        raise self.error("injected")
        yield  # pragma: no cover


def _gateway(tmp_path: Path, transport: Any, clock: ManualClock) -> tuple[Gateway, str]:
    config = load_config(write_config(tmp_path, "http://upstream.invalid", write_policy(tmp_path)))
    gw = build_gateway(config, Settings(db="sqlite://", keep_names=True), transport=transport, clock=clock)
    _record, key = create_key(gw.store, "Alice", "p_alice", "commercial")
    gw.keys.refresh()
    return gw, key


def _post(gw: Gateway, key: str, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=GatewayApp(gw))
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            return [await client.post("/v1/chat/completions", json=body, headers={"Authorization": f"Bearer {key}"})
                    for body in bodies]
    return asyncio.run(run())


def _journal(gw: Gateway) -> list[dict[str, Any]]:
    assert gw.journal.path is not None
    lines = gw.journal.path.read_bytes().splitlines()
    return [record for record in map(json.loads, lines) if "event" in record]


def _chat(text: str, **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **extra}


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(wall=JAN_31_LAST_SECOND)


@pytest.fixture
def in_process(tmp_path: Path, clock: ManualClock) -> Iterator[tuple[Gateway, str, FakeUpstream]]:
    fake = FakeUpstream()
    gw, key = _gateway(tmp_path, ASGITransport(app=fake), clock)
    yield gw, key, fake
    gw.budgets.close()


def test_an_answer_through_the_in_process_upstream(in_process: tuple[Gateway, str, FakeUpstream],
                                                   clock: ManualClock) -> None:
    gw, key, fake = in_process
    [r] = _post(gw, key, [_chat("Écris à jean.dupont@client.fr")])
    assert r.status_code == 200
    assert r.json()["choices"][0]["message"]["content"] == "echo: Écris à [EMAIL_1]"
    assert fake.received[-1]["messages"][0]["content"] == "Écris à [EMAIL_1]"
    [record] = _journal(gw)
    event = record["event"]
    assert (event["ts_us"], event["latency_ms"]) == (JAN_31_LAST_SECOND, None)  # the clock's; no time passed
    assert record["gw"]["reservation"][:2] == ["commercial", "2026-01"]
    # the recorded footprint is the estimator's for the same request, figure for figure
    direct = estimate_request(Estimator(load_catalog()), Request(
        "openai", "gpt-4o-mini", output_tokens=event["output_tokens"], input_tokens=event["input_tokens"],
        operation="chat"))
    assert (event["gwp_kgco2e_min"], event["gwp_kgco2e_max"], event["energy_kwh_min"], event["energy_kwh_max"],
            event["water_l_max"], event["est_cost_eur"], event["impact_status"]) == (
        direct.gwp_kgco2e.min, direct.gwp_kgco2e.max, direct.energy_kwh.min, direct.energy_kwh.max,
        direct.water_l.max, direct.cost_eur, direct.status)
    assert r.headers["x-sobria-carbon-g"] == f"{(direct.gwp_kgco2e.min + direct.gwp_kgco2e.max) / 2 * 1000:.6g}"


def test_a_stream_through_the_in_process_upstream(in_process: tuple[Gateway, str, FakeUpstream]) -> None:
    gw, key, _fake = in_process
    [r] = _post(gw, key, [_chat("Trois idées", stream=True)])
    events = [e for e in r.text.split("\n\n") if e]
    assert events[-1] == "data: [DONE]"
    assert all(json.loads(e.removeprefix("data: "))["choices"] for e in events[:-1])  # no usage-only chunk
    [record] = _journal(gw)
    assert (record["gw"]["outcome"]["stream"], record["event"]["output_tokens"]) == (True, 3)  # the fake counts words


def test_the_budget_month_follows_the_clock(in_process: tuple[Gateway, str, FakeUpstream], clock: ManualClock) -> None:
    gw, key, _fake = in_process
    _post(gw, key, [_chat("fin janvier")])
    clock.advance(1.0)
    _post(gw, key, [_chat("début février")])
    months = [r["gw"]["reservation"][1] for r in _journal(gw)]
    assert months == ["2026-01", "2026-02"] == [month_of(JAN_31_LAST_SECOND), month_of(clock.wall_us())]
    assert (gw.store.budget("commercial", "2026-01").reserved_ug > 0,
            gw.store.budget("commercial", "2026-02").reserved_ug > 0) == (True, True)


def test_the_regeneration_window_follows_the_clock(in_process: tuple[Gateway, str, FakeUpstream],
                                                   clock: ManualClock) -> None:
    gw, key, _fake = in_process
    decisions = [r.headers["x-sobria-decision"] for r in _post(gw, key, [_chat("Même question")] * 5)]
    assert decisions == ["allow", "allow", "allow", "allow", "warn"]  # the 4th regeneration is over 3
    clock.advance(3601)  # past the hour: a new request, not a regeneration
    [later] = _post(gw, key, [_chat("Même question")])
    assert later.headers["x-sobria-decision"] == "allow"


@pytest.mark.parametrize(("error", "status", "code"), [
    (TimeoutError, 504, "upstream_timeout"),
    (UpstreamUnreachableError, 502, "upstream_unreachable"),
])
def test_upstream_faults_without_waiting(tmp_path: Path, clock: ManualClock, error: type[Exception], status: int,
                                         code: str) -> None:
    transport = RefusingTransport(error)
    gw, key = _gateway(tmp_path, transport, clock)
    try:
        [r] = _post(gw, key, [_chat("Bonjour")])
    finally:
        gw.budgets.close()
    assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert transport.calls == ["fake"]
    [record] = _journal(gw)
    assert (record["gw"]["outcome"]["status_code"], record["gw"]["outcome"]["error"]) == (status, code)
