"""Spend-based cross-check: euros spent times a monetary emission factor.

French carbon accounting (BEGES poste 4.5, "achats de services") and the GHG Protocol (Scope 3
category 1) estimate purchased services this way when no physical data exists. It is printed beside
the physical (activity-based) estimate, never instead of it: the monetary factor averages a whole
industry (offices, staff travel, hardware, margins) per euro, whereas the physical estimate counts
only the electricity and hardware used by the requests, so the two differ by design.
"""

from __future__ import annotations

from dataclasses import dataclass

from sobria.catalog import Catalog
from sobria.ranges import Range


@dataclass(frozen=True)
class SpendCheck:
    spend_eur: float
    factor_key: str
    gwp_kgco2e: Range
    physical_gwp_kgco2e: Range
    ratio_central: float | None   # spend-based / physical, central values


def spend_based_gwp_kgco2e(spend_eur: float, kgco2e_per_keur: Range) -> Range:
    """Spend in euros times a factor in kgCO2e per thousand euros."""
    return kgco2e_per_keur.scale(spend_eur / 1000)


def spend_check(catalog: Catalog, spend_eur: float, physical: Range, factor_key: str = "it-services") -> SpendCheck:
    factor = catalog.monetary_factor(factor_key).kgco2e_per_keur.to_range()
    spend_gwp = spend_based_gwp_kgco2e(spend_eur, factor)
    ratio = spend_gwp.central / physical.central if physical.central > 0 else None
    return SpendCheck(spend_eur, factor_key, spend_gwp, physical, ratio)
