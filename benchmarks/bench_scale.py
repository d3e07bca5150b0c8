"""Benchmark: audits at a large group's scale (issue 16, docs/scale.md).

For each size (default 1 M and 10 M events over six months, 25,000 people, skewed): generate the
events month by month and write them to the month partitions (timed: the import into partitioned
files), then run the whole out-of-core audit in a fresh process (wall time, peak RSS, events/s,
ratio to the 1 M time). For 1 M also: the import throughput from a CSV file with its ratio to
``polars.read_csv`` of the same file; today's in-memory ``run_audit`` on a SQLite store holding the
same events (time, RSS) and whether both JSON documents agree; the KPI cube on DuckDB vs Polars.

Run from the repository root: ``python benchmarks/bench_scale.py [--sizes 1000000 10000000]``.
The machine is shared (2 cores): each step runs once. The import alone, three times (medians):
``python benchmarks/bench_scale.py --sizes 1000000 --import-only --repeat 3``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
PEOPLE = 25_000
MONTHS = 6
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_s() -> float:
    """CPU time of this process (user + system): less sensitive than wall time to a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def month_days() -> list[tuple[int, int]]:
    starts = [(dt.date(2025, m, 1) - dt.date(2025, 1, 1)).days for m in range(1, MONTHS + 2)]
    return list(itertools.pairwise(starts))


def control_plane(folder: Path, with_events: bool) -> Path:
    """The SQLite store: organisation and people (the control plane), and the events if asked."""
    from sobria.store import open_store
    from sobria.store.store import BatchRecord, PersonRow
    from sobria.store.tables import event_column_names

    path = folder / "sobria.db"
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    store.init_organisation("Groupe", "k" * 64)
    events = read_all(folder) if with_events else None
    pairs = [] if events is None else events.select("person", "team").unique("person").sort("person").rows()
    persons = [PersonRow(p, t) for p, t in pairs]
    frame = events.select(event_column_names()) if events is not None else None
    if frame is not None:
        store.write_batch(BatchRecord("bench", "bench", "-", 0, frame.height, 0), frame,
                          set(frame["team"].drop_nulls().to_list()), persons)
    store.close()
    return path


def read_all(folder: Path):  # type: ignore[no-untyped-def]
    from sobria.analytics.partitions import PartitionSet

    return PartitionSet(folder / "sobria.db.parquet").scan_all().collect()


def generate(n: int, folder: Path) -> dict[str, float]:
    from sobria.analytics.partitions import PartitionSet
    from sobria.analytics.synthetic import Slice, generate_events, templates
    from sobria.catalog import load_catalog
    from sobria.store.tables import event_column_names

    catalog, prints, parts = load_catalog(), templates(), PartitionSet.enable(folder / "sobria.db")
    days = month_days()
    total_days = days[-1][1]
    written, write_s, first = 0, 0.0, 0
    for index, (low, high) in enumerate(days):
        count = n * (high - low) // total_days if index < len(days) - 1 else n - first
        frame = generate_events(count, catalog, seed=index, prints=prints,
                                part=Slice(days=(low, high), people=PEOPLE, first_id=first)).select(
            event_column_names())
        first += count
        started = time.perf_counter()
        written += sum(parts.write(frame).values())
        write_s += time.perf_counter() - started
    return {"events": written, "partition_write_s": write_s, "events_per_s": written / write_s}


def import_csv(folder: Path) -> dict[str, float]:
    """What `sobria import events` does (parse, validate, pseudonymise, estimate, the store, the
    month partitions with their rollups, the dashboard's usage totals), from one CSV file of the
    canonical columns into a fresh store with partitions enabled, against polars.read_csv."""
    import polars as pl

    from sobria.analytics.partitions import PartitionSet
    from sobria.catalog import load_catalog
    from sobria.events.schema import EVENT_COLUMNS
    from sobria.ingest.pipeline import ImportOptions, run_import
    from sobria.ingest.pseudonym import key_fingerprint
    from sobria.store import open_store

    csv = folder / "events.csv"
    if not csv.exists():   # written once per folder (--repeat runs the import again on the same file)
        read_all(folder).select(c.name for c in EVENT_COLUMNS).write_csv(csv)
    for old in folder.glob("import.db*"):   # a fresh store (and partitions folder) each run
        shutil.rmtree(old) if old.is_dir() else old.unlink()
    started, cpu = time.perf_counter(), cpu_s()
    height = pl.read_csv(csv).height
    read_s, read_cpu = time.perf_counter() - started, cpu_s() - cpu
    store, secret = open_store(f"sqlite:///{folder / 'import.db'}"), b"k" * 32
    store.migrate()
    store.init_organisation("Groupe", key_fingerprint(secret))
    PartitionSet.enable(folder / "import.db")
    started, cpu = time.perf_counter(), cpu_s()
    inserted = run_import(store, load_catalog(), secret, ImportOptions(kind="events", files=(csv,), now=NOW)).inserted
    import_s, import_cpu = time.perf_counter() - started, cpu_s() - cpu
    assert inserted == height, (inserted, height)
    return {"events": height, "read_csv_s": read_s, "import_s": import_s, "read_cpu_s": read_cpu,
            "import_cpu_s": import_cpu, "events_per_s": height / import_s, "ratio_to_read_csv": import_s / read_s,
            "load_average": os.getloadavg()[0]}


def import_only(n: int, repeat: int) -> None:
    """The import step alone, ``repeat`` times on the same CSV (a fresh store each time): each run, then the medians."""
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        folder = Path(tmp)
        run_child("generate", n, folder)
        runs = []
        for index in range(repeat):
            imp = run_child("import", n, folder)
            runs.append(imp)
            print(f"run {index + 1}: import {imp['import_s']:.2f} s (CPU {imp['import_cpu_s']:.1f} s) = "
                  f"{imp['events_per_s']:,.0f} events/s; polars.read_csv {imp['read_csv_s']:.2f} s "
                  f"(CPU {imp['read_cpu_s']:.1f} s), ratio {imp['ratio_to_read_csv']:.2f}; "
                  f"load average {imp['load_average']:.1f}", flush=True)
        median = {k: statistics.median(float(r[k]) for r in runs) for k in runs[0]}
        print(f"median of {repeat}: import {median['import_s']:.2f} s (CPU {median['import_cpu_s']:.1f} s) = "
              f"{n / median['import_s']:,.0f} events/s ({n / median['import_cpu_s']:,.0f} per CPU-second); "
              f"polars.read_csv {median['read_csv_s']:.2f} s, ratio {median['import_s'] / median['read_csv_s']:.2f} "
              f"(median of the ratios {median['ratio_to_read_csv']:.2f})")


def audit(folder: Path, mode: str) -> dict[str, object]:
    from sobria.analytics.audit import run_partitioned_audit
    from sobria.analytics.partitions import PartitionSet
    from sobria.audit.run import AuditOptions, run_audit
    from sobria.catalog import load_catalog
    from sobria.store import open_store

    store, catalog = open_store(f"sqlite:///{folder / 'sobria.db'}"), load_catalog()
    options = AuditOptions(split=dt.date(2025, 4, 1))
    started, cpu = time.perf_counter(), cpu_s()
    if mode == "memory":
        result = run_audit(store, catalog, options, NOW)
    else:
        result = run_partitioned_audit(store, PartitionSet(folder / "sobria.db.parquet"), catalog, options, NOW)
    wall = time.perf_counter() - started
    assert result is not None
    doc = result.to_json()
    (folder / f"audit-{mode}.json").write_text(json.dumps(doc), encoding="utf-8")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall_s": wall, "cpu_s": cpu_s() - cpu + children.ru_utime + children.ru_stime,
            "peak_rss_mib": rss_mib(), "worker_rss_mib": children.ru_maxrss / 1024, "events": doc["totals"]["events"]}


def engines(folder: Path) -> dict[str, float]:
    """The per-month KPI cube (sums by team, tool, model, tier) on DuckDB and on Polars lazy."""
    import duckdb
    import polars as pl

    from sobria.analytics.partitions import PartitionSet
    from sobria.audit.totals import sum_exprs

    parts = PartitionSet(folder / "sobria.db.parquet")
    keys = ["team", "tool", "model", "tier", "impact_status"]
    started = time.perf_counter()
    polars_cells = 0
    for month in parts.months():
        polars_cells += parts.scan(month).group_by(keys).agg(sum_exprs()).collect().height
    polars_s = time.perf_counter() - started
    sums = ", ".join(f"sum({c}_{b})" for c in ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj")
                     for b in ("min", "max"))
    con = duckdb.connect()
    started = time.perf_counter()
    duck_cells = 0
    for month in parts.months():
        sql = (f"SELECT {', '.join(keys)}, sum(request_count), count(*), sum(cost_eur), sum(est_cost_eur), {sums} "
               f"FROM read_parquet('{parts.path(month)}') GROUP BY ALL")
        duck_cells += len(con.execute(sql).fetchall())
    duck_s = time.perf_counter() - started
    assert duck_cells == polars_cells, (duck_cells, polars_cells)
    return {"polars_s": polars_s, "duckdb_s": duck_s, "cells": polars_cells, "events": pl.scan_parquet(
        [parts.path(m) for m in parts.months()]).select(pl.len()).collect().item()}


def run_child(step: str, n: int, folder: Path) -> dict[str, object]:
    out = subprocess.run([sys.executable, __file__, "--child", step, str(n), str(folder)], stdout=subprocess.PIPE,
                         text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def child(step: str, n: int, folder: Path) -> None:
    if step == "generate":
        result: dict[str, object] = dict(generate(n, folder))
        control_plane(folder, with_events=False)
    elif step == "import":
        result = dict(import_csv(folder))
    elif step == "store":
        (folder / "sobria.db").unlink()
        started = time.perf_counter()
        control_plane(folder, with_events=True)
        result = {"store_write_s": time.perf_counter() - started}
    elif step == "engines":
        result = dict(engines(folder))
    else:
        result = audit(folder, step)
    print(json.dumps(result))


def compare(folder: Path) -> list[str]:
    from sobria.analytics.compare import differences

    memory = json.loads((folder / "audit-memory.json").read_text(encoding="utf-8"))
    partitioned = json.loads((folder / "audit-partitioned.json").read_text(encoding="utf-8"))
    return differences(memory, partitioned)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--audit-only", action="store_true", help="skip the CSV import, engines and in-memory runs")
    parser.add_argument("--import-only", action="store_true",
                        help="only the CSV import step (sobria import events), for the first size")
    parser.add_argument("--repeat", type=int, default=1, help="with --import-only: runs of the import (medians)")
    parser.add_argument("--child", nargs=3)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], int(args.child[1]), Path(args.child[2]))
        return
    if args.import_only:
        import_only(args.sizes[0], args.repeat)
        return
    base: float | None = None
    base_cpu: float | None = None
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
            folder = Path(tmp)
            gen = run_child("generate", n, folder)
            print(f"{n:>11,} events  partitions written in {gen['partition_write_s']:.1f} s "
                  f"({gen['events_per_s']:,.0f} events/s)")
            if n == args.sizes[0] and not args.audit_only:
                imp = run_child("import", n, folder)
                print(f"{'':>11}  import from CSV: {imp['import_s']:.2f} s (CPU {imp['import_cpu_s']:.1f} s) = "
                      f"{imp['events_per_s']:,.0f} events/s; polars.read_csv alone {imp['read_csv_s']:.2f} s "
                      f"(CPU {imp['read_cpu_s']:.1f} s), ratio {imp['ratio_to_read_csv']:.2f}")
                eng = run_child("engines", n, folder)
                print(f"{'':>11}  KPI cube per month: Polars lazy {eng['polars_s']:.2f} s, "
                      f"DuckDB {eng['duckdb_s']:.2f} s ({eng['cells']} cells)")
            ooc = run_child("partitioned", n, folder)
            wall, cpu = float(ooc["wall_s"]), float(ooc["cpu_s"])  # type: ignore[arg-type]
            base, base_cpu = base or wall, base_cpu or cpu
            print(f"{'':>11}  out-of-core audit: {wall:.1f} s (CPU {cpu:.1f} s), "
                  f"peak RSS {ooc['peak_rss_mib']:,.0f} MiB (largest worker {ooc['worker_rss_mib']:,.0f} MiB), "
                  f"{n / wall:,.0f} events/s, "
                  f"x{wall / base:.2f} the first size (CPU x{cpu / base_cpu:.2f}); "
                  f"load average {os.getloadavg()[0]:.1f}")
            if n == args.sizes[0] and not args.audit_only:
                stored = run_child("store", n, folder)
                mem = run_child("memory", n, folder)
                diffs = compare(folder)
                print(f"{'':>11}  in-memory run_audit: {mem['wall_s']:.1f} s (CPU {mem['cpu_s']:.1f} s), "
                      f"peak RSS {mem['peak_rss_mib']:,.0f} MiB "
                      f"(store written in {stored['store_write_s']:.0f} s); same JSON: {not diffs} {diffs[:3]}")


if __name__ == "__main__":
    main()
