"""Recommendations derived from the audit's figures, each with the figure that triggered it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sobria.audit.result import AuditResult
from sobria.catalog.overlay import read_model_classes

# Thresholds (shares of requests, people or carbon) above which a recommendation is made.
HEAVY_SHARE_MIN = 0.30          # requests on a heavy model
RETRY_SHARE_MIN = 0.10          # reformulations and regenerations
NEVER_SHARE_MIN = 0.20          # people who never use AI
WEAK_DATA_SHARE_MIN = 0.50      # carbon from message-level or declared data
RETRY_REASONS = ("reformulation", "regeneration")
IMAGE_REASONS = ("internal-image", "unused-image")
WEAK_TIERS = ("message-level", "declared")
GUESS_STATUSES = ("model-guessed", "model-not-in-catalog", "provider-unknown")

RecoKey = Literal["charter", "light-model", "precise-prompts", "images", "inclusion", "measure", "model-names"]
FigureKind = Literal["share", "count", "none"]


@dataclass(frozen=True)
class Recommendation:
    key: RecoKey
    kind: FigureKind
    figure: float


def recommend(result: AuditResult) -> list[Recommendation]:
    """The recommendations whose threshold the figures cross, in the charter's order."""
    k, waste = result.kpis, result.waste
    requests = k.totals.requests
    out: list[Recommendation] = []
    if requests <= 0:
        return out
    if not result.headline.policy_formalised:
        out.append(Recommendation("charter", "none", 0.0))
    heavy_models = frozenset(read_model_classes().heavy)
    heavy = sum(t.requests for model, t in k.by_model if model in heavy_models) / requests
    if heavy >= HEAVY_SHARE_MIN:
        out.append(Recommendation("light-model", "share", heavy))
    retries = sum(waste.by_reason.get(r, 0) for r in RETRY_REASONS) / requests
    if retries >= RETRY_SHARE_MIN:
        out.append(Recommendation("precise-prompts", "share", retries))
    images = sum(waste.by_reason.get(r, 0) for r in IMAGE_REASONS)
    if images > 0:
        out.append(Recommendation("images", "count", float(images)))
    people = result.adoption.people
    never = result.adoption.bands.get("never", 0) / people if people else 0.0
    if never >= NEVER_SHARE_MIN:
        out.append(Recommendation("inclusion", "share", never))
    gwp = k.totals.gwp_kgco2e.central
    weak = sum(t.gwp_kgco2e.central for tier, t in k.by_tier if tier in WEAK_TIERS) / gwp if gwp > 0 else 0.0
    if weak >= WEAK_DATA_SHARE_MIN:
        out.append(Recommendation("measure", "share", weak))
    guessed = sum(n for status, n in k.statuses.items() if status in GUESS_STATUSES)
    if guessed > 0:
        out.append(Recommendation("model-names", "count", float(guessed)))
    return out
