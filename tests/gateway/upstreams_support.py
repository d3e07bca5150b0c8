"""Helpers for the gateway tests that need an upstream the fake does not play alone: the provider
refusing the gateway's key with 403 or 407 (and 401 on audio, whose fake answers before any fault),
and a streamed ``/v1/completions``. ``AuthFaults`` wraps the fake upstream (a real HTTP server):
a request whose body or path holds ``[fault:403]`` / ``fault403`` (401, 403, 407) gets that status
with a body quoting provider key material, as providers word it; everything else is the fake's."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import Gateway, build_gateway
from sobria.settings import Settings
from sobria.store.gateway_tables import budgets, requests
from sobria.store.tables import events
from tests.gateway.apis_support import ANTHROPIC_KEY, OPENAI_KEY
from tests.gateway.support import serve_in_thread

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_AUTH_MARK = re.compile(rb"\[?fault:?(401|403|407)\]?")
# what a provider's refusal may quote: the masked key, the whole key, the organisation's keys
KEY_MATERIAL = ("sk-proj-****************abcd", "sk-ant-api03-leaked-key-material", OPENAI_KEY, ANTHROPIC_KEY)


class AuthFaults:
    """The fake upstream, plus provider refusals of the gateway's key and streamed completions."""

    def __init__(self, inner: FakeUpstream) -> None:
        self.inner = inner
        self.refused: list[str] = []  # the path of each refused request

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        body = await read_all(receive)
        mark = _AUTH_MARK.search(body) or _AUTH_MARK.search(scope["path"].encode())
        if mark:
            self.refused.append(scope["path"])
            await reply(send, int(mark.group(1)), _refusal(scope["path"], int(mark.group(1))))
            return
        if scope["path"] == "/v1/completions" and json.loads(body or b"{}").get("stream"):
            self.inner.received.append(json.loads(body))
            await _stream_completion(json.loads(body), send)
            return
        await self.inner(scope, replay(body), send)


async def read_all(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def replay(body: bytes) -> Receive:
    """A ``receive`` that gives ``body`` again (the request was read to look for a fault)."""
    async def receive() -> MutableMapping[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}
    return receive


async def reply(send: Send, status: int, data: dict[str, Any]) -> None:
    body = json.dumps(data).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


def _refusal(path: str, status: int) -> dict[str, Any]:
    message = {401: f"Incorrect API key provided: {KEY_MATERIAL[0]}.",
               403: f"Key {KEY_MATERIAL[2]} of organisation org-42 may not use this model ({KEY_MATERIAL[1]})",
               407: f"Proxy authentication required for {KEY_MATERIAL[3]}"}[status]
    if path.startswith("/v1/messages"):
        return {"type": "error", "error": {"type": "authentication_error", "message": message}}
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}


async def _stream_completion(payload: dict[str, Any], send: Send) -> None:
    """OpenAI's streamed legacy completion: text chunks, a finish chunk, the usage-only chunk
    (``choices: []``) when ``stream_options.include_usage``, then ``[DONE]``."""
    prompt = str(payload.get("prompt"))
    words = ("echo: " + prompt).split(" ")
    base = {"id": "cmpl-fake", "object": "text_completion", "created": 0, "model": payload.get("model")}
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"text/event-stream")]})
    chunks = [{**base, "choices": [{"index": 0, "text": w if i == 0 else " " + w, "logprobs": None,
                                    "finish_reason": None}]} for i, w in enumerate(words)]
    chunks.append({**base, "choices": [{"index": 0, "text": "", "logprobs": None, "finish_reason": "stop"}]})
    if (payload.get("stream_options") or {}).get("include_usage"):
        usage = {"prompt_tokens": len(prompt.split()), "completion_tokens": len(words),
                 "total_tokens": len(prompt.split()) + len(words)}
        chunks.append({**base, "choices": [], "usage": usage})
    for chunk in chunks:
        await send({"type": "http.response.body", "body": b"data: " + json.dumps(chunk).encode() + b"\n\n",
                    "more_body": True})
    await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})


@dataclass
class Served:
    """A gateway (built from a configuration file) in front of upstreams, with one key."""

    url: str
    gw: Gateway
    key: str
    key_id: str

    def outcome(self, event_id: str) -> dict[str, Any]:
        """The event joined with its ``gateway_requests`` row, once drained."""
        self.gw.wait_drained()
        with self.gw.store.engine.connect() as conn:
            row = conn.execute(sa.select(events, requests.c.status_code, requests.c.error, requests.c.upstream,
                                         requests.c.fallbacks, requests.c.stream)
                               .join(requests, requests.c.event_id == events.c.event_id)
                               .where(events.c.event_id == event_id)).mappings().one()
        return dict(row)

    def budget(self, team: str) -> tuple[int, int]:
        """``(spent_ug, reserved_ug)`` of the team's rows (all months: a test runs within one), once drained."""
        self.gw.wait_drained()
        with self.gw.store.engine.connect() as conn:
            row = conn.execute(sa.select(sa.func.coalesce(sa.func.sum(budgets.c.spent_ug), 0),
                                         sa.func.coalesce(sa.func.sum(budgets.c.reserved_ug), 0))
                               .where(budgets.c.team == team)).one()
        return int(row[0]), int(row[1])


@contextlib.contextmanager
def serve_gateway(folder: Path, config_text: str, team: str | None = "commercial") -> Iterator[Served]:
    """A gateway of configuration ``config_text`` (its store and journal in ``folder``), served
    until the block ends, with one key of ``team``."""
    (folder / "gateway.yaml").write_text(f"store: sqlite:///{folder / 'g.db'}\njournal: {folder / 'journal'}\n"
                                         f"drain_interval_s: 0.05\n{config_text}", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOBRIA_TEST_OPENAI_KEY", OPENAI_KEY)
        patch.setenv("SOBRIA_TEST_ANTHROPIC_KEY", ANTHROPIC_KEY)
        gw = build_gateway(load_config(folder / "gateway.yaml"), Settings(db="sqlite://", keep_names=True))
        record, token = create_key(gw.store, "Alice", "p_alice", team)
        gw.keys.refresh()
        with serve_in_thread(GatewayApp(gw)) as url:
            yield Served(url, gw, token, record.id)
