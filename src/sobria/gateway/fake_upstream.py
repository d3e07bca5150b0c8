"""A fake OpenAI-compatible upstream: a real HTTP server for tests and benchmarks.

It answers ``/v1/chat/completions`` (streaming or not), ``/v1/completions``, ``/v1/embeddings``,
``/v1/images/generations`` and ``/v1/models`` with deterministic content: the answer echoes the
last user text (so a test can see what left the gateway), usage counts words; and the Responses
API, Anthropic's Messages API, audio and moderations (``fake_apis``). It records every request's
JSON body (a form's text fields) in ``received`` and its headers in ``headers``. A fixed latency and a
fault can be configured for the whole server, and a request can ask for a fault by containing
``[fault:NAME]`` in its text. Faults: ``timeout`` (never answers), ``401`` (the gateway's key
refused), ``429``, ``500``, ``malformed`` (invalid JSON, or an invalid stream line), ``cutoff`` (the
stream ends without its final chunk), ``reset`` (the connection is dropped mid-stream).

Run it with ``python -m sobria.gateway.fake_upstream --port 9000 --latency-ms 20``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

from sobria.gateway.fake_apis import ANTHROPIC, AUDIO, RESPONSES, FakeApis, request_text

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

FAULTS = ("none", "timeout", "401", "429", "500", "malformed", "cutoff", "reset")
MODELS = ("gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "dall-e-3", "gpt-image-1")
_FAULT_MARK = re.compile(r"\[fault:([a-z0-9]+)\]")
_JSON = [(b"content-type", b"application/json")]
_SSE = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


class UpstreamResetError(Exception):
    """Raised inside the app to make the server drop the connection mid-stream (the ``reset`` fault)."""


@dataclass(frozen=True)
class FakeOptions:
    latency_ms: float = 0.0
    fault: str = "none"
    stream_chunks: int = 5
    timeout_s: float = 3600.0


class FakeUpstream:
    """The ASGI application of the fake upstream."""

    def __init__(self, options: FakeOptions | None = None) -> None:
        self.options = options or FakeOptions()
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.paths: list[str] = []   # the path of each request, in order
        self.apis = FakeApis()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await _lifespan(receive, send)
            return
        body = await _read_body(receive)
        path = scope["path"]
        headers = {bytes(k).decode("latin-1").lower(): bytes(v).decode("latin-1") for k, v in scope["headers"]}
        headers[":query"] = bytes(scope.get("query_string", b"")).decode("latin-1")
        self.headers.append(headers)
        self.paths.append(path)

        async def reply(status: int, data: dict[str, Any]) -> None:
            await _send(send, status, data)

        if path in AUDIO:
            await self.apis.audio(path, body, headers.get("content-type"), reply, send, self.received.append)
            return
        if path == "/v1/models":
            data = [{"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in MODELS]
            await _send(send, 200, {"object": "list", "data": data})
            return
        try:
            payload = json.loads(body) if body else {}
        except ValueError:
            await _send(send, 400, _error("invalid json"))
            return
        self.received.append(payload)
        other = path in ANTHROPIC or path == RESPONSES or path.startswith(RESPONSES + "/")
        text = request_text(path, payload) if other else _texts(payload)
        mark = _FAULT_MARK.search(text)
        fault = mark.group(1) if mark else self.options.fault
        if self.options.latency_ms:
            await asyncio.sleep(self.options.latency_ms / 1000)
        if fault == "timeout":
            await asyncio.sleep(self.options.timeout_s)
        if fault == "401":  # as OpenAI words it: the provider's key, masked
            await _send(send, 401, _error("Incorrect API key provided: sk-proj-****************abcd."))
            return
        if fault in ("429", "500"):
            await _send(send, int(fault), _error(f"fake fault {fault}"), [(b"retry-after", b"1")])
            return
        if other and (fault != "malformed" or payload.get("stream")):
            await self.apis.answer(path, scope["method"], payload, fault, send, reply)
            return
        await self._answer(path, payload, text, fault, send)

    async def _answer(self, path: str, payload: dict[str, Any], text: str, fault: str, send: Send) -> None:
        if fault == "malformed" and not payload.get("stream"):
            await _send_raw(send, 200, b'{"id": "broken", "choices": [', _JSON)
        elif path == "/v1/chat/completions" and payload.get("stream"):
            await self._stream(payload, text, fault, send)
        elif path in ("/v1/chat/completions", "/v1/completions"):
            await _send(send, 200, _completion(path, payload, text))
        elif path == "/v1/embeddings":
            inputs = payload.get("input")
            items = inputs if isinstance(inputs, list) else [inputs]
            data = [{"object": "embedding", "index": i, "embedding": [0.125] * 8} for i in range(len(items))]
            usage = {"prompt_tokens": _words(text), "total_tokens": _words(text)}
            await _send(send, 200, {"object": "list", "data": data, "model": payload.get("model"), "usage": usage})
        elif path == "/v1/images/generations":
            count = int(payload.get("n") or 1)
            data = [{"url": f"https://images.invalid/{i}.png"} for i in range(count)]
            await _send(send, 200, {"created": 0, "data": data})
        else:
            await _send(send, 404, _error(f"unknown path {path}"))

    async def _stream(self, payload: dict[str, Any], text: str, fault: str, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": _SSE})
        words = _answer_text(text).split(" ")
        model = payload.get("model")
        per_chunk = max(1, -(-len(words) // self.options.stream_chunks))
        parts = [" ".join(words[i:i + per_chunk]) for i in range(0, len(words), per_chunk)]
        for index, part in enumerate(parts):
            if index == 1 and fault in ("cutoff", "reset", "malformed"):
                if fault == "reset":
                    raise UpstreamResetError
                if fault == "malformed":
                    await _chunk(send, b"data: {oops\n\n")
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            delta = {"content": part if index == 0 else " " + part}
            await _chunk(send, _sse({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
                                     "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}))
        await _chunk(send, _sse({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
                                 "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
        if (payload.get("stream_options") or {}).get("include_usage"):
            await _chunk(send, _sse({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "model": model,
                                     "choices": [], "usage": _usage(text)}))
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})


def _texts(payload: dict[str, Any]) -> str:
    """Every text of a request, joined: messages' contents, prompt or input."""
    parts: list[str] = []
    for message in payload.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text", "")) for p in content if isinstance(p, dict))
    for name in ("prompt", "input"):
        value = payload.get(name)
        if isinstance(value, str):
            parts.append(value)
        elif isinstance(value, list):
            parts.extend(str(v) for v in value)
    return "\n".join(parts)


def _words(text: str) -> int:
    return len(text.split())


def _answer_text(text: str) -> str:
    return "echo: " + text


def _usage(text: str) -> dict[str, int]:
    prompt, completion = _words(text), _words(_answer_text(text))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _completion(path: str, payload: dict[str, Any], text: str) -> dict[str, Any]:
    answer = _answer_text(text)
    if path == "/v1/completions":
        choice: dict[str, Any] = {"index": 0, "text": answer, "finish_reason": "stop"}
        kind = "text_completion"
    else:
        choice = {"index": 0, "message": {"role": "assistant", "content": answer}, "finish_reason": "stop"}
        kind = "chat.completion"
    return {"id": "cmpl-fake", "object": kind, "created": 0, "model": payload.get("model"),
            "choices": [choice], "usage": _usage(text)}


def _error(message: str) -> dict[str, Any]:
    return {"error": {"message": message, "type": "fake_error", "param": None, "code": None}}


def _sse(data: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(data).encode() + b"\n\n"


async def _chunk(send: Send, body: bytes) -> None:
    await send({"type": "http.response.body", "body": body, "more_body": True})


async def _send(send: Send, status: int, data: dict[str, Any],
                extra: list[tuple[bytes, bytes]] | None = None) -> None:
    await _send_raw(send, status, json.dumps(data).encode(), [*_JSON, *(extra or [])])


async def _send_raw(send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(prog="python -m sobria.gateway.fake_upstream")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--fault", choices=FAULTS, default="none")
    parser.add_argument("--stream-chunks", type=int, default=5)
    args = parser.parse_args(argv)
    app = FakeUpstream(FakeOptions(args.latency_ms, args.fault, args.stream_chunks))
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False, timeout_keep_alive=75)


if __name__ == "__main__":
    main()
