"""The gateway's own upstream client (sobria.gateway.http_client) against a real local server.

The server is a raw asyncio TCP server that reads each request and answers with exactly the bytes
a test scripts, so that every framing and every fault is the real thing on a real socket.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest
import uvloop

from sobria.gateway.config import Upstream
from sobria.gateway.http_exchange import HttpTransport, header_block
from sobria.gateway.transport import UpstreamCutoffError, UpstreamUnreachableError
from sobria.gateway.upstream import Target
from tests.gateway.support import free_port

Writer = asyncio.StreamWriter
Action = Callable[[Writer], Awaitable[bool]]  # answers one request; False: the server hangs up after it

ANSWER = b'{"ok": true}'
HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer sk-test"}


def sent(data: bytes, keep: bool = True) -> Action:
    async def action(writer: Writer) -> bool:
        writer.write(data)
        await writer.drain()
        return keep
    return action


def ok(body: bytes = ANSWER, extra: bytes = b"", keep: bool = True) -> Action:
    return sent(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nRetry-After: 7\r\n" + extra
                + b"Content-Length: %d\r\n\r\n" % len(body) + body, keep)


class Server:
    """Answers the n-th request with ``actions[n]``; counts connections, keeps requests."""

    def __init__(self, actions: list[Action], tls: ssl.SSLContext | None = None) -> None:
        self.actions = actions
        self.tls = tls
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> Server:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0, ssl=self.tls)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()

    def target(self, timeout_s: float = 5.0, limit: int = 10, scheme: str = "http", host: str = "127.0.0.1") -> Target:
        config = Upstream(name="up", base_url=f"{scheme}://{host}:{self.port}/v1", models=["*"],
                          timeout_s=timeout_s, max_connections=limit)
        return Target(config, config.base_url, dict(HEADERS))

    async def _handle(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        self.connections += 1
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                found = re.search(rb"(?i)content-length: (\d+)", head)
                body = await reader.readexactly(int(found.group(1))) if found else b""
                self.requests.append(head + body)
                if not await self.actions.pop(0)(writer):
                    return
        finally:
            writer.close()


async def post(target: Target, data: bytes = b'{"model": "m"}') -> tuple[int, str | None, bytes]:
    async with HttpTransport().post(target, "/chat/completions", data) as resp:
        return resp.status, resp.headers.get("retry-after"), await resp.read()


Run = Callable[[Coroutine[Any, Any, None]], None]


@pytest.fixture(params=["asyncio", "uvloop"])
def run(request: pytest.FixtureRequest) -> Run:
    """Runs a test's coroutine on asyncio's own event loop, then on uvloop's (the gateway's)."""
    factory = uvloop.new_event_loop if request.param == "uvloop" else None

    def runner(coro: Coroutine[Any, Any, None]) -> None:
        with asyncio.Runner(loop_factory=factory) as r:
            r.run(coro)
    return runner


def test_a_content_length_answer_and_the_request_as_sent(run: Run) -> None:
    async def main() -> None:
        async with Server([ok()]) as server:
            target = server.target()
            assert await post(target) == (200, "7", ANSWER)
            assert server.requests == [
                b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % server.port
                + b"Content-Type: application/json\r\nAuthorization: Bearer sk-test\r\n"
                b'Content-Length: 14\r\n\r\n{"model": "m"}']
            assert target.pool is not None
            await target.pool.close()
    run(main())


def test_a_large_answer_read_whole_and_streamed(run: Run) -> None:
    big = bytes(range(256)) * 8192  # 2 MiB: far above the mark where the socket stops being read

    async def main() -> None:
        async with Server([ok(big), ok(big)]) as server:
            target = server.target()
            assert await post(target) == (200, "7", big)
            async with HttpTransport().post(target, "/chat/completions", big) as resp:
                pieces = [chunk async for chunk in resp.chunks()]
            assert b"".join(pieces) == big and len(pieces) > 1
            assert server.requests[-1].endswith(b"\r\n\r\n" + big) and server.connections == 1
    run(main())


def test_a_chunked_answer_streamed_piece_by_piece(run: Run) -> None:
    second = asyncio.Event()

    async def chunked(writer: Writer) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                     b"6\r\ndata: \r\n")
        await writer.drain()
        await second.wait()
        writer.write(b"5\r\nhello\r\n0\r\n\r\n")
        await writer.drain()
        return True

    async def main() -> None:
        async with Server([chunked, ok()]) as server:
            target = server.target()
            pieces = []
            async with HttpTransport().post(target, "/chat/completions", b"{}") as resp:
                assert (resp.status, resp.headers["Content-Type"]) == (200, "text/event-stream")
                async for chunk in resp.chunks():
                    pieces.append(chunk)
                    second.set()
            assert pieces == [b"data: ", b"hello"]
            assert await post(target) == (200, "7", ANSWER)  # the chunked answer left the connection reusable
            assert server.connections == 1
    run(main())


def test_a_kept_alive_connection_is_reused(run: Run) -> None:
    async def main() -> None:
        async with Server([ok(), ok(b"[2]"), ok(b"[3]")]) as server:
            target = server.target()
            assert [(await post(target))[2] for _ in range(3)] == [ANSWER, b"[2]", b"[3]"]
            assert (server.connections, len(server.requests)) == (1, 3)
    run(main())


def test_a_kept_alive_connection_the_server_closed_is_replaced_before_sending(run: Run) -> None:
    async def main() -> None:
        async with Server([ok(keep=False), ok(b"[2]")]) as server:  # the server hangs up once idle
            target = server.target()
            assert await post(target) == (200, "7", ANSWER)
            pool = target.pool
            assert pool is not None
            for _ in range(100):
                if not pool.idle:
                    break
                await asyncio.sleep(0.01)
            assert (pool.idle, pool.count) == ([], 0)
            assert await post(target) == (200, "7", b"[2]")
            assert (server.connections, len(server.requests)) == (2, 2)
    run(main())


def test_a_closed_connection_still_in_the_pool_is_not_written_to(run: Run) -> None:
    async def main() -> None:
        async with Server([ok(), ok(b"[2]")]) as server:
            target = server.target()
            assert await post(target) == (200, "7", ANSWER)
            pool = target.pool
            assert pool is not None and len(pool.idle) == 1
            stale = pool.idle[0]
            assert stale.transport is not None
            stale.transport.close()  # closing, its end not yet told: the request must go elsewhere
            assert await post(target) == (200, "7", b"[2]")
            assert (server.connections, len(server.requests)) == (2, 2)
    run(main())


def test_a_connection_the_server_hangs_up_after_the_answer_is_not_reused(run: Run) -> None:
    async def main() -> None:
        async with Server([ok(extra=b"Connection: close\r\n"), ok(b"[2]")]) as server:
            target = server.target()
            assert await post(target) == (200, "7", ANSWER)
            assert await post(target) == (200, "7", b"[2]")
            assert server.connections == 2
    run(main())


def test_an_answer_that_ends_with_its_connection(run: Run) -> None:
    async def main() -> None:
        async with Server([sent(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + ANSWER, keep=False)]) as server:
            assert await post(server.target()) == (200, None, ANSWER)
    run(main())


def test_a_refused_connection_is_unreachable(run: Run) -> None:
    async def main() -> None:
        config = Upstream(name="up", base_url=f"http://127.0.0.1:{free_port()}/v1", models=["*"])
        with pytest.raises(UpstreamUnreachableError, match=r"cannot connect to 127\.0\.0\.1:"):
            await post(Target(config, config.base_url, {}))
    run(main())


def test_an_unknown_host_is_unreachable(run: Run) -> None:
    async def main() -> None:
        config = Upstream(name="up", base_url="http://upstream.invalid/v1", models=["*"])
        with pytest.raises(UpstreamUnreachableError):
            await post(Target(config, config.base_url, {}))
    run(main())


def test_a_server_that_does_not_answer_times_out_at_the_upstream_timeout(run: Run) -> None:
    async def silent(writer: Writer) -> bool:
        await asyncio.sleep(5)
        return False

    async def main() -> None:
        async with Server([silent]) as server:
            start = time.perf_counter()
            with pytest.raises(TimeoutError):
                await post(server.target(timeout_s=0.3))
            assert 0.29 <= time.perf_counter() - start < 1.5   # uvloop timers fire to the millisecond
    run(main())


def test_the_timeout_covers_the_whole_answer_not_only_its_headers(run: Run) -> None:
    async def slow_body(writer: Writer) -> bool:
        writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n")
        await writer.drain()
        await asyncio.sleep(5)
        return False

    async def main() -> None:
        async with Server([slow_body]) as server:
            pieces = []
            with pytest.raises(TimeoutError):
                async with HttpTransport().post(server.target(timeout_s=0.3), "/chat/completions", b"{}") as resp:
                    async for chunk in resp.chunks():
                        pieces.append(chunk)
            assert pieces == [b"abc"]
    run(main())


def test_a_truncated_body_is_a_cutoff(run: Run) -> None:
    async def main() -> None:
        async with Server([sent(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + ANSWER, keep=False)]) as server:
            with pytest.raises(UpstreamCutoffError, match="before the answer's end"):
                await post(server.target())
    run(main())


def test_a_chunked_stream_cut_in_the_middle_gives_its_start_then_a_cutoff(run: Run) -> None:
    async def main() -> None:
        cut = sent(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", keep=False)
        async with Server([cut]) as server:
            pieces = []
            with pytest.raises(UpstreamCutoffError):
                async with HttpTransport().post(server.target(), "/chat/completions", b"{}") as resp:
                    async for chunk in resp.chunks():
                        pieces.append(chunk)
            assert pieces == [b"hello"]
    run(main())


def test_a_hang_up_after_the_request_is_a_cutoff_and_the_request_is_not_sent_again(run: Run) -> None:
    async def main() -> None:
        async with Server([ok(), sent(b"", keep=False), ok()]) as server:
            target = server.target()
            assert await post(target) == (200, "7", ANSWER)
            with pytest.raises(UpstreamCutoffError):
                await post(target)  # on the kept-alive connection: the server read it, then hung up
            assert (server.connections, len(server.requests)) == (1, 2)
    run(main())


def test_an_answer_that_is_not_http_is_a_cutoff(run: Run) -> None:
    async def main() -> None:
        async with Server([sent(b"SSH-2.0-OpenSSH_9.2\r\n\r\n", keep=False)]) as server:
            with pytest.raises(UpstreamCutoffError, match="invalid HTTP answer"):
                await post(server.target())
    run(main())


def test_an_interim_answer_is_skipped(run: Run) -> None:
    async def main() -> None:
        async with Server([sent(b"HTTP/1.1 100 Continue\r\n\r\n"
                                b"HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}")]) as server:
            assert await post(server.target()) == (201, None, b"{}")
    run(main())


def test_the_pool_never_opens_more_than_its_limit(run: Run) -> None:
    async def slow(writer: Writer) -> bool:
        await asyncio.sleep(0.05)
        return await ok()(writer)

    async def main() -> None:
        async with Server([slow, slow, slow]) as server:
            target = server.target(limit=1)
            answers = await asyncio.gather(*(post(target) for _ in range(3)))
            assert answers == [(200, "7", ANSWER)] * 3
            assert server.connections == 1
    run(main())


def test_a_waiter_for_a_full_pool_times_out(run: Run) -> None:
    async def silent(writer: Writer) -> bool:
        await asyncio.sleep(5)
        return False

    async def main() -> None:
        async with Server([silent, ok()]) as server:
            target = server.target(limit=1, timeout_s=0.3)
            results = await asyncio.gather(post(target), post(target), return_exceptions=True)
            assert [type(r) for r in results] == [TimeoutError, TimeoutError]
            # never two at once (limit 1); both deadlines fall in the same instant, so the waiter may be
            # woken by the first's timeout and open the freed slot just before its own deadline
            assert server.connections in (1, 2)
    run(main())


def test_a_cancelled_exchange_closes_its_connection(run: Run) -> None:
    async def silent(writer: Writer) -> bool:
        await asyncio.sleep(5)
        return False

    async def main() -> None:
        async with Server([silent, ok()]) as server:
            target = server.target(limit=1)
            task = asyncio.create_task(post(target))
            await asyncio.sleep(0.1)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            assert target.pool is not None and (target.pool.count, target.pool.idle) == (0, [])
            assert await post(target) == (200, "7", ANSWER)  # the slot is free again
            assert server.connections == 2
    run(main())


def test_the_header_block_leaves_the_framing_to_the_client() -> None:
    assert header_block({"Content-Type": "a", "content-length": "9", "Host": "x", "X-Y": "z"}) == \
        b"Content-Type: a\r\nX-Y: z\r\n"


def _certificate(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def test_https_checks_the_certificate_against_the_host(run: Run, tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls.load_cert_chain(cert, key)

    async def main() -> None:
        async with Server([ok(), ok(b"[2]")], tls) as server:
            with pytest.raises(UpstreamUnreachableError, match="CERTIFICATE_VERIFY_FAILED"):
                await post(server.target(scheme="https", host="localhost"))  # not in the system's trust
            target = server.target(scheme="https", host="localhost")
            pool = target.connections()
            pool.ssl = ssl.create_default_context(cafile=str(cert))  # trusted: the host must match it
            assert await post(target) == (200, "7", ANSWER)
            assert await post(target) == (200, "7", b"[2]")
            assert server.requests[-1].startswith(b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost:%d\r\n"
                                                  % server.port)
            wrong = server.target(scheme="https")  # 127.0.0.1: not the certificate's name
            wrong.connections().ssl = pool.ssl
            with pytest.raises(UpstreamUnreachableError, match=r"IP address mismatch"):
                await post(wrong)
    run(main())
