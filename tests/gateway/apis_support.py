"""A gateway with an OpenAI-dialect upstream and an Anthropic one (both the fake upstream, a real
HTTP server), each with its own provider key, for the Responses, Messages, audio and moderation
tests."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeOptions, FakeUpstream
from sobria.gateway.keys import create_key
from sobria.gateway.runtime import Gateway, build_gateway
from sobria.settings import Settings
from sobria.store.gateway_tables import requests
from sobria.store.tables import events
from tests.gateway.support import free_port, serve_in_thread, write_policy

OPENAI_KEY = "sk-proj-organisation-openai-key"
ANTHROPIC_KEY = "sk-ant-organisation-anthropic-key"


@dataclass
class Apis:
    url: str
    gw: Gateway
    upstream: FakeUpstream
    key: str
    other_key: str
    upstream_url: str = ""

    def event(self, event_id: str) -> dict[str, Any]:
        self.gw.wait_drained()
        with self.gw.store.engine.connect() as conn:
            row = conn.execute(sa.select(events, requests.c.status_code, requests.c.action, requests.c.error,
                                         requests.c.stream, requests.c.upstream, requests.c.endpoint)
                               .join(requests, requests.c.event_id == events.c.event_id)
                               .where(events.c.event_id == event_id)).mappings().one()
        return dict(row)

    def settled_event(self, event_id: str, timeout_s: float = 10.0) -> dict[str, Any]:
        """The event ``event_id`` once it is written (a background response's, after it finished)."""
        deadline = time.monotonic() + timeout_s
        while True:
            self.gw.wait_drained()
            with self.gw.store.engine.connect() as conn:
                found = conn.execute(sa.select(sa.func.count()).select_from(events)
                                     .where(events.c.event_id == event_id)).scalar_one()
            if found or time.monotonic() > deadline:
                return self.event(event_id)
            time.sleep(0.02)

    def event_count(self) -> int:
        self.gw.wait_drained()
        with self.gw.store.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(events)).scalar_one())


def write_apis_config(folder: Path, upstream: str, policy: Path, tool: str = "passerelle-sobria") -> Path:
    text = (f"policy: {policy}\ntool: {tool}\nstore: sqlite:///{folder / 'sobria.db'}\n"
            f"journal: {folder / 'journal'}\ndrain_interval_s: 0.05\nbackground_poll_s: 0.05\n"
            "upstreams:\n"
            "  - name: fake\n"
            f"    base_url: {upstream}/v1\n"
            "    api_key_env: SOBRIA_TEST_OPENAI_KEY\n"
            "    provider: openai\n"
            "    timeout_s: 2\n"
            "    models: [gpt-4o-mini, gpt-4o, whisper-1, gpt-4o-mini-transcribe, tts-1, gpt-4o-mini-tts,\n"
            "             omni-moderation-latest, text-embedding-3-small]\n"
            "  - name: claude\n"
            f"    base_url: {upstream}/v1\n"
            "    api: anthropic\n"
            "    api_key_env: SOBRIA_TEST_ANTHROPIC_KEY\n"
            "    provider: anthropic\n"
            "    timeout_s: 2\n"
            "    models: [claude-haiku-4-5, claude-sonnet-4-5]\n"
            "  - name: claude-down\n"
            f"    base_url: http://127.0.0.1:{free_port()}/v1\n"
            "    api: anthropic\n"
            "    models: [claude-opus-4-1]\n")
    path = folder / "gateway.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@contextlib.contextmanager
def serve_apis(folder: Path, tool: str = "passerelle-sobria") -> Iterator[Apis]:
    """The fake upstream and a gateway in front of it, until the block ends (the gateway's shutdown);
    ``tool``: the charter's tool the gateway is (``chatgpt-gratuit``: a consumer tier)."""
    app = FakeUpstream(FakeOptions(timeout_s=5))
    with pytest.MonkeyPatch.context() as patch, serve_in_thread(app) as url:
        patch.setenv("SOBRIA_TEST_OPENAI_KEY", OPENAI_KEY)
        patch.setenv("SOBRIA_TEST_ANTHROPIC_KEY", ANTHROPIC_KEY)
        config = load_config(write_apis_config(folder, url, write_policy(folder), tool))
        gw = build_gateway(config, Settings(db="sqlite://", keep_names=True))
        _record, token = create_key(gw.store, "Alice", "p_alice", "commercial")
        _other, other = create_key(gw.store, "Bob", "p_bob", "commercial")
        gw.keys.refresh()
        with serve_in_thread(GatewayApp(gw)) as gw_url:
            yield Apis(gw_url, gw, app, token, other, url)


@pytest.fixture(scope="module")
def apis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apis]:
    with serve_apis(tmp_path_factory.mktemp("apis")) as served:
        yield served
