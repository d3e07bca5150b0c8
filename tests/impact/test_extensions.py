"""Golden values of Sobria's extensions (worked examples of docs/methodology.md)."""

from __future__ import annotations

import math

import pytest

from sobria.catalog import Catalog
from sobria.impact import EstimateOptions, Estimator, Request, estimate_request
from sobria.impact.equivalences import equivalences
from sobria.impact.spend import spend_based_gwp_kgco2e, spend_check
from sobria.ranges import Range


def est(catalog: Catalog, **options: str) -> Estimator:
    return Estimator(catalog, EstimateOptions(**options))  # type: ignore[arg-type]


def test_prefill_counts_input_tokens_as_output_token_equivalents(catalog: Catalog) -> None:
    e = est(catalog)
    with_input = estimate_request(e, Request("openai", "gpt-4o", output_tokens=0, input_tokens=1000))
    # prefill ratio 0.05 (min) .. 0.5 (max): 1,000 input tokens weigh 50 .. 500 output tokens
    low = estimate_request(e, Request("openai", "gpt-4o", output_tokens=50))
    high = estimate_request(e, Request("openai", "gpt-4o", output_tokens=500))
    assert with_input.energy_kwh.min == pytest.approx(low.energy_kwh.min, rel=1e-12)
    assert with_input.energy_kwh.max == pytest.approx(high.energy_kwh.max, rel=1e-12)


def test_cached_input_tokens_weigh_a_fraction_of_fresh_ones(catalog: Catalog) -> None:
    e = est(catalog)
    cached = estimate_request(e, Request("openai", "gpt-4o", input_tokens=1000, cached_input_tokens=1000))
    # 1,000 cached tokens: 0.05 * 0.02 = 0.001 (min) .. 0.5 * 0.5 = 0.25 (max) output-token equivalents each
    low = estimate_request(e, Request("openai", "gpt-4o", output_tokens=1))
    high = estimate_request(e, Request("openai", "gpt-4o", output_tokens=250))
    assert cached.energy_kwh.min == pytest.approx(low.energy_kwh.min, rel=1e-12)
    assert cached.energy_kwh.max == pytest.approx(high.energy_kwh.max, rel=1e-12)


def test_parity_method_ignores_input_tokens(catalog: Catalog) -> None:
    e = est(catalog, method="ecologits")
    a = estimate_request(e, Request("openai", "gpt-4o", output_tokens=400, input_tokens=5000))
    b = estimate_request(e, Request("openai", "gpt-4o", output_tokens=400))
    assert a.energy_kwh == b.energy_kwh


def test_image_energy_per_image_resolution_and_quality(catalog: Catalog) -> None:
    e = est(catalog)
    one = estimate_request(e, Request("openai", "dall-e-3", images=1, image_size="1024x1024"))
    # DALL-E 3 (generic bracket): GPU 0.43 / 0.99 / 5.03 Wh x server 1.1 / 1.21 / 2.0, OpenAI PUE 1.2
    assert one.energy_kwh.min == pytest.approx(0.43e-3 * 1.1 * 1.2)
    assert one.energy_kwh.max == pytest.approx(5.03e-3 * 2.0 * 1.2)
    assert one.energy_kwh.central == pytest.approx(0.99e-3 * 1.21 * 1.2)
    hd_tall = estimate_request(e, Request("openai", "dall-e-3", images=3, image_size="1024x1792", image_quality="hd"))
    # 3 images x 1.75 (pixels) x 2 (hd)
    assert hd_tall.energy_kwh.min == pytest.approx(0.43e-3 * 1.1 * 1.2 * 3 * 1.75 * 2)
    assert one.kind == "image" and one.status == "ok"


def test_image_carbon_and_water(catalog: Catalog) -> None:
    one = estimate_request(est(catalog), Request("openai", "dall-e-3", images=1))
    usa = catalog.mixes["USA"]
    assert one.gwp_usage_kgco2e.min == pytest.approx(0.43e-3 * 1.1 * 1.2 * usa.gwp_kgco2e_per_kwh)
    assert one.water_l.min == pytest.approx(0.43e-3 * 1.1 * (0.569 + 1.2 * usa.wue_l_per_kwh))
    # one image holds 1 GPU (of an 8-GPU server) for 5 .. 20 s, unbatched
    lifetime = 3 * 365 * 24 * 3600
    per_s = (1 / 8 * 5700 + 1 * 273) / lifetime
    assert one.gwp_embodied_kgco2e.min == pytest.approx(5 * per_s)
    assert one.gwp_embodied_kgco2e.max == pytest.approx(20 * per_s)


def test_gpt_image_quality_levels_follow_image_tokens(catalog: Catalog) -> None:
    e = est(catalog)
    low = estimate_request(e, Request("openai", "gpt-image-1", images=1, image_quality="low"))
    high = estimate_request(e, Request("openai", "gpt-image-1", images=1, image_quality="high"))
    assert high.energy_kwh.min / low.energy_kwh.min == pytest.approx(3.94 / 0.26)


def test_embedding_is_one_encoder_pass_proportional_to_parameters(catalog: Catalog) -> None:
    emb = estimate_request(est(catalog), Request("openai", "text-embedding-3-small", input_tokens=1000))
    assert emb.kind == "embedding"
    # 0.1 .. 1.0 B params, 1 GPU: GPU 7.86e-10 kWh per token per B (50 % MFU) and 4.044e-6 GPU-s per token per B;
    # the server (1.2 kW for 8 GPUs) runs for that GPU time, PUE 1.2
    gpu = 1000 * 0.1 * 7.86e-10
    server = 1000 * 0.1 * 4.044e-6 / 3600 * 1.2 / 8
    assert emb.energy_kwh.min == pytest.approx(1.2 * (gpu + server), rel=1e-9)
    gpu_max = 1000 * 1.0 * 1.311e-9
    server_max = 1000 * 1.0 * 6.741e-6 / 3600 * 1.2 / 8
    assert emb.energy_kwh.max == pytest.approx(1.2 * (gpu_max + server_max), rel=1e-9)


def test_embeddings_scale_with_model_size(catalog: Catalog) -> None:
    e = est(catalog)
    small = estimate_request(e, Request("openai", "text-embedding-3-small", input_tokens=1000))   # 0.1-1 B
    large = estimate_request(e, Request("google", "gemini-embedding-001", input_tokens=1000))     # 1-10 B
    # ten times the parameters, ten times the energy (Google PUE 1.09 against OpenAI's 1.2)
    assert large.energy_kwh.min / small.energy_kwh.min == pytest.approx(10 * 1.09 / 1.2, rel=1e-9)
    assert large.energy_kwh.max / small.energy_kwh.max == pytest.approx(10 * 1.09 / 1.2, rel=1e-9)


def test_market_based_carbon_uses_the_provider_factor(catalog: Catalog) -> None:
    market = estimate_request(est(catalog, carbon_basis="market"), Request("openai", "gpt-4o", output_tokens=400))
    location = estimate_request(est(catalog), Request("openai", "gpt-4o", output_tokens=400))
    assert market.energy_kwh == location.energy_kwh
    assert market.gwp_usage_kgco2e.min == pytest.approx(location.energy_kwh.min * 0.005)
    assert market.gwp_usage_kgco2e.max == pytest.approx(location.energy_kwh.max * 0.05)


def test_zone_of_the_event_overrides_the_provider_default(catalog: Catalog) -> None:
    e = est(catalog)
    fra = estimate_request(e, Request("openai", "gpt-4o", output_tokens=400, zone="FRA"))
    usa = estimate_request(e, Request("openai", "gpt-4o", output_tokens=400))
    assert (fra.zone, usa.zone) == ("FRA", "USA")
    ratio = catalog.mixes["FRA"].gwp_kgco2e_per_kwh / catalog.mixes["USA"].gwp_kgco2e_per_kwh
    assert fra.gwp_usage_kgco2e.min == pytest.approx(usa.gwp_usage_kgco2e.min * ratio)


def test_unknown_model_gets_a_fallback_and_a_status_never_zero(catalog: Catalog) -> None:
    imp = estimate_request(est(catalog), Request("openai", "totally-new-model", output_tokens=400))
    assert imp.status == "model-not-in-catalog"
    assert imp.model == "class:medium"
    assert imp.energy_kwh.min > 0
    assert imp.cost_eur is None


def test_cost_at_list_price(catalog: Catalog) -> None:
    imp = estimate_request(est(catalog), Request("openai", "gpt-4o", output_tokens=400, input_tokens=1000,
                                                 cached_input_tokens=200))
    usd = (800 * 2.5 + 200 * 1.25 + 400 * 10.0) / 1e6
    assert imp.cost_eur == pytest.approx(usd * 0.8887)


def test_spend_based_check(catalog: Catalog) -> None:
    spent = spend_based_gwp_kgco2e(10.0, Range(109, 167))
    assert (spent.min, spent.max) == (pytest.approx(1.09), pytest.approx(1.67))
    check = spend_check(catalog, 10.0, Range(0.1, 0.3))
    assert check.gwp_kgco2e.min == pytest.approx(1.09)
    assert check.ratio_central == pytest.approx(1.38 / 0.2)


def test_equivalences(catalog: Catalog) -> None:
    eq = equivalences(catalog, 0.1423, 0.010)
    assert eq.car_m == pytest.approx(1000.0)
    assert eq.led_minutes == pytest.approx(60.0)


def test_quantised_checkpoints_are_sized_for_their_precision(catalog: Catalog) -> None:
    from sobria.catalog.names import quantisation_bits_in_name

    assert [quantisation_bits_in_name(n) for n in ("Meta-Llama-3.1-405B-Instruct-FP8", "qwen-72b-awq",
                                                   "m-int8", "gpt-4o", "fp8ish")] == [8, 4, 8, None, None]
    name = "meta-llama/Meta-Llama-3.1-405B-Instruct-FP8"
    sobria = Estimator(catalog).terms("huggingface_hub", name, None)
    parity = Estimator(catalog, EstimateOptions(method="ecologits")).terms("huggingface_hub", name, None)
    assert (sobria.gpu_count.max, parity.gpu_count.max) == (8, 16)   # 1.2 x 405 GB / 80 GB -> 8; 16-bit: 16


def test_measured_serving_scales_the_gpu_energy_per_token_with_an_explicit_central(catalog: Catalog) -> None:
    req = Request("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct", output_tokens=400)
    default = estimate_request(Estimator(catalog), req)
    measured = estimate_request(Estimator(catalog, EstimateOptions(serving="measured")), req)
    parity = estimate_request(Estimator(catalog, EstimateOptions(method="ecologits", serving="measured")), req)
    plain = estimate_request(Estimator(catalog, EstimateOptions(method="ecologits")), req)
    assert parity.energy_kwh == plain.energy_kwh
    # 8B on 1 GPU: GPU energy 400 x (1.1665e-6 e^(-0.011206 x 64) x 8 + 4.0529e-5) / 1000 kWh, then x 0.4453
    gpu = 400 * (1.1665e-6 * math.exp(-0.011206 * 64) * 8 + 4.0529e-5) / 1000
    pue = 1.09, 1.14
    assert default.energy_kwh.max - measured.energy_kwh.max == pytest.approx(pue[1] * gpu * (1 - 1.0781), rel=1e-3)
    assert default.energy_kwh.min - measured.energy_kwh.min == pytest.approx(pue[0] * gpu * (1 - 0.2637), rel=1e-3)
    assert measured.energy_kwh.mid is not None
    assert measured.energy_kwh.central < (measured.energy_kwh.min + measured.energy_kwh.max) / 2
