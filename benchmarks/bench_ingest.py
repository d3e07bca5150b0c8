"""Benchmark: import a generated 1,000,000-event canonical CSV (impacts computed) into SQLite and
into a real PostgreSQL server; prints events/s, the ratio to ``polars.read_csv`` of the same file
and each import's peak memory (max RSS of the child process that ran it).

Run from the repository root: ``python benchmarks/bench_ingest.py [--events N] [--repeat R]``.
Targets on the 2-core machine: >= 150,000 events/s into SQLite, peak memory <= 2 GiB.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "mistral-large-latest", "gpt-4.1-nano", "dall-e-3"]
PROVIDERS = ["openai", "openai", "anthropic", "mistralai", "openai", "openai"]
TEAMS = ["marketing", "sales", "support", "hr", "management"]


def make_csv(path: Path, n: int, seed: int = 1) -> Path:
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(MODELS), n)
    image = np.array(MODELS)[idx] == "dall-e-3"
    start = np.datetime64("2025-01-01T00:00:00")
    ts = start + rng.integers(0, 180 * 86400, n).astype("timedelta64[s]")
    pl.DataFrame({
        "event_id": [f"ev-{i:08d}" for i in range(n)],
        "ts": pl.Series(ts.astype("datetime64[us]")).dt.replace_time_zone("UTC"),
        "person": [f"user{i}@example.com" for i in rng.integers(0, 2000, n)],
        "team": np.array(TEAMS)[rng.integers(0, len(TEAMS), n)],
        "tool": "api", "provider": np.array(PROVIDERS)[idx], "model": np.array(MODELS)[idx],
        "operation": np.where(image, "image", "chat"),
        "input_tokens": np.where(image, 0, rng.integers(10, 4000, n)),
        "output_tokens": np.where(image, 0, rng.integers(1, 1500, n)),
        "images": np.where(image, 1, 0), "latency_ms": rng.uniform(200, 20000, n).round(1),
        "source": "bench", "tier": "measured", "request_count": 1,
    }).write_csv(path)
    return path


def child(kind: str, csv: str, url: str, secret_file: str) -> None:
    """Run one measured step in this process and print its figures as JSON."""
    sys.path.insert(0, str(ROOT / "src"))
    if kind == "read_csv":
        start = time.perf_counter()
        rows = pl.read_csv(csv).height
    else:
        from sobria.ingest.pseudonym import key_fingerprint, read_secret
        from sobria.store import open_store

        store = open_store(url)  # the store exists before the import (`sobria init`): not timed
        store.migrate()
        secret = read_secret(Path(secret_file))
        if store.organisation() is None:
            store.init_organisation("bench", key_fingerprint(secret))
        start = time.perf_counter()  # what `sobria import` does: load the catalogue, import
        from sobria.catalog import load_catalog
        from sobria.ingest.pipeline import ImportOptions, run_import

        rows = run_import(store, load_catalog(), secret, ImportOptions(kind="events", files=(Path(csv),))).inserted
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": elapsed, "peak_mib": peak}))


def run_child(kind: str, csv: Path, url: str, secret: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(csv), url, str(secret)],
                         capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", nargs=4, metavar=("KIND", "CSV", "URL", "SECRET"))
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    from tests.support.postgres import create_database, postgres_server

    work = Path(tempfile.mkdtemp(prefix="sobria-bench-"))
    csv = make_csv(work / "events.csv", args.events)
    secret = work / "secret.key"
    secret.write_text(bytes(range(32)).hex())
    print(f"file: {csv} ({csv.stat().st_size / 2**20:,.0f} MiB, {args.events:,} events)")
    reads = [run_child("read_csv", csv, "", str(secret))["seconds"] for _ in range(args.repeat)]
    read_s = statistics.median(reads)
    print(f"polars.read_csv: median {read_s:.2f} s -> {args.events / read_s:,.0f} rows/s")
    targets = [("sqlite", lambda i: f"sqlite:///{work / f'bench{i}.db'}")]
    server = None
    if not args.no_postgres:
        server = postgres_server()
        base = server.__enter__()
        targets.append(("postgresql", lambda i: create_database(base, f"bench{i}")))
    try:
        for name, url_for in targets:
            runs = [run_child("import", csv, url_for(i), str(secret)) for i in range(args.repeat)]
            secs = statistics.median(r["seconds"] for r in runs)
            peak = max(r["peak_mib"] for r in runs)
            assert all(r["rows"] == args.events for r in runs)
            print(f"import into {name}: median {secs:.2f} s -> {args.events / secs:,.0f} events/s; "
                  f"{secs / read_s:.1f}x the time of polars.read_csv; peak RSS {peak:,.0f} MiB")
    finally:
        if server is not None:
            server.__exit__(None, None, None)
    print("targets: >= 150,000 events/s into SQLite; peak memory <= 2,048 MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
