"""Per-request footprints in microseconds: the estimator's result is affine in the counts.

For a given (provider, model, operation, zone, image size, image quality) every impact of
:func:`sobria.impact.request.estimate_request` is ``base + output × a + uncached input × b +
cached input × c + images × d`` (the method has no other dependence on the counts when no latency
is given). The calculator asks the estimator once per key for those coefficients, then computes
each request by arithmetic — the same numbers as a direct call, in about 3 µs (43 µs for a direct call).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sobria.impact.estimator import Estimator
from sobria.impact.request import Impacts, Request, estimate_request

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


@dataclass(frozen=True, slots=True)
class _Affine:
    base: tuple[float, ...]
    slopes: tuple[tuple[float, ...], ...]  # output, uncached input, cached input, images
    status: str
    resolved_model: str


@dataclass
class FootprintCalculator:
    estimator: Estimator
    _affine: dict[Key, _Affine] = field(default_factory=dict, repr=False)

    def footprint(self, provider: str | None, model: str, operation: str, *, input_tokens: int = 0,
                  output_tokens: int = 0, cached_input_tokens: int = 0, images: int = 0,
                  image_size: str | None = None, image_quality: str | None = None,
                  zone: str | None = None) -> Footprint:
        key: Key = (provider, model, operation, zone, image_size, image_quality)
        affine = self._affine.get(key)
        if affine is None:
            affine = self._affine[key] = self._measure(key)
        counts = (output_tokens, input_tokens - cached_input_tokens, cached_input_tokens, images)
        values = list(affine.base)
        for count, slope in zip(counts, affine.slopes, strict=True):
            if count:
                for i, s in enumerate(slope):
                    values[i] += count * s
        return Footprint(tuple(values), affine.status, affine.resolved_model)

    def _measure(self, key: Key) -> _Affine:
        provider, model, operation, zone, size, quality = key
        image = operation == "image"

        def at(output: int = 0, uncached: int = 0, cached: int = 0, images: int = 0) -> tuple[float, ...]:
            req = Request(provider, model, output_tokens=output, input_tokens=uncached + cached,
                          cached_input_tokens=cached, images=images, image_size=size, image_quality=quality,
                          zone=zone, operation=operation)
            return _vector(estimate_request(self.estimator, req))

        base_images = 1 if image else 0
        first = at(images=base_images)
        slopes = [tuple((b - a) / _UNIT for a, b in zip(first, at(images=base_images, **{name: _UNIT}),
                                                          strict=True))
                  for name in ("output", "uncached", "cached")]
        image_slope = tuple(b - a for a, b in zip(first, at(images=2), strict=True)) if image else first
        base = tuple(a - s * base_images for a, s in zip(first, image_slope, strict=True)) if image else first
        slopes.append(image_slope if image else tuple(0.0 for _ in first))
        sample = estimate_request(self.estimator, Request(provider, model, images=base_images, image_size=size,
                                                          image_quality=quality, zone=zone, operation=operation))
        return _Affine(base, tuple(slopes), sample.status, sample.model)


def _vector(impacts: Impacts) -> tuple[float, ...]:
    cost = impacts.cost_eur if impacts.cost_eur is not None else math.nan
    return (impacts.energy_kwh.min, impacts.energy_kwh.max, impacts.gwp_kgco2e.min, impacts.gwp_kgco2e.max,
            impacts.water_l.min, impacts.water_l.max, impacts.adpe_kgsbeq.min, impacts.adpe_kgsbeq.max,
            impacts.pe_mj.min, impacts.pe_mj.max, cost)
