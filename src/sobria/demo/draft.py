"""One demo request before it becomes a row: its fields, and what the ground truth says of it."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sobria.demo.tasks import Tool


class Reason(StrEnum):
    """Labels of the ground-truth file; the first five are waste."""

    REFORMULATION = "reformulation"
    REGENERATION = "regeneration"
    UNUSED_IMAGE = "unused-image"
    INTERNAL_IMAGE = "internal-image"
    HEAVY_MODEL_TRIVIAL = "heavy-model-trivial"
    ORIGINAL = "original"                # first request of a reformulation/regeneration chain
    CONTINUATION = "continuation"        # look-alike: "continue" / "la suite" follow-up
    SAME_TEMPLATE = "same-template"      # look-alike: one template, another client or subject


WASTE_REASONS = frozenset({Reason.REFORMULATION, Reason.REGENERATION, Reason.UNUSED_IMAGE,
                           Reason.INTERNAL_IMAGE, Reason.HEAVY_MODEL_TRIVIAL})
LOOKALIKE_REASONS = frozenset({Reason.CONTINUATION, Reason.SAME_TEMPLATE})


@dataclass(frozen=True)
class Label:
    reason: Reason
    chain_id: str | None = None
    chain_position: int | None = None

    @property
    def waste(self) -> bool:
        return self.reason in WASTE_REASONS

    @property
    def lookalike(self) -> bool:
        return self.reason in LOOKALIKE_REASONS


@dataclass
class Draft:
    seconds: int                      # local (Europe/Paris) time of day, seconds since midnight
    person: str | None                # raw e-mail; None for the customer-facing chatbot
    team: str
    tool: Tool
    model: str
    operation: str
    prompt: str
    purpose: str
    conversation_id: str | None
    input_tokens: int | None = None
    output_tokens: int | None = None
    images: int | None = None
    image_size: str | None = None
    image_quality: str | None = None
    image_used: bool | None = None
    answer_kept: bool | None = None
    latency_ms: float | None = None
    labels: list[Label] = field(default_factory=list)


class Ids:
    """Sequential conversation and chain identifiers (one instance per generation)."""

    def __init__(self) -> None:
        self._conversations = 0
        self._chains = 0

    def conversation(self) -> str:
        self._conversations += 1
        return f"demo-conv-{self._conversations:06d}"

    def chain(self) -> str:
        self._chains += 1
        return f"demo-chain-{self._chains:05d}"
