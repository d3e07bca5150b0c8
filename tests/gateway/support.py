"""Real HTTP servers for the gateway tests: uvicorn in a thread, on a free port of 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn

from sobria.gateway.server import KEEP_ALIVE_S
from sobria.policy.loader import policy_template


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error", access_log=False,
                            lifespan="on", loop="asyncio", http="httptools", ws="none",
                            timeout_keep_alive=KEEP_ALIVE_S)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


def write_policy(folder: Path, on_exceeded: str = "route", teams: str = "", default_budget: str = "3") -> Path:
    """The French template with a few test settings (IBAN blocked, e-mails redacted)."""
    text = policy_template(dt.date(2026, 1, 15))
    text = text.replace("      identifiers: redact", "      identifiers: block")
    text = text.replace("on_exceeded: route ", f"on_exceeded: {on_exceeded} ")
    text = text.replace("default_kgco2e: 3 ", f"default_kgco2e: {default_budget} ")
    if teams:
        text = text.replace("    marketing: 8\n", f"    marketing: 8\n{teams}")
    path = folder / "politique.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write_config(folder: Path, upstream: str, policy: Path, admin_hash: str | None = None,
                 extra: str = "", timeout_s: float = 1) -> Path:
    """A gateway configuration; ``timeout_s`` is the upstream timeout (short for the fault tests,
    long for the storms, where hundreds of requests queue behind one in-process fake upstream: there
    the connect timeout is as long too, since 200 connections opened at once on a loaded 2-core
    machine can wait past the default 5 s and come back as 504s)."""
    admin = f"admin_key_sha256: {admin_hash}\n" if admin_hash else ""
    connect = f"    connect_timeout_s: {timeout_s}\n" if timeout_s > 5 else ""
    text = (f"policy: {policy}\ntool: passerelle-sobria\nstore: sqlite:///{folder / 'sobria.db'}\n"
            f"journal: {folder / 'journal'}\ndrain_interval_s: 0.05\n{admin}{extra}"
            "upstreams:\n"
            "  - name: fake\n"
            f"    base_url: {upstream}/v1\n"
            "    provider: openai\n"
            f"    timeout_s: {timeout_s}\n{connect}"
            "    models: [gpt-4o-mini, gpt-4o, text-embedding-3-small, dall-e-3, gpt-image-1]\n"
            "  - name: dead\n"
            f"    base_url: http://127.0.0.1:{free_port()}/v1\n"
            "    models: [gpt-refused]\n")
    path = folder / "gateway.yaml"
    path.write_text(text, encoding="utf-8")
    return path
