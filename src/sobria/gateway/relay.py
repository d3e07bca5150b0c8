"""Forwarding a call in another API dialect (OpenAI Responses, Anthropic Messages): the fallback
chain, the statuses and faults of ``forward.py``, with the dialect's usage, stream events and error
shape. Every outcome makes the call's usage event; the handler's ``call.close`` journals it once the
answer is sent.

A stream is relayed event by event, as it comes (``event:`` and ``data:`` lines up to a blank line);
each event's JSON is read for the usage and the answer's id, and the stream is complete at the
dialect's final event (``response.completed``, ``message_stop``). An error event of the upstream is
passed on as it is; a fault of the gateway's own (cut-off, malformed line) ends the stream with the
dialect's error event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import aiohttp

from sobria.gateway.call import Call, Usage, answered, call_headers
from sobria.gateway.forward import upstream_failure
from sobria.gateway.http import JSON_HEADERS, GatewayError, Send, send_bytes
from sobria.gateway.runtime import Gateway
from sobria.gateway.upstream import Target

SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
_AUTH = (401, 403, 407)


class StreamReader(Protocol):
    """What a dialect reads from its stream events (one reader per request)."""

    done: bool  # the final event arrived
    failed: bool  # the upstream sent its own error event (passed on)
    answer_id: str | None

    def read(self, event: str | None, data: Any) -> None: ...

    def usage(self, input_chars: int, chars_per_token: float) -> Usage: ...


@dataclass(frozen=True)
class Dialect:
    """How one API is forwarded: its upstream path, usage, stream reader and error bodies."""

    path: str  # upstream path after the base URL (``/responses``, ``/messages``)
    answer_usage: Callable[[Any], Usage | None]  # the usage of a non-streamed answer
    answer_text: Callable[[Any], str]  # its text, when it reports no usage
    reader: Callable[[], StreamReader]
    error_body: Callable[[GatewayError], bytes]
    stream_error: Callable[[GatewayError], bytes]  # the whole SSE event ending a broken stream
    headers: dict[str, str] = field(default_factory=dict)  # request headers for the upstream (anthropic-beta)
    binary: bool = False  # the answer may be other than JSON (audio, text): passed on with its content type
    running: Callable[[Any], bool] = lambda answer: False  # a background answer: its usage comes later


@dataclass
class Outcome:
    """What the client got: the answer's id (a Responses id, for the conversation links); ``running``:
    a background response, answered before it ran (the call's event waits for its end)."""

    answer_id: str | None = None
    running: bool = False


async def relay(gw: Gateway, call: Call, data: bytes, send: Send, dialect: Dialect,
                chain: list[Target]) -> Outcome:
    """Forward to each upstream of ``chain`` in turn while one fails before answering."""
    outcome = Outcome()
    for index, target in enumerate(chain):
        call.target = target
        last = index == len(chain) - 1
        once = _stream if call.inbound.stream else _once
        if await once(gw, call, target, data, send, dialect, last, outcome):
            break
    return outcome


def api_chain(gw: Gateway, call: Call, api: str) -> list[Target]:
    """The upstreams of dialect ``api`` (``openai``, ``anthropic``) serving the call's model, the one
    the charter routed it to first, then its fallbacks in the file's order."""
    first = [call.target] if call.target is not None else []
    chain = [*first, *(t for t in gw.upstreams.chain(call.model) if t is not call.target)]
    return [t for t in chain if t.config.api == api]


def _fell_back(call: Call, target: Target, why: str, last: bool) -> bool:
    if last:
        return False
    call.fallbacks.append(f"{target.config.name}:{why}")
    return True


def _timeout(target: Target) -> aiohttp.ClientTimeout:
    cfg = target.config
    return aiohttp.ClientTimeout(total=cfg.timeout_s, sock_connect=cfg.connect_timeout_s, sock_read=cfg.timeout_s)


def _code(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "upstream_timeout"
    if isinstance(exc, aiohttp.ClientConnectorError):
        return "upstream_unreachable"
    return "upstream_cutoff"


def _retryable(status: int) -> bool:
    return status == 429 or status >= 500  # 529: Anthropic's "overloaded"


async def _once(gw: Gateway, call: Call, target: Target, data: bytes, send: Send, dialect: Dialect,
                last: bool, outcome: Outcome) -> bool:
    try:
        async with target.client().post(target.url(dialect.path), data=data,
                                         headers={**target.headers, **dialect.headers},
                                         timeout=_timeout(target)) as resp:
            status, content = resp.status, await resp.read()
            retry_after = resp.headers.get("Retry-After")
            kind = resp.headers.get("Content-Type", "application/json")
    except (TimeoutError, aiohttp.ClientError) as exc:
        if _fell_back(call, target, _code(exc), last):
            return False
        await _fail(gw, call, send, dialect, _code(exc))
        return True
    if status >= 400:
        if _retryable(status) and _fell_back(call, target, str(status), last):
            return False
        await _upstream_status(gw, call, send, dialect, status, content, retry_after)
        return True
    answer: Any = None
    if not dialect.binary or kind.startswith("application/json"):
        try:
            answer = json.loads(content)
        except ValueError:
            await _fail(gw, call, send, dialect, "upstream_malformed")
            return True
    outcome.answer_id = answer.get("id") if isinstance(answer, dict) and isinstance(answer.get("id"), str) else None
    if outcome.answer_id is not None and dialect.running(answer):
        outcome.running = True
        headers = [(b"content-type", kind.encode("latin-1")), *call_headers(gw, call, call.estimate, pending=True)]
        await send_bytes(send, 200, content, headers)
        return True
    cpt = gw.config.estimates.chars_per_token
    text = dialect.answer_text(answer) if answer is not None else ""
    usage = dialect.answer_usage(answer) or Usage(round(call.inbound.chars / cpt), round(len(text) / cpt))
    footprint = answered(gw, call, 200, usage)
    headers = [(b"content-type", kind.encode("latin-1")), *call_headers(gw, call, footprint)]
    await send_bytes(send, 200, content, headers)
    return True


async def _fail(gw: Gateway, call: Call, send: Send, dialect: Dialect, code: str, status: int | None = None) -> None:
    error = upstream_failure(gw, code, status)
    footprint = answered(gw, call, error.status, None, error=code, sent=code != "upstream_unreachable")
    await send_bytes(send, error.status, dialect.error_body(error), [*JSON_HEADERS, *call_headers(gw, call, footprint)])


async def _upstream_status(gw: Gateway, call: Call, send: Send, dialect: Dialect, status: int, content: bytes,
                           retry_after: str | None) -> None:
    if status in _AUTH or _retryable(status):
        # the provider refusing the gateway's own key is not the client's fault: a 502, and never the
        # provider's body (it may quote the masked provider key)
        code = {429: "upstream_rate_limited"}.get(status, "upstream_error" if status >= 500 else "upstream_auth")
        error = upstream_failure(gw, code, status)
        footprint = answered(gw, call, error.status, None, error=code)
        extra = [(b"retry-after", retry_after.encode())] if retry_after else []
        await send_bytes(send, error.status, dialect.error_body(error),
                         [*JSON_HEADERS, *extra, *call_headers(gw, call, footprint)])
        return
    footprint = answered(gw, call, status, None, error=f"upstream_{status}")  # the client's own mistake, as told
    await send_bytes(send, status, content, [*JSON_HEADERS, *call_headers(gw, call, footprint)])


async def _stream(gw: Gateway, call: Call, target: Target, data: bytes, send: Send, dialect: Dialect,
                  last: bool, outcome: Outcome) -> bool:
    events = _Events(dialect.reader())
    started = False
    try:
        async with target.client().post(target.url(dialect.path), data=data,
                                         headers={**target.headers, **dialect.headers},
                                         timeout=_timeout(target)) as resp:
            if resp.status >= 400:
                if _retryable(resp.status) and _fell_back(call, target, str(resp.status), last):
                    return False
                content = await resp.read()
                await _upstream_status(gw, call, send, dialect, resp.status, content, resp.headers.get("Retry-After"))
                return True
            await send({"type": "http.response.start", "status": 200,
                        "headers": [*SSE_HEADERS, *call_headers(gw, call, call.estimate, estimated=True)]})
            started = True
            async for chunk in resp.content.iter_any():
                out = events.feed(chunk)
                if out:
                    await send({"type": "http.response.body", "body": out, "more_body": True})
                if events.error is not None or events.reader.done:
                    break
    except (TimeoutError, aiohttp.ClientError) as exc:
        if not started:
            if _fell_back(call, target, _code(exc), last):
                return False
            await _fail(gw, call, send, dialect, _code(exc))
            return True
        events.error = events.error or _code(exc)
    reader = events.reader
    outcome.answer_id = reader.answer_id
    usage = reader.usage(call.inbound.chars, gw.config.estimates.chars_per_token)
    if events.error is None and reader.failed:
        answered(gw, call, 502, usage, error="upstream_error")  # its error event went to the client as it was
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    if events.error is None and not reader.done:
        events.error = "upstream_cutoff"
    if events.error is None:
        answered(gw, call, 200, usage)
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True
    error = upstream_failure(gw, events.error)
    answered(gw, call, error.status, usage, error=events.error)
    await send({"type": "http.response.body", "body": dialect.stream_error(error), "more_body": False})
    return True


class _Events:
    """Splits an SSE stream into events, passes them on, and hands each one's JSON to the reader."""

    def __init__(self, reader: StreamReader) -> None:
        self.reader = reader
        self.buffer = b""
        self.error: str | None = None

    def feed(self, chunk: bytes) -> bytes:
        self.buffer += chunk.replace(b"\r\n", b"\n")
        out: list[bytes] = []
        while self.error is None and not self.reader.done:
            end = self.buffer.find(b"\n\n")
            if end < 0:
                break
            event, self.buffer = self.buffer[:end], self.buffer[end + 2:]
            if self._read(event):
                out.append(event + b"\n\n")
        return b"".join(out)

    def _read(self, event: bytes) -> bool:
        name: str | None = None
        data: list[bytes] = []
        for line in event.split(b"\n"):
            if line.startswith(b"event:"):
                name = line[6:].strip().decode("utf-8", "replace")
            elif line.startswith(b"data:"):
                data.append(line[5:].strip())
        if not data:
            return bool(event.strip())  # a comment or keep-alive line: passed on
        try:
            payload = json.loads(b"\n".join(data))
        except ValueError:
            self.error = "upstream_malformed"
            return False
        self.reader.read(name, payload)
        return True
