"""The estimator: resolves models once, then estimates single requests or whole tables."""

from __future__ import annotations

from dataclasses import dataclass, field

from sobria.catalog import Catalog, resolve
from sobria.catalog.names import quantisation_bits_in_name
from sobria.catalog.reference import ElectricityMix
from sobria.catalog.resolve import worst_status
from sobria.impact.engine import Terms
from sobria.impact.options import EstimateOptions
from sobria.impact.terms import ModelTerms, model_terms
from sobria.ranges import Range

MJ_PER_KWH = 3.6


def pick_bound(r: Range, bound: str) -> float:
    """The value of a range in one scenario: 'min', 'central' or 'max'."""
    return r.min if bound == "min" else r.max if bound == "max" else r.central


@dataclass
class Estimator:
    """Holds the catalogue, the options and a per-instance cache of per-model terms."""

    catalog: Catalog
    options: EstimateOptions = field(default_factory=EstimateOptions)
    _terms: dict[tuple[str | None, str, str | None], ModelTerms] = field(default_factory=dict, repr=False)

    def terms(self, provider: str | None, model: str, operation: str | None) -> ModelTerms:
        key = (provider, model, operation)
        found = self._terms.get(key)
        if found is None:
            # the sobria method reads a quantised checkpoint's precision from its name (an FP8
            # model needs half the GPUs); EcoLogits parity assumes 16-bit weights for every model
            bits = quantisation_bits_in_name(model) if self.options.method == "sobria" else None
            found = model_terms(self.catalog, resolve(self.catalog, provider, model, operation), bits)
            self._terms[key] = found
        return found

    def prefill_ratio(self) -> Range:
        """Output-token equivalents of one uncached input token (0 in EcoLogits parity)."""
        if self.options.method == "ecologits":
            return Range.point(0.0)
        return self.catalog.constant("prefill_ratio")

    def mix_for(self, zone: str | None, terms: ModelTerms) -> tuple[ElectricityMix, str]:
        """The electricity mix to use and the status it implies."""
        wanted = (zone or terms.zone).strip().upper()
        mix = self.catalog.mix(wanted)
        if mix is None:
            return self.catalog.mixes["WOR"], "zone-unknown"
        return mix, "ok"

    def row_status(self, terms: ModelTerms, zone_status: str) -> str:
        status = worst_status(terms.resolution.status, zone_status)
        if status == "ok" and self.options.method == "ecologits" and terms.kind not in ("llm", "video"):
            return "outside-reference-method"
        return status

    def pe_mj_per_kwh(self, mix: ElectricityMix) -> float:
        """Primary energy per kWh: EcoLogits' value, except its world default (below the 3.6 MJ of
        the kWh itself, impossible) which the sobria method corrects (docs/methodology.md)."""
        world = self.catalog.mixes["WOR"].pe_mj_per_kwh
        if self.options.method == "sobria" and mix.pe_mj_per_kwh == world and world < MJ_PER_KWH:
            return self.catalog.constant("world_primary_energy_mj_per_kwh").central
        return mix.pe_mj_per_kwh

    def scenario_terms(self, terms: ModelTerms, mix: ElectricityMix, bound: str, image_factor: float,
                       unit: tuple[float, tuple[float, float, float]] | None = None) -> Terms:
        """The per-unit inputs of one bound ('min', 'central' or 'max') for a model in a zone.
        ``image_factor`` scales the per-unit terms (pixels, quality, steps, seconds of audio);
        ``unit`` replaces them by a unit's own IT energy and embodied impacts (a video)."""
        def pick(r: Range) -> float:
            return pick_bound(r, bound)

        market = self.options.carbon_basis == "market"
        measured = pick(self.catalog.constant("llm_gpu_energy_measured_ratio")) if self.measured_serving(terms) else 1.0
        return Terms(
            energy_per_token_kwh=measured * pick(terms.energy_per_token_kwh),
            latency_per_token_s=pick(terms.latency_per_token_s),
            ttft_s=terms.ttft_s,
            gpu_count=pick(terms.gpu_count),
            image_it_kwh=unit[0] if unit is not None else image_factor * pick(terms.image_it_kwh),
            image_s=0.0 if unit is not None else image_factor * pick(terms.image_s),
            pue=pick(terms.pue),
            datacenter_wue=pick(terms.datacenter_wue),
            gwp_per_kwh=pick(terms.market_gwp) if market else mix.gwp_kgco2e_per_kwh,
            adpe_per_kwh=mix.adpe_kgsbeq_per_kwh,
            pe_per_kwh=self.pe_mj_per_kwh(mix),
            mix_wue=mix.wue_l_per_kwh,
            unit_embodied=unit[1] if unit is not None else None,
        )

    def measured_serving(self, terms: ModelTerms) -> bool:
        """True when an LLM's decode energy is calibrated on ML.ENERGY v3 (an option of the sobria method)."""
        return self.options.serving == "measured" and self.options.method == "sobria" and terms.kind == "llm"

    def token_weights(self, terms: ModelTerms, bound: str) -> tuple[float, float, float]:
        """Equivalent output tokens per (output, uncached input, cached input) token."""
        if terms.kind in ("image", "video", "audio", "unsupported"):
            return 0.0, 0.0, 0.0
        if terms.kind == "embedding":
            return 0.0, 1.0, 1.0   # every input token goes through the encoder once
        ratio = pick_bound(self.prefill_ratio(), bound)
        return 1.0, ratio, ratio * pick_bound(self.catalog.constant("cached_input_fraction"), bound)
