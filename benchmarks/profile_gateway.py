"""Where the gateway's time goes: its CPU per request in one process, optionally under cProfile.

``python benchmarks/profile_gateway.py [--requests 2000] [--profile] [--in-process]`` builds the
gateway of ``bench_gateway.py`` (template charter, every rule on) and drives its ASGI application
directly, request after request, against the fake upstream in a process of its own (or, with
``--in-process``, called in this process through ``ASGITransport``: no socket at all). The drain is
not started (its cost is in ``bench_gateway.py``'s CPU figure). Prints the wall and CPU time per
request of this process (its threads included), then the profile's 40 heaviest functions.
``SOBRIA_UPSTREAM_CLIENT=aiohttp`` compares with the previous upstream client (default: Sobria's own);
note that this drives asyncio's own event loop, where the served gateway runs on uvloop's.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import pstats
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_gateway as bench
from sobria.gateway.app import GatewayApp
from sobria.gateway.config import load_config
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.runtime import build_gateway
from sobria.gateway.transport import ASGITransport
from sobria.settings import Settings


async def drive(app: GatewayApp, key: str, requests: int, profiler: cProfile.Profile | None,
                thread: bool = False) -> tuple[float, float]:
    count = 0
    scope = {"type": "http", "method": "POST", "path": "/v1/chat/completions", "client": ("127.0.0.1", 1),
             "headers": [(b"content-type", b"application/json"), (b"authorization", f"Bearer {key}".encode())]}

    async def receive() -> dict[str, Any]:
        nonlocal count
        count += 1
        return {"type": "http.request", "body": bench.body_of(thread, count), "more_body": False}

    async def one() -> None:
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)
        await app(dict(scope), receive, send)
        assert sent[0]["status"] == 200, sent

    for _ in range(200):  # warm-up: pools, caches
        await one()
    wall, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    for _ in range(requests):
        await one()
    if profiler is not None:
        profiler.disable()
    return (time.perf_counter() - wall) / requests, (time.process_time() - cpu) / requests


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--in-process", action="store_true", help="the fake upstream in this process")
    parser.add_argument("--thread", action="store_true", help="four-turn conversations (bench_gateway.py --thread)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="sobria-profile-"))
    port = bench.free_port()
    upstream = subprocess.Popen([sys.executable, "-m", "sobria.gateway.fake_upstream", "--port", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        bench.wait_ready(f"http://127.0.0.1:{port}/v1/models")
        config, key = bench.gateway_setup(folder, f"http://127.0.0.1:{port}")
        transport = ASGITransport(app=FakeUpstream()) if args.in_process else None
        gw = build_gateway(load_config(config), Settings(), transport=transport)
        profiler = cProfile.Profile() if args.profile else None

        async def run() -> tuple[float, float]:
            try:
                return await drive(GatewayApp(gw), key, args.requests, profiler, args.thread)
            finally:
                await gw.upstreams.close()
        wall, cpu = asyncio.run(run())
        gw.budgets.close()
        print(f"wall {wall * 1e6:.0f} us per request, CPU {cpu * 1e6:.0f} us per request (this process)")
        if profiler is not None:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)
            print(out.getvalue())
    finally:
        upstream.terminate()
        upstream.wait(30)


if __name__ == "__main__":
    main()
