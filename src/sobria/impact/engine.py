"""One scenario (the min or the max bound) of the impact of requests.

Two steps: :func:`coefficients` turns the per-model terms into per-unit coefficients (one set per
distinct model, zone and image setting), then :func:`apply` multiplies them by each request's
tokens, images and latency. ``apply`` works on floats and, element-wise, on NumPy arrays, so one
request and a million share one definition. Text generation and embeddings follow EcoLogits'
formulas on "equivalent tokens"; images add their measured energy per image and occupy their GPUs
unbatched (see docs/methodology.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from sobria.catalog.reference import HardwareConstants
from sobria.impact import formulas as f
from sobria.impact.formulas import Num

ONE_SECOND = 1.0
ONE_TOKEN = 1.0


@dataclass(frozen=True)
class Terms:
    """Per-unit inputs of one scenario, for one model in one zone (all floats)."""

    energy_per_token_kwh: float
    latency_per_token_s: float
    ttft_s: float
    gpu_count: float
    image_it_kwh: float         # per image, resolution and quality applied
    image_s: float              # GPU occupancy per image
    pue: float
    datacenter_wue: float
    gwp_per_kwh: float          # location- or market-based
    adpe_per_kwh: float
    pe_per_kwh: float
    mix_wue: float
    # manufacturing impacts (GWP, ADPe, PE) of one generated unit, when its hardware has its own
    # figures (video servers); otherwise ``image_s`` of GPU occupancy at the LLM hardware's rate
    unit_embodied: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class Coefficients:
    latency_per_token_s: float
    ttft_s: float
    gpu_kwh_per_token: float
    server_kwh_per_s: float
    image_it_kwh: float         # per generated unit (image, video, second of audio)
    pue: float
    gwp_per_kwh: float
    adpe_per_kwh: float
    pe_per_kwh: float
    water_l_per_it_kwh: float
    embodied_gwp_per_s: float
    embodied_adpe_per_s: float
    embodied_pe_per_s: float
    unit_embodied_gwp: float
    unit_embodied_adpe: float
    unit_embodied_pe: float


@dataclass(frozen=True)
class Scenario:
    energy_kwh: Num
    gwp_usage_kgco2e: Num
    gwp_embodied_kgco2e: Num
    adpe_usage_kgsbeq: Num
    adpe_embodied_kgsbeq: Num
    pe_usage_mj: Num
    pe_embodied_mj: Num
    water_l: Num

    @property
    def gwp_kgco2e(self) -> Num:
        return self.gwp_usage_kgco2e + self.gwp_embodied_kgco2e

    @property
    def adpe_kgsbeq(self) -> Num:
        return self.adpe_usage_kgsbeq + self.adpe_embodied_kgsbeq

    @property
    def pe_mj(self) -> Num:
        return self.pe_usage_mj + self.pe_embodied_mj


def coefficients(hw: HardwareConstants, t: Terms) -> Coefficients:
    def embodied_per_s(server: float, gpu: float) -> float:
        total = f.server_gpu_embodied(server, hw.server_gpus, gpu, t.gpu_count)
        return float(f.request_embodied(total, hw.hardware_lifespan_s, ONE_SECOND, hw.batch_size))

    per_s = (embodied_per_s(hw.server_embodied_gwp_kgco2e, hw.gpu_embodied_gwp_kgco2e),
             embodied_per_s(hw.server_embodied_adpe_kgsbeq, hw.gpu_embodied_adpe_kgsbeq),
             embodied_per_s(hw.server_embodied_pe_mj, hw.gpu_embodied_pe_mj))
    # A generated unit is not batched: it holds its GPUs for its whole generation time.
    occupancy_s = t.image_s * hw.batch_size
    unit = t.unit_embodied if t.unit_embodied is not None else tuple(occupancy_s * e for e in per_s)
    return Coefficients(
        latency_per_token_s=t.latency_per_token_s,
        ttft_s=t.ttft_s,
        gpu_kwh_per_token=t.gpu_count * f.gpu_energy_kwh(ONE_TOKEN, t.energy_per_token_kwh),
        server_kwh_per_s=f.server_energy_kwh(ONE_SECOND, hw.server_power_kw, hw.server_gpus, t.gpu_count,
                                             hw.batch_size),
        image_it_kwh=t.image_it_kwh,
        pue=t.pue,
        gwp_per_kwh=t.gwp_per_kwh,
        adpe_per_kwh=t.adpe_per_kwh,
        pe_per_kwh=t.pe_per_kwh,
        water_l_per_it_kwh=f.usage_water_l(1.0, t.datacenter_wue, t.pue, t.mix_wue),
        embodied_gwp_per_s=per_s[0],
        embodied_adpe_per_s=per_s[1],
        embodied_pe_per_s=per_s[2],
        unit_embodied_gwp=unit[0],
        unit_embodied_adpe=unit[1],
        unit_embodied_pe=unit[2],
    )


def apply(c: Coefficients, tokens: Num, images: Num, request_latency_s: Num) -> Scenario:
    """The impacts of requests of ``tokens`` equivalent output tokens and ``images`` generated units
    (images, videos or seconds of audio)."""
    latency = f.generation_latency_s(tokens, c.latency_per_token_s, c.ttft_s, request_latency_s)
    it_kwh = latency * c.server_kwh_per_s + tokens * c.gpu_kwh_per_token + images * c.image_it_kwh
    energy = f.request_energy_kwh(c.pue, it_kwh)
    return Scenario(
        energy_kwh=energy,
        gwp_usage_kgco2e=f.usage_impact(energy, c.gwp_per_kwh),
        gwp_embodied_kgco2e=latency * c.embodied_gwp_per_s + images * c.unit_embodied_gwp,
        adpe_usage_kgsbeq=f.usage_impact(energy, c.adpe_per_kwh),
        adpe_embodied_kgsbeq=latency * c.embodied_adpe_per_s + images * c.unit_embodied_adpe,
        pe_usage_mj=f.usage_impact(energy, c.pe_per_kwh),
        pe_embodied_mj=latency * c.embodied_pe_per_s + images * c.unit_embodied_pe,
        water_l=it_kwh * c.water_l_per_it_kwh,
    )
