"""The AI Act question flow, table-driven: described use cases in, class, point, role and obligations out."""

from __future__ import annotations

from typing import Any

import pytest

from sobria.governance.aiact.classify import assess
from sobria.governance.aiact.regulation import Regulation, load_regulation
from sobria.governance.aiact.usecases import UseCase

LIT = {"art4_literacy"}
HR_DEPLOYER = LIT | {"art26_instructions", "art26_oversight", "art26_input_data", "art26_monitoring", "art26_logs"}
DECISIONS = {"art26_inform_persons", "art86_explanation"}
HR_PROVIDER = HR_DEPLOYER | {
    "art9_risk_management", "art10_data_governance", "art11_technical_documentation", "art12_record_keeping",
    "art13_instructions", "art14_human_oversight", "art15_accuracy", "art17_qms", "art43_conformity",
    "art49_registration", "art72_post_market",
}
BANNED = LIT | {"art5_cease"}


def use_case(**answers: Any) -> UseCase:
    """An internal, unpublished text use with no personal data, changed by ``answers``."""
    base: dict[str, Any] = {
        "id": "u", "name": "Usage", "team": "t", "tool": "chatgpt-team", "purpose": "p", "affected": ["none"],
        "personal_data": False, "output": "text", "published": False, "public_facing": False,
        "decisions_about_people": False, "branded_as_own": False,
    }
    return UseCase.model_validate(base | answers)


CV = {"affected": ["candidates"], "personal_data": True, "output": "score", "decisions_about_people": True,
      "area": "employment_recruitment"}
AGENTS = {"affected": ["employees"], "personal_data": True, "decisions_about_people": True,
          "area": "employment_management"}

# (label, answers, class, Annex III point, role, obligations)
CASES: list[tuple[str, dict[str, Any], str, str | None, str, set[str]]] = [
    # The case study's uses (TechVert).
    ("case: CV screening", CV, "high_risk", "4(a)", "deployer", HR_DEPLOYER | DECISIONS),
    ("case: support chatbot", {"affected": ["clients"], "personal_data": True, "public_facing": True,
                               "interactive": True, "own_system": True, "branded_as_own": True},
     "transparency", None, "provider", LIT | {"art50_1_chatbot", "art50_2_marking"}),
    ("case: generated images", {"affected": ["public"], "output": "image", "published": True, "public_facing": True},
     "transparency", None, "deployer", LIT | {"art50_4_deepfake"}),
    ("case: ticket summaries to evaluate agents", AGENTS, "high_risk", "4(b)", "deployer",
     HR_DEPLOYER | DECISIONS | {"art26_workers"}),
    ("case: marketing text", {"affected": ["public"], "published": True, "public_facing": True},
     "minimal", None, "deployer", LIT),
    ("case: ticket summaries for the next agent", {"affected": ["clients"], "personal_data": True},
     "minimal", None, "deployer", LIT),
    # Art. 5 prohibited practices.
    ("emotion recognition of call-centre staff", {"affected": ["employees"], "techniques": ["emotion_recognition"]},
     "prohibited", None, "deployer", BANNED),
    ("emotion recognition in job interviews", CV | {"techniques": ["emotion_recognition"]},
     "prohibited", None, "deployer", BANNED),
    ("social scoring of clients", {"affected": ["clients"], "techniques": ["social_scoring"]},
     "prohibited", None, "deployer", BANNED),
    ("manipulative dark patterns", {"affected": ["public"], "techniques": ["manipulation"]},
     "prohibited", None, "deployer", BANNED),
    ("untargeted face scraping", {"affected": ["public"], "techniques": ["face_scraping"]},
     "prohibited", None, "deployer", BANNED),
    ("non-consensual intimate imagery", {"affected": ["public"], "output": "image", "techniques": ["intimate_imagery"]},
     "prohibited", None, "deployer", BANNED),
    # Annex III high-risk areas.
    ("emotion recognition of shop visitors", {"affected": ["public"], "techniques": ["emotion_recognition"]},
     "high_risk", "1(c)", "deployer", HR_DEPLOYER | {"art50_3_emotion_biometric"}),
    ("biometric categorisation of visitors", {"affected": ["public"], "techniques": ["biometric_categorisation"]},
     "high_risk", "1(b)", "deployer", HR_DEPLOYER | {"art50_3_emotion_biometric"}),
    ("credit scoring of clients", {"affected": ["clients"], "personal_data": True, "output": "score",
                                   "decisions_about_people": True, "area": "credit_scoring"},
     "high_risk", "5(b)", "deployer", HR_DEPLOYER | DECISIONS | {"art27_fria"}),
    ("life insurance pricing", {"affected": ["clients"], "personal_data": True, "output": "score",
                                "decisions_about_people": True, "area": "insurance_pricing"},
     "high_risk", "5(c)", "deployer", HR_DEPLOYER | DECISIONS | {"art27_fria"}),
    ("grading trainees' exams", {"affected": ["students"], "personal_data": True, "decisions_about_people": True,
                                 "area": "education_assessment"},
     "high_risk", "3(b)", "deployer", HR_DEPLOYER | DECISIONS),
    ("allocating shifts from behaviour", AGENTS | {"output": "decision"},
     "high_risk", "4(b)", "deployer", HR_DEPLOYER | DECISIONS | {"art26_workers"}),
    ("Art. 6(3) derogation: formatting CVs", {"affected": ["candidates"], "personal_data": True,
                                              "area": "employment_recruitment", "narrow_task": True},
     "minimal", None, "deployer", LIT | {"art6_4_derogation"}),
    ("Art. 6(3) derogation refused: ranking CVs", CV | {"narrow_task": True},
     "high_risk", "4(a)", "deployer", HR_DEPLOYER | DECISIONS),
    # Art. 25: a deployer becomes the provider.
    ("ChatGPT repurposed to screen CVs (Art. 25(1)(c))", CV | {"repurposed": True},
     "high_risk", "4(a)", "provider", HR_PROVIDER | DECISIONS),
    ("vendor CV ranker sold under our brand (Art. 25(1)(a))", CV | {"branded_as_own": True},
     "high_risk", "4(a)", "provider", HR_PROVIDER | DECISIONS),
    ("performance tool substantially modified (Art. 25(1)(b))", AGENTS | {"substantially_modified": True},
     "high_risk", "4(b)", "provider", HR_PROVIDER | DECISIONS | {"art26_workers", "art50_2_marking"}),
    # Art. 50 transparency.
    ("vendor chatbot on the website", {"affected": ["clients"], "public_facing": True, "interactive": True},
     "transparency", None, "deployer", LIT | {"art50_1_vendor_check"}),
    ("AI-written public-interest newsletter", {"affected": ["public"], "published": True,
                                               "public_interest_text": True},
     "transparency", None, "deployer", LIT | {"art50_4_public_text"}),
    ("same newsletter, human editorial review", {"affected": ["public"], "published": True,
                                                 "public_interest_text": True, "human_editorial_review": True},
     "minimal", None, "deployer", LIT),
    ("deep-fake video for an advertisement", {"affected": ["public"], "output": "video", "published": True},
     "transparency", None, "deployer", LIT | {"art50_4_deepfake"}),
    ("in-house summariser (provider of a generative system)", {"own_system": True},
     "transparency", None, "provider", LIT | {"art50_2_marking"}),
    # Minimal risk.
    ("published cartoon-style icons", {"affected": ["public"], "output": "image", "published": True,
                                        "may_appear_authentic": False}, "minimal", None, "deployer", LIT),
    ("images for internal slides", {"output": "image"}, "minimal", None, "deployer", LIT),
    ("coding assistant", {"output": "code"}, "minimal", None, "deployer", LIT),
    ("branded FAQ generator, not high-risk (Art. 3(3))", {"branded_as_own": True, "output": "none"},
     "minimal", None, "provider", LIT),
]


@pytest.fixture(scope="module")
def regulation() -> Regulation:
    return load_regulation()


def test_table_has_at_least_twenty_cases() -> None:
    assert len(CASES) == 32


@pytest.mark.parametrize(("label", "answers", "risk_class", "point", "role", "obligations"), CASES,
                         ids=[c[0] for c in CASES])
def test_classification(regulation: Regulation, label: str, answers: dict[str, Any], risk_class: str,
                        point: str | None, role: str, obligations: set[str]) -> None:
    result = assess(use_case(**answers), regulation)
    assert (result.risk_class, result.annex_point, result.role) == (risk_class, point, role), label
    assert {o.id for o in result.obligations} == obligations, label


def test_prohibited_points_and_reason(regulation: Regulation) -> None:
    result = assess(use_case(affected=["employees"], techniques=["emotion_recognition"]), regulation)
    assert result.prohibited_points == ("5(1)(f)",)
    assert result.reasons[0].key == "aiact.reason.prohibited"
    assert result.reasons[0].params == {"point": "5(1)(f)", "technique": "emotion_recognition", "since": "2025-02-02"}


def test_reasons_of_the_cv_case(regulation: Regulation) -> None:
    result = assess(use_case(**CV), regulation)
    assert [r.key for r in result.reasons] == ["aiact.reason.annex_iii", "aiact.reason.role_deployer",
                                               "aiact.reason.literacy"]
    assert result.reasons[0].params == {"point": "4(a)", "area": "employment_recruitment"}


def test_obligation_dates(regulation: Regulation) -> None:
    result = assess(use_case(**CV), regulation)
    dates = {o.id: o.applies_from.isoformat() for o in result.obligations}
    assert dates["art4_literacy"] == "2025-02-02"
    assert dates["art26_oversight"] == "2027-12-02"
    chatbot = assess(use_case(affected=["clients"], interactive=True, own_system=True), regulation)
    assert {o.id: o.applies_from.isoformat() for o in chatbot.obligations}["art50_1_chatbot"] == "2026-08-02"
