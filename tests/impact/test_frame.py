"""The vectorised path gives the single-request results, row for row, and validates its input."""

from __future__ import annotations

import polars as pl
import pytest

from sobria.catalog import Catalog
from sobria.errors import UserInputError
from sobria.impact import EstimateOptions, Estimator, Request, estimate_frame, estimate_request

ROWS = [
    {"provider": "openai", "model": "gpt-4o", "input_tokens": 200, "output_tokens": 400, "cached_input_tokens": 50,
     "images": 0, "image_size": None, "image_quality": None, "latency_ms": None, "zone": None},
    {"provider": "openai", "model": "gpt-4o", "input_tokens": 10, "output_tokens": 3000, "cached_input_tokens": 0,
     "images": 0, "image_size": None, "image_quality": None, "latency_ms": 1500.0, "zone": "FRA"},
    {"provider": "openai", "model": "dall-e-3", "input_tokens": 0, "output_tokens": 0, "cached_input_tokens": 0,
     "images": 2, "image_size": "1024x1792", "image_quality": "hd", "latency_ms": None, "zone": None},
    {"provider": "openai", "model": "text-embedding-3-small", "input_tokens": 800, "output_tokens": 0,
     "cached_input_tokens": 0, "images": 0, "image_size": None, "image_quality": None, "latency_ms": None,
     "zone": "SWE"},
    {"provider": "mistral", "model": "mistral-large-2402", "input_tokens": 300, "output_tokens": 500,
     "cached_input_tokens": 0, "images": 0, "image_size": None, "image_quality": None, "latency_ms": 4000.0,
     "zone": None},
    {"provider": "acme", "model": "mystery", "input_tokens": 5, "output_tokens": 7, "cached_input_tokens": 0,
     "images": 0, "image_size": None, "image_quality": None, "latency_ms": None, "zone": "XYZ"},
]


@pytest.mark.parametrize("method", ["sobria", "ecologits"])
@pytest.mark.parametrize("basis", ["location", "market"])
def test_frame_matches_single_requests(catalog: Catalog, method: str, basis: str) -> None:
    est = Estimator(catalog, EstimateOptions(method=method, carbon_basis=basis))  # type: ignore[arg-type]
    out = estimate_frame(est, pl.DataFrame(ROWS))
    for row, got in zip(ROWS, out.iter_rows(named=True), strict=True):
        one = estimate_request(est, Request(
            row["provider"], row["model"], output_tokens=row["output_tokens"], input_tokens=row["input_tokens"],
            cached_input_tokens=row["cached_input_tokens"], images=row["images"], image_size=row["image_size"],
            image_quality=row["image_quality"],
            latency_s=None if row["latency_ms"] is None else row["latency_ms"] / 1000, zone=row["zone"]))
        for name, r in (("energy_kwh", one.energy_kwh), ("gwp_kgco2e", one.gwp_kgco2e), ("water_l", one.water_l),
                        ("adpe_kgsbeq", one.adpe_kgsbeq), ("pe_mj", one.pe_mj)):
            assert got[f"{name}_min"] == pytest.approx(r.min, rel=1e-12)
            assert got[f"{name}_max"] == pytest.approx(r.max, rel=1e-12)
        assert got["status"] == one.status
        assert got["resolved_model"] == one.model
        assert got["cost_eur"] == (pytest.approx(one.cost_eur, rel=1e-12) if one.cost_eur is not None else None)
    assert out["status"].to_list()[4:] == ["model-guessed", "provider-unknown"]


def test_aggregated_rows_are_estimated_per_request_then_multiplied(catalog: Catalog) -> None:
    est = Estimator(catalog)
    bucket = pl.DataFrame({"provider": ["openai"], "model": ["gpt-4o"], "input_tokens": [3000],
                           "output_tokens": [1200], "request_count": [3]})
    one = estimate_request(est, Request("openai", "gpt-4o", output_tokens=400, input_tokens=1000))
    out = estimate_frame(est, bucket).row(0, named=True)
    assert out["energy_kwh_min"] == pytest.approx(3 * one.energy_kwh.min, rel=1e-12)


def test_original_columns_and_order_are_kept(catalog: Catalog) -> None:
    frame = pl.DataFrame(ROWS).with_columns(pl.Series("event_id", [f"e{i}" for i in range(len(ROWS))]))
    out = estimate_frame(Estimator(catalog), frame)
    assert out["event_id"].to_list() == [f"e{i}" for i in range(len(ROWS))]
    assert out.columns[: len(frame.columns)] == frame.columns


@pytest.mark.parametrize(("column", "value", "line"), [
    ("output_tokens", -1, 3), ("input_tokens", -5, 2), ("images", -1, 1), ("latency_ms", 0.0, 4),
])
def test_bad_values_name_the_row_and_column(catalog: Catalog, column: str, value: float, line: int) -> None:
    rows = [dict(r) for r in ROWS]
    rows[line - 1][column] = value
    with pytest.raises(UserInputError) as err:
        estimate_frame(Estimator(catalog), pl.DataFrame(rows))
    assert err.value.key == "impact.bad_column_value"
    assert (err.value.where.line, err.value.where.field) == (line, column)


def test_missing_required_column(catalog: Catalog) -> None:
    with pytest.raises(UserInputError) as err:
        estimate_frame(Estimator(catalog), pl.DataFrame({"model": ["gpt-4o"]}))
    assert err.value.where.field == "output_tokens"


def test_absurd_image_size_in_a_table(catalog: Catalog) -> None:
    frame = pl.DataFrame({"provider": ["openai"], "model": ["dall-e-3"], "output_tokens": [0], "images": [1],
                          "image_size": ["100000x3"]})
    with pytest.raises(UserInputError) as err:
        estimate_frame(Estimator(catalog), frame)
    assert err.value.key == "impact.bad_image_size"


MEDIA_ROWS = [
    {"provider": "stability", "model": "stable-diffusion-3", "images": 2, "image_steps": 25, "operation": "image"},
    {"provider": "stability", "model": "sdxl", "images": 1, "image_steps": None, "operation": "image"},
    {"provider": "openai", "model": "dall-e-3", "images": 1, "image_steps": 80, "operation": "image"},
    {"provider": "openai", "model": "sora-2-pro", "video_size": "1920x1080", "media_seconds": 12.0,
     "operation": "video"},
    {"provider": "google", "model": "veo-3.0-generate-001", "operation": "video"},
    {"provider": "openai", "model": "whisper-1", "media_seconds": 95.5, "operation": "audio"},
    {"provider": "openai", "model": "whisper-1", "operation": "audio", "request_count": 3},
    {"provider": "openai", "model": "tts-1", "operation": "audio"},
    {"provider": "openai", "model": "gpt-4o", "input_tokens": 900, "output_tokens": 300, "operation": "chat"},
]


@pytest.mark.parametrize("method", ["sobria", "ecologits"])
def test_frame_carries_the_explicit_central_steps_and_media_like_single_requests(catalog: Catalog,
                                                                                 method: str) -> None:
    est = Estimator(catalog, EstimateOptions(method=method))  # type: ignore[arg-type]
    rows = [{"input_tokens": 0, "output_tokens": 0, "images": 0, "image_steps": None, "video_size": None,
             "media_seconds": None, "request_count": 1, **r} for r in MEDIA_ROWS]
    out = estimate_frame(est, pl.DataFrame(rows), central=True)
    for row, got in zip(rows, out.iter_rows(named=True), strict=True):
        n = row["request_count"]
        one = estimate_request(est, Request(
            row["provider"], row["model"], output_tokens=row["output_tokens"], input_tokens=row["input_tokens"],
            images=row["images"], image_steps=row["image_steps"], video_size=row["video_size"],
            media_seconds=row["media_seconds"], operation=row["operation"]))
        for name in ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj"):
            r = getattr(one, name)
            for bound, value in (("min", r.min), ("max", r.max), ("central", r.central)):
                assert got[f"{name}_{bound}"] == pytest.approx(n * value, rel=1e-12, abs=1e-300)
        assert (got["status"], got["kind"]) == (one.status, one.kind)
    assert out["kind"].to_list() == ["image", "image", "image", "video", "video", "audio", "audio", "unsupported",
                                     "llm"]
    # the explicit central is not the midpoint: SDXL 1024², 50 steps, central 0.99 x 1.21 x 1.145 Wh
    assert out["energy_kwh_central"][1] == pytest.approx(0.99 * 1.21 * 1.145 / 1000, rel=1e-12)
    assert out["energy_kwh_central"][1] != pytest.approx((out["energy_kwh_min"][1] + out["energy_kwh_max"][1]) / 2)


def test_frame_has_no_central_columns_unless_asked(catalog: Catalog) -> None:
    out = estimate_frame(Estimator(catalog), pl.DataFrame(ROWS))
    assert not [c for c in out.columns if c.endswith("_central")]


@pytest.mark.parametrize(("column", "value"), [("image_steps", 0), ("image_steps", 2.5), ("media_seconds", -1.0)])
def test_frame_rejects_bad_steps_and_media_seconds(catalog: Catalog, column: str, value: float) -> None:
    frame = pl.DataFrame({"model": ["sdxl", "sdxl"], "output_tokens": [0, 0], column: [None, value]})
    with pytest.raises(UserInputError) as err:
        estimate_frame(Estimator(catalog), frame)
    assert (err.value.key, err.value.where.line, err.value.where.field) == ("impact.bad_column_value", 2, column)
