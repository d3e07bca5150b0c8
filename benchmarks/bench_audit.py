"""Benchmark: the full audit (KPIs, waste detection, adoption, scenario) on 100,000 and 1,000,000
events, each size in its own process; prints time and peak memory, and the growth ratio.

Run from the repository root: ``python benchmarks/bench_audit.py [--sizes 100000 1000000]``.
Each size runs ``--repeat`` times (default 3) and the median run is printed.
Targets on the 2-core machine: <= 30 s and <= 3 GiB for the million; time grows no more than
12x for 10x the events.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
MODELS = ["gpt-4o", "gpt-4o-mini", "gpt-4", "claude-sonnet-4-5", "mistral-large-latest", "dall-e-3"]
PROVIDERS = ["openai", "openai", "openai", "anthropic", "mistralai", "openai"]
TEAMS = ["marketing", "sales", "support", "hr", "management"]
PURPOSES = ["internal", "external", "client", None]


def make_events(n: int, seed: int = 3) -> pl.DataFrame:
    """Events with impacts, as the store returns them: 2,000 people over six months, with bursts of
    near-identical prompts (fingerprints of a few templates) so that the waste detector has work."""
    sys.path.insert(0, str(ROOT / "src"))
    from sobria.catalog import load_catalog
    from sobria.events.fingerprint import fingerprint
    from sobria.events.schema import conform
    from sobria.impact import Estimator, estimate_frame

    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(MODELS), n)
    image = np.array(MODELS)[idx] == "dall-e-3"
    start = np.datetime64("2025-01-01T08:00:00")
    ts = np.sort(start + rng.integers(0, 180 * 86400, n).astype("timedelta64[s]"))
    prints = [fingerprint(f"Rédige un e-mail de relance pour le client {i} au sujet de la facture {i % 7}")
              for i in range(500)]
    frame = conform(pl.DataFrame({
        "event_id": [f"ev-{i:08d}" for i in range(n)],
        "ts": pl.Series(ts.astype("datetime64[us]")).dt.replace_time_zone("UTC"),
        "person": [f"p_{i:05d}" for i in rng.integers(0, 2000, n)],
        "team": np.array(TEAMS)[rng.integers(0, len(TEAMS), n)],
        "tool": "chat", "provider": np.array(PROVIDERS)[idx], "model": np.array(MODELS)[idx],
        "operation": np.where(image, "image", "chat"),
        "input_tokens": np.where(image, 0, rng.integers(10, 4000, n)),
        "output_tokens": np.where(image, 0, rng.integers(1, 1500, n)),
        "images": np.where(image, 1, 0),
        "purpose": pl.Series(np.array(PURPOSES, dtype=object)[rng.integers(0, len(PURPOSES), n)], dtype=pl.Utf8),
        "image_used": pl.Series(np.where(image, rng.random(n) < 0.5, None).tolist(), dtype=pl.Boolean),
        "prompt_fingerprint": np.array(prints, dtype=object)[rng.integers(0, len(prints), n)],
        "source": "bench", "tier": "measured", "request_count": 1,
    }))
    est = estimate_frame(Estimator(load_catalog()), frame.select(
        "provider", "model", "operation", "input_tokens", "output_tokens", "cached_input_tokens", "images",
        "image_size", "image_quality", "latency_ms", "zone", "request_count"))
    impacts = [est[c] for c in est.columns if c.endswith(("_min", "_max"))]
    return frame.with_columns(*impacts, est["cost_eur"].alias("est_cost_eur"),
                              est["status"].alias("impact_status"), est["resolved_model"])


def child(n: int) -> None:
    sys.path.insert(0, str(ROOT / "src"))
    from sobria.audit.adoption import compute_adoption
    from sobria.audit.kpis import compute_kpis
    from sobria.audit.period import Period
    from sobria.audit.run import waste_figures
    from sobria.audit.scenarios import ScenarioRules, replay_scenario
    from sobria.audit.waste import detect_waste
    from sobria.catalog import load_catalog

    events = make_events(n)
    catalog = load_catalog()
    period = Period(dt.date(2025, 1, 1), dt.date(2025, 7, 1))
    people = events.select("person", "team").unique("person")
    timings = {}
    start = time.perf_counter()
    t0 = time.perf_counter()
    kpis = compute_kpis(events, catalog, period)
    timings["kpis"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    flagged = detect_waste(events, catalog)
    waste_figures(events, flagged)
    timings["waste"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    compute_adoption(events, people, period)
    timings["adoption"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    replay_scenario(events, flagged, catalog, ScenarioRules())
    timings["scenario"] = time.perf_counter() - t0
    total = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"events": n, "seconds": total, "peak_mib": peak, "flagged": flagged.height,
                      "requests": kpis.totals.requests, "steps": timings}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the median is reported")
    parser.add_argument("--child", type=int)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    results = []
    for n in args.sizes:
        runs = []
        for _ in range(args.repeat):
            out = subprocess.run([sys.executable, __file__, "--child", str(n)], capture_output=True, text=True,
                                 check=True)
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        r = sorted(runs, key=lambda x: x["seconds"])[len(runs) // 2]  # the median run
        results.append(r)
        steps = ", ".join(f"{k} {v:.2f} s" for k, v in r["steps"].items())
        print(f"{n:>9,} events: audit {r['seconds']:.2f} s ({steps}); peak RSS {r['peak_mib']:,.0f} MiB "
              f"(includes generating the data); {r['flagged']:,} flagged")
    if len(results) >= 2:
        ratio = results[-1]["seconds"] / results[0]["seconds"]
        growth = results[-1]["events"] / results[0]["events"]
        print(f"time ratio for {growth:.0f}x the events: {ratio:.1f}x (target <= 12x)")
    print("targets: <= 30 s and <= 3,072 MiB for 1,000,000 events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
