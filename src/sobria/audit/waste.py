"""Waste detection: which requests were not needed, why, and what they cost.

``detect_waste`` flags events with a reason code (``REASONS``), a chain id for reformulations and
regenerations (the event id of the chain's first request), a confidence (0..1) and, for a heavy
model used on a trivial task, the saving a light model would have made (central values, from a
re-estimate of the same request with the light model). An event can be flagged for two reasons
(an unused image made for an internal document). ``waste_summary`` sums the flags. Rules,
thresholds and the evaluation: docs/waste.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import polars as pl

from sobria.audit.chains import ChainRules, chain_roots, content_links, prepared, retry_links
from sobria.audit.semantic_links import semantic_links
from sobria.audit.thread_links import thread_links
from sobria.catalog import Catalog, resolve
from sobria.impact import Estimator, estimate_frame
from sobria.impact.options import EstimateOptions

REFORMULATION = "reformulation"
REGENERATION = "regeneration"
UNUSED_IMAGE = "unused-image"
INTERNAL_IMAGE = "internal-image"
HEAVY_MODEL_TRIVIAL = "heavy-model-trivial"
REASONS = (REFORMULATION, REGENERATION, UNUSED_IMAGE, INTERNAL_IMAGE, HEAVY_MODEL_TRIVIAL)
RESULT_SCHEMA: Mapping[str, pl.DataType] = MappingProxyType({
    "event_id": pl.Utf8(), "reason": pl.Utf8(), "chain_id": pl.Utf8(), "confidence": pl.Float64(),
    "saving_gwp_kgco2e": pl.Float64(), "saving_energy_kwh": pl.Float64(), "saving_eur": pl.Float64(),
})


@dataclass(frozen=True)
class WasteOptions:
    """What counts as waste. Thresholds are documented and evaluated in docs/waste.md."""

    session_gap_minutes: float = 15.0
    lookback: int = 4
    duplicate_similarity: float = 0.85
    near_similarity: float = 0.5
    paraphrase_words: float = 0.3
    semantic_similarity: float = 0.85           # semantic fingerprints, across conversations only
    light_models: Mapping[str, str] | None = None   # None: the catalogue's model_classes.light
    heavy_min_active_params_b: float = 40.0     # at the catalogue's max bound
    heavy_models: tuple[str, ...] = ()          # names always heavy, besides the catalogue's model_classes.heavy
    short_prompt_tokens: int = 50
    short_answer_tokens: int = 120
    internal_purposes: tuple[str, ...] | None = None  # None: the catalogue's model_classes.internal_purposes
    # the light-model saving's method (Settings.estimate_options)
    estimate: EstimateOptions = field(default_factory=EstimateOptions)

    def chain_rules(self) -> ChainRules:
        return ChainRules(self.session_gap_minutes, self.lookback, self.duplicate_similarity,
                          self.near_similarity, self.paraphrase_words)


@dataclass(frozen=True)
class WasteSummary:
    """Non-essential requests: how many, their share of requests and of carbon (central)."""

    requests: int
    share_of_requests: float
    gwp_kgco2e: float
    share_of_gwp: float
    by_reason: dict[str, int]
    gwp_kgco2e_by_reason: dict[str, float]
    heavy_trivial_saving_gwp_kgco2e: float
    heavy_trivial_saving_energy_kwh: float
    list_cost_eur: float = 0.0                 # catalogue API price of the flagged requests
    heavy_trivial_saving_eur: float = 0.0      # catalogue API price saved by the light model


def empty_result() -> pl.DataFrame:
    return pl.DataFrame(schema=dict(RESULT_SCHEMA))


def detect_waste(events: pl.DataFrame, catalog: Catalog, options: WasteOptions | None = None) -> pl.DataFrame:
    """One row per (flagged event, reason); columns as ``RESULT_SCHEMA``."""
    opts = options or WasteOptions()
    if events.height == 0:
        return empty_result()
    parts = [_chains(events, opts), _images(events, catalog, opts), _heavy(events, catalog, opts)]
    columns = [pl.col(name).cast(dtype) for name, dtype in RESULT_SCHEMA.items()]
    return pl.concat([p.select(columns) for p in parts]).sort(["event_id", "reason"])


def _chains(events: pl.DataFrame, opts: WasteOptions) -> pl.DataFrame:
    needed = {"person", "prompt_fingerprint", "operation", "ts", "conversation_id", "event_id"}
    if not needed <= set(events.columns):
        return empty_result()
    frame = prepared(events, opts.session_gap_minutes)
    if frame.height == 0:
        return empty_result()
    retry_child, retry_parent = retry_links(frame)
    thread_child, thread_parent, thread_regen = thread_links(frame)
    content = content_links(frame, opts.chain_rules())
    sem_child, sem_parent = semantic_links(frame, opts.semantic_similarity, opts.lookback)
    child = np.concatenate([thread_child, retry_child, content.child, sem_child])
    parent = np.concatenate([thread_parent, retry_parent, content.parent, sem_parent])
    regen = np.concatenate([thread_regen, np.zeros(len(retry_child), dtype=bool), content.regeneration,
                            np.zeros(len(sem_child), dtype=bool)])
    conf = np.concatenate([np.where(thread_regen, 0.95, 0.9), np.full(len(retry_child), 0.8), content.confidence,
                           np.full(len(sem_child), 0.7)])
    if len(child) == 0:
        return empty_result()
    # one link per request: an identical earlier request if any, else the turn it redid (thread
    # signals), else the most recent request it repeats
    by_thread = np.arange(len(child)) < len(thread_child)
    order = np.lexsort((-parent, ~by_thread, ~regen, child))
    child, parent, regen, conf = child[order], parent[order], regen[order], conf[order]
    first = np.concatenate([[True], child[1:] != child[:-1]])
    child, parent, regen, conf = child[first], parent[first], regen[first], conf[first]
    roots = chain_roots(frame.height, child, parent)
    ids = frame["event_id"]
    return pl.DataFrame({
        "event_id": ids.gather(child), "reason": np.where(regen, REGENERATION, REFORMULATION),
        "chain_id": ids.gather(roots[child]), "confidence": conf,
        "saving_gwp_kgco2e": None, "saving_energy_kwh": None, "saving_eur": None,
    })


def internal_purposes(catalog: Catalog, opts: WasteOptions) -> tuple[str, ...]:
    if opts.internal_purposes is not None:
        return opts.internal_purposes
    return tuple(catalog.model_classes.internal_purposes)


def _images(events: pl.DataFrame, catalog: Catalog, opts: WasteOptions) -> pl.DataFrame:
    if "operation" not in events.columns:
        return empty_result()
    images = events.filter(pl.col("operation") == "image")
    frames = []
    if "image_used" in images.columns:
        frames.append(images.filter(pl.col("image_used").eq(False)).select(
            "event_id", pl.lit(UNUSED_IMAGE).alias("reason"), pl.lit(1.0).alias("confidence")))
    if "purpose" in images.columns:
        frames.append(images.filter(pl.col("purpose").is_in(list(internal_purposes(catalog, opts)))).select(
            "event_id", pl.lit(INTERNAL_IMAGE).alias("reason"), pl.lit(0.9).alias("confidence")))
    if not frames:
        return empty_result()
    return pl.concat(frames).with_columns(
        pl.lit(None, pl.Utf8).alias("chain_id"), pl.lit(None, pl.Float64).alias("saving_gwp_kgco2e"),
        pl.lit(None, pl.Float64).alias("saving_energy_kwh"), pl.lit(None, pl.Float64).alias("saving_eur"))


def light_model_for(catalog: Catalog, provider: str | None, model: str, opts: WasteOptions) -> str | None:
    """The light model to suggest instead of ``model``, or None when ``model`` is not heavy."""
    resolution = resolve(catalog, provider, model, "chat")
    if resolution.kind != "llm" or resolution.status not in ("ok", "model-guessed"):
        return None
    classes = catalog.model_classes
    light = (opts.light_models if opts.light_models is not None else classes.light).get(resolution.provider)
    if light is None or light == resolution.model:
        return None
    heavy = {*opts.heavy_models, *classes.heavy}
    if model in heavy or resolution.model in heavy:
        return light
    assert resolution.llm is not None
    if resolution.llm.active_params_b.max < opts.heavy_min_active_params_b:
        return None
    light_llm = resolve(catalog, resolution.provider, light, "chat").llm
    if light_llm is None or light_llm.active_params_b.max >= resolution.llm.active_params_b.max:
        return None
    return light


def _heavy(events: pl.DataFrame, catalog: Catalog, opts: WasteOptions) -> pl.DataFrame:
    needed = {"model", "operation", "input_tokens", "output_tokens", "event_id"}
    if not needed <= set(events.columns):
        return empty_result()
    provider = pl.col("provider") if "provider" in events.columns else pl.lit(None, pl.Utf8)
    short = events.filter(
        (pl.col("operation") == "chat") & (pl.col("input_tokens") <= opts.short_prompt_tokens)
        & (pl.col("output_tokens") <= opts.short_answer_tokens) & pl.col("model").is_not_null()
    ).with_columns(provider.alias("provider"))
    if short.height == 0:
        return empty_result()
    pairs = short.select("provider", "model").unique()
    light = {(p, m): light_model_for(catalog, p, m, opts) for p, m in pairs.iter_rows()}
    mapping = pl.DataFrame({"provider": [k[0] for k in light], "model": [k[1] for k in light],
                            "light_model": list(light.values())},
                           schema={"provider": pl.Utf8, "model": pl.Utf8, "light_model": pl.Utf8})
    heavy = short.join(mapping, on=["provider", "model"], how="inner", nulls_equal=True).filter(
        pl.col("light_model").is_not_null())
    if heavy.height == 0:
        return empty_result()
    return _with_saving(catalog, heavy, opts.estimate)


def _with_saving(catalog: Catalog, heavy: pl.DataFrame, options: EstimateOptions) -> pl.DataFrame:
    inputs = [c for c in ("provider", "operation", "input_tokens", "output_tokens", "cached_input_tokens",
                          "zone", "request_count") if c in heavy.columns]
    as_is = estimate_frame(Estimator(catalog, options), heavy.select(["model", *inputs]))
    as_light = estimate_frame(Estimator(catalog, options), heavy.select([pl.col("light_model").alias("model"),
                                                                          *inputs]))

    def central(frame: pl.DataFrame, name: str) -> pl.Series:
        return (frame[f"{name}_min"] + frame[f"{name}_max"]) / 2

    return pl.DataFrame({
        "event_id": heavy["event_id"], "reason": HEAVY_MODEL_TRIVIAL, "chain_id": None,
        "confidence": 0.8,
        "saving_gwp_kgco2e": (central(as_is, "gwp_kgco2e") - central(as_light, "gwp_kgco2e")).clip(0.0),
        "saving_energy_kwh": (central(as_is, "energy_kwh") - central(as_light, "energy_kwh")).clip(0.0),
        "saving_eur": (as_is["cost_eur"].fill_null(0.0) - as_light["cost_eur"].fill_null(0.0)).clip(0.0),
    })


def waste_summary(events: pl.DataFrame, flagged: pl.DataFrame) -> WasteSummary:
    """Non-essential requests among ``events``: count, share of requests and of carbon (central)."""
    counts = events.select("event_id", _requests(events), _gwp(events), _list_cost(events))
    total_requests = int(counts["requests"].sum() or 0)
    total_gwp = float(counts["gwp"].sum() or 0.0)
    flagged_events = counts.join(flagged.select("event_id").unique(), on="event_id", how="semi")
    requests = int(flagged_events["requests"].sum() or 0)
    gwp = float(flagged_events["gwp"].sum() or 0.0)
    by_reason: dict[str, int] = {}
    gwp_by_reason: dict[str, float] = {}
    for reason in REASONS:
        rows = counts.join(flagged.filter(pl.col("reason") == reason).select("event_id").unique(),
                           on="event_id", how="semi")
        by_reason[reason] = int(rows["requests"].sum() or 0)
        gwp_by_reason[reason] = float(rows["gwp"].sum() or 0.0)
    heavy = flagged.filter(pl.col("reason") == HEAVY_MODEL_TRIVIAL)
    return WasteSummary(
        requests=requests,
        share_of_requests=requests / total_requests if total_requests else 0.0,
        gwp_kgco2e=gwp,
        share_of_gwp=gwp / total_gwp if total_gwp > 0 else 0.0,
        by_reason=by_reason,
        gwp_kgco2e_by_reason=gwp_by_reason,
        heavy_trivial_saving_gwp_kgco2e=float(heavy["saving_gwp_kgco2e"].fill_null(0.0).sum()),
        heavy_trivial_saving_energy_kwh=float(heavy["saving_energy_kwh"].fill_null(0.0).sum()),
        list_cost_eur=float(flagged_events["cost"].sum() or 0.0),
        heavy_trivial_saving_eur=float(heavy["saving_eur"].fill_null(0.0).sum()),
    )


def _list_cost(events: pl.DataFrame) -> pl.Expr:
    if "est_cost_eur" in events.columns:
        return pl.col("est_cost_eur").cast(pl.Float64).fill_null(0.0).fill_nan(0.0).alias("cost")
    return pl.lit(0.0, pl.Float64).alias("cost")


def _requests(events: pl.DataFrame) -> pl.Expr:
    if "request_count" in events.columns:
        return pl.col("request_count").fill_null(1).cast(pl.Int64).alias("requests")
    return pl.lit(1, pl.Int64).alias("requests")


def _gwp(events: pl.DataFrame) -> pl.Expr:
    if {"gwp_kgco2e_min", "gwp_kgco2e_max"} <= set(events.columns):
        return ((pl.col("gwp_kgco2e_min") + pl.col("gwp_kgco2e_max")) / 2).fill_null(0.0).fill_nan(0.0).alias("gwp")
    return pl.lit(0.0).alias("gwp")
