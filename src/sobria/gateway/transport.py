"""How the gateway reaches an upstream, and what time it is: both injectable.

:class:`AiohttpTransport` is the real one (a pooled aiohttp session per upstream, see
:mod:`sobria.gateway.upstream`). :class:`ASGITransport` calls an ASGI application in the same
process, without a socket (the bundled fake upstream, in tests and demos); a transport may also
raise the faults itself (:class:`UpstreamUnreachableError`, :class:`UpstreamCutoffError`,
``TimeoutError``), so that a test of the charter needs no network and no real timeout. A
:class:`Clock` gives the wall time of events and budget months and the monotonic time of latencies
and regeneration windows; tests move a :class:`ManualClock` instead of sleeping.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, MutableMapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import urlsplit

import aiohttp

if TYPE_CHECKING:
    from sobria.gateway.upstream import Target


class UpstreamUnreachableError(Exception):
    """No connection to the upstream (refused, unknown host)."""


class UpstreamCutoffError(Exception):
    """The connection broke while the answer was coming."""


class UpstreamResponse(Protocol):
    @property
    def status(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    async def read(self) -> bytes: ...

    def chunks(self) -> AsyncIterator[bytes]: ...


class Transport(Protocol):
    def post(self, target: Target, path: str, data: bytes) -> AbstractAsyncContextManager[UpstreamResponse]:
        """POST ``data`` to ``path`` (without ``/v1``) of ``target``; faults as this module's errors."""
        ...


class Clock(Protocol):
    def wall_us(self) -> int:
        """Microseconds since the Unix epoch (UTC)."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (latencies, windows)."""
        ...


class SystemClock:
    def wall_us(self) -> int:
        return time.time_ns() // 1000

    def monotonic(self) -> float:
        return time.perf_counter()


@dataclass
class ManualClock:
    """A clock that moves only when told to (``advance``)."""

    wall: int = 1_767_225_600_000_000  # 2026-01-01T00:00:00Z
    mono: float = 1000.0

    def wall_us(self) -> int:
        return self.wall

    def monotonic(self) -> float:
        return self.mono

    def advance(self, seconds: float) -> None:
        self.wall += round(seconds * 1_000_000)
        self.mono += seconds


@dataclass(slots=True)
class _AiohttpResponse:
    resp: aiohttp.ClientResponse

    @property
    def status(self) -> int:
        return self.resp.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self.resp.headers

    async def read(self) -> bytes:
        try:
            return await self.resp.read()
        except TimeoutError:
            raise
        except aiohttp.ClientError as exc:
            raise UpstreamCutoffError(str(exc)) from exc

    async def chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.resp.content.iter_any():
                yield chunk
        except TimeoutError:
            raise
        except aiohttp.ClientError as exc:
            raise UpstreamCutoffError(str(exc)) from exc


class AiohttpTransport:
    """The real transport: each upstream's pooled aiohttp session, its timeouts."""

    @asynccontextmanager
    async def post(self, target: Target, path: str, data: bytes) -> AsyncIterator[UpstreamResponse]:
        cfg = target.config
        timeout = aiohttp.ClientTimeout(total=cfg.timeout_s, sock_connect=cfg.connect_timeout_s,
                                        sock_read=cfg.timeout_s)
        try:
            async with target.client().post(target.url(path), data=data, headers=target.headers,
                                             timeout=timeout) as resp:
                yield _AiohttpResponse(resp)
        except TimeoutError:
            raise
        except aiohttp.ClientConnectorError as exc:
            raise UpstreamUnreachableError(str(exc)) from exc
        except aiohttp.ClientError as exc:
            raise UpstreamCutoffError(str(exc)) from exc


Message = MutableMapping[str, Any]
ASGIApp = Callable[[MutableMapping[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]],
                   Awaitable[None]]


Chunks = asyncio.Queue[bytes | BaseException | None]  # body parts, then None (the end) or the app's error


@dataclass
class _ASGIResponse:
    status: int
    headers: Mapping[str, str]
    queue: Chunks

    async def read(self) -> bytes:
        return b"".join([chunk async for chunk in self.chunks()])

    async def chunks(self) -> AsyncIterator[bytes]:
        while (chunk := await self.queue.get()) is not None:
            if isinstance(chunk, BaseException):
                raise UpstreamCutoffError(str(chunk))
            yield chunk


@dataclass
class ASGITransport:
    """Calls an ASGI application in this process (``apps``: one per upstream ``base_url`` host and
    port, or ``app`` for all), as its server would, honouring the upstream's ``timeout_s``."""

    app: ASGIApp | None = None
    apps: dict[str, ASGIApp] = field(default_factory=dict)

    @asynccontextmanager
    async def post(self, target: Target, path: str, data: bytes) -> AsyncIterator[UpstreamResponse]:
        url = urlsplit(target.url(path))
        app = self.apps.get(url.netloc, self.app)
        if app is None:
            raise UpstreamUnreachableError(f"no application at {url.netloc}")
        queue: Chunks = asyncio.Queue()
        started: asyncio.Future[tuple[int, dict[str, str]]] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(self._run(app, url.path, data, target.headers, started, queue))
        try:
            async with asyncio.timeout(target.config.timeout_s):
                status, headers = await asyncio.shield(started)
            yield _ASGIResponse(status, headers, queue)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    @staticmethod
    async def _run(app: ASGIApp, path: str, data: bytes, headers: Mapping[str, str],
                   started: asyncio.Future[tuple[int, dict[str, str]]], queue: Chunks) -> None:
        scope = {"type": "http", "method": "POST", "path": path, "query_string": b"", "client": ("127.0.0.1", 0),
                 "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]}
        sent = False

        async def receive() -> Message:
            nonlocal sent
            if sent:
                await asyncio.Event().wait()  # no disconnect while the app runs
            sent = True
            return {"type": "http.request", "body": data, "more_body": False}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                started.set_result((int(message["status"]), {k.decode(): v.decode()
                                                             for k, v in message.get("headers", [])}))
            elif message["type"] == "http.response.body":
                if message.get("body"):
                    queue.put_nowait(bytes(message["body"]))
                if not message.get("more_body"):
                    queue.put_nowait(None)

        try:
            await app(scope, receive, send)
        except Exception as exc:  # the app broke the connection: what a server would do
            if not started.done():
                started.set_exception(UpstreamCutoffError(str(exc)))
            queue.put_nowait(exc)
