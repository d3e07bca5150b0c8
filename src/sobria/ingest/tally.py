"""What an import counts while its chunks go by: rows, errors, period, people, teams, tiers."""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polars as pl

from sobria.ingest.parsed import RowError
from sobria.ingest.validate import SeenIds

UNKNOWN_STATUSES = ("model-guessed", "model-not-in-catalog")


@dataclass
class BatchTally:
    rows_read: int = 0
    valid_rows: int = 0
    parse_errors: list[RowError] = dataclasses.field(default_factory=list)
    check_errors: list[RowError] = dataclasses.field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None
    persons: set[str] = dataclasses.field(default_factory=set)
    teams: set[str] = dataclasses.field(default_factory=set)
    tiers: Counter[str] = dataclasses.field(default_factory=Counter)
    unknown_models: Counter[str] = dataclasses.field(default_factory=Counter)
    seen: SeenIds = dataclasses.field(default_factory=SeenIds)
    reject_file: Path | None = None

    @property
    def has_errors(self) -> bool:
        return bool(self.parse_errors or self.check_errors)

    def errors(self) -> list[RowError]:
        """Reading errors in file order, then the checks' errors by file, line and field."""
        return [*self.parse_errors, *sorted(self.check_errors, key=lambda e: (e.file, e.line, e.field or ""))]

    def count_valid(self, valid: pl.DataFrame) -> None:
        """Count a chunk's valid rows (persons already pseudonymised)."""
        if valid.height == 0:
            return
        self.valid_rows += valid.height
        low, high = valid["ts"].min(), valid["ts"].max()
        assert isinstance(low, datetime) and isinstance(high, datetime), "valid rows have a timestamp"
        self.first = low if self.first is None else min(self.first, low)
        self.last = high if self.last is None else max(self.last, high)
        self.persons.update(valid["person"].drop_nulls().unique().to_list())
        self.teams.update(t for t in valid["team"].unique().to_list() if t)
        self.tiers.update(dict(valid.group_by("tier").len().iter_rows()))

    def count_impacts(self, chunk: pl.DataFrame) -> None:
        """Count the chunk's models the catalogue does not hold (guessed or unknown)."""
        unknown = chunk.filter(pl.col("impact_status").is_in(UNKNOWN_STATUSES))
        self.unknown_models.update(dict(unknown.group_by("model").len().iter_rows()))
