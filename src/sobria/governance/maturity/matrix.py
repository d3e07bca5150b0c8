"""The maturity matrix: where an organisation stands on AI × CSR (RSE), and what to do next.

A questionnaire (the case study's three questions and a few more, see :data:`QUESTIONS`) gives
declared answers; measured signals (events in the store, a valid charter, training coverage,
budget adherence, requests per person) replace the declared answer they measure. Each axis is
the weighted mean of its items, 0–100; 50 splits low from high, which gives one of four profiles:

- ``attentistes``: little AI, little CSR;      - ``engages_prudents``: CSR solid, little AI;
- ``fonceurs_aveugles``: much AI, little CSR;  - ``leaders_responsables``: both high.

Reasons name the items behind the position; the next three actions are the largest gaps, in a
fixed priority order, after the profile's own first step. Everything here is pure (no I/O).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Axis = Literal["ai", "csr"]
Kind = Literal["bool", "level"]
Profile = Literal["attentistes", "engages_prudents", "fonceurs_aveugles", "leaders_responsables"]
PROFILES: tuple[Profile, ...] = ("attentistes", "engages_prudents", "fonceurs_aveugles", "leaders_responsables")
HIGH = 50.0
LEVELS: Mapping[str, float] = {"none": 0.0, "few": 25.0, "half": 50.0, "most": 75.0, "all": 100.0}
INTENSITY_FULL_REQUESTS = 5.0
"""Requests per person and working day that score 100 on AI intensity (TechVert: 250/45 ≈ 5.6)."""


@dataclass(frozen=True)
class Question:
    id: str
    axis: Axis
    kind: Kind
    weight: float
    signal: str | None = None


QUESTIONS: tuple[Question, ...] = (
    Question("ai_teams_using", "ai", "level", 1.0),
    Question("ai_daily_users", "ai", "level", 1.0, "ai_requests_per_person_day"),
    Question("ai_in_production", "ai", "bool", 1.0),
    Question("footprint_known", "csr", "bool", 2.0, "measurement_in_place"),
    Question("policy_formalised", "csr", "bool", 2.0, "charter_formalised"),
    Question("staff_trained", "csr", "level", 2.0, "trained_share"),
    Question("team_budgets", "csr", "bool", 1.0, "budget_adherence"),
    Question("client_data_rules", "csr", "bool", 1.0),
    Question("ethics_committee", "csr", "bool", 1.0),
    Question("ai_inventory", "csr", "bool", 1.0),
    Question("csr_strategy", "csr", "bool", 1.0),
)
QUESTION_IDS: tuple[str, ...] = tuple(q.id for q in QUESTIONS)
CASE_STUDY_QUESTIONS = ("footprint_known", "policy_formalised", "staff_trained")
Answer = bool | str


@dataclass(frozen=True)
class Signals:
    """Measured facts; None when not measured (the declared answer is kept)."""

    measurement_in_place: bool | None = None
    charter_formalised: bool | None = None
    trained_share: float | None = None
    budget_adherence: float | None = None
    ai_requests_per_person_day: float | None = None

    def score(self, name: str) -> float | None:
        value = getattr(self, name)
        if value is None:
            return None
        if isinstance(value, bool):
            return 100.0 if value else 0.0
        if name == "ai_requests_per_person_day":
            return min(100.0, 100.0 * float(value) / INTENSITY_FULL_REQUESTS)
        return 100.0 * min(1.0, max(0.0, float(value)))


@dataclass(frozen=True)
class Questionnaire:
    organisation: str
    date: str
    answers: Mapping[str, Answer]


@dataclass(frozen=True)
class Item:
    question: str
    axis: Axis
    weight: float
    score: float
    source: Literal["declared", "measured"]
    declared: float


@dataclass(frozen=True)
class Reason:
    key: str
    params: Mapping[str, str | float] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    organisation: str
    date: str
    ai_score: float
    csr_score: float
    profile: Profile
    items: tuple[Item, ...]
    reasons: tuple[Reason, ...]
    actions: tuple[str, ...]


def answer_score(question: Question, answer: Answer) -> float:
    if question.kind == "bool":
        return 100.0 if answer is True else 0.0
    return LEVELS[str(answer)]


def profile_for(ai_score: float, csr_score: float) -> Profile:
    if ai_score >= HIGH:
        return "leaders_responsables" if csr_score >= HIGH else "fonceurs_aveugles"
    return "engages_prudents" if csr_score >= HIGH else "attentistes"


def assess(questionnaire: Questionnaire, signals: Signals = Signals()) -> Assessment:
    """Score both axes, place the organisation in a profile, explain it and plan three actions."""
    items = tuple(_item(q, questionnaire.answers[q.id], signals) for q in QUESTIONS)
    ai = _axis_score(items, "ai")
    csr = _axis_score(items, "csr")
    profile = profile_for(ai, csr)
    return Assessment(questionnaire.organisation, questionnaire.date, ai, csr, profile, items,
                      _reasons(items, ai, csr), next_actions(profile, items))


def _item(question: Question, answer: Answer, signals: Signals) -> Item:
    declared = answer_score(question, answer)
    measured = signals.score(question.signal) if question.signal else None
    if measured is None:
        return Item(question.id, question.axis, question.weight, declared, "declared", declared)
    return Item(question.id, question.axis, question.weight, measured, "measured", declared)


def _axis_score(items: tuple[Item, ...], axis: Axis) -> float:
    chosen = [i for i in items if i.axis == axis]
    total = sum(i.weight for i in chosen)
    return round(sum(i.weight * i.score for i in chosen) / total, 1)


def _reasons(items: tuple[Item, ...], ai: float, csr: float) -> tuple[Reason, ...]:
    reasons = [Reason("gov.maturity.reason.ai_" + ("high" if ai >= HIGH else "low"), {"score": ai}),
               Reason("gov.maturity.reason.csr_" + ("high" if csr >= HIGH else "low"), {"score": csr})]
    for item in items:
        if item.question in CASE_STUDY_QUESTIONS:
            state = "yes" if item.score >= HIGH else "no"
            reasons.append(Reason(f"gov.maturity.reason.{item.question}.{state}", {"score": round(item.score)}))
    for item in items:
        if item.source == "measured" and abs(item.score - item.declared) >= HIGH:
            reasons.append(Reason("gov.maturity.reason.contradiction",
                                  {"question": item.question, "declared": round(item.declared),
                                   "measured": round(item.score)}))
    return tuple(reasons)


_PRIORITY = ("footprint_known", "policy_formalised", "staff_trained", "client_data_rules", "team_budgets",
             "ethics_committee", "ai_inventory", "csr_strategy", "ai_in_production", "ai_teams_using",
             "ai_daily_users")
_OPENING: Mapping[Profile, str] = {
    "attentistes": "gov.maturity.action.start_small",
    "engages_prudents": "gov.maturity.action.pilot_frugal",
}
_CLOSING = ("gov.maturity.action.publish", "gov.maturity.action.keep_measuring", "gov.maturity.action.review_yearly")


def next_actions(profile: Profile, items: tuple[Item, ...]) -> tuple[str, ...]:
    """Three action keys: the profile's first step, then the largest gaps, then upkeep."""
    axes: tuple[Axis, ...] = ("csr", "ai") if profile in ("attentistes", "engages_prudents") else ("csr",)
    gaps = [i for i in items if i.axis in axes and i.score < 100.0]
    ai_first = profile == "engages_prudents"  # their risk is inefficiency: use AI where it pays, soberly
    ranked = sorted(gaps, key=lambda i: (ai_first and i.axis != "ai", -i.weight * (100.0 - i.score),
                                         _PRIORITY.index(i.question)))
    keys = ([_OPENING[profile]] if profile in _OPENING else []) + [f"gov.maturity.action.{i.question}" for i in ranked]
    return tuple([*keys, *_CLOSING][:3])
