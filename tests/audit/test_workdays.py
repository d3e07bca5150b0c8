"""Working days exclude French public holidays (the ``holidays`` package), in the audit and the demo."""

from __future__ import annotations

import datetime as dt

from sobria.audit.period import Period
from sobria.audit.workdays import public_holidays, working_day_count, working_days
from sobria.demo.timeline import working_days as demo_working_days


def test_french_public_holidays_of_2025() -> None:
    assert public_holidays(dt.date(2025, 1, 1), dt.date(2026, 1, 1)) == tuple(dt.date(2025, m, d) for m, d in (
        (1, 1), (4, 21), (5, 1), (5, 8), (5, 29), (6, 9), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)))
    assert public_holidays(dt.date(2025, 5, 2), dt.date(2025, 5, 8)) == ()


def test_the_demo_period_has_145_working_days_not_151() -> None:
    period = Period(dt.date(2025, 1, 2), dt.date(2025, 8, 1))
    assert (period.days, period.working_days) == (211, 145)
    assert working_day_count(dt.date(2025, 5, 1), dt.date(2025, 5, 1)) == 0
    assert working_day_count(dt.date(2025, 5, 5), dt.date(2025, 5, 12)) == 4    # 8 May is a Thursday
    assert working_days(dt.date(2025, 12, 24), dt.date(2026, 1, 2)) == (
        dt.date(2025, 12, 24), dt.date(2025, 12, 26), dt.date(2025, 12, 29), dt.date(2025, 12, 30),
        dt.date(2025, 12, 31), dt.date(2026, 1, 2))
    assert len(demo_working_days()) == period.working_days
