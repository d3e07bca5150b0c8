"""Scenarios: the charter applied to the history, and two periods compared (before / after).

The charter scenario has no rules of its own: it replays :func:`sobria.policy.decision.decide`
over the stored events (:mod:`sobria.policy.replay`, as the committee's violation counts do), and
turns each decision into a footprint: a blocked request is not sent, a routed one is re-estimated
with the model the charter routes it to, a retry past the allowed regenerations is not sent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

import polars as pl

from sobria.audit.period import Period
from sobria.audit.totals import INDICATORS, Totals, totals
from sobria.catalog import Catalog, resolve
from sobria.impact import Estimator, estimate_frame
from sobria.impact.options import EstimateOptions
from sobria.policy.decision import Rules
from sobria.policy.replay import decision_frame, event_time, in_time_order
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
    replayed = events if rules.check_tools else events.with_columns(pl.lit(None, pl.Utf8).alias("tool"))
    decisions = decision_frame(replayed, rules.rules)
    # events in time order come back in their order (one row each): side by side, no join on the ids
    decided = (events.hstack(decisions.drop("event_id").get_columns()) if in_time_order(events, event_time(events))
               else events.join(decisions, on="event_id", how="left"))
    retry = pl.col("rules").str.contains(REGENERATION_RULE, literal=True).fill_null(False)
    return decided.with_columns(dropped=(pl.col("action") == "block") | retry, _retry=retry)


def replay_scenario(events: pl.DataFrame, catalog: Catalog, rules: ScenarioRules) -> ScenarioResult:
    """Replay the history under the charter (:func:`sobria.policy.decision.decide` on every event):
    drop what it blocks, re-route what it routes, re-estimate the re-routed requests.

    Only the columns the decisions, the sums and the re-estimation read are carried (the same
    rows in the same order: the same sums), not the prompts' fingerprints through every filter."""
    decided = charter_decisions(events.select(_present(events, _REPLAYED)), rules)
    decided = decided.select(_present(decided, (*_PROJECTED, *_DECISION)))
    dropped = decided.filter(pl.col("dropped"))
    images = int((dropped["operation"] == "image").sum())
    retries = int(dropped.filter(pl.col("operation") != "image")["_retry"].sum())
    kept = decided.filter(~pl.col("dropped"))
    routed = pl.col("target") != pl.col("model")
    rerouted_rows = kept.filter(routed)
    projected = pl.concat([kept.filter(~routed).drop(_DECISION), _reestimate(rerouted_rows, catalog, rules.estimate)],
                          how="vertical")
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


def _reestimate(rows: pl.DataFrame, catalog: Catalog, options: EstimateOptions) -> pl.DataFrame:
    swapped = rows.with_columns(pl.col("target").alias("model")).drop(_DECISION)
    if rows.height == 0:
        return swapped
    providers = {m: resolve(catalog, None, m).provider for m in swapped["model"].unique().to_list()}
    swapped = swapped.with_columns(pl.col("model").replace_strict(providers, default=pl.col("provider"))
                                   .alias("provider"))
    inputs = swapped.select(_ESTIMATED).with_columns(pl.lit(None, pl.Float64).alias("latency_ms"))
    est = estimate_frame(Estimator(catalog, options), inputs)
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
