"""Working days: Monday to Friday, French public holidays excluded (the maintained ``holidays`` package).

One definition for the audit's per-working-day figures, the report and the demo's calendar.
Alsace-Moselle's two extra days (Good Friday, 26 December) are not counted: metropolitan France.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

COUNTRY = "FR"


def public_holidays(start: dt.date, end: dt.date) -> tuple[dt.date, ...]:
    """French public holidays in [start, end), sorted."""
    import holidays

    if end <= start:
        return ()
    calendar = holidays.country_holidays(COUNTRY, years=range(start.year, end.year + 1))
    return tuple(sorted(day for day in calendar if start <= day < end))


def working_day_count(start: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days in [start, end) that are not French public holidays."""
    if end <= start:
        return 0
    return int(np.busday_count(start, end, holidays=list(public_holidays(start, end))))


def working_days(start: dt.date, end_inclusive: dt.date) -> tuple[dt.date, ...]:
    """Every working day from ``start`` to ``end_inclusive``, in order."""
    off = set(public_holidays(start, end_inclusive + dt.timedelta(days=1)))
    count = (end_inclusive - start).days + 1
    days = (start + dt.timedelta(days=i) for i in range(max(count, 0)))
    return tuple(day for day in days if day.weekday() < 5 and day not in off)
