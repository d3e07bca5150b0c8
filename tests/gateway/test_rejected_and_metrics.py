"""Requests refused before any usage event — 405, 408, 413 and the gateway's own 431 (its
``max_header_bytes`` check; the HTTP server's limit is another's) — each in the security log
(``sobria.gateway.security``, exact line, the key's id once it was recognised) and counted in
``sobria_gateway_rejected_total{status, code}``; and ``/metrics`` in its three modes (``off``,
``public``, ``admin``), as a configuration file sets it."""

from __future__ import annotations

import logging
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sobria.gateway.admin import admin_hash
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeUpstream
from tests.gateway.conftest import ADMIN_KEY
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import Served, serve_gateway

LIMITS = "max_body_bytes: 2048\nmax_header_bytes: 4096\nbody_timeout_s: 0.3\n"
SECURITY = "sobria.gateway.security"


def _config(policy: str, upstream: str, metrics: str) -> str:
    return (f"policy: {policy}\ntool: passerelle-sobria\nadmin_key_sha256: {admin_hash(ADMIN_KEY)}\n{LIMITS}"
            f"metrics: {metrics}\nupstreams:\n"
            f"  - {{name: fake, base_url: '{upstream}/v1', provider: openai, models: [gpt-4o-mini]}}\n")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("rejected")
    with serve_in_thread(FakeUpstream()) as url, serve_gateway(
            folder, _config(str(write_policy(folder)), url, "admin")) as gateway:
        yield gateway


def _counted(served: Served, status: int, code: str) -> int:
    """The counter's value as ``/metrics`` renders it (0 when absent)."""
    text = httpx.get(f"{served.url}/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"}).text
    found = re.search(rf'^sobria_gateway_rejected_total\{{code="{code}",status="{status}"\}} (\S+)$', text, re.M)
    return int(float(found.group(1))) if found else 0


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == SECURITY]


def _auth(served: Served) -> dict[str, str]:
    return {"Authorization": f"Bearer {served.key}"}


def test_a_wrong_method_is_a_405_logged_and_counted(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    before = _counted(served, 405, "method_not_allowed")
    with caplog.at_level(logging.WARNING, logger=SECURITY):
        chat = httpx.get(f"{served.url}/v1/chat/completions", headers=_auth(served))
        messages = httpx.get(f"{served.url}/v1/messages", headers={"x-api-key": served.key})
    assert (chat.status_code, chat.json()["error"]["code"]) == (405, "method_not_allowed")
    assert (messages.status_code, messages.json()["type"], messages.json()["error"]["type"]) == (
        405, "error", "invalid_request_error")  # Anthropic's shape under /v1/messages
    # the method is refused before the key is read: no key id
    assert _lines(caplog) == [
        "rejected status=405 code=method_not_allowed method=GET path=/v1/chat/completions key=- client=127.0.0.1",
        "rejected status=405 code=method_not_allowed method=GET path=/v1/messages key=- client=127.0.0.1"]
    assert _counted(served, 405, "method_not_allowed") == before + 2


def test_a_body_sent_too_slowly_is_a_408_logged_with_the_key(served: Served,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    before = _counted(served, 408, "body_timeout")
    host, port = served.url.removeprefix("http://").split(":")
    with caplog.at_level(logging.WARNING, logger=SECURITY), socket.create_connection((host, int(port)), 5) as conn:
        conn.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {served.key}\r\n"
                     "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode())
        chunks = []
        while chunk := conn.recv(65536):  # the gateway closes the connection after its answer
            chunks.append(chunk)
    answer = b"".join(chunks).decode()
    assert answer.startswith("HTTP/1.1 408 ")
    assert '"message": "corps de la requête non reçu en entier dans les 0.3 s"' in answer
    assert _lines(caplog) == [f"rejected status=408 code=body_timeout method=POST path=/v1/chat/completions "
                              f"key={served.key_id} client=127.0.0.1"]
    assert _counted(served, 408, "body_timeout") == before + 1


def test_a_body_too_large_is_a_413_logged_with_the_key(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    before = _counted(served, 413, "body_too_large")
    body = b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "' + b"a" * 3000 + b'"}]}'
    with caplog.at_level(logging.WARNING, logger=SECURITY):
        r = httpx.post(f"{served.url}/v1/responses", content=body,
                       headers={**_auth(served), "Content-Type": "application/json"})
    assert (r.status_code, r.json()["error"]) == (413, {
        "message": "requête trop volumineuse (limite : 2048 octets)", "type": "invalid_request_error",
        "param": None, "code": "body_too_large"})
    assert _lines(caplog) == [f"rejected status=413 code=body_too_large method=POST path=/v1/responses "
                              f"key={served.key_id} client=127.0.0.1"]
    assert _counted(served, 413, "body_too_large") == before + 1


def test_headers_over_the_gateways_limit_are_a_431_logged(served: Served, caplog: pytest.LogCaptureFixture) -> None:
    before = _counted(served, 431, "headers_too_large")
    with caplog.at_level(logging.WARNING, logger=SECURITY):
        r = httpx.post(f"{served.url}/v1/chat/completions", json={"model": "gpt-4o-mini", "messages": []},
                       headers={**_auth(served), "X-Padding": "p" * 5000})  # over 4096, far under any server limit
    assert (r.status_code, r.json()["error"]["code"], r.json()["error"]["message"]) == (
        431, "headers_too_large", "en-têtes de la requête trop volumineux (limite : 4096 octets)")
    assert _lines(caplog) == ["rejected status=431 code=headers_too_large method=POST path=/v1/chat/completions "
                              "key=- client=127.0.0.1"]  # refused before the key is read
    assert _counted(served, 431, "headers_too_large") == before + 1


def test_metrics_admin_mode_wants_the_admin_key(served: Served) -> None:
    assert httpx.get(f"{served.url}/metrics").status_code == 401
    assert httpx.get(f"{served.url}/metrics", headers=_auth(served)).status_code == 401  # a client key is not it
    ok = httpx.get(f"{served.url}/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    assert (ok.status_code, ok.headers["content-type"]) == (200, "text/plain; version=0.0.4")
    assert "# TYPE sobria_gateway_request_duration_seconds histogram" in ok.text
    assert _counted(served, 401, "invalid_admin_key") == 2


def _mode_from_file(served: Served, folder: Path, value: str) -> str:
    """``metrics`` as a configuration file gives it (the rest of the running gateway's configuration kept)."""
    (folder / "modes.yaml").write_text(_config(served.gw.config.policy, "http://127.0.0.1:9", value), encoding="utf-8")
    return load_config(folder / "modes.yaml").metrics


@pytest.mark.parametrize("mode", ["off", "public"])
def test_metrics_off_or_public(served: Served, tmp_path: Path, mode: str) -> None:
    gw = served.gw
    config = gw.config
    gw.config = config.model_copy(update={"metrics": _mode_from_file(served, tmp_path, f'"{mode}"')})
    try:
        assert gw.config.metrics == mode
        anonymous = httpx.get(f"{served.url}/metrics")
        admin = httpx.get(f"{served.url}/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"})
    finally:
        gw.config = config
    if mode == "off":
        for answer in (anonymous, admin):  # off for everyone, the admin too
            assert (answer.status_code, answer.json()["error"]) == (404, {
                "message": "les métriques sont désactivées (metrics: public ou admin dans la configuration)",
                "type": "invalid_request_error", "param": None, "code": "not_found"})
    else:
        assert (anonymous.status_code, admin.status_code) == (200, 200)
        assert "# TYPE sobria_gateway_rejected_total counter" in anonymous.text
        assert anonymous.text.count("\n") == admin.text.count("\n")  # the same page for everyone
