"""ASGI plumbing: reading a bounded body, sending JSON, OpenAI-style errors."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Headers = list[tuple[bytes, bytes]]

JSON_HEADERS: Headers = [(b"content-type", b"application/json")]


class BodyTooLargeError(Exception):
    """The client sent more bytes than ``max_body_bytes``."""


class BodyTimeoutError(Exception):
    """The client did not send its whole body within ``body_timeout_s`` (a slow-read probe)."""


@dataclass
class GatewayError(Exception):
    """A request that ends with an error the client sees (OpenAI error format)."""

    status: int
    code: str
    message: str
    kind: str = "invalid_request_error"
    param: str | None = None
    headers: Headers | None = None

    def body(self) -> bytes:
        return error_body(self.message, self.kind, self.code, self.param)


def error_body(message: str, kind: str, code: str, param: str | None = None) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "param": param, "code": code}},
                      ensure_ascii=False).encode()


async def read_body(receive: Receive, limit: int, timeout_s: float | None = None) -> bytes:
    """The whole body, at most ``limit`` bytes, all of it within ``timeout_s`` (None: no deadline)."""
    try:
        async with asyncio.timeout(timeout_s):
            return await _read(receive, limit)
    except TimeoutError:
        raise BodyTimeoutError from None


def headers_size(scope: Scope) -> int:
    """Bytes of the request's header names and values."""
    return sum(len(k) + len(v) for k, v in scope["headers"])


async def _read(receive: Receive, limit: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    return b"".join(chunks)


async def send_bytes(send: Send, status: int, body: bytes, headers: Headers) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [*headers, (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def send_json(send: Send, status: int, data: Any, headers: Headers | None = None) -> None:
    await send_bytes(send, status, json.dumps(data, ensure_ascii=False).encode(), [*JSON_HEADERS, *(headers or [])])


async def send_error(send: Send, error: GatewayError, headers: Headers | None = None) -> None:
    await send_bytes(send, error.status, error.body(), [*JSON_HEADERS, *(error.headers or []), *(headers or [])])


def header(scope: Scope, name: bytes) -> str | None:
    """A request header (lower-case name), decoded (UTF-8, else Latin-1); None when absent."""
    for key, value in scope["headers"]:
        if key == name:
            raw = bytes(value)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError:
                return raw.decode("latin-1")
    return None


def bearer(scope: Scope) -> str | None:
    """The token of ``Authorization: Bearer <token>`` (the scheme is case-insensitive, RFC 6750 and
    RFC 9110 §11.1); None for any other form, a bare token included."""
    given = header(scope, b"authorization")
    if given is None:
        return None
    scheme, _, token = given.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def client_token(scope: Scope) -> str | None:
    """A client's API key, as the SDKs send it: ``Authorization: Bearer`` (OpenAI), ``x-api-key``
    (Anthropic) or ``api-key`` (Azure OpenAI)."""
    token = bearer(scope)
    if token:
        return token
    for name in (b"x-api-key", b"api-key"):
        value = (header(scope, name) or "").strip()
        if value:
            return value
    return None
