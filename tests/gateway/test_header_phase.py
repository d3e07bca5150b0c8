"""The bounded header phase (issue 13, G9 and G10), on a real server built as ``server.py`` builds
it (the same protocol class, loop and options), over real sockets."""

from __future__ import annotations

import dataclasses
import json
import logging
import select
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import uvicorn

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.protocol import BoundedHttpToolsProtocol
from sobria.gateway.runtime import Gateway, build_gateway
from sobria.gateway.server import http_protocol, uvicorn_config
from sobria.settings import Settings
from tests.gateway.support import free_port, write_config, write_policy

HEADER_TIMEOUT_S = 1.0


@dataclass
class Served:
    host: str
    port: int
    gw: Gateway
    key: str
    upstream: FakeUpstream

    def connect(self) -> socket.socket:
        return socket.create_connection((self.host, self.port), timeout=10)


@pytest.fixture(scope="module")
def served(fake: tuple[str, FakeUpstream], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("gw")
    config = load_config(write_config(folder, fake[0], write_policy(folder),
                                      extra=f"header_timeout_s: {HEADER_TIMEOUT_S}\n", timeout_s=10))
    app = GatewayApp(build_gateway(config, Settings(db="sqlite://", keep_names=True)))
    _record, key = create_key(app.gw.store, "Alice", "p_alice", "commercial")
    app.gw.keys.refresh()
    port = free_port()
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "server did not start"
        time.sleep(0.01)
    try:
        yield Served("127.0.0.1", port, app.gw, key, fake[1])
    finally:
        server.should_exit = True
        thread.join(10)


def _read_all(conn: socket.socket) -> bytes:
    chunks = []
    try:
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    except ConnectionResetError:
        pass
    return b"".join(chunks)


class Responses:
    """The responses of a keep-alive connection, one at a time (content-length bodies only)."""

    def __init__(self, conn: socket.socket) -> None:
        self.file = conn.makefile("rb")

    def next(self) -> int:
        status = int(self.file.readline().split(b" ", 2)[1])
        length = 0
        while (line := self.file.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        assert len(self.file.read(length)) == length
        return status


def _error(answer: bytes) -> dict[str, str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"connection: close" in head.lower()
    error: dict[str, str] = json.loads(body)["error"]
    return error


def _rejected(gw: Gateway, status: int, code: str) -> float:
    return gw.metrics.counters.get(("sobria_gateway_rejected_total", (("code", code), ("status", str(status)))), 0)


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def test_the_server_uses_the_bounded_protocol(served: Served) -> None:
    app = GatewayApp(served.gw)
    protocol = http_protocol(app)
    assert isinstance(protocol, type) and issubclass(protocol, BoundedHttpToolsProtocol)
    assert protocol.gateway_app is app


def test_headers_sent_a_byte_at_a_time_are_cut_with_a_408(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    before = _rejected(served.gw, 408, "header_timeout")
    request = b"X-Slow: " + b"a" * 100
    with caplog.at_level(logging.WARNING, logger="sobria.gateway.security"), served.connect() as conn:
        started = time.monotonic()
        conn.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\n")
        answer = b""
        for byte in request:
            try:
                conn.sendall(bytes([byte]))
            except OSError:
                break
            if select.select([conn], [], [], 0.2)[0]:  # a byte every 0.2 s until the server answers
                answer = _read_all(conn)
                break
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 "), answer
    assert HEADER_TIMEOUT_S - 0.05 < elapsed < HEADER_TIMEOUT_S + 1.0
    error = _error(answer)
    assert error["code"] == "header_timeout"
    assert error["message"] == "en-têtes de la requête non reçus en entier dans les 1.0 s"
    assert _rejected(served.gw, 408, "header_timeout") == before + 1
    lines = [r.getMessage() for r in caplog.records if r.name == "sobria.gateway.security"]
    assert [line.split(" client=")[0] for line in lines] == [
        "rejected status=408 code=header_timeout method=GET path=/v1/models key=-"]


def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(served: Served) -> None:
    with served.connect() as conn:
        started = time.monotonic()
        answer = _read_all(conn)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert HEADER_TIMEOUT_S - 0.05 < elapsed < HEADER_TIMEOUT_S + 1.0


@pytest.mark.parametrize("shape", ["one_value", "many_lines"])
def test_64_mb_of_headers_get_a_431_without_being_read(served: Served, shape: str,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    total = 64 * 1024 * 1024
    block = b"a" * 65536 if shape == "one_value" else b"X-Probe: " + b"a" * 55 + b"\r\n"
    block *= 65536 // len(block)
    before = _rejected(served.gw, 431, "headers_too_large")
    rss_before = _rss_kb()
    answers: list[bytes] = []
    sent = 0
    with caplog.at_level(logging.WARNING, logger="sobria.gateway.security"), served.connect() as conn:
        reader = threading.Thread(target=lambda: answers.append(_read_all(conn)), daemon=True)
        reader.start()
        conn.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ")
        try:
            while sent < total:
                sent += conn.send(block)
        except OSError:  # the server closed while the client was still sending
            pass
        reader.join(10)
    rss_growth_kb = _rss_kb() - rss_before
    assert answers and answers[0].startswith(b"HTTP/1.1 431 "), answers
    error = _error(answers[0])
    assert (error["code"], error["message"]) == (
        "headers_too_large", "en-têtes de la requête trop volumineux (limite : 32768 octets)")
    assert sent < total // 4  # the server stopped reading: what was sent sits in the kernel's buffers
    assert rss_growth_kb < 4096
    assert _rejected(served.gw, 431, "headers_too_large") == before + 1
    assert any(r.getMessage().startswith("rejected status=431 code=headers_too_large method=POST "
                                         "path=/v1/chat/completions key=-") for r in caplog.records)


def test_a_long_url_alone_is_bounded_too(served: Served) -> None:
    with served.connect() as conn:
        conn.sendall(b"GET /v1/models?q=")
        try:
            for _ in range(1024):
                conn.sendall(b"a" * 65536)
        except OSError:
            pass
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_headers_near_the_limit_reach_the_application(served: Served) -> None:
    with served.connect() as conn:
        responses = Responses(conn)
        for size in (30_000, 40_000):  # under the limit: answered; over it, by the application: 431, and kept alive
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: " + b"a" * size + b"\r\n\r\n")
            status = responses.next()
            assert status == (200 if size < 32_768 else 431)


def test_keep_alive_pipelining_and_split_headers_are_unaffected(served: Served) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with served.connect() as conn:
        responses = Responses(conn)
        conn.sendall(request)
        assert responses.next() == 200
        time.sleep(HEADER_TIMEOUT_S + 0.5)  # idle between requests: the keep-alive timeout, not the header one
        conn.sendall(request)
        assert responses.next() == 200
        conn.sendall(request * 3)  # pipelined
        assert [responses.next() for _ in range(3)] == [200, 200, 200]
        for _ in range(2):  # headers in two reads, within the timeout (the timer starts at the first)
            conn.sendall(request[:20])
            time.sleep(HEADER_TIMEOUT_S * 0.6)
            conn.sendall(request[20:])
            assert responses.next() == 200
        conn.sendall(request + request[:20])  # a pipelined request begun in the same read, finished later
        assert responses.next() == 200
        time.sleep(HEADER_TIMEOUT_S * 0.6)
        conn.sendall(request[20:])
        assert responses.next() == 200


def test_a_request_begun_and_left_unfinished_after_a_response_is_cut(served: Served) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with served.connect() as conn:
        responses = Responses(conn)
        conn.sendall(request)
        assert responses.next() == 200
        time.sleep(0.3)
        conn.sendall(request[:20])
        started = time.monotonic()
        answer = _read_all(conn)
        elapsed = time.monotonic() - started
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert HEADER_TIMEOUT_S - 0.05 < elapsed < HEADER_TIMEOUT_S + 1.0


def test_huge_headers_on_a_kept_alive_connection_get_a_431_too(served: Served) -> None:
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    with served.connect() as conn:
        responses = Responses(conn)
        conn.sendall(request)
        assert responses.next() == 200
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        try:
            for _ in range(1024):
                conn.sendall(b"X-Probe: " + b"a" * 65536 + b"\r\n")
        except OSError:
            pass
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 431 ")


def test_without_httptools_the_server_falls_back_to_h11(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "httptools" else real(name, *a))
    app = GatewayApp(served.gw)
    assert http_protocol(app) == "h11"
    port = free_port()
    # no lifespan: the module's server runs this gateway's tasks on its own loop
    server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", port, log_level="error", lifespan="off"))
    assert server.config.h11_max_incomplete_event_size == served.gw.config.max_header_bytes
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive()
            time.sleep(0.01)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            responses = Responses(conn)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            assert responses.next() == 200
    finally:
        server.should_exit = True
        thread.join(10)


def test_on_the_messages_api_the_refusal_is_in_anthropics_shape(served: Served) -> None:
    with served.connect() as conn:
        conn.sendall(b"POST /v1/messages HTTP/1.1\r\nHost: x\r\nanthropic-version: 2023-06-01\r\nX-Slow: a")
        answer = _read_all(conn)
    assert answer.startswith(b"HTTP/1.1 408 ")
    body = json.loads(answer.partition(b"\r\n\r\n")[2])
    assert body["type"] == "error" and body["error"]["message"].startswith("en-têtes de la requête non reçus")


def test_a_connection_that_never_sent_a_byte_is_logged_without_method_or_path(
        served: Served, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="sobria.gateway.security"), served.connect() as conn:
        assert _read_all(conn).startswith(b"HTTP/1.1 408 ")
    lines = [r.getMessage() for r in caplog.records if r.name == "sobria.gateway.security"]
    assert [line.split(" client=")[0] for line in lines] == [
        "rejected status=408 code=header_timeout method=- path=- key=-"]


def test_a_pipelined_request_left_unfinished_during_a_response_does_not_cut_into_it(served: Served) -> None:
    body = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "bonjour"}]}).encode()
    chat = (b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s") % (served.key.encode(), len(body), body)
    options = served.upstream.options
    served.upstream.options = dataclasses.replace(options, latency_ms=HEADER_TIMEOUT_S * 1000 + 800)  # outlasts it
    before = _rejected(served.gw, 408, "header_timeout")
    try:
        with served.connect() as conn:
            conn.sendall(chat + b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # the second request never finished
            responses = Responses(conn)
            assert responses.next() == 200
            assert responses.file.read() == b""  # then the connection is closed, nothing written in the answer
    finally:
        served.upstream.options = options
    assert _rejected(served.gw, 408, "header_timeout") == before + 1
