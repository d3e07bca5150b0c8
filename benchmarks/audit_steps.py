"""Benchmark: where the out-of-core audit's time goes, step by step, on partitions already written
(``bench_scale.py --child generate N DIR`` writes them).

Runs ``run_partitioned_audit`` as ``bench_scale.py --child partitioned`` does (same options), with
each step of the parent and of the worker processes timed (wall, and the CPU of the process that
ran it: with ``POLARS_MAX_THREADS`` at one per worker, the step's own); the workers' sums are
written to ``DIR/steps-<pid>.json`` after each call, then added up here. ``--single``: no worker
processes (the ranges audited one after the other in this process).

Run from the repository root: ``python benchmarks/audit_steps.py DIR [--single]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
STEPS = {"sobria.analytics.audit": ("_first_pass", "spill_month", "range_frame", "time_ordered"),
         "sobria.analytics.spill": ("spill_month", "range_frame"),
         "sobria.analytics.person_pass": ("detect_waste", "waste_summary", "replay_scenario", "data_counts",
                                          "market_gwp_kgco2e")}


def cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def install(folder: Path) -> None:
    """Every step of ``STEPS`` timed in this process, its sums written to ``folder`` after each call."""
    import importlib

    sums: dict[str, list[float]] = {}
    out = folder / f"steps-{os.getpid()}.json"

    def timed(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            wall, cpu = time.perf_counter(), cpu_s()
            try:
                return step(*args, **kwargs)
            finally:
                entry = sums.setdefault(name, [0.0, 0.0, 0])
                entry[0] += time.perf_counter() - wall
                entry[1] += cpu_s() - cpu
                entry[2] += 1
                out.write_text(json.dumps(sums), encoding="utf-8")
        return run

    for module_name, names in STEPS.items():
        module = importlib.import_module(module_name)
        for name in names:
            setattr(module, name, timed(name, getattr(module, name)))
    module = importlib.import_module("sobria.analytics.audit")
    module.Scan.slice = timed("slice", module.Scan.slice)   # type: ignore[method-assign]


def worker_start(catalog: Any, rules: Any, threads: int, folder: str) -> None:
    """The pool's initializer, then the steps timed in the worker."""
    from sobria.analytics import person_pass

    person_pass._start(catalog, rules, threads)
    install(Path(folder))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--single", action="store_true", help="no worker processes")
    args = parser.parse_args()
    import functools
    from concurrent.futures import ProcessPoolExecutor

    from sobria.analytics import audit, person_pass
    from sobria.analytics.partitions import PartitionSet
    from sobria.audit.run import AuditOptions
    from sobria.catalog import load_catalog
    from sobria.store import open_store

    folder: Path = args.folder
    for old in folder.glob("steps-*.json"):
        old.unlink()
    install(folder)
    if args.single:
        audit.POOL_EVENTS = 10**15
    else:    # the same pool, its initializer followed by the timing hooks
        original = person_pass.ProcessPoolExecutor

        def executor(*a: Any, initializer: Any, initargs: tuple[Any, ...], **k: Any) -> ProcessPoolExecutor:
            return original(*a, initializer=functools.partial(worker_start, folder=str(folder)),
                            initargs=initargs, **k)
        person_pass.ProcessPoolExecutor = executor   # type: ignore[misc, assignment]
    store, catalog = open_store(f"sqlite:///{folder / 'sobria.db'}"), load_catalog()
    options = AuditOptions(split=dt.date(2025, 4, 1))
    load = os.getloadavg()
    started, cpu = time.perf_counter(), cpu_s()
    result = audit.run_partitioned_audit(store, PartitionSet(folder / "sobria.db.parquet"), catalog, options, NOW)
    wall = time.perf_counter() - started
    assert result is not None
    (folder / "audit-steps.json").write_text(json.dumps(result.to_json()), encoding="utf-8")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    events = int(result.kpis.totals.events)
    workers_cpu = children.ru_utime + children.ru_stime
    parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = cpu_s() - cpu + workers_cpu
    print(f"{events:,} events: wall {wall:.1f} s, CPU {total:.1f} s (workers {workers_cpu:.1f} s), "
          f"{events / wall:,.0f} events/s; peak RSS parent {parent_rss:,.0f} MiB, "
          f"largest worker {children.ru_maxrss / 1024:,.0f} MiB; load average {load[0]:.1f} before, "
          f"{os.getloadavg()[0]:.1f} after ({'single process' if args.single else 'worker processes'})")
    steps: dict[str, list[float]] = {}
    for part in folder.glob("steps-*.json"):
        for name, (w, c, n) in json.loads(part.read_text(encoding="utf-8")).items():
            entry = steps.setdefault(name, [0.0, 0.0, 0])
            entry[0], entry[1], entry[2] = entry[0] + w, entry[1] + c, entry[2] + n
    for name, (w, c, n) in sorted(steps.items(), key=lambda item: -item[1][1]):
        print(f"  {name:18s} wall {w:7.1f} s  CPU {c:7.1f} s  calls {int(n)}")


if __name__ == "__main__":
    main()
