"""The gateway's footprints equal a direct call of the estimator (the affine shortcut is exact)."""

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
    for i, rng in enumerate(expected):
        assert fast.values[2 * i] == pytest.approx(rng.min, rel=1e-9, abs=1e-18), FIELDS[2 * i]
        assert fast.values[2 * i + 1] == pytest.approx(rng.max, rel=1e-9, abs=1e-18), FIELDS[2 * i + 1]
    cost = fast.columns()["est_cost_eur"]
    assert cost == (pytest.approx(direct.cost_eur, rel=1e-9) if direct.cost_eur is not None else None)
    assert (fast.status, fast.resolved_model) == (direct.status, direct.model)
