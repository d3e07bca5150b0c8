"""The AI use-case inventory a company keeps: one YAML file, one entry per use of AI.

Each use case answers the questions the classifier needs (who is affected, personal data,
published output, public-facing, decisions about people, branded as the company's own...) and may
track the status of its obligations. The file is read the way policy files are
(:mod:`sobria.policy.loader`): every error carries its line and field; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

INVENTORY_VERSION = 1

Affected = Literal["employees", "candidates", "clients", "public", "students", "none"]
Output = Literal["text", "image", "audio", "video", "score", "decision", "code", "none"]
Area = Literal[
    "general", "biometric_identification", "biometric_categorisation", "emotion_recognition",
    "critical_infrastructure", "education_admission", "education_assessment", "education_level",
    "education_exam_monitoring", "employment_recruitment", "employment_management", "public_benefits",
    "credit_scoring", "insurance_pricing", "emergency_triage", "law_enforcement", "migration", "justice",
    "elections",
]
Technique = Literal[
    "manipulation", "exploiting_vulnerabilities", "social_scoring", "crime_prediction_profiling",
    "face_scraping", "emotion_recognition", "sensitive_biometric_categorisation",
    "realtime_remote_biometric_identification", "intimate_imagery", "biometric_categorisation",
]
Status = Literal["todo", "in-progress", "done", "not-applicable"]
STATUSES: tuple[Status, ...] = ("todo", "in-progress", "done", "not-applicable")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ObligationStatus(_Strict):
    """Where the company stands on one obligation of one use case."""

    status: Status = "todo"
    owner: str | None = None
    due: dt.date | None = Field(None, strict=False)
    evidence: str | None = None
    note: str | None = None


class UseCase(_Strict):
    """One use of AI, described by the answers to the classification questions."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: str
    team: str
    tool: str
    purpose: str
    owner: str | None = None
    affected: list[Affected] = Field(min_length=1)
    personal_data: bool
    output: Output
    published: bool
    public_facing: bool
    decisions_about_people: bool
    branded_as_own: bool
    interactive: bool = False
    may_appear_authentic: bool = True
    public_interest_text: bool = False
    human_editorial_review: bool = False
    area: Area = "general"
    techniques: list[Technique] = []
    narrow_task: bool = False
    own_system: bool = False
    substantially_modified: bool = False
    repurposed: bool = False
    obligations: dict[str, ObligationStatus] = {}


class Inventory(_Strict):
    """A whole inventory file (format version 1)."""

    version: Literal[1]
    organisation: str
    use_cases: list[UseCase] = Field(min_length=1)

