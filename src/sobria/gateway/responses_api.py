"""The OpenAI Responses API (``POST /v1/responses``, streamed or not; ``GET``/``DELETE
/v1/responses/{id}`` passed through), as the Agents SDK and Codex call it.

The charter step is the chat path's own (``enforce.enforce_policy``: every text of ``input`` and
``instructions`` scanned, redacted or blocked, the model routed, the budget reserved); the usage
comes from the answer (``usage.input_tokens``, ``input_tokens_details.cached_tokens``,
``output_tokens``, ``output_tokens_details.reasoning_tokens``; in a stream, from
``response.completed``). ``previous_response_id`` links a request to its conversation
(``response_links``). A ``background: true`` request is answered before it runs: its event waits for
the response's end (``background``).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sobria.gateway.background import BackgroundCalls, is_running, read_stored
from sobria.gateway.call import Usage, close, finish, usage_from
from sobria.gateway.enforce import enforce_policy
from sobria.gateway.forward import upstream_failure
from sobria.gateway.http import GatewayError, Receive, Scope, Send, read_body, send_bytes
from sobria.gateway.inbound import Inbound, max_tokens_of, read_json_body, text_chars
from sobria.gateway.keys import KeyRecord
from sobria.gateway.relay import Dialect, api_chain, relay
from sobria.gateway.response_links import ResponseLinks
from sobria.gateway.runtime import Gateway
from sobria.gateway.upstream import Target

PATH = "/v1/responses"
Authenticate = Callable[[Scope], Awaitable[KeyRecord]]
_FINAL = frozenset({"response.completed", "response.incomplete"})
_FAILED = frozenset({"response.failed", "error"})


def responses_messages(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """``instructions`` and ``input`` as chat messages (role, content): the thread's shape for the
    fingerprint, the conversation id and the thread signal."""
    messages: list[dict[str, Any]] = []
    instructions = payload.get("instructions")
    if isinstance(instructions, str):
        messages.append({"role": "system", "content": instructions})
    items = payload.get("input")
    if isinstance(items, str):
        return [*messages, {"role": "user", "content": items}]
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        kind = item.get("type", "message")
        if kind == "message" or "role" in item:
            messages.append({"role": item.get("role"), "content": item.get("content")})
        elif kind == "function_call":
            messages.append({"role": "assistant", "content": ""})
        elif isinstance(kind, str) and kind.endswith("_output"):
            messages.append({"role": "tool", "content": ""})
    return messages


def parse_responses(body: bytes, gw: Gateway) -> Inbound:
    """A ``POST /v1/responses`` body, validated (a 400 before anything leaves)."""
    t = gw.t
    payload = read_json_body(body, t)
    model = payload.get("model")
    if not isinstance(model, str) or not model:
        raise GatewayError(400, "missing_field", t("gateway.error.missing_field", field="model"), param="model")
    given = payload.get("input")
    valid = (isinstance(given, str) and bool(given)) or (isinstance(given, list) and bool(given))
    if not valid and not (given is None and "prompt" in payload):
        raise GatewayError(400, "missing_field", t("gateway.error.missing_field", field="input"), param="input")
    for name in ("previous_response_id",):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise GatewayError(400, "invalid_value", t("gateway.error.not_text", field=name), param=name)
    inbound = Inbound("chat", payload, model, payload.get("stream") is True, text_chars(payload),
                      api="responses", messages_of=responses_messages)
    inbound.max_tokens = max_tokens_of(payload)
    return inbound


def answer_text(answer: Any) -> str:
    output = answer.get("output") if isinstance(answer, dict) else None
    texts: list[str] = []
    for item in output if isinstance(output, list) else ():
        content = item.get("content") if isinstance(item, dict) else None
        for part in content if isinstance(content, list) else ():
            if isinstance(part, dict) and isinstance(part.get("text"), str):
                texts.append(part["text"])
    return "".join(texts)


@dataclass
class ResponsesReader:
    """Reads a Responses stream: the id (``response.created``), text deltas, the final usage."""

    done: bool = False
    failed: bool = False
    answer_id: str | None = None
    reported: Usage | None = None
    chars: int = 0

    def read(self, event: str | None, data: Any) -> None:
        if not isinstance(data, dict):
            return
        kind = data.get("type") or event
        response = data.get("response")
        if isinstance(response, dict):
            if self.answer_id is None and isinstance(response.get("id"), str):
                self.answer_id = response["id"]
            self.reported = usage_from(response) or self.reported
        if kind == "response.output_text.delta" and isinstance(data.get("delta"), str):
            self.chars += len(data["delta"])
        elif kind in _FINAL:
            self.done = True
        elif kind in _FAILED:
            self.done = self.failed = True

    def usage(self, input_chars: int, chars_per_token: float) -> Usage:
        if self.reported is not None:
            return self.reported
        return Usage(round(input_chars / chars_per_token), round(self.chars / chars_per_token))


def _stream_error(err: GatewayError) -> bytes:
    data = {"type": "error", "code": err.code, "message": err.message, "param": err.param, "sequence_number": 0}
    return b"event: error\ndata: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n"


DIALECT = Dialect(path="/responses", answer_usage=usage_from, answer_text=answer_text, reader=ResponsesReader,
                  error_body=GatewayError.body, stream_error=_stream_error, running=is_running)


@dataclass
class ResponsesApi:
    gw: Gateway
    authenticate: Authenticate
    links: ResponseLinks = field(default_factory=ResponseLinks)
    background: BackgroundCalls = field(init=False)

    def __post_init__(self) -> None:
        self.background = BackgroundCalls(self.gw)

    async def create(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = self.gw.clock.monotonic()
        gw = self.gw
        key = await self.authenticate(scope)
        body = await read_body(receive, gw.config.max_body_bytes, gw.config.body_timeout_s)
        inbound = parse_responses(body, gw)
        named = inbound.payload.get("conversation")
        named_id = named.get("id") if isinstance(named, dict) else named
        placed = self.links.place(key.id, inbound, inbound.payload.get("previous_response_id"),
                                  named_id if isinstance(named_id, str) else None)
        call = await enforce_policy(gw, scope, key, inbound, started)
        outcome = None
        try:
            chain = api_chain(gw, call, "openai")
            if not chain:
                finish(gw, call, 404, None, error="model_not_found", sent=False)
                raise GatewayError(404, "model_not_found", gw.t("gateway.error.unknown_model", model=call.model),
                                   param="model")
            data = json.dumps(call.inbound.payload).encode() if call.rewritten else body
            outcome = await relay(gw, call, data, send, DIALECT, chain)
        finally:
            if outcome is not None and outcome.running and outcome.answer_id and call.target is not None:
                self.background.hold(call, outcome.answer_id, call.target)
            else:
                close(gw, call)
        self.links.remember(outcome.answer_id, key.id, placed, call.target.config.name if call.target else None)

    async def stored(self, scope: Scope, receive: Receive, send: Send) -> None:
        """``GET``/``DELETE /v1/responses/{id}`` (and ``GET …/input_items``, ``POST …/cancel``) passed
        through to the upstream that answered it; no usage event (no model runs). An id this process
        relayed for another key is a 404 (the upstream's key is shared by everyone)."""
        gw = self.gw
        key = await self.authenticate(scope)
        await read_body(receive, gw.config.max_body_bytes, gw.config.body_timeout_s)
        rest = scope["path"].removeprefix(PATH + "/")
        answer_id = rest.split("/", 1)[0]
        link = self.links.get(answer_id)
        if link is not None and link.key_id != key.id:
            raise GatewayError(404, "not_found", gw.t("gateway_apis.response_not_found", id=answer_id))
        target = self._target(link.upstream if link is not None else None)
        query = scope.get("query_string", b"").decode("latin-1")
        try:
            status, content, kind = await read_stored(target, rest, scope["method"], query)
        except (TimeoutError, aiohttp.ClientError) as exc:
            code = "upstream_timeout" if isinstance(exc, TimeoutError) else "upstream_unreachable"
            raise upstream_failure(gw, code) from None
        if status in (401, 403, 407) or status >= 500:
            raise upstream_failure(gw, "upstream_auth" if status < 500 else "upstream_error", status)
        if scope["method"] == "DELETE" and status < 300:
            self.links.forget(answer_id)
        elif status == 200 and answer_id in self.background.pending:
            with contextlib.suppress(ValueError):
                self.background.seen(answer_id, json.loads(content))
        await send_bytes(send, status, content, [(b"content-type", kind.encode("latin-1"))])

    def _target(self, name: str | None) -> Target:
        targets = [t for t in self.gw.upstreams.targets if t.config.api == "openai"]
        for target in targets:
            if target.config.name == name:
                return target
        if not targets:
            raise GatewayError(404, "not_found", self.gw.t("gateway_apis.no_upstream", api="OpenAI"))
        return targets[0]
