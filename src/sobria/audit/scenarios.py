"""Scenarios: the charter applied to the history, and two periods compared (before / after)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from sobria.audit.period import Period
from sobria.audit.totals import Totals, totals
from sobria.catalog import Catalog
from sobria.impact import Estimator, estimate_frame
from sobria.policy.schema import Policy

LIGHT_MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-haiku-4-5", "mistralai": "mistral-small-latest",
                "mistral": "mistral-small-latest", "google_genai": "gemini-2.5-flash-lite"}
HEAVY_MODELS = frozenset({"gpt-4", "gpt-4-turbo", "gpt-4o", "gpt-4.1", "gpt-5", "o1", "o3", "claude-sonnet-4-5",
                          "claude-opus-4-5", "mistral-large-latest", "gemini-2.5-pro"})
INTERNAL_PURPOSES = frozenset({"internal", "document_interne"})
CHAIN_REASONS = ("reformulation", "regeneration")


@dataclass(frozen=True)
class ScenarioRules:
    """The charter's rules that change the footprint of past usage."""

    light_models: dict[str, str] = field(default_factory=lambda: dict(LIGHT_MODELS))
    heavy_models: frozenset[str] = HEAVY_MODELS
    heavy_purposes: frozenset[str] = frozenset()
    max_regenerations: int = 1
    no_internal_images: bool = True
    internal_purposes: frozenset[str] = INTERNAL_PURPOSES
    source: str = "built-in"           # "built-in" (the case study's rules) or the policy file


def rules_from_policy(policy: Policy, path: str) -> ScenarioRules:
    light = {provider: policy.models.default for provider in LIGHT_MODELS}
    internal = frozenset(policy.images.forbidden_purposes) | INTERNAL_PURPOSES
    return ScenarioRules(
        light_models=light, heavy_models=frozenset(policy.models.heavy.models) or HEAVY_MODELS,
        heavy_purposes=frozenset(policy.models.heavy.purposes),
        max_regenerations=policy.regenerations.max_per_request,
        no_internal_images=not policy.images.allowed or bool(policy.images.forbidden_purposes),
        internal_purposes=internal, source=path,
    )


@dataclass(frozen=True)
class ScenarioResult:
    rules: ScenarioRules
    actual: Totals
    projected: Totals
    rerouted: int
    dropped_regenerations: int
    dropped_images: int

    @property
    def usages_kept_share(self) -> float:
        return self.projected.requests / self.actual.requests if self.actual.requests else 1.0

    @property
    def gwp_reduction_share(self) -> float:
        actual = self.actual.gwp_kgco2e.central
        return 1 - self.projected.gwp_kgco2e.central / actual if actual > 0 else 0.0


def apply_charter(events: pl.DataFrame, flagged: pl.DataFrame, catalog: Catalog,
                  rules: ScenarioRules) -> ScenarioResult:
    """Replay the history under the charter: drop what it forbids, re-route what it re-routes."""
    kept = events
    dropped_images = 0
    if rules.no_internal_images:
        internal = (pl.col("operation") == "image") & pl.col("purpose").is_in(list(rules.internal_purposes))
        dropped_images = kept.filter(internal).height
        kept = kept.filter(~internal.fill_null(False))
    extra = _beyond_allowed_retries(flagged, events, rules.max_regenerations)
    before = kept.height
    kept = kept.filter(~pl.col("event_id").is_in(extra.implode()))
    dropped_regenerations = before - kept.height
    heavy = (pl.col("operation").is_in(["chat", "completion"]) & pl.col("model").is_in(list(rules.heavy_models))
             & ~pl.col("purpose").fill_null("").is_in(list(rules.heavy_purposes))
             & pl.col("provider").is_in(list(rules.light_models)))
    rerouted_rows = kept.filter(heavy)
    projected = pl.concat([kept.filter(~heavy), _reestimate(rerouted_rows, catalog, rules)], how="vertical")
    return ScenarioResult(rules, totals(events), totals(projected), rerouted_rows.height, dropped_regenerations,
                          dropped_images)


def _beyond_allowed_retries(flagged: pl.DataFrame, events: pl.DataFrame, allowed: int) -> pl.Series:
    """Events of reformulation/regeneration chains past the ``allowed`` retries of each chain."""
    chain = flagged.filter(pl.col("reason").is_in(CHAIN_REASONS) & pl.col("chain_id").is_not_null())
    if chain.height == 0:
        return pl.Series("event_id", [], dtype=pl.Utf8)
    timed = chain.join(events.select("event_id", "ts"), on="event_id", how="inner").unique("event_id")
    ranked = timed.with_columns(pl.col("ts").rank("ordinal").over("chain_id").alias("_rank"))
    return ranked.filter(pl.col("_rank") > allowed)["event_id"]


def _reestimate(rows: pl.DataFrame, catalog: Catalog, rules: ScenarioRules) -> pl.DataFrame:
    if rows.height == 0:
        return rows
    light = pl.col("provider").replace_strict(rules.light_models, default=pl.col("model"))
    swapped = rows.with_columns(light.alias("model"))
    inputs = swapped.select("provider", "model", "operation", "input_tokens", "output_tokens",
                            "cached_input_tokens", "images", "image_size", "image_quality", "latency_ms", "zone",
                            "request_count").with_columns(pl.lit(None, pl.Float64).alias("latency_ms"))
    est = estimate_frame(Estimator(catalog), inputs)
    replaced = [est[c] for c in est.columns if c.endswith(("_min", "_max"))] + [est["cost_eur"].alias("est_cost_eur")]
    return swapped.with_columns(replaced)


@dataclass(frozen=True)
class Comparison:
    before: Period
    after: Period
    before_totals: Totals
    after_totals: Totals

    def per_working_day(self, totals_: Totals, period: Period) -> tuple[float, float]:
        days = max(period.working_days, 1)
        return totals_.requests / days, totals_.gwp_kgco2e.central / days

    @property
    def gwp_change_share(self) -> float | None:
        _, before = self.per_working_day(self.before_totals, self.before)
        _, after = self.per_working_day(self.after_totals, self.after)
        return after / before - 1 if before else None

    @property
    def requests_change_share(self) -> float | None:
        before, _ = self.per_working_day(self.before_totals, self.before)
        after, _ = self.per_working_day(self.after_totals, self.after)
        return after / before - 1 if before else None


def compare_periods(events: pl.DataFrame, period: Period, split: dt.date) -> Comparison | None:
    """Before ``split`` vs from ``split`` on, per working day (both sides must have data)."""
    if not (period.start < split < period.end):
        return None
    day = pl.col("ts").dt.date()
    before, after = events.filter(day < split), events.filter(day >= split)
    if before.height == 0 or after.height == 0:
        return None
    return Comparison(Period(period.start, split), Period(split, period.end), totals(before), totals(after))
