"""Per-request footprints with the estimator's own engine, its coefficients computed once per model.

For a given (provider, model, operation, zone, image size, image quality) the calculator keeps the
:class:`sobria.impact.keyed.KeyCoefficients` of :func:`~sobria.impact.keyed.key_coefficients` — the
engine's coefficients for the min and max scenarios, the same ones
:func:`~sobria.impact.request.estimate_request` uses — and applies them to each request's counts
(:func:`sobria.impact.engine.apply`) and prices it (:func:`sobria.impact.pricing.request_cost_eur`):
the same figures as an import of the same request, without resolving the model again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sobria.impact.estimator import Estimator
from sobria.impact.keyed import KeyCoefficients, Media, key_coefficients
from sobria.impact.pricing import request_cost_eur

FIELDS = ("energy_kwh_min", "energy_kwh_max", "gwp_kgco2e_min", "gwp_kgco2e_max", "water_l_min", "water_l_max",
          "adpe_kgsbeq_min", "adpe_kgsbeq_max", "pe_mj_min", "pe_mj_max", "est_cost_eur")
_UNIT = 1000  # counts used to measure the slopes
Key = tuple[str | None, str, str, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Footprint:
    """Every impact column of one request, plus the estimation status and the catalogue model."""

    values: tuple[float, ...]
    status: str
    resolved_model: str

    @property
    def gwp_kgco2e(self) -> float:
        """Central carbon value (midpoint of the range), kgCO2e."""
        return (self.values[2] + self.values[3]) / 2

    @property
    def energy_wh(self) -> float:
        return (self.values[0] + self.values[1]) / 2 * 1000

    def columns(self) -> dict[str, float | str | None]:
        cols: dict[str, float | str | None] = {
            name: (None if math.isnan(v) else v) for name, v in zip(FIELDS, self.values, strict=True)}
        cols["impact_status"] = self.status
        cols["resolved_model"] = self.resolved_model
        return cols


NOTHING = Footprint(tuple(0.0 for _ in FIELDS), "not-sent", "")


@dataclass
class FootprintCalculator:
    estimator: Estimator
    _keys: dict[Key, KeyCoefficients] = field(default_factory=dict, repr=False)

    def footprint(self, provider: str | None, model: str, operation: str, *, input_tokens: int = 0,
                  output_tokens: int = 0, cached_input_tokens: int = 0, images: int = 0,
                  image_size: str | None = None, image_quality: str | None = None,
                  zone: str | None = None, media_seconds: float | None = None) -> Footprint:
        key: Key = (provider, model, operation, zone, image_size, image_quality)
        coef = self._keys.get(key)
        if media_seconds is not None:   # an audio length: its own coefficients, not cached (any value)
            coef = key_coefficients(self.estimator, provider, model, operation, zone,
                                    Media(image_size, image_quality, media_seconds=media_seconds))
        elif coef is None:
            coef = self._keys[key] = key_coefficients(self.estimator, provider, model, operation, zone,
                                                      Media(image_size, image_quality))
        units = float(coef.units(images, 1))
        counts = (float(output_tokens), float(input_tokens - cached_input_tokens), float(cached_input_tokens))
        low, high = (coef.scenario(bound, *counts, units, math.inf) for bound in ("min", "max"))
        cost = request_cost_eur(self.estimator.catalog, coef.terms, input_tokens, cached_input_tokens,
                                output_tokens, images, image_quality, image_size)
        values = tuple(float(v) for v in (
            low.energy_kwh, high.energy_kwh, low.gwp_kgco2e, high.gwp_kgco2e, low.water_l, high.water_l,
            low.adpe_kgsbeq, high.adpe_kgsbeq, low.pe_mj, high.pe_mj, math.nan if cost is None else cost))
        return Footprint(values, coef.status, coef.terms.resolution.model)
