"""The exchange the gateway's transport hands out on :mod:`sobria.gateway.http_client`'s pools: one
POST on a pooled connection (``async with``), its answer read whole or as it comes, and the
transport that builds it from an upstream ``Target`` (its pool, headers and timeouts).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from sobria.gateway.http_client import HIGH_WATER, Connection, ConnectionPool

if TYPE_CHECKING:
    from sobria.gateway.upstream import Target


class Response:
    """The answer being read (status and headers already in)."""

    __slots__ = ("_conn",)

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    @property
    def status(self) -> int:
        return self._conn.status

    @property
    def headers(self) -> Mapping[str, str]:
        return self._conn.headers

    async def read(self) -> bytes:
        conn = self._conn
        parts: list[bytes] = []
        while not conn.complete:
            if conn.error is not None:
                raise conn.error
            if conn.buffered > HIGH_WATER:
                parts.append(conn.take())  # so that reading goes on (paused above the high-water mark)
            await conn.wait()
        if not parts:
            return conn.take()
        parts.append(conn.take())
        return b"".join(parts)

    async def chunks(self) -> AsyncIterator[bytes]:
        conn = self._conn
        while True:
            if conn.body:
                yield conn.take()
            elif conn.complete:
                return
            elif conn.error is not None:
                raise conn.error
            else:
                await conn.wait()


class Exchange:
    """``async with``: one POST on a pooled connection, its answer until the block ends."""

    __slots__ = ("_conn", "_connect_s", "_data", "_headers", "_line", "_pool", "_timeout_s", "_timer")

    def __init__(self, pool: ConnectionPool, line: bytes, headers: bytes, data: bytes, timeout_s: float,
                 connect_timeout_s: float) -> None:
        self._pool, self._line, self._headers, self._data = pool, line, headers, data
        self._timeout_s, self._connect_s = timeout_s, connect_timeout_s
        self._conn: Connection | None = None
        self._timer: asyncio.TimerHandle | None = None

    async def __aenter__(self) -> Response:
        pool = self._pool
        deadline = pool.loop.time() + self._timeout_s
        conn = self._conn = await pool.acquire(deadline, self._connect_s)
        self._timer = pool.loop.call_at(deadline, conn.expire)
        try:
            conn.send(b"%s%sContent-Length: %d\r\n\r\n" % (self._line, self._headers, len(self._data)), self._data)
            while not conn.headers_done:
                if conn.error is not None:
                    raise conn.error
                await conn.wait()
        except BaseException:  # a fault, or the caller cancelled: the connection goes
            self._end()
            raise
        return Response(conn)

    async def __aexit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        self._end()

    def _end(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        conn, self._conn = self._conn, None
        if conn is not None:
            self._pool.release(conn)


def header_block(headers: Mapping[str, str]) -> bytes:
    """``Name: value`` lines of ``headers``, CRLF-terminated (Content-Length and Host excluded)."""
    skip = ("content-length", "host", "transfer-encoding", "connection")
    return "".join(f"{k}: {v}\r\n" for k, v in headers.items() if k.lower() not in skip).encode("latin-1")


class HttpTransport:
    """The gateway's transport on this client: each upstream's pool (``Target.connections``), its timeouts."""

    def post(self, target: Target, path: str, data: bytes) -> Exchange:
        cfg = target.config
        pool = target.connections()
        return Exchange(pool, pool.request_line(path), header_block(target.headers), data, cfg.timeout_s,
                        cfg.connect_timeout_s)
