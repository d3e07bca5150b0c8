"""The audit's result: everything a terminal summary, the JSON output and the report show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sobria.audit.adoption import Adoption
from sobria.audit.disclosure import Disclosure
from sobria.audit.kpis import Kpis
from sobria.audit.money import Money
from sobria.audit.scenarios import Comparison, ScenarioResult
from sobria.audit.totals import Totals
from sobria.audit.waste_accuracy import Accuracy, expected
from sobria.privacy.groups import MIN_GROUP

JSON_SCHEMA = "sobria.audit/1"


@dataclass(frozen=True)
class WasteFigures:
    """Non-essential requests (the waste detector's output, summed)."""

    requests: int
    share_of_requests: float
    gwp_kgco2e_central: float
    share_of_gwp: float
    by_reason: dict[str, int]
    heavy_trivial_saving_gwp_kgco2e: float
    # chat requests with a conversation id, with a thread signal (None: not computed, out-of-core audit)
    conversation_id_share: float | None = None
    thread_signal_share: float | None = None
    list_cost_eur: float = 0.0              # catalogue API price of the non-essential requests
    heavy_trivial_saving_eur: float = 0.0   # catalogue API price saved by moving trivial tasks to a light model

    def expected_accuracy(self) -> Accuracy | None:
        """The chains' precision and recall measured on real conversations, for this data's mode."""
        if self.conversation_id_share is None or self.thread_signal_share is None:
            return None
        return expected((self.conversation_id_share, self.thread_signal_share))


@dataclass(frozen=True)
class Headline:
    """The case study's four cards."""

    t_co2e_per_year: float
    non_essential_share: float
    policy_formalised: bool
    reduction_potential_share: float


@dataclass(frozen=True)
class AuditResult:
    organisation: str
    generated_at: str
    team: str | None
    kpis: Kpis
    waste: WasteFigures
    adoption: Adoption
    scenario: ScenarioResult
    comparison: Comparison | None
    headline: Headline
    reference: str
    min_group: int = MIN_GROUP          # groups under it are never shown (sobria.privacy.groups)
    money: Money | None = None          # catalogue price, reported and contract costs (sobria.audit.money)
    disclosure: Disclosure | None = None  # ESRS E1 line and the company context (sobria.audit.disclosure)

    def to_json(self) -> dict[str, Any]:
        k = self.kpis

        def rows(items: list[tuple[str, Totals]]) -> list[dict[str, object]]:
            return [{"key": key, **t.as_dict()} for key, t in items]

        recon = k.reconciliation
        return {
            "schema": JSON_SCHEMA,
            "organisation": self.organisation, "generated_at": self.generated_at, "team": self.team,
            "reference": self.reference,
            "period": {"start": str(k.period.start), "end_exclusive": str(k.period.end), "days": k.period.days,
                       "working_days": k.period.working_days},
            "headline": self.headline.__dict__,
            "totals": k.totals.as_dict(),
            "annual_gwp_t": k.annual_gwp_t.as_dict(),
            "energy_cost_eur": k.energy_cost_eur.as_dict(),
            "by_team": rows(k.by_team), "by_tool": rows(k.by_tool), "by_model": rows(k.by_model),
            "by_month": rows(k.by_month), "by_tier": rows(k.by_tier),
            "impact_statuses": k.statuses,
            "reconciliation": None if recon is None else {
                "spend_eur": recon.spend_eur, "spend_source": k.spend_source, "factor": recon.factor_key,
                "spend_based_gwp_kgco2e": recon.gwp_kgco2e.as_dict(), "ratio_to_physical": recon.ratio_central},
            "waste": {**self.waste.__dict__, "expected_chain_accuracy": (
                None if (accuracy := self.waste.expected_accuracy()) is None else accuracy.__dict__)},
            "adoption": {"people": self.adoption.people, "bands": self.adoption.bands, "gini": self.adoption.gini,
                         "top20_share": self.adoption.top20_share,
                         "by_team": [t.__dict__ for t in self.adoption.by_team]},
            "scenario": {"rules": self.scenario.rules.source, "actual": self.scenario.actual.as_dict(),
                         "projected": self.scenario.projected.as_dict(),
                         "usages_kept_share": self.scenario.usages_kept_share,
                         "gwp_reduction_share": self.scenario.gwp_reduction_share,
                         "rerouted": self.scenario.rerouted,
                         "dropped_regenerations": self.scenario.dropped_regenerations,
                         "dropped_images": self.scenario.dropped_images,
                         "blocked_other": self.scenario.blocked_other},
            "min_group": self.min_group,
            "money": None if self.money is None else self.money.as_dict(),
            "disclosure": None if self.disclosure is None else self.disclosure.as_dict(),
            "comparison": None if self.comparison is None else {
                "split": str(self.comparison.after.start),
                "before": self.comparison.before_totals.as_dict(), "after": self.comparison.after_totals.as_dict(),
                "gwp_per_working_day_change": self.comparison.gwp_change_share,
                "requests_per_working_day_change": self.comparison.requests_change_share},
        }
