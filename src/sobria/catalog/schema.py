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
    central: float | None = Field(None, ge=0, description="explicit central value (else the midpoint)")

    @model_validator(mode="after")
    def _ordered(self) -> Interval:
        if self.min > self.max:
            raise ValueError(f"min {self.min} > max {self.max}")
        if self.central is not None and not self.min <= self.central <= self.max:
            raise ValueError(f"central {self.central} outside [{self.min}, {self.max}]")
        return self

    def to_range(self) -> Range:
        return Range(self.min, self.max, self.central)

    def times(self, other: Interval) -> Interval:
        """Bound-by-bound product (min × min, central × central, max × max)."""
        return Interval(min=self.min * other.min, max=self.max * other.max,
                        central=self.to_range().central * other.to_range().central)


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
    """An image-generation model, with its energy per image at the reference resolution.

    The boundary is explicit: ``gpu_wh_per_image`` is a GPU-only measurement (or bracket) at
    1024x1024 and ``reference_steps`` denoising steps; ``server_factor`` takes it to the whole
    server (CPU, memory, fans); the data centre's PUE is applied by the engine."""

    provider: str
    name: str
    family: str
    gpu_wh_per_image: Interval = Field(description="GPU-only energy of one 1024x1024 image at the reference steps")
    server_factor: Interval = Field(description="server energy / GPU energy")
    reference_steps: int | None = Field(None, ge=1, description="denoising steps of the measurement; "
                                        "None when the API exposes no step count")
    generation_s_per_image: Interval = Field(description="GPU occupancy of one image (embodied share)")
    gpus: int = Field(ge=1)
    quality_factors: dict[str, float] = Field(description="energy multiplier per quality level")
    source: Source

    @property
    def energy_wh_per_image(self) -> Interval:
        """IT (server) energy of one 1024x1024 image at the reference steps, before PUE."""
        return self.gpu_wh_per_image.times(self.server_factor)


class AudioModelEntry(Strict):
    """A speech-to-text model billed per second of audio, with its energy per second of audio.

    Same boundary as images: ``gpu_wh_per_audio_s`` is GPU only; ``server_factor`` takes it to
    the server; the engine applies the PUE. ``default_audio_s`` is used when a request does not say
    how long its audio was (the measurement's own clip length)."""

    provider: str
    name: str
    names: list[str] = Field([], description="other API ids of the same model")
    gpu_wh_per_audio_s: Interval = Field(description="GPU-only energy per second of audio transcribed")
    server_factor: Interval = Field(description="server energy / GPU energy")
    gpu_s_per_audio_s: Interval = Field(description="GPU occupancy per second of audio (embodied share)")
    default_audio_s: Interval = Field(description="seconds of audio assumed when a request gives none")
    gpus: int = Field(ge=1)
    source: Source

    @property
    def energy_wh_per_audio_s(self) -> Interval:
        """IT (server) energy per second of audio, before PUE."""
        return self.gpu_wh_per_audio_s.times(self.server_factor)


class LlmModelEntry(Strict):
    """An LLM missing from EcoLogits' catalogue, with a sourced architecture (billions of parameters)."""

    provider: str = Field(description="Sobria provider (or EcoLogits provider) that serves it")
    name: str
    names: list[str] = Field([], description="other API ids of the same model")
    architecture: Literal["dense", "moe"]
    active_params_b: Interval
    total_params_b: Interval
    warnings: list[str] = []
    source: Source

    @model_validator(mode="after")
    def _consistent(self) -> LlmModelEntry:
        if self.active_params_b.max > self.total_params_b.max or self.active_params_b.min > self.total_params_b.min:
            raise ValueError("active parameters exceed total parameters")
        if self.architecture == "dense" and self.active_params_b != self.total_params_b:
            raise ValueError("a dense model has as many active as total parameters")
        return self


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
    llm_models: list[LlmModelEntry]
    image_models: list[ImageModelEntry]
    audio_models: list[AudioModelEntry]
    embedding_models: list[EmbeddingModelEntry]
    aliases: list[AliasEntry]
    prices: list[PriceEntry]
    monetary_factors: list[MonetaryFactor]
    fallback_classes: list[FallbackClass]
    constants: list[Constant]
    model_classes: ModelClasses
