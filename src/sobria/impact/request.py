"""Estimating one request, with the full breakdown (usage / embodied) and ranges."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sobria.catalog.media import parse_video_size
from sobria.errors import Location, UserInputError
from sobria.impact.engine import Scenario
from sobria.impact.estimator import Estimator
from sobria.impact.keyed import BOUNDS, Media, key_coefficients
from sobria.impact.pricing import request_cost_eur
from sobria.impact.terms import pixel_factor
from sobria.ranges import Range

OPERATIONS = ("chat", "completion", "embedding", "image", "audio", "video")
MAX_IMAGES = 1000
MAX_STEPS = 1000
MAX_MEDIA_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Request:
    """One AI request as the estimator sees it. Token counts are per request."""

    provider: str | None
    model: str
    output_tokens: int = 0
    input_tokens: int = 0
    cached_input_tokens: int = 0
    images: int = 0
    image_size: str | None = None
    image_quality: str | None = None
    image_steps: int | None = None
    video_size: str | None = None        # 'WxH' or '720p' / '1080p' / '4k'
    media_seconds: float | None = None   # seconds of audio transcribed or of video generated
    latency_s: float | None = None
    zone: str | None = None
    operation: str | None = None

    def __post_init__(self) -> None:
        for name in ("output_tokens", "input_tokens", "cached_input_tokens", "images"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise UserInputError("impact.bad_count", {"value": value}, Location(parameter=name))
        if self.cached_input_tokens > self.input_tokens:
            raise UserInputError("impact.cached_over_input", {"cached": self.cached_input_tokens,
                                                               "input": self.input_tokens},
                                 Location(parameter="cached_input_tokens"))
        if self.image_steps is not None and (isinstance(self.image_steps, bool) or not isinstance(
                self.image_steps, int) or not 1 <= self.image_steps <= MAX_STEPS):
            raise UserInputError("impact.bad_image_steps", {"value": self.image_steps, "max": MAX_STEPS},
                                 Location(parameter="image_steps"))
        if self.images > MAX_IMAGES:
            raise UserInputError("impact.too_many_images", {"value": self.images, "max": MAX_IMAGES},
                                 Location(parameter="images"))
        if pixel_factor(self.image_size) is None:
            raise UserInputError("impact.bad_image_size", {"value": self.image_size},
                                 Location(parameter="image_size"))
        if self.video_size is not None and parse_video_size(self.video_size) is None:
            raise UserInputError("impact.bad_image_size", {"value": self.video_size}, Location(parameter="video_size"))
        if self.media_seconds is not None and not (isinstance(self.media_seconds, int | float)
                                                   and 0 < self.media_seconds <= MAX_MEDIA_SECONDS):
            raise UserInputError("impact.bad_media_seconds", {"value": self.media_seconds, "max": MAX_MEDIA_SECONDS},
                                 Location(parameter="media_seconds"))
        if self.latency_s is not None and not (self.latency_s > 0 and math.isfinite(self.latency_s)):
            raise UserInputError("impact.bad_latency", {"value": self.latency_s}, Location(parameter="latency_s"))
        if self.operation is not None and self.operation not in OPERATIONS:
            raise UserInputError("impact.bad_operation", {"value": self.operation,
                                                          "expected": ", ".join(OPERATIONS)},
                                 Location(parameter="operation"))

    @property
    def effective_operation(self) -> str | None:
        if self.operation is None and self.images > 0:
            return "image"
        return self.operation


@dataclass(frozen=True)
class Impacts:
    """The footprint of one request: every figure a min–max range."""

    energy_kwh: Range
    gwp_kgco2e: Range
    gwp_usage_kgco2e: Range
    gwp_embodied_kgco2e: Range
    adpe_kgsbeq: Range
    pe_mj: Range
    water_l: Range
    cost_eur: float | None
    status: str
    kind: str
    provider: str
    model: str
    zone: str
    warnings: tuple[str, ...]
    resolution_note: str = ""   # for a guessed model: what it was mapped to, and why
    # usage (electricity) carbon on both bases, side by side; ``gwp_usage_kgco2e`` is the chosen one
    gwp_usage_location_kgco2e: Range | None = None
    gwp_usage_market_kgco2e: Range | None = None


def estimate_request(estimator: Estimator, req: Request) -> Impacts:
    media = Media(req.image_size, req.image_quality, req.image_steps, req.video_size, req.media_seconds)
    key = key_coefficients(estimator, req.provider, req.model, req.effective_operation, req.zone, media)
    terms, mix = key.terms, key.mix
    units = float(key.units(req.images, 1))
    latency = req.latency_s if req.latency_s is not None else math.inf
    low, high, mid = (key.scenario(b, float(req.output_tokens), float(req.input_tokens - req.cached_input_tokens),
                                   float(req.cached_input_tokens), units, latency) for b in BOUNDS)
    res = terms.resolution
    explicit = key.explicit_central

    def rng(name: str) -> Range:
        lo, hi = float(getattr(low, name)), float(getattr(high, name))
        return Range(lo, hi, min(max(float(getattr(mid, name)), lo), hi) if explicit else None)

    return Impacts(
        energy_kwh=rng("energy_kwh"),
        gwp_kgco2e=rng("gwp_kgco2e"),
        gwp_usage_kgco2e=rng("gwp_usage_kgco2e"),
        gwp_embodied_kgco2e=rng("gwp_embodied_kgco2e"),
        adpe_kgsbeq=rng("adpe_kgsbeq"),
        pe_mj=rng("pe_mj"),
        water_l=rng("water_l"),
        cost_eur=request_cost_eur(estimator.catalog, terms, req.input_tokens, req.cached_input_tokens,
                                  req.output_tokens, req.images, req.image_quality, req.image_size),
        status=key.status,
        kind=res.kind,
        provider=res.provider,
        model=res.model,
        zone=mix.zone,
        warnings=tuple(sorted(set(mix.warnings) | set(res.llm.warnings if res.llm else ()))),
        resolution_note=res.note,
        gwp_usage_location_kgco2e=_usage(low, high, mid, explicit, Range.point(mix.gwp_kgco2e_per_kwh)),
        gwp_usage_market_kgco2e=_usage(low, high, mid, explicit, terms.market_gwp),
    )


def _usage(low: Scenario, high: Scenario, mid: Scenario, explicit: bool, factor: Range) -> Range:
    """Usage carbon of the three scenarios' energies at an electricity factor (per kWh)."""
    lo, hi = float(low.energy_kwh) * factor.min, float(high.energy_kwh) * factor.max
    central = min(max(float(mid.energy_kwh) * factor.central, lo), hi) if explicit else None
    return Range(lo, hi, central)
