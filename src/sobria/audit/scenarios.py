"""Scenarios: the charter applied to the history, and two periods compared (before / after).

The charter scenario has no rules of its own: it replays :func:`sobria.policy.decision.decide`
over the stored events (:mod:`sobria.policy.replay`, as the committee's violation counts do), and
turns each decision into a footprint: a blocked request is not sent, a routed one is re-estimated
with the model the charter routes it to, a retry past the allowed regenerations is not sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import numpy as np
import polars as pl

from sobria.audit.period import Period
from sobria.audit.totals import INDICATORS, Totals, totals
from sobria.catalog import Catalog, resolve
from sobria.impact import Estimator
from sobria.impact.frame import RESULT_COLUMNS, estimate_columns
from sobria.impact.options import EstimateOptions
from sobria.policy.decision import Rules
from sobria.policy.replay import (
    CONTEXT,
    context_frame,
    decide_contexts,
    decision_frame,
    event_time,
    fired_rules,
    in_time_order,
)
from sobria.policy.schema import Policy

REGENERATION_RULE = "regenerations.max_per_request"


@dataclass(frozen=True)
class ScenarioRules:
    """The charter replayed on the history: compiled rules and where they come from.

    ``check_tools`` is False for the built-in charter only: the case study's rules name no tools.
    """

    rules: Rules
    source: str = "built-in"           # "built-in" (the case study's rules) or the policy file
    check_tools: bool = True
    # the re-routed requests' method (Settings.estimate_options)
    estimate: EstimateOptions = field(default_factory=EstimateOptions)


def builtin_rules(catalog: Catalog) -> ScenarioRules:
    """The case study's rules: the template charter's models and regenerations, heavy models and
    internal purposes from the catalogue's ``model_classes``, no images for internal documents,
    no tool list and no budgets (both belong to a company's own charter)."""
    from sobria.policy.loader import policy_template, read_policy_text

    policy = read_policy_text(policy_template(dt.date(2026, 1, 1))).policy
    assert policy is not None, "the packaged policy template is valid"
    classes = catalog.model_classes
    base = Rules.from_policy(policy)
    rules = replace(base, tools={}, heavy=frozenset(classes.heavy), listed=base.listed | set(classes.heavy),
                    image_forbidden_purposes=frozenset(classes.internal_purposes),
                    image_allowed_purposes=frozenset(), team_budgets={}, default_budget=None)
    return ScenarioRules(rules, "built-in", check_tools=False)


def rules_from_policy(policy: Policy, path: str) -> ScenarioRules:
    return ScenarioRules(Rules.from_policy(policy), path)


@dataclass(frozen=True)
class ScenarioResult:
    rules: ScenarioRules
    actual: Totals
    projected: Totals
    rerouted: int
    dropped_regenerations: int
    dropped_images: int
    blocked_other: int = 0             # blocked by another rule (tool, data, budget)

    @property
    def usages_kept_share(self) -> float:
        return self.projected.requests / self.actual.requests if self.actual.requests else 1.0

    @property
    def gwp_reduction_share(self) -> float:
        actual = self.actual.gwp_kgco2e.central
        return 1 - self.projected.gwp_kgco2e.central / actual if actual > 0 else 0.0


def charter_decisions(events: pl.DataFrame, rules: ScenarioRules) -> pl.DataFrame:
    """The events with the charter's decision (``action``, ``rule``, ``target``, ``rules``) and
    ``dropped``: blocked, or a retry past the allowed regenerations (a warning people heed)."""
    decisions = decision_frame(_replayed(events, rules), rules.rules)
    # events in time order come back in their order (one row each): side by side, no join on the ids
    decided = (events.hstack(decisions.drop("event_id").get_columns()) if in_time_order(events, event_time(events))
               else events.join(decisions, on="event_id", how="left"))
    retry = pl.col("rules").str.contains(REGENERATION_RULE, literal=True).fill_null(False)
    return decided.with_columns(dropped=(pl.col("action") == "block") | retry, _retry=retry)


def replay_scenario(events: pl.DataFrame, catalog: Catalog, rules: ScenarioRules) -> ScenarioResult:
    """Replay the history under the charter (:func:`sobria.policy.decision.decide` on every event):
    drop what it blocks, re-route what it routes, re-estimate the re-routed requests.

    Only the columns the decisions, the sums and the re-estimation read are carried (the same
    rows in the same order: the same sums), not the prompts' fingerprints through every filter.
    Events in time order (the partitions' slices, the store's reads) are decided once per distinct
    context: each event gets its context's number, and the flags (dropped, a retry, re-routed) are
    looked up by that number, with no string column per event."""
    replayed = events.select(_present(events, _REPLAYED))
    if not in_time_order(replayed, event_time(replayed)):
        return _scenario_of(charter_decisions(replayed, rules), events, catalog, rules)
    frame = context_frame(_replayed(replayed, rules), rules.rules)
    groups = frame.select(CONTEXT).with_row_index("_row").group_by(CONTEXT).agg("_row")
    decisions = decide_contexts(groups, rules.rules)
    lengths = groups["_row"].list.len().to_numpy()
    group = np.empty(frame.height, dtype=np.int64)
    group[groups["_row"].explode().to_numpy()] = np.repeat(np.arange(len(decisions)), lengths)
    retry = np.array([REGENERATION_RULE in fired_rules(d) for d in decisions], dtype=bool)
    dropped = np.array([d.action == "block" for d in decisions], dtype=bool) | retry
    models = groups["model"].to_list()
    # target != model as the engine compares them: null when either is null (the row then in no part)
    routed = [None if d.model is None or m is None else d.model != m for d, m in zip(decisions, models, strict=True)]
    rerouted_g = np.array([r is True for r in routed], dtype=bool)
    plain_g = np.array([r is False for r in routed], dtype=bool)
    row_dropped, row_retry = pl.Series(dropped[group]), pl.Series(retry[group])
    operation = replayed["operation"]
    image = (operation == "image").fill_null(False)
    images = int((row_dropped & image).sum())
    retries = int((row_dropped & (operation != "image").fill_null(False) & row_retry).sum())
    kept = ~dropped
    columns = replayed.select(_present(replayed, _PROJECTED))
    plain = columns.filter(pl.Series(plain_g[group] & kept[group]))
    moved = kept[group] & rerouted_g[group]
    targets = pl.Series("model", [d.model for d in decisions], dtype=pl.Utf8).gather(group[moved])
    rerouted = _reestimate(columns.filter(pl.Series(moved)), targets, catalog, rules.estimate)
    projected = pl.concat([plain, rerouted], how="vertical")
    return ScenarioResult(rules, totals(events), totals(projected), rerouted.height, retries, images,
                          int(row_dropped.sum()) - images - retries)


def _replayed(events: pl.DataFrame, rules: ScenarioRules) -> pl.DataFrame:
    """The events as the charter sees them: without their tool when the charter names none."""
    return events if rules.check_tools else events.with_columns(pl.lit(None, pl.Utf8).alias("tool"))


def _scenario_of(decided: pl.DataFrame, events: pl.DataFrame, catalog: Catalog,
                 rules: ScenarioRules) -> ScenarioResult:
    """The scenario from each event's decision (:func:`charter_decisions`), events in any order."""
    decided = decided.select(_present(decided, (*_PROJECTED, *_DECISION)))
    dropped = decided.filter(pl.col("dropped"))
    images = int((dropped["operation"] == "image").sum())
    retries = int(dropped.filter(pl.col("operation") != "image")["_retry"].sum())
    kept = decided.filter(~pl.col("dropped"))
    routed = pl.col("target") != pl.col("model")
    rerouted_rows = kept.filter(routed)
    rerouted = _reestimate(rerouted_rows.drop(_DECISION), rerouted_rows["target"], catalog, rules.estimate)
    projected = pl.concat([kept.filter(~routed).drop(_DECISION), rerouted], how="vertical")
    return ScenarioResult(rules, totals(events), totals(projected), rerouted_rows.height, retries, images,
                          dropped.height - images - retries)


_DECISION = ("action", "rule", "target", "rules", "dropped", "_retry")
_ESTIMATED = ("provider", "model", "operation", "input_tokens", "output_tokens", "cached_input_tokens", "images",
              "image_size", "image_quality", "latency_ms", "zone", "request_count")
_PROJECTED = (*_ESTIMATED, "cost_eur", "est_cost_eur", *(f"{n}_{b}" for n in INDICATORS for b in ("min", "max")))
_REPLAYED = ("event_id", "ts", "ts_us", "person", "conversation_id", "prompt_fingerprint", "team", "tool", "purpose",
             *_PROJECTED)


def _present(frame: pl.DataFrame, columns: tuple[str, ...]) -> list[str]:
    return [c for c in columns if c in frame.columns]


def _reestimate(rows: pl.DataFrame, targets: pl.Series, catalog: Catalog, options: EstimateOptions) -> pl.DataFrame:
    """``rows`` (the projected columns) sent to ``targets`` (one model per row), re-estimated."""
    swapped = rows.with_columns(targets.alias("model"))
    if rows.height == 0:
        return swapped
    providers = {m: resolve(catalog, None, m).provider for m in swapped["model"].unique().to_list()}
    swapped = swapped.with_columns(pl.col("model").replace_strict(providers, default=pl.col("provider"))
                                   .alias("provider"))
    inputs = swapped.select(_ESTIMATED).with_columns(pl.lit(None, pl.Float64).alias("latency_ms"))
    est = estimate_columns(Estimator(catalog, options), inputs, RESULT_COLUMNS[:11])   # no labels: not summed
    replaced = [pl.Series(c, v) for c, v in est.items() if c.endswith(("_min", "_max"))]
    return swapped.with_columns(*replaced, pl.Series("est_cost_eur", est["cost_eur"], nan_to_null=True))


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
