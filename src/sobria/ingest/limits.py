"""What one usage event can plausibly be: bounds checked on every imported row, whatever its source.

A value past a bound is a row error with its file, line and field (``--skip-invalid`` sends the
row to the reject file), never a figure that breaks every later audit: a timestamp in year 9999
overflows date arithmetic, 10^18 tokens make a terawatt-hour "estimate". The defaults are
documented in docs/events.md and each is a setting (``SOBRIA_MAX_…``, docs/settings.md):
:meth:`EventLimits.from_settings` builds them from the one settings object at the edge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

import polars as pl

if TYPE_CHECKING:
    from sobria.settings import Settings

EARLIEST = datetime(2015, 1, 1, tzinfo=UTC)  # before any generative-AI API an export could describe


@dataclass(frozen=True)
class EventLimits:
    """Upper bounds per request (an aggregated row of n requests may hold n times as much)."""

    earliest: datetime = EARLIEST
    ahead: timedelta = timedelta(days=1)        # clocks drift; a day ahead of now is the latest accepted
    tokens_per_request: int = 10_000_000        # the largest context windows (2025) are 1-10 M tokens
    images_per_request: int = 100
    latency_ms: float = 3_600_000.0             # one hour: longer is a stuck request, not a latency
    cost_eur_per_request: float = 1_000.0
    requests_per_event: int = 1_000_000_000     # one bucket (a day of an organisation's API usage)

    @classmethod
    def from_settings(cls, settings: Settings) -> EventLimits:
        """The bounds the settings give (``SOBRIA_EARLIEST_TS``, ``SOBRIA_MAX_TOKENS_PER_REQUEST``...)."""
        return cls(earliest=datetime.combine(settings.earliest_ts, time(), UTC),
                   ahead=timedelta(hours=settings.ahead_hours),
                   tokens_per_request=settings.max_tokens_per_request,
                   images_per_request=settings.max_images_per_request,
                   latency_ms=settings.max_latency_ms,
                   cost_eur_per_request=settings.max_cost_eur_per_request,
                   requests_per_event=settings.max_requests_per_event)

    def checks(self, now: datetime) -> list[tuple[str, str, pl.Expr, object]]:
        """(field, message key, expression true on rows past the bound, the bound as shown)."""
        latest = now + self.ahead
        requests = pl.col("request_count").fill_null(1).clip(lower_bound=1).cast(pl.Float64)
        found: list[tuple[str, str, pl.Expr, object]] = [
            ("ts", "pipeline.ts_too_early", pl.col("ts") < self.earliest, self.earliest.date().isoformat()),
            ("ts", "pipeline.ts_too_late", pl.col("ts") > latest, latest.isoformat(timespec="seconds")),
            ("request_count", "pipeline.above_limit", pl.col("request_count") > self.requests_per_event,
             self.requests_per_event),
            ("latency_ms", "pipeline.above_limit", pl.col("latency_ms") > self.latency_ms, self.latency_ms),
            ("cost_eur", "pipeline.above_limit_per_request",
             pl.col("cost_eur").cast(pl.Float64) > requests * self.cost_eur_per_request, self.cost_eur_per_request),
            ("images", "pipeline.above_limit_per_request",
             pl.col("images").cast(pl.Float64) > requests * self.images_per_request, self.images_per_request),
        ]
        found += [(c, "pipeline.above_limit_per_request",
                   pl.col(c).cast(pl.Float64) > requests * self.tokens_per_request, self.tokens_per_request)
                  for c in ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens")]
        return found
