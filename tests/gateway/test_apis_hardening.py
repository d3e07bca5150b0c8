"""The new APIs refuse what the gateway cannot read before anything leaves, as chat does: a lone
UTF-16 surrogate, a body nested too deep, a wrong method, a missing key (in each API's error shape)."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.apis_support import Apis, apis  # noqa: F401

BODIES = {
    "/v1/responses": '{"model": "gpt-4o-mini", "input": "x \\ud800"}',
    "/v1/messages": ('{"model": "claude-haiku-4-5", "max_tokens": 5, '
                     '"messages": [{"role": "user", "content": "x \\ud800"}]}'),
    "/v1/messages/count_tokens": '{"model": "claude-haiku-4-5", "messages": [{"role": "user", "content": "\\ud800"}]}',
    "/v1/audio/speech": '{"model": "tts-1", "voice": "alloy", "input": "x \\ud800"}',
    "/v1/moderations": '{"input": "x \\ud800"}',
}


@pytest.mark.parametrize("path", sorted(BODIES))
def test_unreadable_bodies_are_a_400_with_nothing_forwarded(apis: Apis, path: str) -> None:  # noqa: F811
    before = len(apis.upstream.received)
    headers = {"authorization": f"Bearer {apis.key}", "content-type": "application/json"}
    surrogate = httpx.post(f"{apis.url}{path}", content=BODIES[path].encode(), headers=headers)
    deep = httpx.post(f"{apis.url}{path}", content=b'{"model": "m", "input": ' + b"[" * 100 + b"]" * 100 + b"}",
                      headers=headers)
    assert (surrogate.status_code, deep.status_code) == (400, 400)
    if path.startswith("/v1/messages"):
        assert surrogate.json()["error"]["type"] == "invalid_request_error" and surrogate.json()["type"] == "error"
    else:
        assert (surrogate.json()["error"]["code"], deep.json()["error"]["code"]) == ("invalid_text", "invalid_json")
    assert len(apis.upstream.received) == before


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v1/messages", 405), ("GET", "/v1/responses", 405), ("POST", "/v1/responses/resp_1", 405),
    ("PUT", "/v1/responses/resp_1/cancel", 405), ("GET", "/v1/responses/resp_1/other", 404),
    ("GET", "/v1/audio/speech", 405)])
def test_wrong_methods_and_paths(apis: Apis, method: str, path: str, status: int) -> None:  # noqa: F811
    answer = httpx.request(method, f"{apis.url}{path}", headers={"authorization": f"Bearer {apis.key}"})
    assert answer.status_code == status


def test_no_key_is_a_401_in_each_shape(apis: Apis) -> None:  # noqa: F811
    anthropic = httpx.post(f"{apis.url}/v1/messages", json={"model": "claude-haiku-4-5"})
    openai = httpx.post(f"{apis.url}/v1/responses", json={"model": "gpt-4o-mini", "input": "x"})
    assert anthropic.status_code == openai.status_code == 401
    assert anthropic.json() == {"type": "error", "error": {"type": "authentication_error", "message": (
        "clé d'API manquante : en-tête « Authorization: Bearer <clé> » (ou « x-api-key: <clé> »)")}}
    assert openai.json()["error"]["code"] == "missing_api_key"
