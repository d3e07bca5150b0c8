"""Drafts to Polars frames: canonical events (plus the raw prompt), people and ground truth."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType

import polars as pl

from sobria.demo.company import Person
from sobria.demo.draft import Draft
from sobria.demo.timeline import TIME_ZONE
from sobria.events.schema import conform

SOURCE = "demo"
PROMPT_COLUMN = "prompt"     # raw prompt text: the importer fingerprints it and drops it

TRUTH_SCHEMA: Mapping[str, pl.DataType] = MappingProxyType({
    "event_id": pl.Utf8(), "reason": pl.Utf8(), "waste": pl.Boolean(), "not_waste_lookalike": pl.Boolean(),
    "chain_id": pl.Utf8(), "chain_position": pl.Int64(),
})
PEOPLE_SCHEMA: Mapping[str, pl.DataType] = MappingProxyType({
    "identifier": pl.Utf8(), "team": pl.Utf8(), "role": pl.Utf8(), "display_name": pl.Utf8(),
})


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _columns(dated: Sequence[tuple[dt.date, Draft]]) -> dict[str, list[object]]:
    drafts = [d for _, d in dated]
    return {
        "_seq": list(range(len(dated))),
        "ts": [_local_midnight(day) + dt.timedelta(seconds=d.seconds) for day, d in dated],
        "person": [d.person for d in drafts],
        "team": [d.team for d in drafts],
        "tool": [d.tool.name for d in drafts],
        "provider": [d.tool.provider for d in drafts],
        "model": [d.model for d in drafts],
        "operation": [d.operation for d in drafts],
        "input_tokens": [d.input_tokens for d in drafts],
        "output_tokens": [d.output_tokens for d in drafts],
        "images": [d.images for d in drafts],
        "image_size": [d.image_size for d in drafts],
        "image_quality": [d.image_quality for d in drafts],
        "latency_ms": [d.latency_ms for d in drafts],
        "purpose": [d.purpose for d in drafts],
        "conversation_id": [d.conversation_id for d in drafts],
        "image_used": [d.image_used for d in drafts],
        "answer_kept": [d.answer_kept for d in drafts],
        "tier": [d.tool.tier for d in drafts],
        PROMPT_COLUMN: [d.prompt for d in drafts],
    }


def events_frame(dated: Sequence[tuple[dt.date, Draft]]) -> tuple[pl.DataFrame, list[str]]:
    """Events in time order with ids ``demo-000001``...; also each draft's id, in input order."""
    raw = pl.DataFrame(_columns(dated), schema_overrides={
        "ts": pl.Datetime("us"), "input_tokens": pl.Int64(), "output_tokens": pl.Int64(), "images": pl.Int64(),
        "image_size": pl.Utf8(), "image_quality": pl.Utf8(), "latency_ms": pl.Float64(),
        "person": pl.Utf8(), "conversation_id": pl.Utf8(), "image_used": pl.Boolean(), "answer_kept": pl.Boolean(),
    })
    ordered = (
        raw.with_columns(pl.col("ts").dt.replace_time_zone(TIME_ZONE).dt.convert_time_zone("UTC"))
        .sort(["ts", "_seq"])
        .with_columns(
            pl.format("demo-{}", pl.int_range(1, pl.len() + 1).cast(pl.Utf8).str.zfill(6)).alias("event_id"),
            pl.lit(SOURCE).alias("source"),
            pl.lit(1, pl.Int64()).alias("request_count"),
        )
    )
    event_ids = [""] * len(dated)
    for seq, event_id in zip(ordered["_seq"], ordered["event_id"], strict=True):
        event_ids[seq] = event_id
    events = conform(ordered).with_columns(ordered[PROMPT_COLUMN])
    return events, event_ids


def truth_frame(drafts: Sequence[Draft], event_ids: Sequence[str]) -> pl.DataFrame:
    rows = [
        (event_ids[seq], label.reason.value, label.waste, label.lookalike, label.chain_id, label.chain_position)
        for seq, draft in enumerate(drafts) for label in draft.labels
    ]
    return pl.DataFrame(rows, schema=TRUTH_SCHEMA, orient="row").sort(["event_id", "reason"])


def people_frame(roster: Sequence[Person]) -> pl.DataFrame:
    rows = [(p.identifier, p.team.value, p.role, p.display_name) for p in roster]
    return pl.DataFrame(rows, schema=PEOPLE_SCHEMA, orient="row")
