"""The AI Act as data: articles, Annex III points, prohibited practices and obligations.

Read from the versioned package file ``data/regulation_2024_1689.yaml`` and validated as a
whole. Every entry says whether its article and date were verified and where; nothing here is
legal advice. Loading is explicit (:func:`load_regulation`), never at import time.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

Holder = Literal["provider", "deployer", "any"]
Condition = Literal["every", "prohibited", "high_risk", "high_risk_employees", "high_risk_decisions",
                    "high_risk_fria", "derogation", "chatbot", "vendor_chatbot", "synthetic_media",
                    "synthetic_media_provider", "public_text", "emotion_biometric"]

DATA_FILE = "regulation_2024_1689.yaml"


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Verified(_Frozen):
    verified: bool
    checked: str


class KeyDate(Verified):
    date: dt.date
    article: str
    note: str | None = None


class Amendment(Verified):
    name: str
    proposal: str
    status: str


class AnnexPoint(Verified):
    point: str
    area: str


class Prohibition(Verified):
    point: str
    technique: str
    since: dt.date
    where: tuple[str, ...] = ()


class ObligationRule(Verified):
    id: str
    article: str
    holder: Holder
    when: Condition
    applies_from: dt.date
    statutory: bool


class Regulation(_Frozen):
    """The whole data file."""

    data_version: str
    regulation: str
    official_text: str
    amended_by: Amendment
    dates: dict[str, KeyDate]
    annex_iii: tuple[AnnexPoint, ...]
    prohibited: tuple[Prohibition, ...]
    obligations: tuple[ObligationRule, ...]

    def annex_point(self, area: str) -> AnnexPoint | None:
        return next((p for p in self.annex_iii if p.area == area), None)

    def obligation(self, obligation_id: str) -> ObligationRule | None:
        return next((o for o in self.obligations if o.id == obligation_id), None)

    def obligation_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.obligations)


def load_regulation() -> Regulation:
    """The packaged regulation data, validated (a broken package file is a programming error)."""
    text = (resources.files("sobria.governance.aiact") / "data" / DATA_FILE).read_text(encoding="utf-8")
    return Regulation.model_validate(yaml.safe_load(text))
