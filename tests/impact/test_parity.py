"""Parity with EcoLogits: every LLM of its catalogue, several token counts and zones."""

from __future__ import annotations

import math
from typing import Any

import pytest
from ecologits.tracers.utils import PROVIDER_CONFIG_MAP, llm_impacts

from sobria.catalog import Catalog
from sobria.catalog.reference import ecologits_data_dir, read_llm_models
from sobria.impact.estimator import Estimator
from sobria.impact.options import EstimateOptions
from sobria.impact.request import Request, estimate_request
from sobria.ranges import Range

TOKENS = (1, 50, 400, 4000)
ZONES = (None, "FRA", "SWE", "USA", "WOR")
REL = 1e-9


def _bounds(value: Any) -> tuple[float, float]:
    if hasattr(value, "min"):
        return float(value.min), float(value.max)
    return float(value), float(value)


def _close(ours: Range, ref: Any) -> bool:
    lo, hi = _bounds(ref)
    return math.isclose(ours.min, lo, rel_tol=REL, abs_tol=0) and math.isclose(ours.max, hi, rel_tol=REL, abs_tol=0)


def _models() -> list[tuple[str, str]]:
    return sorted({(m.provider, m.name) for m in read_llm_models(ecologits_data_dir())
                   if m.provider in PROVIDER_CONFIG_MAP})


def _compare(estimator: Estimator, provider: str, name: str, tokens: int, zone: str | None,
             latency: float | None) -> list[str]:
    ref = llm_impacts(provider, name, tokens, math.inf if latency is None else latency, zone)
    assert not ref.has_errors, ref.errors
    ours = estimate_request(estimator, Request(provider, name, output_tokens=tokens, zone=zone, latency_s=latency))
    assert ours.status == "ok", (provider, name, ours.status)
    pairs = {"energy": (ours.energy_kwh, ref.energy.value), "gwp": (ours.gwp_kgco2e, ref.gwp.value),
             "adpe": (ours.adpe_kgsbeq, ref.adpe.value), "pe": (ours.pe_mj, ref.pe.value),
             "water": (ours.water_l, ref.wcf.value)}
    return [f"{provider}/{name} {tokens} {zone} {latency}: {k} {o} vs {r}"
            for k, (o, r) in pairs.items() if not _close(o, r)]


@pytest.mark.parametrize("zone", ZONES)
def test_every_ecologits_llm_matches_within_1e9(catalog: Catalog, zone: str | None) -> None:
    estimator = Estimator(catalog, EstimateOptions(method="ecologits"))
    models = _models()
    assert len(models) >= 340
    failures = [msg for provider, name in models for tokens in TOKENS
                for msg in _compare(estimator, provider, name, tokens, zone, None)]
    assert failures == []


@pytest.mark.parametrize("latency", [0.2, 1.5, 30.0])
def test_measured_latency_caps_generation_time_like_ecologits(catalog: Catalog, latency: float) -> None:
    estimator = Estimator(catalog, EstimateOptions(method="ecologits"))
    failures = [msg for provider, name in _models()[::7] for tokens in TOKENS
                for msg in _compare(estimator, provider, name, tokens, "FRA", latency)]
    assert failures == []
