"""Validation of canonical rows, vectorised: every bad row reported with file, line and field."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

import polars as pl

from sobria.events.schema import OPERATIONS, TIERS
from sobria.impact.terms import pixel_factor
from sobria.ingest.limits import EventLimits
from sobria.ingest.parsed import DERIVED_ID, RowError

COUNTS = ("input_tokens", "output_tokens", "cached_input_tokens", "reasoning_tokens", "images")


def _checks(frame: pl.DataFrame, known_teams: Collection[str]) -> list[tuple[str, str, pl.Expr]]:
    """(field, message key, expression true on bad rows)."""
    checks: list[tuple[str, str, pl.Expr]] = [
        ("ts", "pipeline.missing_value", pl.col("ts").is_null()),
        ("model", "pipeline.missing_value", pl.col("model").is_null() | (pl.col("model").str.strip_chars() == "")),
        ("operation", "pipeline.bad_operation", ~pl.col("operation").is_in(OPERATIONS).fill_null(False)),
        ("tier", "pipeline.bad_tier", ~pl.col("tier").is_in(TIERS).fill_null(False)),
        ("request_count", "pipeline.bad_request_count", pl.col("request_count").fill_null(0) < 1),
        ("latency_ms", "pipeline.bad_latency", (pl.col("latency_ms") <= 0) | ~pl.col("latency_ms").is_finite()),
        ("cost_eur", "pipeline.not_finite", ~pl.col("cost_eur").is_finite()),
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


class SeenIds:
    """The event ids of a batch's earlier chunks, with the file and line where each first appeared.

    Ids are compared by a 64-bit hash first (vectorised); the rare hits are confirmed on the ids.
    """

    def __init__(self) -> None:
        self._hashes = pl.Series("h", [], dtype=pl.UInt64())
        self._chunks: list[tuple[str, pl.DataFrame]] = []  # (file, first occurrences: event_id, _line)

    def earlier(self, ids: pl.Series) -> dict[str, tuple[str, int]]:
        """The ids an earlier chunk had, with the file and line of their first occurrence."""
        maybe = ids.filter(ids.hash(_SEED).is_in(self._hashes.implode()))
        if maybe.len() == 0:
            return {}
        found: dict[str, tuple[str, int]] = {}
        for file, chunk in self._chunks:
            for event_id, line in chunk.filter(pl.col("event_id").is_in(maybe.implode())).iter_rows():
                found.setdefault(event_id, (file, line))
        return found

    def add(self, file: str, first: pl.DataFrame) -> None:
        """Remember a chunk's first occurrences (columns ``event_id`` and ``_line``) in ``file``."""
        self._hashes = pl.concat([self._hashes, first["event_id"].hash(_SEED).alias("h")])
        self._chunks.append((file, first))


_SEED = 20250101


def _duplicate(file: str, line: int, event_id: str, first_line: int, first_file: str, *, derived: bool) -> RowError:
    """A repeated id; when the file gives no id, two identical rows (no ``event_id`` to name)."""
    if derived:
        return RowError(file, line, None, "pipeline.identical_row", {"first_line": first_line, "line": line,
                                                                      "first_file": first_file})
    return RowError(file, line, "event_id", "pipeline.duplicate_row",
                    {"value": event_id, "first_line": first_line, "first_file": first_file})


def _unique(errors: list[RowError]) -> list[RowError]:
    """One error per row, field and reason: rows made from one source row (a survey answer's chat and
    image rows) share its line, and their common problem is that line's, once."""
    seen: set[tuple[object, ...]] = set()
    kept: list[RowError] = []
    for error in errors:
        key = (error.file, error.line, error.field, error.key, repr(sorted(error.params.items(), key=str)))
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


def validate(frame: pl.DataFrame, known_teams: Collection[str], seen: SeenIds | None = None,
             limits: EventLimits | None = None, now: datetime | None = None) -> tuple[pl.DataFrame, list[RowError]]:
    """Split canonical rows (with ``_file`` and ``_line``) into valid rows and errors.

    ``seen``: the ids of the batch's earlier chunks (a repeat of one is a duplicate row); the
    chunk's first occurrences are added to it. ``limits``: the plausible bounds of one event
    (default :class:`EventLimits`), the latest timestamp relative to ``now`` (default: the clock).
    """
    errors: list[RowError] = []
    bounds = (limits or EventLimits()).checks(now or datetime.now(UTC))
    checks = [(field, key, expr, None) for field, key, expr in _checks(frame, known_teams)] + bounds
    flags = frame.select(expr.fill_null(False).alias(f"_check{i}") for i, (_, _, expr, _) in enumerate(checks))
    bad = flags.select(pl.any_horizontal(pl.all()) if checks else pl.repeat(False, frame.height)).to_series()
    for (field, key, _, limit), flagged in zip(checks, flags.iter_columns() if bad.any() else (), strict=False):
        rows = flagged.arg_true()  # only when a row failed a check: a clean batch skips the loop
        if rows.len() == 0:
            continue
        for row in frame.select("_file", "_line", field)[rows].iter_rows():
            params = {"value": row[2]} if limit is None else {"value": row[2], "limit": limit}
            errors.append(RowError(row[0], row[1], field, key, params))
    dup = _duplicates(frame, seen, errors)
    rejected = bad | dup
    valid = frame.filter(~rejected) if rejected.any() else frame
    errors.sort(key=lambda e: (e.file, e.line, e.field or ""))
    return valid, _unique(errors)


def _duplicates(frame: pl.DataFrame, seen: SeenIds | None, errors: list[RowError]) -> pl.Series:
    """Rows whose id came earlier in the batch (its first occurrence is kept), with their errors."""
    before = seen.earlier(frame["event_id"]) if seen is not None else {}
    earlier = frame["event_id"].is_in(list(before)) if before else pl.repeat(False, frame.height, eager=True)
    derived = pl.col(DERIVED_ID) if DERIVED_ID in frame.columns else pl.lit(False)
    for row in frame.filter(earlier).select("_file", "_line", "event_id", derived.alias("_d")).iter_rows():
        where_file, where_line = before[row[2]]
        errors.append(_duplicate(row[0], row[1], row[2], where_line, where_file, derived=bool(row[3])))
    dup = pl.repeat(False, frame.height, eager=True)
    if frame["event_id"].is_duplicated().any():
        dup = frame.select(pl.col("event_id").is_duplicated()
                           & (pl.int_range(pl.len()).over("event_id") > 0)).to_series() & ~earlier
        first_line = pl.col("_line").first().over("event_id")
        first_file = pl.col("_file").first().over("event_id")
        dups = frame.with_columns(first_line.alias("_first"), first_file.alias("_first_file")).filter(dup)
        for row in dups.select("_file", "_line", "_first", "_first_file", "event_id", derived.alias("_d")).iter_rows():
            errors.append(_duplicate(row[0], row[1], row[4], row[2], row[3], derived=bool(row[5])))
    repeated = dup | earlier
    if seen is not None:
        new = frame.filter(~repeated).select("_file", "event_id", "_line")
        for (file,), part in new.group_by("_file", maintain_order=True):
            seen.add(str(file), part.drop("_file"))
    return repeated
