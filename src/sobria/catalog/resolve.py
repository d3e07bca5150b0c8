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

import re
from dataclasses import dataclass, replace
from typing import Literal

from sobria.catalog.catalog import Catalog
from sobria.catalog.media import VideoModel
from sobria.catalog.names import moe_sizes_in_name_b, normalise, size_in_name_b, undated_variants
from sobria.catalog.reference import LlmModel
from sobria.catalog.schema import AudioModelEntry, EmbeddingModelEntry, FallbackClass, ImageModelEntry
from sobria.ranges import Range

Kind = Literal["llm", "image", "embedding", "video", "audio", "unsupported"]
STATUS_ORDER = (
    "ok", "outside-reference-method", "zone-unknown", "model-guessed", "model-not-in-catalog", "provider-unknown",
    "modality-not-supported",
)
# Audio and video requests that no sourced model covers (text-to-speech, music, an unknown video
# model: see docs/methodology.md) get this status (counted in reports), never 0 Wh as a figure.
UNSUPPORTED_OPERATIONS = frozenset({"audio", "video"})
_VIDEO_SUFFIX = re.compile(r"-(?:generate-\d+|generate-preview|generate|preview|\d{3})$")
_UNSUPPORTED_NAME = re.compile(r"^(?:whisper|tts-|sora|veo-|veo\d|kling|"
                               r"runway|gen-\d|seedance|hunyuanvideo|wan2|ltx-)")
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
    video: VideoModel | None = None
    audio: AudioModelEntry | None = None
    note: str = ""   # for a guess: what the name was mapped to, and why


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
        found = _media(catalog, canon, names)
    if found is None and (operation in UNSUPPORTED_OPERATIONS or _UNSUPPORTED_NAME.match(base)):
        # token-billed speech models of the catalogue (gpt-4o-mini-tts...) are found above and
        # estimated from their tokens, as EcoLogits does
        what = operation if operation in UNSUPPORTED_OPERATIONS else "audio or video"
        found = Resolution("unsupported", canon or UNKNOWN_PROVIDER, base, "modality-not-supported",
                           note=f"{what}: no sourced per-request energy model for this model (docs/methodology.md)")
    if found is None:
        found = _guess(catalog, canon, base, operation)
    if given_unknown:
        return replace(found, status=worst_status(found.status, "provider-unknown"))
    return found


def _media(catalog: Catalog, canon: str | None, names: list[str]) -> Resolution | None:
    """A speech-to-text model of the overlay, or a video model of EcoLogits' video catalogue: by
    name, by API id (``veo-3.0-generate-001`` is ``veo-3.0``), else the closest name of the family."""
    for name in names:
        bare = name.split("/", 1)[-1]
        audio = catalog.audio.get(name) or catalog.audio.get(bare)
        if audio is not None and canon in (None, audio.provider):
            return Resolution("audio", audio.provider, audio.name, "ok", audio=audio)
        video = catalog.videos.get(bare) or catalog.videos.get(_VIDEO_SUFFIX.sub("", bare))
        if video is not None:
            return Resolution("video", canon or video.provider, video.name, "ok", video=video)
    bare = _VIDEO_SUFFIX.sub("", names[-1].split("/", 1)[-1])
    near = sorted((v for v in catalog.videos.values() if v.name.startswith(bare + "-")), key=lambda v: len(v.name))
    if near:
        video = near[0]
        return Resolution("video", canon or video.provider, video.name, "model-guessed", video=video,
                          note=f"mapped to {video.name}: the closest model of the family in EcoLogits' video "
                               f"catalogue")
    return None


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
            if hit is None:
                return None
            note = "" if alias.status == "ok" else f"mapped to {alias.model}: {alias.source.note or alias.source.ref}"
            return replace(hit, status=alias.status, note=note)
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
        return Resolution("image", provider, image.name, "model-not-in-catalog", image=image,
                          note=f"mapped to {image.name}: no measurement for this image model")
    if operation == "embedding":
        return _embedding_fallback(provider, name)
    prefix = _longest_prefix(catalog, canon, name)
    if prefix is not None:
        return Resolution("llm", _owner(catalog, prefix.provider), prefix.name, "model-guessed", llm=prefix,
                          note=f"mapped to {prefix.name}: the longest catalogue name that '{name}' extends")
    moe = moe_sizes_in_name_b(name)
    size = size_in_name_b(name)
    if moe is not None or size is not None:
        active, total = moe if moe is not None else (size, size)
        assert active is not None and total is not None
        how = (f"mixture of experts read from the name ({active:g}B active of {total:g}B)" if moe is not None
               else f"size read from the name ({total:g}B, dense)")
        model = _synthetic(provider, name, Range.point(active), Range.point(total), how)
        return Resolution("llm", provider, name, "model-guessed", llm=model, note=how)
    fallback = _size_class(catalog, name)
    model = _synthetic(provider, name, fallback.active_params_b.to_range(), fallback.total_params_b.to_range(),
                       f"size class '{fallback.key}'")
    word = next((w for w in fallback.keywords if w in name), None)
    why = f"keyword '{word}'" if word else "no size keyword: the default class"
    return Resolution("llm", provider, f"class:{fallback.key}", "model-not-in-catalog", llm=model,
                      note=f"mapped to size class '{fallback.key}' ({why})")


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
    return Resolution("embedding", provider, name, "model-not-in-catalog", embedding=entry,
                      note="mapped to the embedding bracket 0.1-7B: parameter count unknown")
