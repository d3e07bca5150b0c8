"""Timestamps in sources: ISO 8601 (no zone = UTC) or epoch seconds, read exactly as
``datetime.fromisoformat`` reads them, the usual shapes vectorised."""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl


def parse_timestamp(text: str, *, epoch: bool = False) -> datetime | None:
    """ISO 8601 with or without zone (no zone = UTC), or epoch seconds when ``epoch``; None if invalid."""
    value = text.strip()
    try:
        if epoch and value.replace(".", "", 1).isdigit():
            return datetime.fromtimestamp(float(value), UTC)
        parsed = datetime.fromisoformat(value)
    except (ValueError, OverflowError, OSError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


# ISO 8601 values that datetime.fromisoformat and Polars read alike (when the date exists): years
# 1000-8999 so that no UTC conversion leaves the datetime range, seconds 00-59, 1 to 6 decimals.
_ISO = (r"^([1-8]\d{3}-\d{2}-\d{2})(?:[T ]([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.(\d{1,6}))?)?"
        r"(Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$")


# The most common shape (what Polars and most tools write): read by one strptime, several times faster.
_ISO_ZONED = r"^[1-8]\d{3}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-]([01]\d|2[0-3]):?[0-5]\d)$"


def iso_timestamps(values: pl.Series) -> pl.Series:
    """UTC datetimes for the values of the usual ISO 8601 shapes, null for every other value.

    Gives the same instant as :func:`parse_timestamp` wherever it is not null (no zone = UTC).
    """
    zoned = values.str.contains(_ISO_ZONED).fill_null(False)
    result = pl.select(pl.when(zoned).then(values)).to_series().str.to_datetime(
        "%Y-%m-%dT%H:%M:%S%.f%#z", time_unit="us", time_zone="UTC", strict=False)
    if zoned.all():
        return result.alias(values.name)
    others = pl.select(pl.when(~zoned).then(values)).to_series()
    return result.fill_null(_iso_any(others)).alias(values.name)


def _iso_any(values: pl.Series) -> pl.Series:
    parts = values.str.extract_groups(_ISO).struct.unnest()
    date, hour, minute, second, fraction, zone = (parts.get_column(c) for c in parts.columns)
    offset = zone.str.replace("Z", "+00:00", literal=True).str.replace(r"^([+-]\d{2})(\d{2})$", "${1}:${2}")
    text = pl.select(pl.concat_str([
        date, pl.lit("T"), hour.fill_null("00"), pl.lit(":"), minute.fill_null("00"), pl.lit(":"),
        second.fill_null("00"), pl.lit("."), fraction.fill_null("").str.pad_end(6, "0"),
        offset.fill_null("+00:00")])).to_series()
    return text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.6f%:z", time_unit="us", time_zone="UTC", strict=False,
                                exact=True)
