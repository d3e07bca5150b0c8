"""Headline figures of a generated demo: volume per month and the charter's effect."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from sobria.demo.generate import DemoData
from sobria.demo.tasks import HEAVY_MODELS
from sobria.demo.timeline import CHARTER, TIME_ZONE


@dataclass(frozen=True)
class Period:
    events: int
    waste_events: int
    heavy_chat_events: int
    chat_events: int
    images: int
    unused_images: int

    @property
    def waste_share(self) -> float:
        return self.waste_events / self.events if self.events else 0.0

    @property
    def heavy_share(self) -> float:
        return self.heavy_chat_events / self.chat_events if self.chat_events else 0.0


@dataclass(frozen=True)
class DemoSummary:
    events_per_month: dict[str, int]     # "2025-01" -> events
    before: Period                       # before the charter (17 March 2025, local time)
    after: Period


def _period(events: pl.DataFrame, waste_ids: pl.Series) -> Period:
    chat = events.filter(pl.col("operation") == "chat")
    images = events.filter(pl.col("operation") == "image")
    return Period(
        events=events.height,
        waste_events=int(events["event_id"].is_in(waste_ids.implode()).sum()),
        heavy_chat_events=int(chat["model"].is_in(list(HEAVY_MODELS)).sum()),
        chat_events=chat.height,
        images=images.height,
        unused_images=int((~images["image_used"]).sum()),
    )


def summarise(data: DemoData) -> DemoSummary:
    local_day = pl.col("ts").dt.convert_time_zone(TIME_ZONE).dt.date()
    events = data.events.with_columns(local_day.alias("_day"))
    months = (
        events.group_by(pl.col("_day").dt.strftime("%Y-%m").alias("month")).len().sort("month")
    )
    waste_ids = data.truth.filter(pl.col("waste"))["event_id"].unique()
    return DemoSummary(
        events_per_month=dict(zip(months["month"].to_list(), months["len"].to_list(), strict=True)),
        before=_period(events.filter(pl.col("_day") < CHARTER), waste_ids),
        after=_period(events.filter(pl.col("_day") >= CHARTER), waste_ids),
    )
