"""Estimation options: which method and which carbon basis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["sobria", "ecologits"]
CarbonBasis = Literal["location", "market"]
Serving = Literal["ecologits", "measured"]


@dataclass(frozen=True)
class EstimateOptions:
    """``method='ecologits'`` reproduces EcoLogits exactly for LLM text generation (output tokens
    only); ``'sobria'`` adds input-token (prefill) energy. Images and embeddings, which EcoLogits
    does not cover, use Sobria's extensions in both methods and are flagged in the ecologits one."""

    method: Method = "sobria"
    carbon_basis: CarbonBasis = "location"
    # 'measured' (sobria method only): LLM GPU energy per token scaled by the measured ratio of
    # ML.ENERGY v3 to EcoLogits' regression (constant llm_gpu_energy_measured_ratio), with that
    # ratio's geometric mean as an explicit central; 'ecologits' keeps EcoLogits' decode energy.
    serving: Serving = "ecologits"
