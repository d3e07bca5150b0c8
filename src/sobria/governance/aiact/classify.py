"""The AI Act question flow: a described use case in, a class, a role, reasons and obligations out.

Pure functions over :class:`~sobria.governance.aiact.usecases.UseCase` and the regulation data
(:mod:`sobria.governance.aiact.regulation`). The order of the questions is that of the regulation:
Art. 5 prohibited practices, then Annex III high-risk areas (with the Art. 6(3) derogation), then
the role (Art. 3(3) provider, Art. 25 deployer turned provider), then Art. 50 transparency;
minimal otherwise. Art. 4 AI literacy applies to every use. Not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from sobria.governance.aiact.regulation import AnnexPoint, ObligationRule, Prohibition, Regulation
from sobria.governance.aiact.usecases import UseCase

RiskClass = Literal["prohibited", "high_risk", "transparency", "minimal"]
Role = Literal["provider", "deployer"]
CLASSES: tuple[RiskClass, ...] = ("prohibited", "high_risk", "transparency", "minimal")

WORK_OR_EDUCATION_AREAS = frozenset({
    "employment_recruitment", "employment_management", "education_admission", "education_assessment",
    "education_level", "education_exam_monitoring",
})
MEDIA_OUTPUTS = frozenset({"image", "audio", "video"})
GENERATED_OUTPUTS = frozenset({"text", "image", "audio", "video"})
FRIA_AREAS = frozenset({"credit_scoring", "insurance_pricing"})
TECHNIQUE_AREAS = {"emotion_recognition": "emotion_recognition", "biometric_categorisation": "biometric_categorisation"}


@dataclass(frozen=True)
class Reason:
    """One step of the question flow that led to the class, as a message key and its fields."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Assessment:
    """The class of one use case, who the company is for it, why, and what it must do."""

    use_case: UseCase
    risk_class: RiskClass
    role: Role
    annex_point: str | None
    prohibited_points: tuple[str, ...]
    conditions: frozenset[str]
    reasons: tuple[Reason, ...]
    obligations: tuple[ObligationRule, ...]


def assess(case: UseCase, regulation: Regulation) -> Assessment:
    """Run the question flow for ``case``."""
    reasons: list[Reason] = []
    banned = _prohibitions(case, regulation, reasons)
    point = None if banned else _high_risk_point(case, regulation, reasons)
    role = _role(case, point is not None, reasons)
    conditions = {"every"}
    if any(r.key == "aiact.reason.derogation" for r in reasons):
        conditions.add("derogation")
    if banned:
        conditions.add("prohibited")
    elif point is not None:
        conditions |= _high_risk_conditions(case, point)
    if not banned:
        conditions |= _transparency_conditions(case, role, reasons)
    risk_class: RiskClass = ("prohibited" if banned else "high_risk" if point is not None
                             else "transparency" if conditions & _TRANSPARENCY else "minimal")
    if risk_class == "minimal":
        reasons.append(Reason("aiact.reason.minimal"))
    reasons.append(Reason("aiact.reason.literacy"))
    holders = {"any", "deployer"} | ({"provider"} if role == "provider" else set())
    obligations = tuple(o for o in regulation.obligations if o.when in conditions and o.holder in holders)
    return Assessment(case, risk_class, role, point.point if point else None, tuple(p.point for p in banned),
                      frozenset(conditions), tuple(reasons), obligations)


_TRANSPARENCY = frozenset({"chatbot", "vendor_chatbot", "synthetic_media", "synthetic_media_provider",
                           "public_text", "emotion_biometric"})


def _prohibitions(case: UseCase, regulation: Regulation, reasons: list[Reason]) -> list[Prohibition]:
    found: list[Prohibition] = []
    at_work = case.area in WORK_OR_EDUCATION_AREAS
    for rule in regulation.prohibited:
        if rule.technique not in case.techniques:
            continue
        if rule.where and not (at_work or set(rule.where) & set(case.affected)):
            continue
        found.append(rule)
        reasons.append(Reason("aiact.reason.prohibited", {"point": rule.point, "technique": rule.technique,
                                                          "since": rule.since.isoformat()}))
    return found


def _high_risk_point(case: UseCase, regulation: Regulation, reasons: list[Reason]) -> AnnexPoint | None:
    areas = [case.area] + [TECHNIQUE_AREAS[t] for t in case.techniques if t in TECHNIQUE_AREAS]
    point = next((p for a in areas if (p := regulation.annex_point(a)) is not None), None)
    if point is None:
        return None
    if case.narrow_task and not case.decisions_about_people:
        reasons.append(Reason("aiact.reason.derogation", {"point": point.point}))
        return None
    if case.narrow_task:
        reasons.append(Reason("aiact.reason.derogation_refused", {"point": point.point}))
    reasons.append(Reason("aiact.reason.annex_iii", {"point": point.point, "area": point.area}))
    return point


def _role(case: UseCase, high_risk: bool, reasons: list[Reason]) -> Role:
    steps: list[Reason] = []
    if case.own_system:
        steps.append(Reason("aiact.reason.role_own_system"))
    if case.branded_as_own:
        steps.append(Reason("aiact.reason.role_branded_high_risk" if high_risk else "aiact.reason.role_branded"))
    if high_risk and case.substantially_modified:
        steps.append(Reason("aiact.reason.role_modified"))
    if high_risk and case.repurposed:
        steps.append(Reason("aiact.reason.role_repurposed"))
    reasons.extend(steps or [Reason("aiact.reason.role_deployer")])
    return "provider" if steps else "deployer"


def _high_risk_conditions(case: UseCase, point: AnnexPoint) -> set[str]:
    conditions = {"high_risk"}
    if "employees" in case.affected:
        conditions.add("high_risk_employees")
    if case.decisions_about_people:
        conditions.add("high_risk_decisions")
    if point.area in FRIA_AREAS:
        conditions.add("high_risk_fria")
    return conditions


def _transparency_conditions(case: UseCase, role: Role, reasons: list[Reason]) -> set[str]:
    conditions: set[str] = set()
    people = any(group != "none" for group in case.affected)
    if case.interactive and people:
        conditions.add("chatbot" if role == "provider" else "vendor_chatbot")
        reasons.append(Reason("aiact.reason.chatbot" if role == "provider" else "aiact.reason.vendor_chatbot"))
    if role == "provider" and case.output in GENERATED_OUTPUTS:
        conditions.add("synthetic_media_provider")
        reasons.append(Reason("aiact.reason.marking"))
    if case.output in MEDIA_OUTPUTS and case.published and case.may_appear_authentic:
        conditions.add("synthetic_media")
        reasons.append(Reason("aiact.reason.synthetic_media", {"output": case.output}))
    if case.output == "text" and case.published and case.public_interest_text:
        if case.human_editorial_review:
            reasons.append(Reason("aiact.reason.public_text_reviewed"))
        else:
            conditions.add("public_text")
            reasons.append(Reason("aiact.reason.public_text"))
    if any(t in TECHNIQUE_AREAS for t in case.techniques):
        conditions.add("emotion_biometric")
        reasons.append(Reason("aiact.reason.emotion_biometric"))
    return conditions
