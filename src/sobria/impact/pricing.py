"""API list prices turned into euros for a request (None when the catalogue has no price)."""

from __future__ import annotations

from sobria.catalog import Catalog
from sobria.catalog.names import undated_variants
from sobria.catalog.schema import PriceEntry
from sobria.impact.terms import ModelTerms

PER_MTOK = 1_000_000


def price_entry(catalog: Catalog, terms: ModelTerms) -> PriceEntry | None:
    res = terms.resolution
    if res.status not in ("ok", "provider-unknown"):
        return None
    for name in (res.model, *undated_variants(res.model)):
        entry = catalog.prices.get((res.provider, name))
        if entry is not None:
            return entry
    return None


def token_cost_usd(entry: PriceEntry, input_tokens: float, cached_tokens: float, output_tokens: float) -> float | None:
    """Input (uncached and cached) and output tokens at list price; None if a needed price is missing."""
    cost = 0.0
    uncached = input_tokens - cached_tokens
    parts = ((uncached, entry.input_usd_per_mtok),
             (cached_tokens, entry.cached_input_usd_per_mtok or entry.input_usd_per_mtok),
             (output_tokens, entry.output_usd_per_mtok))
    for tokens, price in parts:
        if tokens:
            if price is None:
                return None
            cost += tokens * price / PER_MTOK
    return cost


def image_price_usd(entry: PriceEntry, quality: str | None, size: str | None) -> float | None:
    key = f"{(quality or 'standard').lower()}@{(size or '1024x1024').lower()}"
    if key in entry.image_usd:
        return entry.image_usd[key]
    if quality is None and entry.image_usd:
        sized = [v for k, v in entry.image_usd.items() if k.endswith("@" + (size or "1024x1024"))]
        return min(sized) if sized else None
    return None


def request_cost_eur(catalog: Catalog, terms: ModelTerms, input_tokens: int, cached_tokens: int,
                     output_tokens: int, images: int, quality: str | None, size: str | None) -> float | None:
    entry = price_entry(catalog, terms)
    if entry is None:
        return None
    usd: float | None
    if terms.kind == "image":
        unit = image_price_usd(entry, quality, size)
        usd = None if unit is None else unit * images
    else:
        usd = token_cost_usd(entry, input_tokens, cached_tokens, output_tokens)
    return None if usd is None else usd * catalog.constant("usd_to_eur").central
