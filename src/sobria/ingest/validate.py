"""Validation of canonical rows, vectorised: every bad row reported with file, line and field."""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from sobria.events.schema import OPERATIONS, TIERS
from sobria.impact.terms import pixel_factor
from sobria.ingest.parsed import RowError

COUNTS = ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "images")


def _checks(frame: pl.DataFrame, known_teams: Collection[str]) -> list[tuple[str, str, pl.Expr]]:
    """(field, message key, expression true on bad rows)."""
    checks: list[tuple[str, str, pl.Expr]] = [
        ("ts", "pipeline.missing_value", pl.col("ts").is_null()),
        ("model", "pipeline.missing_value", pl.col("model").is_null() | (pl.col("model").str.strip_chars() == "")),
        ("operation", "pipeline.bad_operation", ~pl.col("operation").is_in(OPERATIONS).fill_null(False)),
        ("tier", "pipeline.bad_tier", ~pl.col("tier").is_in(TIERS).fill_null(False)),
        ("request_count", "pipeline.bad_request_count", pl.col("request_count").fill_null(0) < 1),
        ("latency_ms", "pipeline.bad_latency", pl.col("latency_ms") <= 0),
        ("cached_input_tokens", "pipeline.cached_over_input",
         pl.col("cached_input_tokens").fill_null(0) > pl.col("input_tokens").fill_null(0)),
    ]
    checks += [(c, "pipeline.negative", pl.col(c) < 0) for c in COUNTS]
    sizes = [s for s in frame["image_size"].unique().to_list() if s is not None and pixel_factor(s) is None]
    if sizes:
        checks.append(("image_size", "pipeline.bad_image_size", pl.col("image_size").is_in(sizes)))
    if known_teams:
        checks.append(("team", "pipeline.unknown_team", pl.col("team").is_not_null()
                       & ~pl.col("team").is_in(list(known_teams))))
    return checks


def validate(frame: pl.DataFrame, known_teams: Collection[str]) -> tuple[pl.DataFrame, list[RowError]]:
    """Split canonical rows (with ``_file`` and ``_line``) into valid rows and errors."""
    errors: list[RowError] = []
    checks = _checks(frame, known_teams)
    flags = frame.select(expr.fill_null(False).alias(f"_check{i}") for i, (_, _, expr) in enumerate(checks))
    for (field, key, _), flagged in zip(checks, flags.iter_columns(), strict=True):
        rows = flagged.arg_true()
        for row in frame.select("_file", "_line", field)[rows].iter_rows():
            errors.append(RowError(row[0], row[1], field, key, {"value": row[2]}))
    bad = flags.select(pl.any_horizontal(pl.all()) if checks else pl.repeat(False, frame.height)).to_series()
    dup = pl.Series([False] * frame.height, dtype=pl.Boolean())
    if frame["event_id"].is_duplicated().any():
        dup = frame.select(pl.col("event_id").is_duplicated()
                           & (pl.int_range(pl.len()).over("event_id") > 0)).to_series()
        first_line = pl.col("_line").first().over("event_id")
        first_file = pl.col("_file").first().over("event_id")
        dups = frame.with_columns(first_line.alias("_first"), first_file.alias("_first_file")).filter(dup)
        for row in dups.select("_file", "_line", "_first", "_first_file", "event_id").iter_rows():
            errors.append(RowError(row[0], row[1], "event_id", "pipeline.duplicate_row",
                                   {"value": row[4], "first_line": row[2], "first_file": row[3]}))
    valid = frame.filter(~(bad | dup))
    errors.sort(key=lambda e: (e.file, e.line, e.field or ""))
    return valid, errors
