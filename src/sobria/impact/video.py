"""Video generation: EcoLogits' video methodology, one pure function per step.

EcoLogits 0.11 (``ecologits.impacts.video``) models a video request as the generation latency
predicted by a regression on the frame size and count, times the power of the whole server
(accelerators included, measured p2.5-p97.5, mean as the central), times the PUE; the embodied
share is the latency over a 3-year life of the whole server. The regressions were fitted on
measured generations of open models (Delavande, Pierrard & Luccioni, "Video Killed the Energy
Budget", arXiv:2509.19222, 2025: energy grows quadratically with resolution and duration, linearly
with denoising steps) and on timed API calls for closed ones. Sobria reads the coefficients from the
installed package (never retyped) and reproduces the formulas (parity test against
``ecologits.estimations.video_impacts``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sobria.catalog.media import VideoModel, frames_for_seconds, parse_video_size
from sobria.impact.estimator import pick_bound

S_PER_HOUR = 3600.0


def generation_latency_s(width: int, height: int, frames: int, r: dict[str, float]) -> float:
    """Seconds of generation (EcoLogits' regression; ``non_audio_weight`` = 1: audio included, the
    default of EcoLogits and of the models that generate it natively)."""
    area = width * height
    volume = area * frames / 1000
    return (r["n"] * frames * area ** 2 + r["m"] * volume + r["m1"] * frames + r["m2"] * area ** 2
            + r["n1"] * frames ** 2 + r["n2"] * volume ** 2 + r["g"])


def server_energy_kwh(latency_s: float, server_power_kw: float) -> float:
    """IT energy of the whole server (accelerators included) for the generation, before PUE."""
    return latency_s / S_PER_HOUR * server_power_kw


def embodied_share(latency_s: float, lifetime_s: float, server: float, accelerators: int, accelerator: float) -> float:
    """Manufacturing impact of the whole server for the generation time (one indicator)."""
    return latency_s / lifetime_s * (server + accelerators * accelerator)


@dataclass(frozen=True)
class VideoUnit:
    """One video in one scenario: IT energy and embodied impacts (GWP, ADPe, PE)."""

    it_kwh: float
    embodied: tuple[float, float, float]
    latency_s: float


def shape(model: VideoModel, size: str | None, seconds: float | None, bound: str) -> tuple[int, int, int]:
    """Width, height and frames of the video; what the request does not say is taken from the
    model's offer: smallest/shortest for the min, largest/longest for the max, the first listed
    (default) resolution and the middle duration for the central."""
    sizes = sorted(model.resolutions, key=lambda r: r[0] * r[1])
    frames = sorted(model.frames)
    given = parse_video_size(size)
    if given is None:
        given = sizes[0] if bound == "min" else sizes[-1] if bound == "max" else model.resolutions[0]
    if seconds is not None:
        count = frames_for_seconds(seconds)
    else:
        count = frames[0] if bound == "min" else frames[-1] if bound == "max" else frames[len(frames) // 2]
    return given[0], given[1], count


def video_unit(model: VideoModel, size: str | None, seconds: float | None, bound: str,
               lifetime_s: float) -> VideoUnit:
    width, height, frames = shape(model, size, seconds, bound)
    latency = generation_latency_s(width, height, frames, model.regression)
    hw = model.hardware
    power = pick_bound(hw.server_power_kw, bound)
    s, a = hw.server_embodied, hw.accelerator_embodied
    n = hw.accelerators
    return VideoUnit(
        it_kwh=server_energy_kwh(latency, power),
        embodied=(embodied_share(latency, lifetime_s, s.gwp_kgco2e, n, a.gwp_kgco2e),
                  embodied_share(latency, lifetime_s, s.adpe_kgsbeq, n, a.adpe_kgsbeq),
                  embodied_share(latency, lifetime_s, s.pe_mj, n, a.pe_mj)),
        latency_s=latency,
    )
