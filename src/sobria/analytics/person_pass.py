"""The out-of-core audit's second pass: per person range, the waste detector, the charter
scenario, the data's id counts and the market-based carbon, then their sums in range order.

On a large period the ranges are audited by worker processes (``WORKERS``, spawned: no state
shared with the caller but what each task carries), each reading its own range from the month
partitions (the row groups of its people, months in the person layout; for months in the old
layout, past ``SPILL_AFTER`` ranges, the months are first split by range, one month per task).
Results come back in the order of the ranges and are added up in that order, as the single-process
loop does: the same figures, the floats' last bits included. Memory is bounded per
worker by one range (about ``SLICE_EVENTS`` events). See docs/scale.md.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Protocol

import polars as pl

from sobria.audit.disclosure import market_gwp_kgco2e
from sobria.audit.scenarios import ScenarioResult, ScenarioRules, replay_scenario
from sobria.audit.totals import Totals
from sobria.audit.waste import REASONS, WasteOptions, WasteSummary, detect_waste, waste_summary
from sobria.audit.waste_accuracy import data_counts
from sobria.catalog import Catalog
from sobria.ranges import Range

WORKERS = 2                  # processes auditing ranges side by side (each with one range in memory)


@dataclass(frozen=True)
class SlicePart:
    """One person range's share of the second pass."""

    summary: WasteSummary
    scenario: ScenarioResult
    counts: tuple[int, int, int]   # chat requests compared, with a conversation id, with a thread signal
    requests: int                  # every request and its carbon: the shares' denominators
    gwp: float
    market: Range


def audit_slice(frame: pl.DataFrame, catalog: Catalog, rules: ScenarioRules) -> SlicePart:
    """Waste, the charter scenario, the id counts and the market-based carbon of one range's events."""
    flagged = detect_waste(frame, catalog, WasteOptions(estimate=rules.estimate))
    base = frame.select(pl.col("request_count").fill_null(1).cast(pl.Int64).sum().alias("r"),
                        ((pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max")) / 2).fill_null(0.0)
                        .fill_nan(0.0).sum().alias("g")).row(0)
    return SlicePart(waste_summary(frame, flagged), replay_scenario(frame, catalog, rules), data_counts(frame),
                     int(base[0] or 0), float(base[1] or 0.0), market_gwp_kgco2e(frame, catalog, rules.estimate))


def combined(parts: Iterable[SlicePart]) -> tuple[WasteSummary, ScenarioResult, tuple[int, int, int], Range]:
    """The parts added up in their order (the order of the ranges)."""
    summary: WasteSummary | None = None
    scenario: ScenarioResult | None = None
    requests, gwp = 0, 0.0
    counts = (0, 0, 0)
    market = Range(0.0, 0.0)
    for part in parts:
        counts = (counts[0] + part.counts[0], counts[1] + part.counts[1], counts[2] + part.counts[2])
        requests, gwp = requests + part.requests, gwp + part.gwp
        summary = part.summary if summary is None else _add_summaries(summary, part.summary)
        scenario = part.scenario if scenario is None else _add_scenarios(scenario, part.scenario)
        market = Range(market.min + part.market.min, market.max + part.market.max)
    assert summary is not None and scenario is not None
    return replace(summary, share_of_requests=summary.requests / requests if requests else 0.0,
                   share_of_gwp=summary.gwp_kgco2e / gwp if gwp > 0 else 0.0), scenario, counts, market


class Source(Protocol):
    """One range's events, read where the task runs."""

    def frame(self) -> pl.DataFrame: ...


class Task(Protocol):
    def run(self) -> object: ...


@dataclass(frozen=True)
class SliceTask:
    source: Source

    def run(self) -> SlicePart:
        catalog, rules = _WORKER["catalog"], _WORKER["rules"]
        assert isinstance(catalog, Catalog) and isinstance(rules, ScenarioRules)
        return audit_slice(self.source.frame(), catalog, rules)


_WORKER: dict[str, object] = {}


def _start(catalog: Catalog, rules: ScenarioRules, threads: int) -> None:
    os.environ["POLARS_MAX_THREADS"] = str(threads)   # read when the engine's thread pool starts
    _WORKER.update(catalog=catalog, rules=rules)


def _run(task: Task) -> object:
    return task.run()


class Pool:
    """The worker processes of one audit; ``map`` keeps the order of its tasks."""

    def __init__(self, executor: ProcessPoolExecutor) -> None:
        self._executor = executor

    def map(self, tasks: list[Task]) -> list[object]:
        return list(self._executor.map(_run, tasks))


@contextmanager
def worker_pool(catalog: Catalog, rules: ScenarioRules) -> Iterator[Pool]:
    """``WORKERS`` spawned processes (at most one per core), the cores shared between them."""
    cores = os.cpu_count() or 1
    workers = max(1, min(WORKERS, cores))
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_start,
                             initargs=(catalog, rules, max(1, cores // workers))) as executor:
        yield Pool(executor)


def _add_totals(a: Totals, b: Totals) -> Totals:
    def add(x: Range, y: Range) -> Range:
        return Range(x.min + y.min, x.max + y.max)

    return Totals(requests=a.requests + b.requests, events=a.events + b.events,
                  energy_kwh=add(a.energy_kwh, b.energy_kwh), gwp_kgco2e=add(a.gwp_kgco2e, b.gwp_kgco2e),
                  water_l=add(a.water_l, b.water_l), adpe_kgsbeq=add(a.adpe_kgsbeq, b.adpe_kgsbeq),
                  pe_mj=add(a.pe_mj, b.pe_mj), reported_cost_eur=a.reported_cost_eur + b.reported_cost_eur,
                  list_cost_eur=a.list_cost_eur + b.list_cost_eur)


def _add_scenarios(a: ScenarioResult, b: ScenarioResult) -> ScenarioResult:
    return ScenarioResult(a.rules, _add_totals(a.actual, b.actual), _add_totals(a.projected, b.projected),
                          a.rerouted + b.rerouted, a.dropped_regenerations + b.dropped_regenerations,
                          a.dropped_images + b.dropped_images, a.blocked_other + b.blocked_other)


def _add_summaries(a: WasteSummary, b: WasteSummary) -> WasteSummary:
    return WasteSummary(
        requests=a.requests + b.requests, share_of_requests=0.0,
        gwp_kgco2e=a.gwp_kgco2e + b.gwp_kgco2e, share_of_gwp=0.0,
        by_reason={r: a.by_reason[r] + b.by_reason[r] for r in REASONS},
        gwp_kgco2e_by_reason={r: a.gwp_kgco2e_by_reason[r] + b.gwp_kgco2e_by_reason[r] for r in REASONS},
        heavy_trivial_saving_gwp_kgco2e=a.heavy_trivial_saving_gwp_kgco2e + b.heavy_trivial_saving_gwp_kgco2e,
        heavy_trivial_saving_energy_kwh=a.heavy_trivial_saving_energy_kwh + b.heavy_trivial_saving_energy_kwh,
        list_cost_eur=a.list_cost_eur + b.list_cost_eur,
        heavy_trivial_saving_eur=a.heavy_trivial_saving_eur + b.heavy_trivial_saving_eur)
