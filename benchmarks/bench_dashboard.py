"""Benchmark: the dashboard's main pages over a store of 1,000,000 events, by a signed-in client.

Run from the repository root: ``python benchmarks/bench_dashboard.py [--events 1000000] [--requests 200]``.
The store (a SQLite file under ``build/``) is built once with the audit benchmark's events (2,000
people, each in one team, six months) and kept for later runs. A real uvicorn server on 127.0.0.1
serves the pages; each page is asked once to warm the figure cache (that first time is printed),
then ``--requests`` times over one keep-alive connection: p50 and p95 of the round trip, and their
ratio to a static file (the style sheet) served by the same server. Target: p95 <= 150 ms per page.
"""

from __future__ import annotations

import argparse
import re
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

PASSWORD = "bench-dashboard-password"
PAGES = ["/", "/explorer?by=team", "/explorer?by=model&month=2025-03&team=sales", "/explorer.csv?by=tool",
         "/budgets", "/waste", "/charter?month=2025-03", "/teams/support", "/me", "/api/overview.json"]


def build_store(path: Path, n: int) -> None:
    import polars as pl

    from bench_audit import TEAMS, make_events
    from sobria.store import open_store
    from sobria.store.store import BatchRecord, PersonRow

    url = f"sqlite:///{path}"
    if path.exists():
        store = open_store(url)
        if store.count_events() == n:
            return
        store.close()
        path.unlink()
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    events = make_events(n)
    number = pl.col("person").str.slice(2).cast(pl.Int64)  # each person stays in one team
    team = pl.lit(pl.Series(TEAMS)).get(number % len(TEAMS))
    events = events.with_columns(team=team, ts_us=pl.col("ts").dt.epoch("us"), batch_id=pl.lit("bench"))
    store = open_store(url)
    store.migrate()
    store.init_organisation("Bench", "0" * 64)
    persons = [PersonRow(p, t) for p, t in events.select("person", "team").unique().iter_rows()]
    store.write_batch(BatchRecord("bench", "events", "bench", 0, n, 0), events, TEAMS, persons)
    store.close()
    print(f"store built: {n:,} events in {time.perf_counter() - started:.1f} s")


def serve(path: Path) -> tuple[str, object]:
    import uvicorn

    from sobria.catalog import load_catalog
    from sobria.cli.serve_cmd import load_charter
    from sobria.store import open_store
    from sobria.store.web_store import WebStore
    from sobria.web.app import WebConfig, create_app
    from sobria.web.auth import Auth
    from sobria.web.pages import Figures

    store = open_store(f"sqlite:///{path}")
    store.migrate()
    person = store.people()["person"][0]
    Auth(WebStore(store), lambda: time.time_ns() // 1000).create_account("bench", PASSWORD, "admin", None, person)
    app = create_app(Figures.create(store, load_charter(None), load_catalog()), WebConfig(secure_cookies=False))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{port}", server


def timings(client: object, path: str, count: int) -> list[float]:
    import httpx

    assert isinstance(client, httpx.Client)
    out = []
    for _ in range(count):
        start = time.perf_counter()
        answer = client.get(path)
        out.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main() -> None:
    import httpx

    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--db", type=Path, default=ROOT / "build" / "bench_dashboard.db")
    args = parser.parse_args()
    build_store(args.db, args.events)
    base, server = serve(args.db)
    with httpx.Client(base_url=base, timeout=600) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf is not None
        client.post("/login", data={"csrf": csrf.group(1), "username": "bench", "password": PASSWORD})
        static = timings(client, "/static/style.css", args.requests)
        s50, s95 = statistics.median(static), p95(static)
        print(f"{args.events:,} events, {args.requests} requests per page (round trip on 127.0.0.1, keep-alive)")
        print(f"{'page':48} {'first ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p50/static':>11} {'p95/static':>11}")
        print(f"{'/static/style.css':48} {'':>9} {s50:8.1f} {s95:8.1f} {1:11.1f} {1:11.1f}")
        for page in PAGES:
            first = timings(client, page, 1)[0]
            values = timings(client, page, args.requests)
            m, q = statistics.median(values), p95(values)
            print(f"{page:48} {first:9.0f} {m:8.1f} {q:8.1f} {m / s50:11.1f} {q / s95:11.1f}")
    server.should_exit = True  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
