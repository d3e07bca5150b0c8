"""The Anthropic Messages API, native (``POST /v1/messages`` streamed or not, ``POST
/v1/messages/count_tokens``), as Claude Code, the Claude Agent SDK and the ``anthropic`` SDK call it.

The client authenticates with its gateway key (``x-api-key``, or ``Authorization: Bearer``); the
body goes, unchanged but for redactions and routing, to an upstream of ``api: anthropic`` with the
organisation's key as ``x-api-key`` and its ``anthropic-version`` (the client's ``anthropic-beta``
passed on). The charter step is the chat path's own (``enforce.enforce_policy``): ``system``, text
blocks, ``tool_use`` inputs and ``tool_result`` contents are scanned, redacted or blocked. Usage
comes from ``message_start`` and ``message_delta`` (or the answer's ``usage``): ``input_tokens`` of
the event = uncached + ``cache_creation_input_tokens`` + ``cache_read_input_tokens``, its
``cached_input_tokens`` = the cache reads (the convention of the Anthropic usage importer). Errors
come in Anthropic's shape, ``{"type": "error", "error": {"type", "message"}}``.

``count_tokens`` runs no model: the charter's data rules apply (nothing leaves that it would block
or redact) but it is no usage: no event, no budget, no regeneration counted.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sobria.gateway.call import Call, Usage, close, finish
from sobria.gateway.enforce import enforce_policy
from sobria.gateway.forward import upstream_failure
from sobria.gateway.http import JSON_HEADERS, GatewayError, Receive, Scope, Send, header, read_body, send_bytes
from sobria.gateway.inbound import Inbound, max_tokens_of, read_json_body, text_chars
from sobria.gateway.keys import KeyRecord
from sobria.gateway.relay import Dialect, api_chain, relay
from sobria.gateway.runtime import Gateway
from sobria.gateway.upstream import Target

MESSAGES = "/v1/messages"
COUNT_TOKENS = "/v1/messages/count_tokens"
Authenticate = Callable[[Scope], Awaitable[KeyRecord]]
_ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 403: "permission_error",
                404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 504: "timeout_error",
                529: "overloaded_error"}
_PASSED_HEADERS = (b"anthropic-beta", b"anthropic-version")


def error_type(status: int) -> str:
    """Anthropic's error ``type`` for an HTTP status."""
    return _ERROR_TYPES.get(status, "api_error" if status >= 500 else "invalid_request_error")


def error_body(err: GatewayError) -> bytes:
    """A gateway error in Anthropic's shape (the SDK raises the matching exception)."""
    data = {"type": "error", "error": {"type": error_type(err.status), "message": err.message}}
    return json.dumps(data, ensure_ascii=False).encode()


def _stream_error(err: GatewayError) -> bytes:
    return b"event: error\ndata: " + error_body(err) + b"\n\n"


def anthropic_messages(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """``system`` and ``messages`` as chat messages: a user message made of ``tool_result`` blocks is
    a tool's answer, not a person's turn (Claude Code sends many)."""
    messages: list[dict[str, Any]] = []
    system = payload.get("system")
    if isinstance(system, str | list):
        messages.append({"role": "system", "content": system})
    for message in payload.get("messages") or ():
        if not isinstance(message, dict):
            continue
        content = message.get("content")
        blocks = content if isinstance(content, list) else []
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in blocks):
            messages.append({"role": "tool", "content": ""})
        elif isinstance(content, str):
            messages.append({"role": message.get("role"), "content": content})
        else:
            texts = [b for b in blocks if isinstance(b, dict) and b.get("type") == "text"]
            messages.append({"role": message.get("role"), "content": texts})
    return messages


def parse_messages(body: bytes, gw: Gateway) -> Inbound:
    """A Messages API body (also ``count_tokens``), validated (a 400 before anything leaves)."""
    t = gw.t
    payload = read_json_body(body, t)
    model = payload.get("model")
    if not isinstance(model, str) or not model:
        raise GatewayError(400, "missing_field", t("gateway.error.missing_field", field="model"), param="model")
    messages = payload.get("messages")
    if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
        raise GatewayError(400, "missing_field", t("gateway.error.missing_field", field="messages"),
                           param="messages")
    inbound = Inbound("chat", payload, model, payload.get("stream") is True, text_chars(payload),
                      api="anthropic", messages_of=anthropic_messages)
    inbound.max_tokens = max_tokens_of(payload)
    return inbound


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def usage_of(usage: Any) -> Usage | None:
    """An Anthropic ``usage`` block as the event's counts (cache writes and reads are input)."""
    if not isinstance(usage, dict):
        return None
    read = _count(usage.get("cache_read_input_tokens"))
    total = _count(usage.get("input_tokens")) + _count(usage.get("cache_creation_input_tokens")) + read
    return Usage(total, _count(usage.get("output_tokens")), read)


def answer_usage(answer: Any) -> Usage | None:
    return usage_of(answer.get("usage")) if isinstance(answer, dict) else None


def answer_text(answer: Any) -> str:
    content = answer.get("content") if isinstance(answer, dict) else None
    return "".join(b.get("text", "") for b in content if isinstance(b, dict)) if isinstance(content, list) else ""


@dataclass
class MessagesReader:
    """Reads a Messages stream: the usage of ``message_start``, updated by ``message_delta``."""

    done: bool = False
    failed: bool = False
    answer_id: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    chars: int = 0

    def read(self, event: str | None, data: Any) -> None:
        if not isinstance(data, dict):
            return
        kind = data.get("type") or event
        if kind == "message_start" and isinstance(data.get("message"), dict):
            message = data["message"]
            self.answer_id = message.get("id") if isinstance(message.get("id"), str) else None
            self._merge(message.get("usage"))
        elif kind == "message_delta":
            self._merge(data.get("usage"))
        elif kind == "content_block_delta" and isinstance(data.get("delta"), dict):
            delta = data["delta"]
            text = delta.get("text", delta.get("partial_json", delta.get("thinking")))
            self.chars += len(text) if isinstance(text, str) else 0
        elif kind == "message_stop":
            self.done = True
        elif kind == "error":
            self.done = self.failed = True

    def _merge(self, usage: Any) -> None:
        if isinstance(usage, dict):  # message_delta's counts are cumulative: the latest wins
            self.counts.update({k: v for k, v in usage.items() if isinstance(v, int) and not isinstance(v, bool)})

    def usage(self, input_chars: int, chars_per_token: float) -> Usage:
        if self.counts:
            found = usage_of(self.counts)
            assert found is not None
            return found
        return Usage(round(input_chars / chars_per_token), round(self.chars / chars_per_token))


@dataclass
class AnthropicApi:
    gw: Gateway
    authenticate: Authenticate

    def _dialect(self, scope: Scope, path: str) -> Dialect:
        passed = {name.decode(): value for name in _PASSED_HEADERS if (value := header(scope, name)) is not None}
        query = bytes(scope.get("query_string", b"")).decode("latin-1")  # Claude Code calls ``?beta=true``
        return Dialect(path=f"{path}?{query}" if query else path, answer_usage=answer_usage,
                       answer_text=answer_text, reader=MessagesReader, error_body=error_body,
                       stream_error=_stream_error, headers=passed)

    async def _charter(self, scope: Scope, receive: Receive, metered: bool) -> tuple[Call, bytes, list[Target]]:
        started = self.gw.clock.monotonic()
        gw = self.gw
        key = await self.authenticate(scope)
        body = await read_body(receive, gw.config.max_body_bytes, gw.config.body_timeout_s)
        call = await enforce_policy(gw, scope, key, parse_messages(body, gw), started, metered=metered)
        chain = api_chain(gw, call, "anthropic")
        if not chain:
            if call.model != call.inbound.model:  # the charter routed it to a model no Anthropic upstream serves
                err = GatewayError(403, "policy_blocked", gw.t("gateway_apis.routed_elsewhere",
                                                               requested=call.inbound.model, model=call.model,
                                                               rule=call.decision.rule or "-"),
                                   kind="permission_error", param="model")
            else:
                err = GatewayError(404, "model_not_found", gw.t("gateway_apis.no_anthropic_upstream",
                                                                model=call.model), param="model")
            if metered:
                finish(gw, call, err.status, None, error=err.code, sent=False)
            raise err
        return call, json.dumps(call.inbound.payload).encode() if call.rewritten else body, chain

    async def messages(self, scope: Scope, receive: Receive, send: Send) -> None:
        call, data, chain = await self._charter(scope, receive, metered=True)
        try:
            await relay(self.gw, call, data, send, self._dialect(scope, "/messages"), chain)
        finally:
            close(self.gw, call)

    async def count_tokens(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Counted by the upstream (no event); the next upstream on a timeout, refusal or 5xx."""
        gw = self.gw
        _call, data, chain = await self._charter(scope, receive, metered=False)
        dialect = self._dialect(scope, "/messages/count_tokens")
        code, status = "upstream_unreachable", None
        for target in chain:
            try:
                async with target.client().post(target.url(dialect.path), data=data,
                                                 headers={**target.headers, **dialect.headers}) as resp:
                    status, content = resp.status, await resp.read()
            except (TimeoutError, aiohttp.ClientError) as exc:
                code = "upstream_timeout" if isinstance(exc, TimeoutError) else "upstream_unreachable"
                continue
            if status == 429 or status >= 500:
                code = "upstream_rate_limited" if status == 429 else "upstream_error"
                continue
            if status in (401, 403, 407):
                raise upstream_failure(gw, "upstream_auth", status)
            await send_bytes(send, status, content, JSON_HEADERS)
            return
        raise upstream_failure(gw, code, status)
