"""Read the EcoLogits reference data (model catalogue, electricity mixes, provider defaults).

The numbers are taken from the installed ``ecologits`` package, never retyped. Its JSON files are
read directly (its own repositories load them at import time, which we avoid on our import path).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import util
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sobria.ranges import Range

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sobria.catalog.schema import LlmModelEntry

ECOLOGITS_SOURCE = "https://ecologits.ai/latest/methodology/llm_inference/"


@dataclass(frozen=True, slots=True)
class LlmModel:
    """One LLM of the catalogue. Parameter counts are in billions."""

    provider: str
    name: str
    architecture: str
    active_params_b: Range
    total_params_b: Range
    tps: float | None
    ttft_s: float | None
    warnings: tuple[str, ...]
    sources: tuple[str, ...]
    origin: str


@dataclass(frozen=True, slots=True)
class ElectricityMix:
    """Impact factors of one kWh in a zone (ISO 3166-1 alpha-3, or WOR/EEE...)."""

    zone: str
    gwp_kgco2e_per_kwh: float
    adpe_kgsbeq_per_kwh: float
    pe_mj_per_kwh: float
    wue_l_per_kwh: float
    warnings: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DatacenterDefaults:
    """Provider data-centre defaults, as EcoLogits sets them."""

    provider: str
    zone: str
    pue: Range
    wue_l_per_kwh: Range


def ecologits_data_dir() -> Path:
    spec = util.find_spec("ecologits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the ecologits package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def ecologits_version() -> str:
    from importlib.metadata import version

    return version("ecologits")


def _params(arch: dict[str, Any]) -> tuple[Range, Range]:
    raw = arch["parameters"]
    if arch["type"] == "moe":
        return Range.parse(raw["active"]), Range.parse(raw["total"])
    value = Range.parse(raw)
    return value, value


def read_llm_models(data_dir: Path) -> list[LlmModel]:
    """Every model and alias of EcoLogits' ``models.json``."""
    data = json.loads((data_dir / "models.json").read_text(encoding="utf-8"))
    models: dict[tuple[str, str], LlmModel] = {}
    for raw in data["models"]:
        active, total = _params(raw["architecture"])
        deployment = raw.get("deployment") or {}
        model = LlmModel(
            provider=raw["provider"],
            name=raw["name"],
            architecture=raw["architecture"]["type"],
            active_params_b=active,
            total_params_b=total,
            tps=deployment.get("tps"),
            ttft_s=deployment.get("ttft"),
            warnings=tuple(raw.get("warnings") or ()),
            sources=tuple(raw.get("sources") or ()),
            origin="ecologits",
        )
        models[(model.provider, model.name)] = model
    for alias in data.get("aliases") or ():
        target = models[(alias["provider"], alias["alias"])]
        models[(alias["provider"], alias["name"])] = _renamed(target, alias["name"])
    return list(models.values())


def overlay_llm_models(entries: Iterable[LlmModelEntry]) -> list[LlmModel]:
    """Sobria's additions to the LLM catalogue (one model per API id)."""
    out: list[LlmModel] = []
    for e in entries:
        for name in (e.name, *e.names):
            out.append(LlmModel(provider=e.provider, name=name, architecture=e.architecture,
                                active_params_b=e.active_params_b.to_range(),
                                total_params_b=e.total_params_b.to_range(),
                                tps=None, ttft_s=None, warnings=tuple(e.warnings),
                                sources=(e.source.ref,) + ((e.source.note,) if e.source.note else ()),
                                origin="sobria"))
    return out


def _renamed(model: LlmModel, name: str) -> LlmModel:
    from dataclasses import replace

    return replace(model, name=name)


def read_electricity_mixes(data_dir: Path) -> list[ElectricityMix]:
    data = json.loads((data_dir / "electricity_mixes.json").read_text(encoding="utf-8"))
    return [
        ElectricityMix(
            zone=raw["name"],
            gwp_kgco2e_per_kwh=float(raw["gwp"]),
            adpe_kgsbeq_per_kwh=float(raw["adpe"]),
            pe_mj_per_kwh=float(raw["pe"]),
            wue_l_per_kwh=float(raw["wue"]),
            warnings=tuple(raw.get("warnings") or ()),
        )
        for raw in data["electricity_mixes"]
    ]


def read_datacenter_defaults() -> list[DatacenterDefaults]:
    """EcoLogits' provider data-centre map (it lives in code there, so it is imported lazily)."""
    from ecologits.tracers.utils import PROVIDER_CONFIG_MAP

    return [
        DatacenterDefaults(
            provider=name,
            zone=cfg.datacenter_location,
            pue=_as_range(cfg.datacenter_pue),
            wue_l_per_kwh=_as_range(cfg.datacenter_wue),
        )
        for name, cfg in PROVIDER_CONFIG_MAP.items()
    ]


def _as_range(value: Any) -> Range:
    if hasattr(value, "min") and hasattr(value, "max"):
        return Range(float(value.min), float(value.max))
    return Range.point(float(value))


@dataclass(frozen=True, slots=True)
class HardwareConstants:
    """EcoLogits' LLM inference constants (energy and latency regressions, hardware, embodied)."""

    gpu_energy_alpha: float
    gpu_energy_beta: float
    gpu_energy_gamma: float
    latency_alpha: float
    latency_beta: float
    latency_gamma: float
    gpu_memory_gb: float
    gpu_embodied_gwp_kgco2e: float
    gpu_embodied_adpe_kgsbeq: float
    gpu_embodied_pe_mj: float
    server_gpus: int
    server_power_kw: float
    server_embodied_gwp_kgco2e: float
    server_embodied_adpe_kgsbeq: float
    server_embodied_pe_mj: float
    hardware_lifespan_s: float
    batch_size: int
    quantization_bits: int


def read_hardware_constants() -> HardwareConstants:
    from ecologits.impacts import llm

    return HardwareConstants(
        gpu_energy_alpha=llm.GPU_ENERGY_ALPHA,
        gpu_energy_beta=llm.GPU_ENERGY_BETA,
        gpu_energy_gamma=llm.GPU_ENERGY_GAMMA,
        latency_alpha=llm.LATENCY_ALPHA,
        latency_beta=llm.LATENCY_BETA,
        latency_gamma=llm.LATENCY_GAMMA,
        gpu_memory_gb=llm.GPU_MEMORY,
        gpu_embodied_gwp_kgco2e=llm.GPU_EMBODIED_IMPACT_GWP,
        gpu_embodied_adpe_kgsbeq=llm.GPU_EMBODIED_IMPACT_ADPE,
        gpu_embodied_pe_mj=llm.GPU_EMBODIED_IMPACT_PE,
        server_gpus=llm.SERVER_GPUS,
        server_power_kw=llm.SERVER_POWER,
        server_embodied_gwp_kgco2e=llm.SERVER_EMBODIED_IMPACT_GWP,
        server_embodied_adpe_kgsbeq=llm.SERVER_EMBODIED_IMPACT_ADPE,
        server_embodied_pe_mj=llm.SERVER_EMBODIED_IMPACT_PE,
        hardware_lifespan_s=llm.HARDWARE_LIFESPAN,
        batch_size=llm.BATCH_SIZE,
        quantization_bits=llm.MODEL_QUANTIZATION_BITS,
    )
