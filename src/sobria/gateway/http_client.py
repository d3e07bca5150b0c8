"""A lean HTTP/1.1 client for the gateway's upstream POSTs: one bounded keep-alive pool per upstream.

Why not aiohttp on this path: its client (session, request and response objects, stream reader,
timers) was the largest single block of the gateway's CPU per request under cProfile. This client
does only what the upstream POST needs, on asyncio's Protocol (uvloop or not), with
:class:`httptools.HttpResponseParser` (llhttp, in C) reading the answers.

What it does: ``http`` and ``https`` (``ssl.create_default_context()``, SNI and certificate checked
against the host), a ``Host`` header, the caller's headers, a ``Content-Length`` body; answers framed
by ``Content-Length``, chunked, or by the end of the connection; streamed answers as they come; at
most ``limit`` connections per upstream (idle ones reused last-in first-out, closed after
:data:`KEEPALIVE_S` idle, as aiohttp's default). Not sent: ``Accept-Encoding`` (so no compressed
answer), ``User-Agent``, ``Expect``. Not done: redirects, cookies, proxies, HTTP/2.

Timeouts, as :class:`~sobria.gateway.transport.AiohttpTransport` applies them: one deadline for the
whole exchange (waiting for a free connection, connecting, sending, the answer and its whole body,
until the exchange ends), and a connect timeout (TCP and TLS) within it; both raise ``TimeoutError``.

Retry: a POST to a model is not idempotent, so a request is never sent twice. A pooled connection
found closed (or closing) before the request is written is dropped and another one, or a fresh one,
is used: nothing was sent on it. Once a byte of the request went out, a connection that breaks
without an answer is :class:`~sobria.gateway.transport.UpstreamCutoffError` (the upstream may have
started the work), as with aiohttp, which retries only idempotent methods.

This module holds the connections and their pool; the exchange the transport hands out (one POST,
its answer) is :mod:`sobria.gateway.http_exchange`.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections import deque
from urllib.parse import quote, urlsplit

import httptools

from sobria.gateway.transport import UpstreamCutoffError, UpstreamUnreachableError

KEEPALIVE_S = 15.0  # an idle connection older than this is closed, not reused (aiohttp's default)
HIGH_WATER = 1 << 16  # unread answer bytes above which the socket stops being read
_SAFE_PATH = "/%:@!$&'()*+,;=-._~?"


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The process's client TLS context (system certificates), built once: building one costs ms."""
    return ssl.create_default_context()


class Headers(dict[str, str]):
    """An answer's headers: names lower-cased, looked up whatever their case; repeated ones joined."""

    def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
        return dict.get(self, key.lower(), default)

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and dict.__contains__(self, key.lower())


class Connection(asyncio.Protocol):
    """One connection to the upstream and the answer being read on it."""

    def __init__(self, pool: ConnectionPool) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.closed = False  # end of stream, reset or closed by us: not reusable
        self.idle_since = 0.0
        self.waiter: asyncio.Future[None] | None = None
        self.reset()

    def reset(self) -> None:
        self.active = False  # a request is on the wire, its answer not yet all read
        self.status = 0
        self.headers = Headers()
        self.headers_done = False
        self.interim = False
        self.complete = False
        self.keep_alive = False
        self.framed = False
        self.received = 0
        self.body: list[bytes] = []
        self.buffered = 0
        self.paused = False
        self.error: BaseException | None = None

    # asyncio's callbacks

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a stream transport (create_connection)

    def data_received(self, data: bytes) -> None:
        if not self.active or self.complete:  # bytes nobody asked for: the connection is unusable
            self._close()
            return
        self.received += len(data)
        try:
            self.parser.feed_data(data)
        except Exception as exc:  # httptools' parser errors: not HTTP, or not the HTTP announced
            self._fail(UpstreamCutoffError(f"invalid HTTP answer: {exc!r}"))
        self._wake()

    def eof_received(self) -> bool:
        self._lost(None)
        return False  # the transport closes itself

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost(exc)

    # httptools' callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        key, text = name.decode("latin-1").lower(), value.decode("latin-1")
        previous = dict.get(self.headers, key)
        dict.__setitem__(self.headers, key, text if previous is None else f"{previous}, {text}")

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200:  # an interim answer (100 Continue...): the real one follows
            self.interim = True
            self.headers = Headers()
            return
        self.status = status
        self.headers_done = True
        headers = self.headers
        self.framed = ("content-length" in headers or "chunked" in dict.get(headers, "transfer-encoding", "").lower()
                       or status in (204, 304))

    def on_body(self, body: bytes) -> None:
        self.body.append(body)
        self.buffered += len(body)
        if self.buffered > HIGH_WATER and not self.paused and self.transport is not None:
            self.paused = True
            self.transport.pause_reading()

    def on_message_complete(self) -> None:
        if self.interim:
            self.interim = False
            return
        self.complete = True
        self.keep_alive = self.parser.should_keep_alive()

    # the exchange's side

    def send(self, head: bytes, data: bytes) -> None:
        assert self.transport is not None
        self.active = True
        if len(data) > HIGH_WATER:
            self.transport.writelines((head, data))
        else:
            self.transport.write(head + data)

    async def wait(self) -> None:
        """Until the next event: bytes, the end of the answer, a fault."""
        waiter = self.waiter = self.pool.loop.create_future()
        try:
            await waiter
        finally:
            self.waiter = None

    def take(self) -> bytes:
        """The answer's bytes read so far (and not yet taken)."""
        body = self.body
        data = body[0] if len(body) == 1 else b"".join(body)
        body.clear()
        self.buffered = 0
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        return data

    def expire(self) -> None:
        """The exchange's deadline passed (a timer callback)."""
        if not self.complete and self.error is None:
            self.error = TimeoutError("upstream answer too slow")
            self._close()
        self._wake()

    def usable(self, now: float) -> bool:
        return (not self.closed and self.transport is not None and not self.transport.is_closing()
                and now - self.idle_since <= self.pool.keepalive_s)

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _fail(self, error: BaseException) -> None:
        if self.error is None:
            self.error = error
        self._close()

    def _close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def _lost(self, exc: BaseException | None) -> None:
        self.closed = True
        if self.active and not self.complete and self.error is None:
            if self.headers_done and not self.framed:  # an answer that ends with its connection
                self.complete = True
                self.keep_alive = False
            else:
                why = f": {exc}" if exc is not None else ""
                self.error = UpstreamCutoffError(f"upstream closed the connection before the answer's end{why}")
        elif not self.active:
            self.pool.forget(self)
        self._wake()


class ConnectionPool:
    """The keep-alive connections to one upstream (``base_url``: scheme, host, port), ``limit`` at most."""

    def __init__(self, base_url: str, limit: int, keepalive_s: float = KEEPALIVE_S) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url}")
        tls = parts.scheme == "https"
        self.host = parts.hostname
        self.port = parts.port or (443 if tls else 80)
        self.ssl = tls_context() if tls else None
        host = f"[{self.host}]" if ":" in self.host else self.host
        self.host_header = host if self.port == (443 if tls else 80) else f"{host}:{self.port}"
        self.prefix = parts.path.rstrip("/")
        self.limit = limit
        self.keepalive_s = keepalive_s
        self.loop = asyncio.get_running_loop()
        self.idle: list[Connection] = []  # last released last
        self.count = 0  # open or opening, idle or busy
        self.waiters: deque[asyncio.Future[None]] = deque()
        self.closed = False
        self._cleanup: asyncio.TimerHandle | None = None
        self._paths: dict[str, bytes] = {}

    def request_line(self, path: str) -> bytes:
        """``POST prefix+path HTTP/1.1`` and the Host header (``path``: after the base URL's own path,
        such as ``/v1``; cached, the paths are few)."""
        line = self._paths.get(path)
        if line is None:
            target = quote(self.prefix + path, safe=_SAFE_PATH)
            line = f"POST {target} HTTP/1.1\r\nHost: {self.host_header}\r\n".encode("latin-1")
            if len(self._paths) < 256:
                self._paths[path] = line
        return line

    async def acquire(self, deadline: float, connect_timeout_s: float) -> Connection:
        """An idle live connection, else a new one once there is room (``deadline``: the loop's time)."""
        idle = self.idle
        if idle:
            now = self.loop.time()
            while idle:
                conn = idle.pop()
                if conn.usable(now):
                    return conn
                self.discard(conn)
        async with asyncio.timeout_at(deadline):
            while self.count >= self.limit:
                waiter = self.loop.create_future()
                self.waiters.append(waiter)
                try:
                    await waiter
                except BaseException:
                    if waiter in self.waiters:
                        self.waiters.remove(waiter)
                    elif waiter.done() and not waiter.cancelled():
                        self._wake_one()  # woken, but leaving: the next one's turn
                    raise
                now = self.loop.time()
                while idle:
                    conn = idle.pop()
                    if conn.usable(now):
                        return conn
                    self.discard(conn)
            if self.loop.time() >= deadline:   # woken as the deadline passed: no connection started
                raise TimeoutError("no upstream connection free in time")
            self.count += 1
        try:
            return await self._connect(min(deadline, self.loop.time() + connect_timeout_s))
        except BaseException:
            self.count -= 1
            self._wake_one()
            raise

    async def _connect(self, deadline: float) -> Connection:
        if self.closed:
            raise UpstreamUnreachableError("the upstream's connection pool is closed")
        try:
            async with asyncio.timeout_at(deadline):
                transport, conn = await self.loop.create_connection(
                    lambda: Connection(self), self.host, self.port, ssl=self.ssl,
                    server_hostname=self.host if self.ssl is not None else None)
        except OSError as exc:  # refused, unknown host, TLS handshake or certificate (ssl.SSLError)
            if self.loop.time() >= deadline:   # cut by the deadline (a waiter woken at its end): a timeout
                raise TimeoutError(f"connecting to {self.host}:{self.port} took too long") from exc
            raise UpstreamUnreachableError(f"cannot connect to {self.host}:{self.port}: {exc}") from exc
        conn.transport = transport  # uvloop may call connection_made only after the await returns
        return conn

    def release(self, conn: Connection) -> None:
        """The exchange on ``conn`` is over: kept for the next one if it can be, else closed."""
        if self.closed or conn.closed or not (conn.complete and conn.keep_alive and conn.error is None):
            self.discard(conn)
            return
        conn.reset()
        conn.idle_since = self.loop.time()
        self.idle.append(conn)
        if self._cleanup is None:
            self._cleanup = self.loop.call_later(self.keepalive_s, self._sweep)
        self._wake_one()

    def discard(self, conn: Connection) -> None:
        conn._close()
        self.count -= 1
        self._wake_one()

    def forget(self, conn: Connection) -> None:
        """An idle connection the upstream closed: out of the pool."""
        if conn in self.idle:
            self.idle.remove(conn)
            self.count -= 1
            self._wake_one()

    def _sweep(self) -> None:
        self._cleanup = None
        now = self.loop.time()
        for conn in [c for c in self.idle if not c.usable(now)]:
            self.idle.remove(conn)
            self.discard(conn)
        if self.idle:
            self._cleanup = self.loop.call_later(self.keepalive_s, self._sweep)

    def _wake_one(self) -> None:
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    async def close(self) -> None:
        self.closed = True
        if self._cleanup is not None:
            self._cleanup.cancel()
            self._cleanup = None
        while self.idle:
            self.discard(self.idle.pop())
        await asyncio.sleep(0)  # the transports' close callbacks
