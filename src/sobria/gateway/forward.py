"""Forwarding a call upstream and answering the client, streamed or not, faults included.

Every outcome — answer, upstream error, timeout, refused connection, malformed or cut-off
answer — makes the call's usage event (its footprint is in the answer's headers); the handler's
``call.close`` journals it once the answer is sent, off the answer's path.
"""

from __future__ import annotations

import json
from typing import Any

from sobria.gateway.call import Call, Usage, answered, call_headers, usage_from
from sobria.gateway.http import JSON_HEADERS, GatewayError, Send, error_body, send_bytes
from sobria.gateway.runtime import Gateway
from sobria.gateway.transport import UpstreamCutoffError, UpstreamUnreachableError
from sobria.gateway.upstream import Target

_FAULTS = (TimeoutError, UpstreamUnreachableError, UpstreamCutoffError)

_SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


def upstream_failure(gw: Gateway, code: str, status: int | None = None) -> GatewayError:
    """The client-facing error for an upstream fault (``status``: the upstream's own, if any)."""
    http = {"upstream_timeout": 504, "upstream_rate_limited": 429}.get(code, 502)  # upstream_auth too
    return GatewayError(http, code, gw.t(f"gateway.error.{code}", status=status or ""), kind="upstream_error")


async def forward(gw: Gateway, call: Call, body: bytes, send: Send, path: str) -> None:
    """Forward to the model's upstream, then to its fallbacks in order while one fails before
    answering (timeout, refused connection, 429, 5xx); the event names the upstream that answered
    and the ones that failed before it."""
    first = call.target
    assert first is not None, "routed before forwarding"
    data = json.dumps(call.inbound.payload).encode() if call.rewritten else body
    chain = [first, *(t for t in gw.upstreams.chain(call.model) if t is not first)]
    for index, target in enumerate(chain):
        call.target = target
        last = index == len(chain) - 1
        once = _stream if call.inbound.stream else _once
        if await once(gw, call, target, data, send, path, last):
            return


def _fell_back(call: Call, target: Target, why: str, last: bool) -> bool:
    """True (and noted in the call) when a failure is to be retried on the next upstream."""
    if last:
        return False
    call.fallbacks.append(f"{target.config.name}:{why}")
    return True


async def _once(gw: Gateway, call: Call, target: Target, data: bytes, send: Send, path: str, last: bool) -> bool:
    """One upstream, not streamed: True once the client has its answer, False to try the next one."""
    try:
        async with gw.upstreams.transport.post(target, path, data) as resp:
            status, content = resp.status, await resp.read()
            retry_after = resp.headers.get("Retry-After")
    except _FAULTS as exc:
        if _fell_back(call, target, _code(exc), last):
            return False
        await _fail(gw, call, send, _code(exc))
        return True
    if status >= 400:
        if (status == 429 or status >= 500) and _fell_back(call, target, str(status), last):
            return False
        await _upstream_status(gw, call, send, status, content, retry_after)
        return True
    try:
        answer = json.loads(content)
    except ValueError:
        await _fail(gw, call, send, "upstream_malformed")
        return True
    usage = usage_from(answer)
    if call.inbound.operation == "image":
        images = len(answer.get("data") or []) if isinstance(answer, dict) else 0
        usage = Usage(images=images)
    elif usage is None:
        usage = Usage(round(call.inbound.chars / gw.config.estimates.chars_per_token),
                      round(len(_answer_text(answer)) / gw.config.estimates.chars_per_token))
    footprint = answered(gw, call, 200, usage)
    await send_bytes(send, 200, content, [*JSON_HEADERS, *call_headers(gw, call, footprint)])
    return True


def _code(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "upstream_timeout"
    if isinstance(exc, UpstreamUnreachableError):
        return "upstream_unreachable"
    return "upstream_cutoff"


def _answer_text(answer: Any) -> str:
    choices = answer.get("choices") if isinstance(answer, dict) else None
    if not isinstance(choices, list):
        return ""
    texts = []
    for choice in choices:
        if isinstance(choice, dict):
            message = choice.get("message")
            text = message.get("content") if isinstance(message, dict) else choice.get("text")
            texts.append(str(text or ""))
    return "".join(texts)


async def _fail(gw: Gateway, call: Call, send: Send, code: str, status: int | None = None) -> None:
    error = upstream_failure(gw, code, status)
    footprint = answered(gw, call, error.status, None, error=code, sent=code != "upstream_unreachable")
    await send_bytes(send, error.status, error.body(), [*JSON_HEADERS, *call_headers(gw, call, footprint)])


async def _upstream_status(gw: Gateway, call: Call, send: Send, status: int, content: bytes,
                           retry_after: str | None) -> None:
    if status in (401, 403, 407) or status == 429 or status >= 500:
        # the provider refusing the gateway's own key is not the client's fault: a 502, and never the
        # provider's body (it quotes the masked provider key)
        code = {429: "upstream_rate_limited"}.get(status, "upstream_error" if status >= 500 else "upstream_auth")
        error = upstream_failure(gw, code, status)
        footprint = answered(gw, call, error.status, None, error=code)
        extra = [(b"retry-after", retry_after.encode())] if retry_after else []
        await send_bytes(send, error.status, error.body(), [*JSON_HEADERS, *extra, *call_headers(gw, call, footprint)])
        return
    footprint = answered(gw, call, status, None, error=f"upstream_{status}")  # the client's own mistake, as told
    await send_bytes(send, status, content, [*JSON_HEADERS, *call_headers(gw, call, footprint)])


async def _stream(gw: Gateway, call: Call, target: Target, data: bytes, send: Send, path: str,
                  last: bool = True) -> bool:
    """One upstream, streamed: True once the client has its answer, False to try the next one (only
    before the first byte went to the client)."""
    relay = _Relay(gw.config.estimates.chars_per_token, call.strip_usage_chunk)
    started = False
    try:
        async with gw.upstreams.transport.post(target, path, data) as resp:
            if resp.status >= 400:
                if (resp.status == 429 or resp.status >= 500) and _fell_back(call, target, str(resp.status), last):
                    return False
                content = await resp.read()
                await _upstream_status(gw, call, send, resp.status, content, resp.headers.get("Retry-After"))
                return True
            await send({"type": "http.response.start", "status": 200,
                        "headers": [*_SSE_HEADERS, *call_headers(gw, call, call.estimate, estimated=True)]})
            started = True
            async for chunk in resp.chunks():
                out = relay.feed(chunk)
                if out:
                    await send({"type": "http.response.body", "body": out, "more_body": True})
                if relay.error is not None:
                    break
    except _FAULTS as exc:
        if not started:
            if _fell_back(call, target, _code(exc), last):
                return False
            await _fail(gw, call, send, _code(exc))
            return True
        relay.error = relay.error or _code(exc)
    if relay.error is None and not relay.done:
        relay.error = "upstream_cutoff"
    usage = relay.usage(call.inbound.chars)
    if relay.error is None:
        answered(gw, call, 200, usage)
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
        return True
    error = upstream_failure(gw, relay.error)
    answered(gw, call, error.status, usage, error=relay.error)
    body = b"data: " + error_body(error.message, error.kind, error.code) + b"\n\n"
    await send({"type": "http.response.body", "body": body, "more_body": False})
    return True


class _Relay:
    """Splits an SSE stream into events, passes them on, reads usage and spots faults."""

    def __init__(self, chars_per_token: float, strip_usage_chunk: bool = False) -> None:
        self.strip_usage_chunk = strip_usage_chunk
        self.buffer = b""
        self.done = False
        self.error: str | None = None
        self.reported: Usage | None = None
        self.chars = 0
        self.chars_per_token = chars_per_token

    def feed(self, chunk: bytes) -> bytes:
        self.buffer += chunk
        out: list[bytes] = []
        while not self.done and self.error is None:
            end = self.buffer.find(b"\n\n")
            if end < 0:
                break
            event, self.buffer = self.buffer[:end], self.buffer[end + 2:]
            if self._read(event):
                out.append(event + b"\n\n")
        return b"".join(out)

    def _read(self, event: bytes) -> bool:
        """True if the event is to be passed on (not the usage-only chunk the client did not ask for)."""
        passed = True
        for line in event.split(b"\n"):
            if not line.startswith(b"data:"):
                continue
            payload = line[5:].strip()
            if payload == b"[DONE]":
                self.done = True
                return False
            try:
                data = json.loads(payload)
            except ValueError:
                self.error = "upstream_malformed"
                return False
            self._count(data)
            if self.strip_usage_chunk and isinstance(data, dict) and data.get("choices") == [] and "usage" in data:
                passed = False
        return passed

    def _count(self, data: Any) -> None:
        usage = usage_from(data)
        if usage is not None:
            self.reported = usage
        choices = data.get("choices") if isinstance(data, dict) else None
        for choice in choices if isinstance(choices, list) else ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if isinstance(delta, dict) and isinstance(delta.get("content"), str):
                self.chars += len(delta["content"])

    def usage(self, input_chars: int) -> Usage:
        if self.reported is not None:
            return self.reported
        return Usage(round(input_chars / self.chars_per_token), round(self.chars / self.chars_per_token))
