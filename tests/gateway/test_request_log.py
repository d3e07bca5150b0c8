"""The request log says which API each request called (``gateway_requests.endpoint``), whatever the
dialect: the audit and the operators can count usage per API."""

from __future__ import annotations

import httpx
import pytest

from tests.gateway.apis_support import Apis, apis  # noqa: F401

CASES = [
    ("/v1/chat/completions", {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "bonjour"}]}),
    ("/v1/completions", {"model": "gpt-4o-mini", "prompt": "bonjour"}),
    ("/v1/embeddings", {"model": "text-embedding-3-small", "input": "bonjour"}),
    ("/v1/responses", {"model": "gpt-4o-mini", "input": "bonjour"}),
    ("/v1/messages", {"model": "claude-haiku-4-5", "max_tokens": 20, "messages": [{"role": "user",
                                                                                   "content": "bonjour"}]}),
    ("/v1/audio/speech", {"model": "tts-1", "voice": "alloy", "input": "bonjour"}),
    ("/v1/moderations", {"input": "bonjour"}),
]


@pytest.mark.parametrize(("path", "body"), CASES)
def test_each_request_records_the_api_it_called(apis: Apis, path: str, body: dict[str, object]) -> None:  # noqa: F811
    auth = ({"x-api-key": apis.key, "anthropic-version": "2023-06-01"} if path == "/v1/messages"
            else {"authorization": f"Bearer {apis.key}"})
    answer = httpx.post(apis.url + path, json=body, headers=auth)
    assert answer.status_code == 200, answer.text
    event = apis.event(answer.headers["x-sobria-event-id"])
    assert (event["endpoint"], event["status_code"]) == (path, 200)
