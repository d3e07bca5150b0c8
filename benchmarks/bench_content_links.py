"""Benchmark: the content-link step of the chain detector (``audit.chains.content_links``), the
reference path (``benchmarks/content_links_reference.py``: Polars list operations per pair, as
before ``audit/word_sets.py``) against the current one (NumPy word sets), side by side in one
process on the same prepared frame. Checks that both give the same links (child, parent, kind,
confidence, in the same order), then prints the median wall and CPU time of each over
``--repeat`` runs (old and new alternate, so that both see the same load) and the ratio new/old.

Run from the repository root: ``python benchmarks/bench_content_links.py [--events 1000000]``
(events from ``analytics.synthetic.generate_events``; ``--events 10000000 --repeat 3`` takes about
four minutes and 8 GB) or ``python benchmarks/bench_content_links.py
--real`` (every labelled real sample of tests/data/waste in the four modes of ``eval_waste.py``:
with/without conversation ids, with/without thread signals; one run is all 24 frames); ``--real
--copies 20``: those 24 frames copied 20 times into one frame (real prompts at scale).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]


def generated_frames(events: int) -> list[pl.DataFrame]:
    from sobria.analytics.synthetic import generate_events
    from sobria.audit.chains import prepared
    from sobria.catalog import load_catalog

    return [prepared(generate_events(events, load_catalog()), 15.0)]


def real_frames(copies: int) -> list[pl.DataFrame]:
    """One prepared frame per real sample and mode; with ``copies`` > 1, a single frame of all of
    them copied that many times (other people, ids and conversations): real prompts, whose word
    sketches are often full, at a larger scale."""
    from benchmarks.eval_waste import DEV_SAMPLES, MODES, REAL_DIR, SAMPLES, real_sample

    from sobria.audit.chains import prepared

    samples = []
    for key in DEV_SAMPLES:
        prefix = SAMPLES[key][1]
        if not (REAL_DIR / f"{prefix}_labels.csv").exists():
            continue
        for conversations, revision in MODES:
            samples.append(real_sample(prefix=prefix, conversations=conversations, revision=revision)[0])
    if copies <= 1:
        return [prepared(events, 15.0) for events in samples]
    tag = pl.lit("-") + pl.col("copy").cast(pl.Utf8)
    copied = pl.concat([events.with_columns(pl.lit(f"{i}.{c}").alias("copy"))
                        for c in range(copies) for i, events in enumerate(samples)], how="vertical_relaxed")
    copied = copied.with_columns(pl.col("event_id") + tag, pl.col("person") + tag,
                                 pl.col("conversation_id") + tag).drop("copy")
    return [prepared(copied, 15.0)]


def same_links(old: object, new: object) -> bool:
    return all(np.array_equal(getattr(old, name), getattr(new, name))
               for name in ("child", "parent", "regeneration", "confidence"))


def timed(run: Callable[[], list[object]]) -> tuple[float, float, list[object]]:
    wall, cpu = time.perf_counter(), time.process_time()
    links = run()
    return time.perf_counter() - wall, time.process_time() - cpu, links


def main() -> int:
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "src"))
    from benchmarks import content_links_reference as reference

    from sobria.audit import chains
    from sobria.audit.waste import WasteOptions

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000, help="generated events (without --real)")
    parser.add_argument("--real", action="store_true", help="the labelled real samples instead")
    parser.add_argument("--copies", type=int, default=1, help="with --real: one frame of the samples copied N times")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each path (median printed)")
    args = parser.parse_args()

    frames = real_frames(args.copies) if args.real else generated_frames(args.events)
    rules = WasteOptions().chain_rules()
    label = (f"real samples ({len(frames)} frames, {sum(f.height for f in frames):,} requests"
             + (f", copied {args.copies} times)" if args.copies > 1 else ")") if args.real
             else f"generated ({args.events:,} events, {frames[0].height:,} text requests)")
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {label}, load average before "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    paths = {"old": lambda: [reference.content_links(f, rules) for f in frames],
             "new": lambda: [chains.content_links(f, rules) for f in frames]}
    times: dict[str, list[tuple[float, float]]] = {"old": [], "new": []}
    for _ in range(args.repeat):
        found = {}
        for name, run in paths.items():
            wall, cpu, found[name] = timed(run)
            times[name].append((wall, cpu))
        assert all(same_links(o, n) for o, n in zip(found["old"], found["new"], strict=True)), "links differ"
    links = sum(len(link.child) for link in found["new"])   # type: ignore[attr-defined]
    print(f"links identical in every run ({links:,} content links)")
    medians = {name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
               for name, runs in times.items()}
    for name, (wall, cpu) in medians.items():
        print(f"{name}: median wall {wall:.3f} s, CPU {cpu:.3f} s ({args.repeat} runs)")
    print(f"new/old: wall {medians['new'][0] / medians['old'][0]:.2f}, CPU {medians['new'][1] / medians['old'][1]:.2f}")
    print("load average after " + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
