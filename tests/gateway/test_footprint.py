"""The gateway's footprints are the estimator's: the same engine coefficients, identical figures."""

from __future__ import annotations

import pytest

from sobria.catalog import Catalog
from sobria.gateway.footprint import FIELDS, FootprintCalculator
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request


@pytest.mark.parametrize("req", [
    Request("openai", "gpt-4o-mini", output_tokens=321, input_tokens=1234, operation="chat"),
    Request("openai", "gpt-4o", output_tokens=7, input_tokens=5000, cached_input_tokens=4096, operation="chat"),
    Request("openai", "text-embedding-3-small", input_tokens=800, operation="embedding"),
    Request("openai", "gpt-image-1", images=3, image_size="1536x1024", image_quality="high", operation="image"),
    Request("mistralai", "mistral-large-latest", output_tokens=50, input_tokens=60, zone="FRA", operation="chat"),
    Request(None, "modele-inconnu", output_tokens=10, input_tokens=10, operation="chat"),
])
def test_same_figures_as_the_estimator(catalog: Catalog, req: Request) -> None:
    estimator = Estimator(catalog)
    direct = estimate_request(estimator, req)
    fast = FootprintCalculator(estimator).footprint(
        req.provider, req.model, req.operation or "chat", input_tokens=req.input_tokens,
        output_tokens=req.output_tokens, cached_input_tokens=req.cached_input_tokens, images=req.images,
        image_size=req.image_size, image_quality=req.image_quality, zone=req.zone)
    expected = (direct.energy_kwh, direct.gwp_kgco2e, direct.water_l, direct.adpe_kgsbeq, direct.pe_mj)
    for i, rng in enumerate(expected):  # identical, not approximately equal
        assert (fast.values[2 * i], fast.values[2 * i + 1]) == (rng.min, rng.max), FIELDS[2 * i]
    assert fast.columns()["est_cost_eur"] == direct.cost_eur
    assert (fast.status, fast.resolved_model) == (direct.status, direct.model)
