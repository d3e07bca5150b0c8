"""Accounting rigour: usage vs embodied, location vs market, Google's Scope 2 factor, world primary energy."""

from __future__ import annotations

import pytest

from sobria.catalog import Catalog
from sobria.impact import EstimateOptions, Estimator, Request, estimate_request


def test_usage_and_embodied_are_separate_and_summed(catalog: Catalog) -> None:
    imp = estimate_request(Estimator(catalog), Request("openai", "gpt-4o", output_tokens=400))
    assert imp.gwp_kgco2e.min == pytest.approx(imp.gwp_usage_kgco2e.min + imp.gwp_embodied_kgco2e.min)
    assert imp.gwp_kgco2e.max == pytest.approx(imp.gwp_usage_kgco2e.max + imp.gwp_embodied_kgco2e.max)


def test_location_and_market_side_by_side_whatever_the_basis(catalog: Catalog) -> None:
    req = Request("google", "gemini-2.5-flash", output_tokens=400)
    loc = estimate_request(Estimator(catalog), req)
    mkt = estimate_request(Estimator(catalog, EstimateOptions(carbon_basis="market")), req)
    usa = catalog.mixes["USA"].gwp_kgco2e_per_kwh
    for imp in (loc, mkt):
        assert imp.gwp_usage_location_kgco2e is not None and imp.gwp_usage_market_kgco2e is not None
        assert imp.gwp_usage_location_kgco2e.min == pytest.approx(imp.energy_kwh.min * usa)
        assert imp.gwp_usage_market_kgco2e.min == pytest.approx(imp.energy_kwh.min * 0.092)
        assert imp.gwp_usage_market_kgco2e.max == pytest.approx(imp.energy_kwh.max * 0.100)
    assert loc.gwp_usage_kgco2e == loc.gwp_usage_location_kgco2e
    assert mkt.gwp_usage_kgco2e == mkt.gwp_usage_market_kgco2e


def test_google_market_factor_is_its_scope2_part_only(catalog: Catalog) -> None:
    factor = catalog.providers["google_genai"].market_gwp_kgco2e_per_kwh
    assert factor.central == pytest.approx(0.023 / 0.24, rel=2e-3)   # 0.0958, not 0.03 / 0.24 = 0.125
    assert (factor.min, factor.max) == (0.092, 0.1)


def test_world_primary_energy_is_corrected_in_the_sobria_method_only(catalog: Catalog) -> None:
    req = Request("openai", "gpt-4o", output_tokens=400, zone="WOR")
    sobria = estimate_request(Estimator(catalog), req)
    parity = estimate_request(Estimator(catalog, EstimateOptions(method="ecologits")), req)
    assert catalog.mixes["WOR"].pe_mj_per_kwh == 2.5871
    assert sobria.energy_kwh == parity.energy_kwh          # output tokens only: same energy
    # same embodied PE; the usage PE differs by the corrected factor only
    assert sobria.pe_mj.min - parity.pe_mj.min == pytest.approx(sobria.energy_kwh.min * (9.3136 - 2.5871), rel=1e-9)
    assert round(2.5871 * 3.6, 4) == 9.3136


def test_real_low_primary_energy_mixes_are_kept(catalog: Catalog) -> None:
    e = Estimator(catalog)
    assert e.pe_mj_per_kwh(catalog.mixes["NOR"]) == catalog.mixes["NOR"].pe_mj_per_kwh   # hydro
    assert e.pe_mj_per_kwh(catalog.mixes["AFG"]) == 9.3136                                # world default inherited
