"""Formatting figures for French and English readers."""

from __future__ import annotations

import datetime as dt

from sobria.cli import render
from sobria.ranges import Range
from sobria.report import format as fmt


def test_cli_render_reexports_the_same_functions() -> None:
    assert render.number is fmt.number
    assert render.quantity is fmt.quantity


def test_percentages() -> None:
    assert fmt.percent(0.734, "fr") == "73\u00a0%"
    assert fmt.percent(0.734, "en") == "73%"
    assert fmt.percent(0.7345, "fr", 1) == "73,5\u00a0%"
    assert fmt.signed_percent(-0.35, "fr") == "\u221235\u00a0%"
    assert fmt.signed_percent(0.12, "en") == "+12%"
    assert fmt.signed_percent(0.001, "en") == "0%"


def test_wide_units_for_an_organisation() -> None:
    assert fmt.quantity(Range(1200, 3400), "kgco2e", "fr", fmt.WIDE_SCALES) == "1,2 – 3,4 tCO2e"
    assert fmt.quantity(Range(1200, 3400), "kgco2e", "en") == "1,200 – 3,400 kgCO2e"
    assert fmt.central(Range(0.5, 1.1), "kgco2e", "fr", fmt.WIDE_SCALES) == "800 gCO2e"


def test_dates_and_months() -> None:
    assert fmt.long_date(dt.date(2025, 2, 1), "fr") == "1er février 2025"      # the first of the month: 1er
    assert fmt.long_date(dt.date(2025, 2, 11), "fr") == "11 février 2025"
    assert fmt.long_date(dt.date(2025, 2, 1), "en") == "1 February 2025"
    assert fmt.month_label("2025-02", "en") == "Feb 2025"
    assert fmt.month_label("—", "fr") == "—"
    assert fmt.integer(12345, "fr") == "12\u202f345"
