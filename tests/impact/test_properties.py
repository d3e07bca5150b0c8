"""Properties of the estimate: ordered ranges, monotone in tokens, lower on a cleaner grid."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sobria.catalog import load_catalog
from sobria.impact import Estimator, Request, estimate_request

CATALOG = load_catalog()
ESTIMATOR = Estimator(CATALOG)
MODELS = ["gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "mistral-large-latest", "gemini-2.5-pro",
          "unknown-model-z", "llama-3-70b", "text-embedding-3-small"]
PROVIDERS = {"claude-sonnet-4-5": "anthropic", "mistral-large-latest": "mistralai", "gemini-2.5-pro": "google"}
tokens = st.integers(min_value=0, max_value=200_000)


def _req(model: str, out: int, inp: int = 0, zone: str | None = None) -> Request:
    return Request(PROVIDERS.get(model, "openai"), model, output_tokens=out, input_tokens=inp, zone=zone)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MODELS), tokens, tokens, st.sampled_from([None, "FRA", "SWE", "USA", "WOR", "DEU"]))
def test_min_is_never_above_max(model: str, out: int, inp: int, zone: str | None) -> None:
    imp = estimate_request(ESTIMATOR, _req(model, out, inp, zone))
    for r in (imp.energy_kwh, imp.gwp_kgco2e, imp.water_l, imp.adpe_kgsbeq, imp.pe_mj):
        assert 0 <= r.min <= r.max


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(MODELS[:6]), tokens, st.integers(min_value=1, max_value=10_000), tokens)
def test_more_output_tokens_never_emit_less(model: str, out: int, extra: int, inp: int) -> None:
    small = estimate_request(ESTIMATOR, _req(model, out, inp))
    large = estimate_request(ESTIMATOR, _req(model, out + extra, inp))
    assert large.energy_kwh.min > small.energy_kwh.min
    assert large.gwp_kgco2e.max > small.gwp_kgco2e.max


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(MODELS), st.integers(min_value=1, max_value=100_000))
def test_the_same_request_emits_less_in_france_than_in_the_usa(model: str, out: int) -> None:
    fra = estimate_request(ESTIMATOR, _req(model, out, out, "FRA"))
    usa = estimate_request(ESTIMATOR, _req(model, out, out, "USA"))
    assert fra.gwp_kgco2e.min < usa.gwp_kgco2e.min
    assert fra.gwp_kgco2e.max < usa.gwp_kgco2e.max
    assert fra.energy_kwh == usa.energy_kwh
