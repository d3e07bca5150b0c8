"""Upstream faults and bad client input: a clear OpenAI-style error, the event still recorded."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
import sqlalchemy as sa

from sobria.gateway.keys import create_key, revoke_key
from sobria.store.gateway_tables import requests
from tests.gateway.conftest import Running


@pytest.fixture
def client(running: Running) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{running.url}/v1", api_key=running.key, max_retries=0) as client:
        yield client


def _chat(running: Running, text: str, model: str = "gpt-4o-mini", stream: bool = False) -> httpx.Response:
    return httpx.post(f"{running.url}/v1/chat/completions", headers={"Authorization": f"Bearer {running.key}"},
                      json={"model": model, "stream": stream, "messages": [{"role": "user", "content": text}]},
                      timeout=10)


def _outcome(running: Running, event_id: str) -> tuple[int, str | None]:
    running.drain()
    with running.gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(requests.c.status_code, requests.c.error)
                           .where(requests.c.event_id == event_id)).one()
    return int(row[0]), row[1]


@pytest.mark.parametrize(("fault", "status", "code"), [
    ("timeout", 504, "upstream_timeout"),
    ("429", 429, "upstream_rate_limited"),
    ("500", 502, "upstream_error"),
    ("malformed", 502, "upstream_malformed"),
])
def test_upstream_fault_not_streamed(running: Running, fault: str, status: int, code: str) -> None:
    r = _chat(running, f"bonjour [fault:{fault}]")
    assert (r.status_code, r.json()["error"]["code"]) == (status, code)
    assert _outcome(running, r.headers["x-sobria-event-id"]) == (status, code)


def test_upstream_refused(running: Running) -> None:
    r = _chat(running, "bonjour", model="gpt-refused")
    assert (r.status_code, r.json()["error"]["code"]) == (502, "upstream_unreachable")
    assert r.json()["error"]["message"] == "le fournisseur est injoignable (connexion refusée ou impossible)"
    assert _outcome(running, r.headers["x-sobria-event-id"]) == (502, "upstream_unreachable")


@pytest.mark.parametrize(("fault", "code", "status"), [
    ("cutoff", "upstream_cutoff", 502), ("malformed", "upstream_malformed", 502), ("reset", "upstream_cutoff", 502),
    ("timeout", "upstream_timeout", 504), ("429", "upstream_rate_limited", 429),
])
def test_upstream_fault_streamed(running: Running, client: openai.OpenAI, fault: str, code: str, status: int) -> None:
    with pytest.raises(openai.APIError) as caught:
        for _chunk in client.chat.completions.create(
                model="gpt-4o-mini", stream=True,
                messages=[{"role": "user", "content": f"un deux trois quatre cinq six sept [fault:{fault}]"}]):
            pass
    assert getattr(caught.value, "code", None) == code or code in str(caught.value.body)
    running.drain()
    with running.gw.store.engine.connect() as conn:
        last = conn.execute(sa.select(requests.c.status_code, requests.c.error, requests.c.stream)
                            .where(requests.c.error == code, requests.c.stream.is_(True))).all()
    assert [(s, e) for s, e, _ in last][-1] == (status, code)


def _post(running: Running, body: bytes, key: str | None = None, path: str = "/v1/chat/completions"
          ) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key or running.key}", "Content-Type": "application/json"}
    return httpx.post(f"{running.url}{path}", headers=headers, content=body)


@pytest.mark.parametrize(("body", "status", "code", "message"), [
    (b"{not json", 400, "invalid_json", None),
    (b"[1, 2]", 400, "invalid_json", "le corps de la requête doit être un objet JSON"),
    (b'{"messages": [{"role": "user", "content": "x"}]}', 400, "missing_field",
     "champ obligatoire manquant ou invalide : « model »"),
    (b'{"model": "gpt-4o-mini"}', 400, "missing_field", "champ obligatoire manquant ou invalide : « messages »"),
    (b'{"model": "llama-inconnu", "messages": [{"role": "user", "content": "x"}]}', 404, "model_not_found",
     "modèle inconnu de la passerelle : « llama-inconnu » (voir GET /v1/models)"),
    (b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "' + b"x" * 70000 + b'"}]}', 413,
     "body_too_large", "requête trop volumineuse (limite : 65536 octets)"),
])
def test_bad_input_is_a_clear_4xx(running: Running, body: bytes, status: int, code: str,
                                  message: str | None) -> None:
    r = _post(running, body)
    error = r.json()["error"]
    assert (r.status_code, error["code"]) == (status, code)
    if message is not None:
        assert error["message"] == message


def test_keys_missing_unknown_revoked(running: Running) -> None:
    body = b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}'
    none = httpx.post(f"{running.url}/v1/chat/completions", content=body)
    assert (none.status_code, none.json()["error"]["code"]) == (401, "missing_api_key")
    unknown = _post(running, body, key="sk-sobria-nope")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (401, "invalid_api_key")
    record, token = create_key(running.gw.store, "Bob", None, "support")
    assert _post(running, body, key=token).status_code == 200
    revoke_key(running.gw.store, record.id)
    running.gw.keys.refresh()
    revoked = _post(running, body, key=token)
    assert (revoked.status_code, revoked.json()["error"]["code"]) == (401, "key_revoked")


def test_wrong_method_and_path(running: Running) -> None:
    auth = {"Authorization": f"Bearer {running.key}"}
    assert httpx.get(f"{running.url}/v1/chat/completions", headers=auth).status_code == 405
    assert httpx.get(f"{running.url}/v2/nothing", headers=auth).json()["error"]["code"] == "not_found"
