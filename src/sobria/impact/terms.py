"""Per-model terms of the estimation, computed once per distinct model (not per request)."""

from __future__ import annotations

from dataclasses import dataclass

from sobria.catalog import Catalog, Resolution
from sobria.catalog.reference import HardwareConstants
from sobria.impact import formulas as f
from sobria.ranges import Range

KIND_CODES = {"llm": 0, "embedding": 1, "image": 2, "unsupported": 3, "video": 4, "audio": 5}
UNIT_KINDS = frozenset({"image", "video", "audio"})  # priced per generated unit, explicit central


@dataclass(frozen=True)
class ModelTerms:
    """Everything per model that the per-request formulas need, for the min and max scenarios."""

    resolution: Resolution
    energy_per_token_kwh: Range
    latency_per_token_s: Range
    ttft_s: float
    gpu_count: Range
    image_it_kwh: Range
    image_s: Range
    zone: str
    pue: Range
    datacenter_wue: Range
    market_gwp: Range

    @property
    def kind(self) -> str:
        return self.resolution.kind


def gpu_count_for(total_params_b: float, hw: HardwareConstants, bits: int | None = None) -> int:
    memory = f.model_required_memory_gb(total_params_b, bits or hw.quantization_bits)
    return f.gpu_required_count(memory, hw.gpu_memory_gb)


def model_terms(catalog: Catalog, res: Resolution, bits: int | None = None) -> ModelTerms:
    """``bits``: the weight precision when known (a quantised checkpoint), else EcoLogits' 16."""
    hw = catalog.hardware
    provider = catalog.providers.get(res.provider) or catalog.providers["openai"]
    dc = provider.datacenter
    site = (dc.zone, dc.pue, dc.wue_l_per_kwh, provider.market_gwp_kgco2e_per_kwh)
    if res.kind == "unsupported":
        zero = Range.point(0.0)
        return ModelTerms(res, zero, zero, 0.0, zero, zero, zero, *site)
    if res.video is not None:
        video = res.video
        market = (catalog.providers.get(res.provider) or catalog.providers["unknown"]).market_gwp_kgco2e_per_kwh
        zero = Range.point(0.0)
        return ModelTerms(res, zero, zero, 0.0, Range.point(float(video.hardware.accelerators)), zero, zero,
                          video.zone, video.pue, video.wue_l_per_kwh, market)
    if res.audio is not None:
        audio = res.audio
        return ModelTerms(res, Range.point(0.0), Range.point(0.0), 0.0, Range.point(float(audio.gpus)),
                          audio.energy_wh_per_audio_s.to_range().scale(1 / 1000),
                          audio.gpu_s_per_audio_s.to_range(), *site)
    if res.image is not None:
        gpus = float(res.image.gpus)
        return ModelTerms(res, Range.point(0.0), Range.point(0.0), 0.0, Range.point(gpus),
                          res.image.energy_wh_per_image.to_range().scale(1 / 1000),
                          res.image.generation_s_per_image.to_range(), *site)
    if res.embedding is not None:
        return _embedding_terms(catalog, res, site)
    assert res.llm is not None
    active, total = res.llm.active_params_b, res.llm.total_params_b
    tps, ttft = res.llm.tps, res.llm.ttft_s

    def per_token_energy(p: float) -> float:
        return float(f.gpu_energy_per_token_kwh(p, hw.batch_size, hw.gpu_energy_alpha, hw.gpu_energy_beta,
                                                hw.gpu_energy_gamma))

    def per_token_latency(p: float) -> float:
        if tps is not None:
            return 1 / tps
        return float(f.latency_per_token_s(p, hw.batch_size, hw.latency_alpha, hw.latency_beta, hw.latency_gamma))

    return ModelTerms(
        res,
        Range(per_token_energy(active.min), per_token_energy(active.max)),
        Range(per_token_latency(active.min), per_token_latency(active.max)),
        ttft or 0.0,
        Range(gpu_count_for(total.min, hw, bits), gpu_count_for(total.max, hw, bits)),
        Range.point(0.0), Range.point(0.0), *site,
    )


def _embedding_terms(catalog: Catalog, res: Resolution, site: tuple[str, Range, Range, Range]) -> ModelTerms:
    """An embedding is one encoder pass: energy and GPU time proportional to the parameter count
    (2 FLOP per parameter per token), not EcoLogits' decode regression, whose constant term would
    make a 0.1 B and a 7 B embedder cost the same. The GPU time is the whole GPU's (not shared by a
    batch of 64), hence multiplied by the batch size that the server and embodied formulas divide by."""
    assert res.embedding is not None
    hw = catalog.hardware
    params = res.embedding.params_b.to_range()
    kwh = catalog.constant("embedding_gpu_kwh_per_token_per_b")
    seconds = catalog.constant("embedding_gpu_s_per_token_per_b")
    return ModelTerms(
        res,
        Range(params.min * kwh.min, params.max * kwh.max),
        Range(params.min * seconds.min * hw.batch_size, params.max * seconds.max * hw.batch_size),
        0.0,
        Range(gpu_count_for(params.min, hw), gpu_count_for(params.max, hw)),
        Range.point(0.0), Range.point(0.0), *site,
    )


def pixel_factor(size: str | None) -> float | None:
    """Pixels relative to 1024x1024 for a 'WxH' size; 1.0 when absent; None when unreadable."""
    if size is None or size in {"", "auto"}:
        return 1.0
    parts = size.lower().replace(" ", "").split("x")
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        return None
    width, height = int(parts[0]), int(parts[1])
    if not (64 <= width <= 8192 and 64 <= height <= 8192):
        return None
    return width * height / (1024 * 1024)


def steps_factor(terms: ModelTerms, steps: int | None) -> float:
    """Denoising steps relative to the measurement's: energy is proportional to the steps
    (ML.ENERGY v2: x1.65 from 30 to 50 SDXL steps; Iyengar et al. 2025). 1.0 when the request or
    the model (an API without a step count) gives none."""
    image = terms.resolution.image
    if image is None or steps is None or image.reference_steps is None:
        return 1.0
    return steps / image.reference_steps


def quality_factor(terms: ModelTerms, quality: str | None) -> float:
    if terms.resolution.image is None:
        return 1.0
    factors = terms.resolution.image.quality_factors
    key = (quality or "standard").lower()
    return factors.get(key, max(factors.values()))  # unknown quality: the most intensive one
