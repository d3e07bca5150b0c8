"""The audited period: dates given by a person, or the span of the data."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sobria.audit.workdays import working_day_count
from sobria.errors import Location, UserInputError

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC dates."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def working_days(self) -> int:
        """Monday to Friday, French public holidays excluded (:mod:`sobria.audit.workdays`)."""
        return working_day_count(self.start, self.end)

    def start_us(self) -> int:
        return _us(self.start)

    def end_us(self) -> int:
        return _us(self.end)


def _us(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1_000_000)


def parse_day(raw: str | None, option: str) -> dt.date | None:
    if raw is None:
        return None
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise UserInputError("audit.bad_date", {"value": raw}, Location(parameter=option)) from None


def resolve_period(start: dt.date | None, end_inclusive: dt.date | None,
                   data_first: dt.date | None, data_last: dt.date | None) -> Period | None:
    """The period to audit: the given bounds, else the data's first and last days."""
    first = start or data_first
    last = end_inclusive or data_last
    if first is None or last is None:
        return None
    if last < first:
        raise UserInputError("audit.empty_period", {"start": str(first), "end": str(last)},
                             Location(parameter="--to"))
    return Period(first, last + dt.timedelta(days=1))
