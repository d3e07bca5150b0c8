"""The catalogue: EcoLogits' reference data plus Sobria's overlay, indexed for lookups."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sobria.catalog.media import VideoModel, read_video_models
from sobria.catalog.overlay import CatalogDataError, read_overlay
from sobria.catalog.reference import (
    DatacenterDefaults,
    ElectricityMix,
    HardwareConstants,
    LlmModel,
    ecologits_data_dir,
    ecologits_version,
    overlay_llm_models,
    read_datacenter_defaults,
    read_electricity_mixes,
    read_hardware_constants,
    read_llm_models,
)
from sobria.catalog.schema import (
    AliasEntry,
    AudioModelEntry,
    Constant,
    EmbeddingModelEntry,
    FallbackClass,
    ImageModelEntry,
    ModelClasses,
    MonetaryFactor,
    Overlay,
    PriceEntry,
    ProviderEntry,
)
from sobria.ranges import Range

DEFAULT_ZONE = "WOR"


@dataclass(frozen=True)
class Provider:
    """A provider with its data-centre defaults and market-based factor, ready for estimation."""

    name: str
    models_from: str | None
    datacenter: DatacenterDefaults
    market_gwp_kgco2e_per_kwh: Range
    entry: ProviderEntry


@dataclass
class Catalog:
    """Everything the estimation needs, validated as a whole. Build it with :func:`load_catalog`."""

    overlay: Overlay
    hardware: HardwareConstants
    reference_version: str
    llm: dict[tuple[str, str], LlmModel]
    mixes: dict[str, ElectricityMix]
    providers: dict[str, Provider]
    synonyms: dict[str, str]
    images: dict[str, ImageModelEntry]
    embeddings: dict[str, EmbeddingModelEntry]
    aliases: dict[str, AliasEntry]
    prices: dict[tuple[str, str], PriceEntry]
    constants: dict[str, Constant]
    fallbacks: dict[str, FallbackClass]
    videos: dict[str, VideoModel] = field(default_factory=dict)
    audio: dict[str, AudioModelEntry] = field(default_factory=dict)
    llm_by_name: dict[str, list[LlmModel]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for model in self.llm.values():
            self.llm_by_name.setdefault(model.name.lower(), []).append(model)

    def provider_key(self, raw: str | None) -> str | None:
        """The canonical provider for a name found in data, or None if unknown/empty."""
        if raw is None:
            return None
        return self.synonyms.get(raw.strip().lower())

    def mix(self, zone: str) -> ElectricityMix | None:
        return self.mixes.get(zone.strip().upper())

    def constant(self, key: str) -> Range:
        return self.constants[key].value.to_range()

    def monetary_factor(self, key: str = "it-services") -> MonetaryFactor:
        for factor in self.overlay.monetary_factors:
            if factor.key == key:
                return factor
        raise KeyError(key)

    def knows_model(self, name: str) -> bool:
        """True when ``name`` is a catalogue model, alias or product name (any provider)."""
        from sobria.catalog.names import normalise
        from sobria.catalog.resolve import resolve

        return resolve(self, None, name).status == "ok" or normalise(name) in self.aliases

    @property
    def model_classes(self) -> ModelClasses:
        """Light model per provider, heavy models, internal purposes (one list, with its source)."""
        return self.overlay.model_classes

    def is_heavy(self, model: str | None) -> bool:
        return model is not None and model in self.overlay.model_classes.heavy

    def model_names(self) -> list[str]:
        names = {m.name for m in self.llm.values()} | set(self.images) | set(self.embeddings) | set(self.videos)
        names |= {a.name for a in self.audio.values()}
        return sorted(names | set(self.aliases))


def load_catalog() -> Catalog:
    """Read EcoLogits' data and Sobria's overlay, check their consistency, index them."""
    overlay = read_overlay()
    data_dir = ecologits_data_dir()
    llm = {(m.provider, m.name): m for m in read_llm_models(data_dir)}
    for model in overlay_llm_models(overlay.llm_models):
        if (model.provider, model.name) in llm:
            raise CatalogDataError(f"llm_models.json: {model.name} is already in EcoLogits' catalogue")
        llm[(model.provider, model.name)] = model
    mixes = {m.zone: m for m in read_electricity_mixes(data_dir)}
    providers = _providers(overlay.providers, read_datacenter_defaults(), mixes)
    catalog = Catalog(
        overlay=overlay,
        hardware=read_hardware_constants(),
        reference_version=ecologits_version(),
        llm=llm,
        mixes=mixes,
        providers=providers,
        synonyms={s.lower(): p.name for p in overlay.providers for s in [p.name, *p.synonyms]},
        images={m.name: m for m in overlay.image_models},
        embeddings={m.name: m for m in overlay.embedding_models},
        aliases={a.name.lower(): a for a in overlay.aliases},
        prices={(p.provider, p.model): p for p in overlay.prices},
        constants={c.key: c for c in overlay.constants},
        fallbacks={f.key: f for f in overlay.fallback_classes},
        videos={m.name: m for m in read_video_models(data_dir)},
        audio={n.lower(): a for a in overlay.audio_models for n in (a.name, *a.names)},
    )
    _check_consistency(catalog)
    return catalog


def _providers(entries: Iterable[ProviderEntry], defaults: list[DatacenterDefaults],
               mixes: dict[str, ElectricityMix]) -> dict[str, Provider]:
    by_name = {d.provider: d for d in defaults}
    out: dict[str, Provider] = {}
    for entry in entries:
        if entry.ecologits_provider is not None:
            if entry.ecologits_provider not in by_name:
                raise CatalogDataError(f"providers.json: {entry.name}: unknown EcoLogits provider")
            datacenter = by_name[entry.ecologits_provider]
        else:
            if entry.zone is None or entry.pue is None or entry.wue_l_per_kwh is None:
                raise CatalogDataError(f"providers.json: {entry.name}: zone, pue and wue_l_per_kwh required")
            datacenter = DatacenterDefaults(entry.name, entry.zone, entry.pue.to_range(),
                                            entry.wue_l_per_kwh.to_range())
        if datacenter.zone not in mixes:
            raise CatalogDataError(f"providers.json: {entry.name}: zone {datacenter.zone} has no mix")
        out[entry.name] = Provider(entry.name, entry.ecologits_provider, datacenter,
                                   entry.market_gwp_kgco2e_per_kwh.to_range(), entry)
    return out


def _check_consistency(catalog: Catalog) -> None:
    """Every cross-reference of the overlay points at something that exists."""
    for alias, entry in catalog.aliases.items():
        provider, model, kind = entry.provider, entry.model, entry.kind
        known = {
            "llm": (catalog.providers[provider].models_from or provider, model) in catalog.llm
            if provider in catalog.providers else False,
            "image": model in catalog.images,
            "embedding": model in catalog.embeddings,
        }[kind]
        if not known:
            raise CatalogDataError(f"aliases.json: {alias!r} points at unknown {kind} {provider}/{model}")
    for name, owner in [*((i.name, i.provider) for i in catalog.images.values()),
                        *((e.name, e.provider) for e in catalog.embeddings.values())]:
        if owner not in catalog.providers:
            raise CatalogDataError(f"{name}: unknown provider {owner}")
    for key in ("prefill_ratio", "usd_to_eur", "electricity_price_eur_per_kwh"):
        if key not in catalog.constants:
            raise CatalogDataError(f"constants.json: missing {key}")
    if "unknown" not in catalog.providers:
        raise CatalogDataError("providers.json: the 'unknown' provider is required")
    for provider, light in catalog.model_classes.light.items():
        if provider not in catalog.providers or not catalog.knows_model(light):
            raise CatalogDataError(f"model_classes.json: light model {provider}/{light} is not in the catalogue")
    if "medium" not in catalog.fallbacks:
        raise CatalogDataError("fallback_classes.json: the 'medium' class is required")
