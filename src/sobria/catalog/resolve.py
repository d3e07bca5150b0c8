"""Resolving a (provider, model name) found in data to what the estimation uses.

Order (documented in docs/methodology.md, "Model resolution"):
1. exact name, then the name without date/version suffixes, in the provider's catalogue;
2. the overlay's aliases (product names such as ChatGPT, Le Chat, Copilot);
3. the same across every provider when the provider is unknown or empty;
4. ``model-guessed``: the longest catalogue name the model name extends (``gpt-4o-audio`` ->
   ``gpt-4o``), or the size the name advertises (``llama-3-70b`` -> 70B dense);
5. ``model-not-in-catalog``: a size class chosen by keywords (light / medium / heavy).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from sobria.catalog.catalog import Catalog
from sobria.catalog.names import normalise, size_in_name_b, undated_variants
from sobria.catalog.reference import LlmModel
from sobria.catalog.schema import EmbeddingModelEntry, FallbackClass, ImageModelEntry
from sobria.ranges import Range

Kind = Literal["llm", "image", "embedding"]
STATUS_ORDER = (
    "ok", "outside-reference-method", "zone-unknown", "model-guessed", "model-not-in-catalog", "provider-unknown",
)
FALLBACK_IMAGE = "generic-image"
UNKNOWN_PROVIDER = "unknown"
FALLBACK_EMBEDDING_PARAMS = Range(0.1, 7.0)


@dataclass(frozen=True)
class Resolution:
    kind: Kind
    provider: str
    model: str
    status: str
    llm: LlmModel | None = None
    image: ImageModelEntry | None = None
    embedding: EmbeddingModelEntry | None = None


def worst_status(*statuses: str) -> str:
    return max(statuses, key=STATUS_ORDER.index)


def resolve(catalog: Catalog, provider: str | None, name: str, operation: str | None = None) -> Resolution:
    """Resolve one model name; never raises for unknown names (see module docstring)."""
    canon = catalog.provider_key(provider)
    given_unknown = canon is None and bool(provider and provider.strip())
    base = normalise(name)
    names = list(dict.fromkeys([name.strip().lower(), base, *undated_variants(base)]))
    found = _exact(catalog, canon, names, operation) or _exact(catalog, None, names, operation)
    if found is None:
        found = _guess(catalog, canon, base, operation)
    if given_unknown:
        return replace(found, status=worst_status(found.status, "provider-unknown"))
    return found


def _kinds(operation: str | None) -> tuple[Kind, ...]:
    if operation == "image":
        return ("image", "llm", "embedding")
    if operation == "embedding":
        return ("embedding", "llm", "image")
    return ("llm", "image", "embedding")


def _exact(catalog: Catalog, canon: str | None, names: list[str], operation: str | None) -> Resolution | None:
    for candidate in names:
        for kind in _kinds(operation):
            hit = _lookup(catalog, canon, candidate, kind)
            if hit is not None:
                return hit
        alias = catalog.aliases.get(candidate)
        if alias is not None and (canon is None or alias.provider == canon):
            hit = _lookup(catalog, alias.provider, alias.model, alias.kind)
            return None if hit is None else replace(hit, status=alias.status)
    return None


def _lookup(catalog: Catalog, canon: str | None, name: str, kind: Kind) -> Resolution | None:
    if kind == "image":
        image = catalog.images.get(name)
        if image and canon in (None, image.provider):
            return Resolution("image", image.provider, image.name, "ok", image=image)
        return None
    if kind == "embedding":
        emb = catalog.embeddings.get(name)
        if emb and canon in (None, emb.provider):
            return Resolution("embedding", emb.provider, emb.name, "ok", embedding=emb)
        return None
    for model in catalog.llm_by_name.get(name, ()):
        owner = _owner(catalog, model.provider)
        if canon is None or canon == owner:
            return Resolution("llm", owner, model.name, "ok", llm=model)
    return None


def _owner(catalog: Catalog, ecologits_provider: str) -> str:
    for provider in catalog.providers.values():
        if provider.models_from == ecologits_provider:
            return provider.name
    return ecologits_provider


def _guess(catalog: Catalog, canon: str | None, name: str, operation: str | None) -> Resolution:
    provider = canon or UNKNOWN_PROVIDER
    if operation == "image":
        image = catalog.images[FALLBACK_IMAGE]
        return Resolution("image", provider, image.name, "model-not-in-catalog", image=image)
    if operation == "embedding":
        return _embedding_fallback(provider, name)
    prefix = _longest_prefix(catalog, canon, name)
    if prefix is not None:
        return Resolution("llm", _owner(catalog, prefix.provider), prefix.name, "model-guessed", llm=prefix)
    size = size_in_name_b(name)
    if size is not None:
        params = Range.point(size)
        model = _synthetic(provider, name, params, params, f"size read from the name ({size:g}B)")
        return Resolution("llm", provider, name, "model-guessed", llm=model)
    fallback = _size_class(catalog, name)
    model = _synthetic(provider, name, fallback.active_params_b.to_range(), fallback.total_params_b.to_range(),
                       f"size class '{fallback.key}'")
    return Resolution("llm", provider, f"class:{fallback.key}", "model-not-in-catalog", llm=model)


def _longest_prefix(catalog: Catalog, canon: str | None, name: str) -> LlmModel | None:
    best: LlmModel | None = None
    for (eco_provider, known), model in catalog.llm.items():
        if canon is not None and _owner(catalog, eco_provider) != canon:
            continue
        if name.startswith(known.lower() + "-") and (best is None or len(known) > len(best.name)):
            best = model
    return best


def _size_class(catalog: Catalog, name: str) -> FallbackClass:
    for key in ("heavy", "light"):
        fallback = catalog.fallbacks.get(key)
        if fallback and any(word in name for word in fallback.keywords):
            return fallback
    return catalog.fallbacks["medium"]


def _synthetic(provider: str, name: str, active: Range, total: Range, how: str) -> LlmModel:
    return LlmModel(provider=provider, name=name, architecture="dense" if active == total else "moe",
                    active_params_b=active, total_params_b=total, tps=None, ttft_s=None,
                    warnings=("model-guessed",), sources=(how,), origin="sobria-fallback")


def _embedding_fallback(provider: str, name: str) -> Resolution:
    import datetime as dt

    from sobria.catalog.schema import Interval, Source

    entry = EmbeddingModelEntry(
        provider=provider, name=name,
        params_b=Interval(min=FALLBACK_EMBEDDING_PARAMS.min, max=FALLBACK_EMBEDDING_PARAMS.max),
        source=Source(ref="Sobria fallback: bounds of the catalogue's embedding models",
                      recorded=dt.date(2026, 11, 28)),
    )
    return Resolution("embedding", provider, name, "model-not-in-catalog", embedding=entry)
