from __future__ import annotations

import socket
import sys
import threading
import weakref
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sobria.gateway.admin import admin_hash
from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeOptions, FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import Gateway, build_gateway
from sobria.settings import Settings
from tests.gateway.support import serve_in_thread, write_config, write_policy

ADMIN_KEY = "admin-secret-for-tests"

# The sockets the test thread opens during a test (``socket.__new__`` is an audit event), so that one left
# open fails that test: an SDK client never closed keeps its pooled connection open until the cyclic
# garbage collector finalizes it, and if the socket is finalized before the client's own ``__del__``
# closes it, the ResourceWarning surfaces at some later collection (often pytest's last one, an rc=1
# after every test passed) — rare and far from its cause. Sockets of the servers' threads are theirs.
_OPENED: list[list[weakref.ref[socket.socket]]] = []  # the running test's list, while one runs


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event == "socket.__new__" and _OPENED and threading.current_thread() is threading.main_thread():
        _OPENED[-1].append(weakref.ref(args[0]))


sys.addaudithook(_audit)


@pytest.fixture(autouse=True)
def _no_socket_left_open() -> Iterator[None]:
    """Fails the test (at teardown, its function-scoped fixtures closed) that left a socket of its own open."""
    opened: list[weakref.ref[socket.socket]] = []
    _OPENED.append(opened)
    try:
        yield
    finally:
        _OPENED.remove(opened)
    left = [s for ref in opened if (s := ref()) is not None and s.fileno() != -1]
    for sock in left:
        sock.close()  # else its ResourceWarning comes at some later garbage collection
    assert not left, f"socket(s) left open (an SDK or httpx client not closed?): {left}"


@dataclass
class Running:
    url: str
    gw: Gateway
    upstream: FakeUpstream
    key: str
    folder: Path

    def drain(self) -> None:
        self.gw.wait_drained()


@pytest.fixture(scope="module")
def fake() -> Iterator[tuple[str, FakeUpstream]]:
    app = FakeUpstream(FakeOptions(timeout_s=5))
    with serve_in_thread(app) as url:
        yield url, app


@pytest.fixture(scope="module")
def running(fake: tuple[str, FakeUpstream], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    folder = tmp_path_factory.mktemp("gw")
    url, app = fake
    config = load_config(write_config(folder, url, write_policy(folder), admin_hash(ADMIN_KEY),
                                      extra="max_body_bytes: 65536\n"))
    gw = build_gateway(config, Settings(db="sqlite://", keep_names=True))
    _record, token = create_key(gw.store, "Alice", "p_alice", "commercial")
    gw.keys.refresh()
    with serve_in_thread(GatewayApp(gw)) as gw_url:
        yield Running(gw_url, gw, app, token, folder)
