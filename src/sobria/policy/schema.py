"""The policy file schema, version 1: the charter as typed data.

Every model forbids unknown keys so that a typo is reported (with a suggestion) rather than
silently ignored. Values are strict: ``"3"`` is not a number. Semantic rules that involve
several fields (contradictions, negative budgets, model names) live in :mod:`sobria.policy.checks`;
the reference for every field is ``docs/policy.md``.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = 1

Tier = Literal["consumer", "enterprise"]
DataClass = Literal["client_personal_data", "identifiers", "health", "hr"]
DataAction = Literal["allow", "redact", "block"]

Lang = Literal["fr", "en"]
Label = str | dict[Lang, str]
"""A text shown in the charter: one string for every language, or one per language ({fr:, en:})."""

TIERS: tuple[Tier, ...] = ("consumer", "enterprise")
DATA_CLASSES: tuple[DataClass, ...] = ("client_personal_data", "identifiers", "health", "hr")
DATA_ACTION_RANK: dict[str, int] = {"allow": 0, "redact": 1, "block": 2}

def label_text(label: Label, lang: str) -> str:
    """The label in ``lang``, else in French, else in the first language given."""
    if isinstance(label, str):
        return label
    texts = {str(key): text for key, text in label.items()}
    return texts.get(lang) or texts.get("fr") or next(iter(texts.values()), "")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Organisation(_Strict):
    name: str
    contact: str | None = None


class CharterInfo(_Strict):
    version: str
    date: dt.date = Field(strict=False)


class Tool(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    name: Label
    tier: Tier
    allowed: bool = True


class HeavyModels(_Strict):
    models: list[str] = []
    purposes: list[str] = []
    justification_required: bool = True


class Models(_Strict):
    default: str
    per_purpose: dict[str, str] = {}
    heavy: HeavyModels = HeavyModels()
    forbidden: list[str] = []
    unlisted: Literal["allow", "warn", "route"] = "warn"


class Images(_Strict):
    allowed: bool = True
    allowed_purposes: list[str] = []
    forbidden_purposes: list[str] = []
    models: list[str] = []


class ClassActions(_Strict):
    client_personal_data: DataAction
    identifiers: DataAction
    health: DataAction
    hr: DataAction


class TierActions(_Strict):
    consumer: ClassActions
    enterprise: ClassActions


class DataProtection(_Strict):
    detectors: dict[str, DataClass]
    purposes: dict[str, DataClass] = {}
    by_tier: TierActions


class Budgets(_Strict):
    period: Literal["month"] = "month"
    default_kgco2e: float | None = None
    teams: dict[str, float] = {}
    alert_thresholds_percent: list[int] = [50, 80, 100]
    on_exceeded: Literal["warn", "route", "block"] = "warn"


class Regenerations(_Strict):
    max_per_request: int
    on_exceeded: Literal["warn", "block"] = "warn"


class Retention(_Strict):
    usage_events_days: int
    store_prompts: bool = False
    prompt_days: int = 0


class Disclosure(_Strict):
    chatbot: bool = True
    generated_images: bool = True
    generated_text_external: bool = False


class EthicsCommittee(_Strict):
    members: list[Label] = Field(min_length=1)
    meets_every_months: int = 1
    meeting_minutes: int = 60
    contact: str | None = None


class Training(_Strict):
    required_for_all: bool = True
    within_weeks: int
    topics: list[Label] = []


class Policy(_Strict):
    """A whole policy file (schema version 1)."""

    version: Literal[1]
    organisation: Organisation
    charter: CharterInfo
    purposes: dict[str, Label]
    tools: list[Tool]
    models: Models
    images: Images
    data: DataProtection
    budgets: Budgets
    regenerations: Regenerations
    retention: Retention
    disclosure: Disclosure
    ethics_committee: EthicsCommittee
    training: Training
