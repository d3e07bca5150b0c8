"""Estimation options: which method and which carbon basis."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Method = Literal["sobria", "ecologits"]
CarbonBasis = Literal["location", "market"]


@dataclass(frozen=True)
class EstimateOptions:
    """``method='ecologits'`` reproduces EcoLogits exactly for LLM text generation (output tokens
    only); ``'sobria'`` adds input-token (prefill) energy. Images and embeddings, which EcoLogits
    does not cover, use Sobria's extensions in both methods and are flagged in the ecologits one."""

    method: Method = "sobria"
    carbon_basis: CarbonBasis = "location"
