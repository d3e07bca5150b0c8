"""EcoLogits' LLM inference formulas, one pure named function each, units in the names.

Each function works on floats and, element-wise, on NumPy arrays, so that the single-request path
and the vectorised path share one definition. Reference: EcoLogits LLM inference methodology,
https://ecologits.ai/latest/methodology/llm_inference/ (package ``ecologits.impacts.llm``).
"""

from __future__ import annotations

import math
from typing import Any, TypeAlias

import numpy as np

# A float, or a float64 NumPy array evaluated element-wise. NumPy's operator overloads are not
# expressible with a constrained TypeVar mixing scalars and arrays, hence the alias.
Num: TypeAlias = Any


def gpu_energy_per_token_kwh(active_params_b: Num, batch_size: int,
                             alpha: float, beta: float, gamma: float) -> Num:
    """Energy of one GPU for one output token (regression on ML.ENERGY measurements), in kWh."""
    return (alpha * math.exp(beta * batch_size) * active_params_b + gamma) / 1000


def gpu_energy_kwh(tokens: Num, energy_per_token_kwh: Num) -> Num:
    return tokens * energy_per_token_kwh


def latency_per_token_s(active_params_b: Num, batch_size: int,
                        alpha: float, beta: float, gamma: float) -> Num:
    """Seconds per generated token when the deployment speed is not known (EcoLogits regression)."""
    return alpha * active_params_b + beta * batch_size + gamma


def generation_latency_s(tokens: Num, per_token_s: Num, ttft_s: Num, request_latency_s: Num) -> Num:
    """Token generation time, capped by the measured request latency when there is one."""
    uncapped = tokens * per_token_s + ttft_s
    if isinstance(uncapped, float) and isinstance(request_latency_s, float):  # one request: no NumPy scalar
        return min(request_latency_s, uncapped)
    return np.minimum(request_latency_s, uncapped)


def model_required_memory_gb(total_params_b: float, quantization_bits: int) -> float:
    return 1.2 * total_params_b * quantization_bits / 8


def gpu_required_count(required_memory_gb: float, gpu_memory_gb: float) -> int:
    """GPUs needed to hold the model, rounded up to a power of two."""
    count = math.ceil(required_memory_gb / gpu_memory_gb)
    return int(2 ** math.ceil(math.log2(count)))


def server_energy_kwh(latency_s: Num, server_power_kw: float, server_gpus: int,
                      gpu_count: Num, batch_size: int) -> Num:
    """Energy of the server without its GPUs, shared by the batch, in kWh."""
    return (latency_s / 3600) * server_power_kw * (gpu_count / server_gpus) * (1 / batch_size)


def request_it_energy_kwh(server_kwh: Num, gpu_count: Num, gpu_kwh: Num) -> Num:
    return server_kwh + gpu_count * gpu_kwh


def request_energy_kwh(pue: Num, it_energy_kwh: Num) -> Num:
    return pue * it_energy_kwh


def usage_impact(energy_kwh: Num, factor_per_kwh: Num) -> Num:
    """Usage-phase impact: energy times the electricity factor (GWP, ADPe or PE per kWh)."""
    return energy_kwh * factor_per_kwh


def usage_water_l(it_energy_kwh: Num, datacenter_wue_l_per_kwh: Num, pue: Num, mix_wue_l_per_kwh: Num) -> Num:
    """On-site cooling water plus the water of producing the electricity, in litres."""
    return it_energy_kwh * (datacenter_wue_l_per_kwh + pue * mix_wue_l_per_kwh)


def server_gpu_embodied(server_embodied: float, server_gpus: int, gpu_embodied: float, gpu_count: Num) -> Num:
    """Embodied impact of the share of a server and its GPUs that serves the model."""
    return (gpu_count / server_gpus) * server_embodied + gpu_count * gpu_embodied


def request_embodied(server_gpu_embodied_total: Num, lifetime_s: float, latency_s: Num, batch_size: int) -> Num:
    """Embodied impact allocated to one request by its occupancy time."""
    return latency_s * server_gpu_embodied_total / (lifetime_s * batch_size)
