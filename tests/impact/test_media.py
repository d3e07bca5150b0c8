"""Video (EcoLogits' video methodology, exact parity) and speech-to-text (AI Energy Score), golden values."""

from __future__ import annotations

import warnings

import pytest

from sobria.catalog import Catalog
from sobria.catalog.media import frames_for_seconds, parse_video_size
from sobria.errors import UserInputError
from sobria.impact import EstimateOptions, Estimator, Request, estimate_request
from sobria.impact.video import generation_latency_s

REL = 1e-9


def _value(v: object) -> tuple[float, float]:
    lo, hi = getattr(v, "min", v), getattr(v, "max", v)
    return float(lo), float(hi)  # type: ignore[arg-type]


def _video_cases(catalog: Catalog) -> list[tuple[str, str, int]]:
    cases = []
    for model in catalog.videos.values():
        for w, h in model.resolutions:
            for frames in model.frames:
                cases.append((f"{model.provider}/{model.name}", f"{w}x{h}", frames))
    return cases


@pytest.mark.parametrize("method", ["sobria", "ecologits"])
def test_video_matches_ecologits_video_impacts_for_every_model_size_and_duration(
        catalog: Catalog, method: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ecologits.estimations import video_impacts
    est = Estimator(catalog, EstimateOptions(method=method))  # type: ignore[arg-type]
    cases = _video_cases(catalog)
    assert len(cases) == 70
    for full, size, frames in cases:
        seconds = (frames - 1) / 24  # EcoLogits turns seconds into int(seconds x 24 + 1) frames
        ref = video_impacts(full, size, seconds, datacenter_location=None)
        imp = estimate_request(est, Request(None, full, video_size=size, media_seconds=seconds, operation="video"))
        assert (imp.kind, imp.status) == ("video", "ok")
        for ours, theirs in ((imp.energy_kwh, ref.energy.value), (imp.gwp_usage_kgco2e, ref.usage.gwp.value),
                             (imp.gwp_embodied_kgco2e, ref.embodied.gwp.value), (imp.water_l, ref.wcf.value),
                             (imp.pe_mj, _sum(ref.usage.pe.value, ref.embodied.pe.value)),
                             (imp.adpe_kgsbeq, _sum(ref.usage.adpe.value, ref.embodied.adpe.value))):
            lo, hi = _value(theirs)
            assert ours.min == pytest.approx(lo, rel=REL)
            assert ours.max == pytest.approx(hi, rel=REL)


def _sum(a: object, b: object) -> tuple[float, float]:
    (a0, a1), (b0, b1) = _value(a), _value(b)
    return type("R", (), {"min": a0 + b0, "max": a1 + b1})()  # type: ignore[return-value]


def test_sora_2_pro_eight_seconds_720p_golden(catalog: Catalog) -> None:
    # latency = m*volume + m1*frames + n2*volume^2 (EcoLogits' coefficients for sora-2-pro), 193 frames
    area, frames = 1280 * 720, 193
    volume = area * frames / 1000
    latency = 0.000427 * volume + 0.663 * frames + 7.39e-10 * volume ** 2
    assert generation_latency_s(1280, 720, frames, catalog.videos["sora-2-pro"].regression) == pytest.approx(latency)
    assert latency == pytest.approx(227.289, rel=1e-5)
    imp = estimate_request(Estimator(catalog), Request("openai", "sora-2-pro", video_size="720p", media_seconds=8))
    # DGX H200 server power p2.5 / mean / p97.5 = 4.99203 / 6.64663 / 8.48731 kW, OpenAI PUE 1.20
    assert imp.energy_kwh.min == pytest.approx(latency / 3600 * 4.99203 * 1.2, rel=1e-6)
    assert imp.energy_kwh.central == pytest.approx(latency / 3600 * 6.64663 * 1.2, rel=1e-6)
    assert imp.energy_kwh.max == pytest.approx(latency / 3600 * 8.48731 * 1.2, rel=1e-6)
    assert (round(imp.energy_kwh.min * 1000), round(imp.energy_kwh.central * 1000),
            round(imp.energy_kwh.max * 1000)) == (378, 504, 643)


def test_video_without_size_or_duration_spans_what_the_model_offers(catalog: Catalog) -> None:
    est = Estimator(catalog)
    vague = estimate_request(est, Request("google", "veo-3.0", operation="video"))
    smallest = estimate_request(est, Request("google", "veo-3.0", video_size="1280x720", media_seconds=120 / 24))
    largest = estimate_request(est, Request("google", "veo-3.0", video_size="1920x1080", media_seconds=240 / 24))
    middle = estimate_request(est, Request("google", "veo-3.0", video_size="1280x720", media_seconds=192 / 24))
    assert vague.energy_kwh.min == pytest.approx(smallest.energy_kwh.min, rel=1e-12)
    assert vague.energy_kwh.max == pytest.approx(largest.energy_kwh.max, rel=1e-12)
    assert vague.energy_kwh.central == pytest.approx(middle.energy_kwh.central, rel=1e-12)


def test_video_size_and_duration_helpers() -> None:
    assert frames_for_seconds(8) == 193
    assert parse_video_size("1080p") == (1920, 1080)
    assert parse_video_size("1024x576") == (1024, 576)
    assert parse_video_size("huge") is None
    with pytest.raises(UserInputError):
        Request("openai", "sora-2-pro", video_size="huge")
    with pytest.raises(UserInputError):
        Request("openai", "sora-2-pro", media_seconds=0)


def test_whisper_per_second_of_audio_golden(catalog: Catalog) -> None:
    # AI Energy Score: whisper-large-v3 0.0866790655 kWh of GPU per 1,000 clips; clip mean 5-15 s (central
    # 10 s) -> 0.005779 / 0.008668 / 0.017336 Wh GPU per second; server x 1.1 / 1.21 / 2.0; OpenAI PUE 1.2
    imp = estimate_request(Estimator(catalog), Request("openai", "whisper-1", media_seconds=60, operation="audio"))
    assert (imp.kind, imp.status) == ("audio", "ok")
    assert imp.energy_kwh.min == pytest.approx(60 * 0.005779 * 1.1 * 1.2 / 1000, rel=1e-12)
    assert imp.energy_kwh.central == pytest.approx(60 * 0.008668 * 1.21 * 1.2 / 1000, rel=1e-12)
    assert imp.energy_kwh.max == pytest.approx(60 * 0.017336 * 2.0 * 1.2 / 1000, rel=1e-12)
    # the audio's length is not given: the benchmark clip, 5 / 10 / 15 s
    clip = estimate_request(Estimator(catalog), Request("openai", "whisper-1", operation="audio"))
    assert clip.energy_kwh.central == pytest.approx(10 * 0.008668 * 1.21 * 1.2 / 1000, rel=1e-12)
    assert clip.energy_kwh.min == pytest.approx(5 * 0.005779 * 1.1 * 1.2 / 1000, rel=1e-12)
    assert clip.energy_kwh.max == pytest.approx(15 * 0.017336 * 2.0 * 1.2 / 1000, rel=1e-12)


def test_speech_to_text_is_outside_the_ecologits_method(catalog: Catalog) -> None:
    imp = estimate_request(Estimator(catalog, EstimateOptions(method="ecologits")),
                           Request("openai", "whisper-1", media_seconds=60, operation="audio"))
    assert imp.status == "outside-reference-method"
