"""The canonical usage event: one AI request (or one bucket of requests) as every layer sees it."""

from sobria.events.schema import (
    EVENT_COLUMNS,
    IMPACT_COLUMNS,
    OPERATIONS,
    TIERS,
    EventColumn,
    empty_events,
)

__all__ = ["EVENT_COLUMNS", "IMPACT_COLUMNS", "OPERATIONS", "TIERS", "EventColumn", "empty_events"]
