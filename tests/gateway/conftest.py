from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
