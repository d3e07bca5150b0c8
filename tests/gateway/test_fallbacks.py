"""Ordered fallback upstreams: a timeout, a refused connection, a 429 or a 5xx tries the next one."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
import sqlalchemy as sa

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeOptions, FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import Gateway, build_gateway
from sobria.settings import Settings
from sobria.store.gateway_tables import requests
from tests.gateway.support import free_port, serve_in_thread, write_policy


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Gateway, str, FakeUpstream]]:
    folder = tmp_path_factory.mktemp("fallback")
    failing, healthy = FakeUpstream(FakeOptions(fault="500")), FakeUpstream()
    with serve_in_thread(failing) as failing_url, serve_in_thread(healthy) as healthy_url:
        text = (f"policy: {write_policy(folder)}\ntool: passerelle-sobria\nstore: sqlite:///{folder / 'f.db'}\n"
                f"journal: {folder / 'journal'}\ndrain_interval_s: 0.05\nupstreams:\n"
                f"  - {{name: refused, base_url: 'http://127.0.0.1:{free_port()}/v1', models: [gpt-4o-mini]}}\n"
                f"  - {{name: broken, base_url: '{failing_url}/v1', models: [gpt-4o-mini, gpt-4o]}}\n"
                f"  - {{name: backup, base_url: '{healthy_url}/v1', provider: openai, models: ['*']}}\n")
        (folder / "gateway.yaml").write_text(text, encoding="utf-8")
        gw = build_gateway(load_config(folder / "gateway.yaml"), Settings(db="sqlite://", keep_names=True))
        _record, token = create_key(gw.store, "Alice", "p_alice", "commercial")
        with serve_in_thread(GatewayApp(gw)) as url:
            yield url, gw, token, healthy


def _outcome(gw: Gateway, event_id: str) -> tuple[int, str | None, str | None]:
    gw.wait_drained()
    with gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(requests.c.status_code, requests.c.upstream, requests.c.fallbacks)
                           .where(requests.c.event_id == event_id)).one()
    return int(row[0]), row[1], row[2]


@pytest.mark.parametrize("stream", [False, True])
def test_the_next_upstream_answers_and_the_event_says_which(chain: tuple[str, Gateway, str, FakeUpstream],
                                                            stream: bool) -> None:
    url, gw, token, healthy = chain
    before = len(healthy.received)
    r = httpx.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {token}"},
                   json={"model": "gpt-4o-mini", "stream": stream, "messages": [{"role": "user", "content": "salut"}]})
    assert r.status_code == 200
    if stream:
        chunks = [json.loads(line[6:]) for line in r.text.splitlines() if line.startswith("data: {")]
        text = "".join(c["choices"][0]["delta"].get("content") or "" for c in chunks)
    else:
        text = r.json()["choices"][0]["message"]["content"]
    assert text == "echo: salut"
    assert len(healthy.received) == before + 1
    assert _outcome(gw, r.headers["x-sobria-event-id"]) == (200, "backup", "refused:upstream_unreachable, broken:500")


def test_an_error_that_is_not_a_fault_is_not_retried(chain: tuple[str, Gateway, str, FakeUpstream]) -> None:
    url, gw, token, healthy = chain
    before = len(healthy.received)
    r = httpx.post(f"{url}/v1/chat/completions", headers={"Authorization": f"Bearer {token}"},
                   json={"model": "gpt-4o", "messages": [{"role": "user", "content": "salut [fault:401]"}]})
    assert (r.status_code, r.json()["error"]["code"]) == (502, "upstream_auth")
    assert len(healthy.received) == before
    # (the charter routed the heavy model to gpt-4o-mini, whose first upstream refuses connections)
    assert _outcome(gw, r.headers["x-sobria-event-id"]) == (502, "broken", "refused:upstream_unreachable")


def test_the_pool_orders_a_models_upstreams(chain: tuple[str, Gateway, str, FakeUpstream]) -> None:
    gw = chain[1]
    assert [t.config.name for t in gw.upstreams.chain("gpt-4o-mini")] == ["refused", "broken", "backup"]
    assert [t.config.name for t in gw.upstreams.chain("gpt-4o")] == ["broken", "backup"]
    assert [t.config.name for t in gw.upstreams.chain("mistral-small")] == ["backup"]
