"""Per-key coefficients: what every request of one (provider, model, operation, zone, media) shares.

The single-request path (:mod:`sobria.impact.request`), the vectorised path
(:mod:`sobria.impact.frame`) and any caller that estimates many requests of the same key (the
gateway's footprint calculator) build the coefficients here once, for the min, max and central
scenarios, then apply them to counts with :meth:`KeyCoefficients.scenario` (floats or NumPy arrays).
One definition, so the paths cannot drift (tests/impact/test_frame.py checks them row for row).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sobria.catalog.media import parse_video_size
from sobria.catalog.reference import ElectricityMix
from sobria.errors import Location, UserInputError
from sobria.impact.engine import Coefficients, Scenario, apply, coefficients
from sobria.impact.estimator import Estimator, pick_bound
from sobria.impact.formulas import Num
from sobria.impact.terms import UNIT_KINDS, ModelTerms, pixel_factor, quality_factor, steps_factor
from sobria.impact.video import video_unit

BOUNDS = ("min", "max", "central")


@dataclass(frozen=True)
class Media:
    """What a request says about its generated media (all optional)."""

    image_size: str | None = None
    image_quality: str | None = None
    image_steps: int | None = None
    video_size: str | None = None
    media_seconds: float | None = None   # seconds of audio transcribed, or of video generated


@dataclass(frozen=True)
class BoundCoefficients:
    coefficients: Coefficients
    token_weights: tuple[float, float, float]   # per output, uncached input, cached input token


@dataclass(frozen=True)
class KeyCoefficients:
    terms: ModelTerms
    mix: ElectricityMix
    status: str
    bounds: dict[str, BoundCoefficients]
    # the central scenario is a measurement inside a wide envelope (images, video, audio, LLMs
    # under measured serving), not the midpoint of the range as EcoLogits reports text generation
    explicit_central: bool

    def central(self, low: Num, high: Num, mid: Num) -> Num:
        """The reported central value from the three scenarios' values (floats or arrays)."""
        return np.clip(mid, low, high) if self.explicit_central else (low + high) / 2

    def units(self, images: Num, requests: Num) -> Num:
        """Generated units: the images of an image request, one video or one audio per request."""
        kind = self.terms.kind
        if kind == "image":
            return images
        return requests if kind in ("video", "audio") else 0.0 * requests

    def scenario(self, bound: str, output: Num, uncached: Num, cached: Num, units: Num, latency_s: Num) -> Scenario:
        b = self.bounds[bound]
        w_out, w_in, w_cached = b.token_weights
        tokens = w_out * output + w_in * uncached + w_cached * cached
        return apply(b.coefficients, tokens, units, latency_s)


def key_coefficients(est: Estimator, provider: str | None, model: str, operation: str | None,
                     zone: str | None, media: Media = Media()) -> KeyCoefficients:
    """The min / max / central coefficients of one key (raises UserInputError on a bad image size)."""
    terms = est.terms(provider, model, operation)
    mix, zone_status = est.mix_for(zone, terms)
    pixels = pixel_factor(media.image_size)
    if pixels is None:
        raise UserInputError("impact.bad_image_size", {"value": media.image_size}, Location(field="image_size"))
    if media.video_size is not None and parse_video_size(media.video_size) is None:
        raise UserInputError("impact.bad_image_size", {"value": media.video_size}, Location(field="video_size"))
    factor = pixels * quality_factor(terms, media.image_quality) * steps_factor(terms, media.image_steps)
    bounds = {}
    for bound in BOUNDS:
        unit = None
        scale = factor
        if terms.resolution.video is not None:
            v = video_unit(terms.resolution.video, media.video_size, media.media_seconds, bound,
                           est.catalog.hardware.hardware_lifespan_s)
            unit = (v.it_kwh, v.embodied)
        elif terms.resolution.audio is not None:
            seconds = media.media_seconds
            scale = seconds if seconds is not None else pick_bound(
                terms.resolution.audio.default_audio_s.to_range(), bound)
        coef = coefficients(est.catalog.hardware, est.scenario_terms(terms, mix, bound, scale, unit))
        bounds[bound] = BoundCoefficients(coef, est.token_weights(terms, bound))
    explicit = terms.kind in UNIT_KINDS or est.measured_serving(terms)
    return KeyCoefficients(terms, mix, est.row_status(terms, zone_status), bounds, explicit)
