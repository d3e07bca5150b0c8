"""Golden values for every formula (worked examples of docs/methodology.md)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sobria.impact import formulas as f

ALPHA, BETA, GAMMA = 1.1665273170451914e-06, -0.011205921025579175, 4.052928146734005e-05
L_ALPHA, L_BETA, L_GAMMA = 0.0006785088094353663, 0.0003119310311688259, 0.019473717579473387


def test_gpu_energy_per_token_for_a_100b_model() -> None:
    assert f.gpu_energy_per_token_kwh(100.0, 64, ALPHA, BETA, GAMMA) == pytest.approx(9.747067017468124e-08)


def test_latency_per_token_for_a_100b_model() -> None:
    assert f.latency_per_token_s(100.0, 64, L_ALPHA, L_BETA, L_GAMMA) == pytest.approx(0.10728818451781487)


def test_gpu_count_for_gpt4o_total_parameters() -> None:
    # 1.2 * 440 * 16 / 8 = 1056 GB -> 13.2 -> 14 GPUs of 80 GB -> 16 (power of two)
    assert f.model_required_memory_gb(440.0, 16) == pytest.approx(1056.0)
    assert f.gpu_required_count(1056.0, 80.0) == 16
    assert f.gpu_required_count(80.0, 80.0) == 1
    assert f.gpu_required_count(81.0, 80.0) == 2


def test_generation_latency_is_capped_by_the_measured_latency() -> None:
    assert f.generation_latency_s(100.0, 0.02, 0.5, math.inf) == pytest.approx(2.5)
    assert f.generation_latency_s(100.0, 0.02, 0.5, 1.0) == pytest.approx(1.0)
    capped = f.generation_latency_s(np.array([100.0, 10.0]), 0.02, 0.5, np.array([1.0, 1.0]))
    assert capped.tolist() == pytest.approx([1.0, 0.7])


def test_server_energy_share() -> None:
    # 3600 s * 1.2 kW * (4 / 8 GPUs) / 64 requests = 0.009375 kWh
    assert f.server_energy_kwh(3600.0, 1.2, 8, 4.0, 64) == pytest.approx(0.009375)


def test_it_energy_energy_and_usage_impacts() -> None:
    it = f.request_it_energy_kwh(0.001, 4.0, 0.0005)
    assert it == pytest.approx(0.003)
    assert f.request_energy_kwh(1.2, it) == pytest.approx(0.0036)
    assert f.usage_impact(0.0036, 0.3844) == pytest.approx(0.00138384)


def test_water_counts_cooling_and_electricity_production() -> None:
    # 0.003 kWh * (0.569 + 1.2 * 3.908) = 0.015775...
    assert f.usage_water_l(0.003, 0.569, 1.2, 3.908) == pytest.approx(0.0157758)


def test_embodied_share_by_occupancy() -> None:
    total = f.server_gpu_embodied(5700.0, 8, 273.0, 4.0)
    assert total == pytest.approx(2850.0 + 1092.0)
    lifetime = 3 * 365 * 24 * 3600
    assert f.request_embodied(total, lifetime, 10.0, 64) == pytest.approx(3942.0 * 10 / (lifetime * 64))
