"""Benchmark: the dashboard's main pages over a store of 1,000,000 events, by a signed-in client.

Run from the repository root: ``python benchmarks/bench_dashboard.py [--events 1000000] [--requests 200]``.
The store (a SQLite file under ``build/``) is built once with the audit benchmark's events (2,000
people, each in one team, six months) and kept for later runs; the dashboard's rollup is then
brought up to date as an import does (timed). A real uvicorn server on 127.0.0.1 serves the pages
as ``sobria serve`` does (slow figures recomputed in a background thread). Printed per page:

* ``start``: the first view after the server started (nothing computed yet in this process);
* ``p50``/``p95``: ``--requests`` views over one keep-alive connection, and their ratio to a
  static file (the style sheet) served by the same server (target: p95 <= 150 ms);
* ``changed``: the first view right after ``--change`` new events were written (what the gateway
  drain appends: the newest requests), with the rollup brought up to date by that view.

Then the overview in Debian's Chromium (Playwright): first contentful paint and the navigation's
timings (target: first paint < 1 s).
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
         "/explorer.xlsx?by=tool", "/budgets", "/waste", "/charter?month=2025-03", "/teams/support", "/me",
         "/adoption", "/training", "/aiact", "/api/overview.json"]


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


def serve(path: Path) -> tuple[str, object, object]:
    import uvicorn

    from sobria.catalog import load_catalog
    from sobria.cli.serve_cmd import in_a_thread, load_charter
    from sobria.store import open_store
    from sobria.store.web_store import WebStore
    from sobria.web.app import WebConfig, create_app
    from sobria.web.auth import Auth
    from sobria.web.pages import Figures

    store = open_store(f"sqlite:///{path}")
    store.migrate()
    person = store.people()["person"][0]
    Auth(WebStore(store), lambda: time.time_ns() // 1000).create_account("bench", PASSWORD, "admin", None, person)
    figures = Figures.create(store, load_charter(None), load_catalog(), background=in_a_thread)
    app = create_app(figures, WebConfig(secure_cookies=False))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    return f"http://127.0.0.1:{port}", server, figures


def write_change(path: Path, count: int) -> None:
    """``count`` new events after the newest one (the gateway drain appends the latest requests)."""
    import polars as pl

    from bench_audit import TEAMS, make_events
    from sobria.store import open_store
    from sobria.store.store import BatchRecord

    store = open_store(f"sqlite:///{path}")
    newest = _newest(store)
    events = make_events(count, seed=11)
    number = pl.col("person").str.slice(2).cast(pl.Int64)
    events = events.with_columns(team=pl.lit(pl.Series(TEAMS)).get(number % len(TEAMS)),
                                 event_id=pl.lit("gw-") + pl.col("event_id"),
                                 ts_us=pl.lit(newest + 1) + pl.int_range(pl.len()) * 1000, batch_id=pl.lit("gw"))
    store.write_batch(BatchRecord(f"gw-{newest}", "gateway", "bench", 0, count, 0), events, TEAMS, [])
    store.close()


def _newest(store: object) -> int:
    import sqlalchemy as sa

    from sobria.store import Store
    from sobria.store.tables import events

    assert isinstance(store, Store)
    with store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.max(events.c.ts_us))).scalar_one())


def refresh_as_import(path: Path) -> None:
    from sobria.store import open_store
    from sobria.store.web_rollup import refresh_rollup

    store = open_store(f"sqlite:///{path}")
    store.migrate()
    started = time.perf_counter()
    counts = refresh_rollup(store)
    print(f"rollup brought up to date (what the import does): {time.perf_counter() - started:.1f} s {counts}")
    store.close()


def settle(figures: object) -> float:
    """Wait until no slow figure is being recomputed (so that timings do not share the CPU with it)."""
    from sobria.web.pages import Figures

    assert isinstance(figures, Figures)
    started = time.perf_counter()
    while figures.cache.pending:
        time.sleep(0.5)
    return time.perf_counter() - started


def first_paint(base: str, cookies: dict[str, str]) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies([{"name": k, "value": v, "url": base} for k, v in cookies.items()])
        values = []
        for _ in range(5):
            page = context.new_page()
            page.goto(base + "/", wait_until="load")
            values.append(page.evaluate("""() => {
                const paint = performance.getEntriesByName('first-contentful-paint')[0];
                const nav = performance.getEntriesByType('navigation')[0];
                return [paint ? paint.startTime : -1, nav.responseStart, nav.domContentLoadedEventEnd,
                        nav.loadEventEnd];
            }"""))
            page.close()
        browser.close()
    fcp, ttfb, dcl, load = (statistics.median(v[i] for v in values) for i in range(4))
    print(f"Chromium, overview, median of 5 loads: first contentful paint {fcp:.0f} ms "
          f"(first byte {ttfb:.0f} ms, DOM ready {dcl:.0f} ms, load {load:.0f} ms)")


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
    parser.add_argument("--change", type=int, default=1_000)
    parser.add_argument("--db", type=Path, default=ROOT / "build" / "bench_dashboard.db")
    args = parser.parse_args()
    build_store(args.db, args.events)
    refresh_as_import(args.db)
    base, server, figures = serve(args.db)
    with httpx.Client(base_url=base, timeout=600) as client:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert csrf is not None
        client.post("/login", data={"csrf": csrf.group(1), "username": "bench", "password": PASSWORD})
        static = timings(client, "/static/style.css", args.requests)
        s50, s95 = statistics.median(static), p95(static)
        starts = {page: timings(client, page, 1)[0] for page in PAGES}
        waited = settle(figures)
        print(f"slow figures (audit, charter replay) computed in the background in {waited:.0f} s after the start")
        warm = {page: timings(client, page, args.requests) for page in PAGES}
        write_change(args.db, args.change)
        changed = {page: timings(client, page, 1)[0] for page in PAGES}
        settle(figures)
        print(f"{args.events:,} events, {args.requests} requests per page (round trip on 127.0.0.1, keep-alive); "
              f"'changed': first view after {args.change:,} new events")
        print(f"{'page':48} {'start ms':>9} {'p50 ms':>8} {'p95 ms':>8} {'p95/static':>11} {'changed ms':>11}")
        print(f"{'/static/style.css':48} {'':>9} {s50:8.1f} {s95:8.1f} {1:11.1f}")
        for page in PAGES:
            m, q = statistics.median(warm[page]), p95(warm[page])
            print(f"{page:48} {starts[page]:9.0f} {m:8.1f} {q:8.1f} {q / s95:11.1f} {changed[page]:11.0f}")
        first_paint(base, dict(client.cookies))
    server.should_exit = True  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
