"""The canonical usage-event schema, declared once (docs/events.md is checked against it).

Names follow the OpenTelemetry GenAI semantic conventions where they exist (the ``otel`` field
says which attribute). Every importer produces a Polars frame with exactly these columns and
dtypes; everything downstream (store, impact, audit, gateway) speaks only this schema.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

OPERATIONS = ("chat", "completion", "embedding", "image", "audio", "video")
THREAD_SIGNALS = ("new", "revision", "regeneration", "edit")   # events.thread.SIGNALS
TIERS = ("measured", "token-level", "message-level", "declared")


@dataclass(frozen=True)
class EventColumn:
    name: str
    dtype: pl.DataType
    required: bool
    description: str
    otel: str | None = None


_UTC = pl.Datetime("us", "UTC")
EVENT_COLUMNS: tuple[EventColumn, ...] = (
    EventColumn("event_id", pl.Utf8(), True, "stable id: the source's id, or a hash of the row's content"),
    EventColumn("ts", _UTC, True, "start of the request (or of the bucket), UTC"),
    EventColumn("person", pl.Utf8(), False, "pseudonymised person key (keyed hash), never a name",
                "user.id (hashed)"),
    EventColumn("team", pl.Utf8(), False, "team of the person, from the people file"),
    EventColumn("tool", pl.Utf8(), False, "tool used: chatgpt-enterprise, api, midjourney, gateway..."),
    EventColumn("provider", pl.Utf8(), False, "provider of the model", "gen_ai.provider.name"),
    EventColumn("model", pl.Utf8(), True, "model name as the source gives it", "gen_ai.request.model"),
    EventColumn("operation", pl.Utf8(), True, "chat, completion, embedding, image, audio or video",
                "gen_ai.operation.name"),
    EventColumn("input_tokens", pl.Int64(), False, "input (prompt) tokens, cached included",
                "gen_ai.usage.input_tokens"),
    EventColumn("output_tokens", pl.Int64(), False, "generated tokens, reasoning included",
                "gen_ai.usage.output_tokens"),
    EventColumn("cached_input_tokens", pl.Int64(), False, "input tokens served from the prompt cache"),
    EventColumn("reasoning_tokens", pl.Int64(), False, "hidden reasoning tokens (part of output_tokens)"),
    EventColumn("images", pl.Int64(), False, "images generated"),
    EventColumn("image_size", pl.Utf8(), False, "image size WxH"),
    EventColumn("image_quality", pl.Utf8(), False, "image quality (standard, hd, low, medium, high)"),
    EventColumn("latency_ms", pl.Float64(), False, "measured request latency in milliseconds"),
    EventColumn("zone", pl.Utf8(), False, "electricity zone of the data centre, when the source knows it"),
    EventColumn("purpose", pl.Utf8(), False, "purpose tag: internal, external, client, hr..."),
    EventColumn("conversation_id", pl.Utf8(), False, "conversation or session id", "gen_ai.conversation.id"),
    EventColumn("thread_turn", pl.Int64(), False, "user turns the chat request carries (1: a thread's first)"),
    EventColumn("thread_signal", pl.Utf8(), False,
                "what the request does to its thread: new, revision, regeneration or edit (events.thread)"),
    EventColumn("image_used", pl.Boolean(), False, "outcome: was the generated image used"),
    EventColumn("answer_kept", pl.Boolean(), False, "outcome: was the answer kept"),
    EventColumn("prompt_fingerprint", pl.Utf8(), False, "fingerprint of the prompt for near-duplicate detection"),
    EventColumn("semantic_fingerprint", pl.Utf8(), False,
                "optional locality-sensitive hash of the prompt's meaning (off by default; events.semantic)"),
    EventColumn("prompt_text", pl.Utf8(), False, "prompt text, only when keeping text is enabled"),
    EventColumn("cost_eur", pl.Float64(), False, "cost reported by the source, in euros"),
    EventColumn("source", pl.Utf8(), True, "importer kind and file"),
    EventColumn("tier", pl.Utf8(), True, "data quality: measured, token-level, message-level, declared"),
    EventColumn("request_count", pl.Int64(), True, "requests in this row (1, or more for buckets)"),
)

IMPACT_COLUMNS: tuple[EventColumn, ...] = (
    *(EventColumn(f"{name}_{bound}", pl.Float64(), False, f"{label}, {bound} of the range")
      for name, label in (("energy_kwh", "energy in kWh"), ("gwp_kgco2e", "carbon in kgCO2e"),
                          ("water_l", "water in litres"), ("adpe_kgsbeq", "abiotic resources in kgSbeq"),
                          ("pe_mj", "primary energy in MJ"))
      for bound in ("min", "max")),
    EventColumn("est_cost_eur", pl.Float64(), False, "cost at catalogue list price, in euros"),
    EventColumn("impact_status", pl.Utf8(), False, "estimation status code (ok, model-guessed...)"),
    EventColumn("resolved_model", pl.Utf8(), False, "catalogue model used for the estimate"),
)


def schema(with_impacts: bool = False) -> dict[str, pl.DataType]:
    cols = EVENT_COLUMNS + (IMPACT_COLUMNS if with_impacts else ())
    return {c.name: c.dtype for c in cols}


def empty_events(with_impacts: bool = False) -> pl.DataFrame:
    return pl.DataFrame(schema=schema(with_impacts))


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Add missing optional columns as nulls and order/cast columns as the schema says."""
    exprs = []
    for col in EVENT_COLUMNS:
        if col.name in frame.columns:
            exprs.append(pl.col(col.name).cast(col.dtype))
        else:
            exprs.append(pl.lit(None, col.dtype).alias(col.name))
    return frame.select(exprs)
