"""Benchmark: vectorised estimation of 1,000,000 mixed events vs EcoLogits called per request.

Run: ``python benchmarks/bench_impact.py [--events N] [--sample N] [--repeat R]``.
Prints events/s for both, the speed ratio and the peak memory of the vectorised run, as medians
over the repeats (the machine is shared and noisy: compare ratios).
Targets (2-core machine): >= 2,000,000 events/s, >= 500x EcoLogits per call, peak <= 1 GiB.
"""

from __future__ import annotations

import argparse
import math
import resource
import statistics
import sys
import time
import tracemalloc

import numpy as np
import polars as pl

from sobria.catalog import load_catalog
from sobria.impact.estimator import Estimator
from sobria.impact.frame import estimate_frame
from sobria.impact.options import EstimateOptions

TEXT_MODELS = [("openai", "gpt-4o"), ("openai", "gpt-4o-mini"), ("openai", "gpt-4.1-nano"),
               ("anthropic", "claude-sonnet-4-5"), ("mistralai", "mistral-large-latest"),
               ("mistralai", "mistral-small-latest"), ("google_genai", "gemini-2.5-flash"),
               ("openai", "gpt-4o-2024-08-06"), ("openai", "gpt-3.5-turbo")]
OTHER = [("openai", "dall-e-3"), ("openai", "text-embedding-3-small"), ("openai", "mystery-model-x"),
         ("acme", "llama-3-70b-instruct")]


def make_events(n: int, seed: int = 42) -> pl.DataFrame:
    """Mixed events: 85% text on known models, 5% images, 5% embeddings, 5% unknown models."""
    rng = np.random.default_rng(seed)
    choices = TEXT_MODELS + OTHER
    weights = np.array([0.85 / len(TEXT_MODELS)] * len(TEXT_MODELS) + [0.05, 0.05, 0.025, 0.025])
    idx = rng.choice(len(choices), size=n, p=weights / weights.sum())
    provider = np.array([p for p, _ in choices])[idx]
    model = np.array([m for _, m in choices])[idx]
    is_image = model == "dall-e-3"
    zone_pick = rng.random(n)
    zone = np.where(zone_pick < 0.2, "FRA", np.where(zone_pick < 0.3, "SWE", ""))
    return pl.DataFrame({
        "provider": provider, "model": model,
        "input_tokens": np.where(is_image, 0, rng.integers(10, 4000, n)),
        "output_tokens": np.where(is_image | (model == "text-embedding-3-small"), 0, rng.integers(1, 1500, n)),
        "images": np.where(is_image, rng.integers(1, 4, n), 0),
        "image_size": np.where(is_image, "1024x1024", ""),
        "latency_ms": np.where(rng.random(n) < 0.5, rng.uniform(300, 20000, n), np.nan),
        "zone": zone,
    }).with_columns(
        pl.col("zone").replace("", None), pl.col("image_size").replace("", None),
        pl.col("latency_ms").fill_nan(None),
    )


def bench_vectorised(estimator: Estimator, events: pl.DataFrame, repeat: int) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        estimate_frame(estimator, events)
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    estimate_frame(estimator, events)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return statistics.median(times), peak / 2**20


def bench_ecologits(events: pl.DataFrame, sample: int) -> float:
    import logging

    from ecologits.tracers.utils import llm_impacts

    logging.getLogger("ecologits").setLevel(logging.ERROR)

    rows = events.filter(pl.col("provider").is_in(["openai", "anthropic", "mistralai", "google_genai"])
                         & (pl.col("output_tokens") > 0)).head(sample).rows(named=True)
    start = time.perf_counter()
    for row in rows:
        latency = row["latency_ms"] / 1000 if row["latency_ms"] is not None else math.inf
        llm_impacts(row["provider"], row["model"], row["output_tokens"], latency, row["zone"])
    return len(rows) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    catalog = load_catalog()
    estimator = Estimator(catalog, EstimateOptions())
    events = make_events(args.events)
    median_s, peak_mib = bench_vectorised(estimator, events, args.repeat)
    ours = args.events / median_s
    reference = bench_ecologits(events, args.sample)
    rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"events: {args.events:,} (vectorised), {args.sample:,} (EcoLogits per call)")
    print(f"sobria vectorised: median {median_s * 1000:.0f} ms -> {ours:,.0f} events/s (target >= 2,000,000)")
    print(f"ecologits per call: {reference:,.0f} events/s")
    print(f"speed ratio: {ours / reference:,.0f}x (target >= 500x)")
    print(f"peak traced memory of one vectorised run: {peak_mib:,.0f} MiB; process max RSS {rss_mib:,.0f} MiB "
          "(target <= 1024 MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
