"""Schemas of Sobria's catalogue overlay (package data), validated as a whole on load.

Every number carries a :class:`Source` (URL or reference, and the date it was recorded), so that
``sobria catalog show`` and the methodology can say where each figure comes from.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from sobria.ranges import Range


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where a number comes from."""

    ref: str = Field(min_length=3, description="URL, or a bibliographic reference")
    recorded: dt.date = Field(description="when the value was recorded in Sobria's catalogue")
    note: str | None = None


class Interval(Strict):
    min: float = Field(ge=0)
    max: float = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.min > self.max:
            raise ValueError(f"min {self.min} > max {self.max}")
        return self

    def to_range(self) -> Range:
        return Range(self.min, self.max)


class ProviderEntry(Strict):
    """A provider (or cloud) as it appears in exports, with its data-centre defaults."""

    name: str
    synonyms: list[str] = []
    ecologits_provider: str | None = Field(
        None, description="EcoLogits provider whose models and data-centre defaults apply")
    zone: str | None = Field(None, description="default electricity-mix zone, when not EcoLogits'")
    pue: Interval | None = None
    wue_l_per_kwh: Interval | None = None
    market_gwp_kgco2e_per_kwh: Interval = Field(
        description="market-based emission factor of the electricity this provider buys")
    source: Source


class ImageModelEntry(Strict):
    """An image-generation model, with its energy per image at the reference resolution."""

    provider: str
    name: str
    family: str
    energy_wh_per_image: Interval = Field(description="IT energy of one image at 1024x1024, standard")
    generation_s_per_image: Interval = Field(description="GPU occupancy of one image (embodied share)")
    gpus: int = Field(ge=1)
    quality_factors: dict[str, float] = Field(description="energy multiplier per quality level")
    source: Source


class EmbeddingModelEntry(Strict):
    provider: str
    name: str
    params_b: Interval = Field(description="parameter count in billions")
    source: Source


class AliasEntry(Strict):
    """A name found in real exports mapped to a catalogue model."""

    name: str = Field(description="name as found in exports, matched case-insensitively")
    provider: str
    model: str
    kind: Literal["llm", "image", "embedding"] = "llm"
    status: Literal["ok", "model-guessed"] = Field(
        "ok", description="'model-guessed' when the target is a stand-in, not the same model")
    source: Source


class PriceEntry(Strict):
    """API list prices, in USD as providers publish them."""

    provider: str
    model: str
    input_usd_per_mtok: float | None = Field(None, ge=0)
    cached_input_usd_per_mtok: float | None = Field(None, ge=0)
    output_usd_per_mtok: float | None = Field(None, ge=0)
    image_usd: dict[str, float] = Field(
        {}, description="price per image keyed 'quality@WxH' (e.g. 'standard@1024x1024')")
    source: Source


class MonetaryFactor(Strict):
    """A spend-based emission factor for purchased services."""

    key: str
    label_fr: str
    label_en: str
    kgco2e_per_keur: Interval
    source: Source


class FallbackClass(Strict):
    """Parameters assumed for an LLM that is not in the catalogue, by size class."""

    key: str
    keywords: list[str] = Field(description="name fragments that put a model in this class")
    active_params_b: Interval
    total_params_b: Interval
    source: Source


class Constant(Strict):
    key: str
    value: Interval
    unit: str
    source: Source


class ModelClasses(Strict):
    """Which models are light (per provider, the default to route to) and heavy, and which purposes
    are internal documents: the one list used by waste detection, the audit scenario and reports."""

    light: dict[str, str] = Field(description="provider -> its light model")
    heavy: list[str] = Field(description="model names that are heavy, whatever the catalogue's bounds")
    internal_purposes: list[str] = Field(description="purposes that mean an internal document")
    source: Source


class Overlay(Strict):
    """The whole overlay, as loaded from the package's JSON files."""

    providers: list[ProviderEntry]
    image_models: list[ImageModelEntry]
    embedding_models: list[EmbeddingModelEntry]
    aliases: list[AliasEntry]
    prices: list[PriceEntry]
    monetary_factors: list[MonetaryFactor]
    fallback_classes: list[FallbackClass]
    constants: list[Constant]
    model_classes: ModelClasses
