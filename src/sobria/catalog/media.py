"""Video-generation models, read from EcoLogits' ``video_models.json`` (never retyped).

EcoLogits 0.11 estimates a video from a latency regression on the frame size and count, fitted on
measured or timed generations (Delavande, Pierrard, Luccioni, "Video Killed the Energy Budget",
arXiv:2509.19222, 2025, for the open models; the providers' APIs timed for the closed ones), times
the whole server's power (accelerators included). The file gives, per model, the regression
coefficients, the resolutions and frame counts the model offers, and its hardware.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sobria.ranges import Range

FRAMES_PER_SECOND = 24  # EcoLogits ``duration_to_frames``: frames = int(seconds x 24 + 1)
NAMED_RESOLUTIONS = {"480p": (854, 480), "720p": (1280, 720), "1080p": (1920, 1080), "4k": (3840, 2160)}


@dataclass(frozen=True, slots=True)
class Embodied:
    """Manufacturing impacts of one piece of hardware."""

    gwp_kgco2e: float
    adpe_kgsbeq: float
    pe_mj: float


@dataclass(frozen=True, slots=True)
class VideoHardware:
    name: str
    accelerators: int
    server_power_kw: Range        # p2.5 / p97.5 of the measured server power, mean as the central
    server_embodied: Embodied
    accelerator_embodied: Embodied


@dataclass(frozen=True, slots=True)
class VideoModel:
    provider: str                 # EcoLogits' video provider (openai, google, klingai...)
    name: str                     # the name without the provider prefix: "sora-2-pro", "veo-3.0"
    regression: dict[str, float]  # n, m, n1, m1, n2, m2, g, non_audio_weight
    resolutions: tuple[tuple[int, int], ...]
    frames: tuple[int, ...]
    native_audio: bool
    hardware: VideoHardware
    zone: str
    pue: Range
    wue_l_per_kwh: Range


def _range(raw: Any) -> Range:
    return Range.parse(raw)


def _embodied(raw: dict[str, float]) -> Embodied:
    return Embodied(float(raw["gwp"]), float(raw["adpe"]), float(raw["pe"]))


def read_video_models(data_dir: Path) -> list[VideoModel]:
    """Every model of EcoLogits' ``video_models.json``, with its hardware and provider defaults."""
    data = json.loads((data_dir / "video_models.json").read_text(encoding="utf-8"))
    hardware = {}
    for key, raw in data["hardware_configurations"].items():
        power = raw["server_power"]
        hardware[key] = VideoHardware(
            name=key, accelerators=int(raw["number_of_accelerators"]),
            server_power_kw=Range(power["p2_5"] / 1000, power["p97_5"] / 1000, power["mean"] / 1000),
            server_embodied=_embodied(raw["server_embodied"]),
            accelerator_embodied=_embodied(raw["accelerator_embodied"]))
    providers = data["provider_configurations"]
    models = []
    for raw in data["models"]:
        site = providers[raw["provider"]]
        caps = raw["capabilities"]
        models.append(VideoModel(
            provider=raw["provider"],
            name=raw["model_name"].split("/", 1)[-1].lower(),
            regression={k: float(v) for k, v in raw["regression_parameters"].items()},
            resolutions=tuple((int(w), int(h)) for w, h in caps["resolutions"]),
            frames=tuple(int(f) for f in caps["frames_count"]),
            native_audio=bool(caps["audio_generation"]),
            hardware=hardware[raw["hardware"]],
            zone=site["datacenter_location"],
            pue=_range(site["datacenter_pue"]),
            wue_l_per_kwh=_range(site["datacenter_wue"]),
        ))
    return models


def frames_for_seconds(seconds: float) -> int:
    """Frame count of a video of ``seconds`` at 24 frames per second (EcoLogits' convention)."""
    return int(seconds * FRAMES_PER_SECOND + 1)


def parse_video_size(size: str | None) -> tuple[int, int] | None:
    """``'1280x720'`` or a named resolution (``'720p'``); None when absent or unreadable."""
    if size is None:
        return None
    key = size.strip().lower()
    if key in NAMED_RESOLUTIONS:
        return NAMED_RESOLUTIONS[key]
    parts = key.replace(" ", "").split("x")
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        width, height = int(parts[0]), int(parts[1])
        if 64 <= width <= 8192 and 64 <= height <= 8192:
            return width, height
    return None
