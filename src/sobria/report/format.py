"""Formatting figures for people: locale-aware numbers, percentages, dates and auto-scaled units.

Core-free (Babel only), so that the CLI and the report format figures the same way.
"""

from __future__ import annotations

import datetime as dt
import math

from babel.dates import format_date
from babel.numbers import format_decimal

from sobria.ranges import Range

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
Scales = dict[str, tuple[tuple[float, str, float], ...]]
SCALES: Scales = {
    "kwh": ((1.0, "kWh", 1.0), (1e-3, "Wh", 1e3), (0.0, "mWh", 1e6)),
    "kgco2e": ((1.0, "kgCO2e", 1.0), (1e-3, "gCO2e", 1e3), (0.0, "mgCO2e", 1e6)),
    "l": ((1.0, "L", 1.0), (0.0, "mL", 1e3)),
    "kgsbeq": ((1e-3, "kgSbeq", 1.0), (1e-6, "gSbeq", 1e3), (1e-9, "mgSbeq", 1e6), (0.0, "µgSbeq", 1e9)),
    "mj": ((1.0, "MJ", 1.0), (0.0, "kJ", 1e3)),
}
# An organisation's totals: the same units, plus the larger ones (tonnes, MWh, m³, GJ).
WIDE_SCALES: Scales = {
    "kwh": ((1000.0, "MWh", 1e-3), *SCALES["kwh"]),
    "kgco2e": ((1000.0, "tCO2e", 1e-3), *SCALES["kgco2e"]),
    "l": ((1000.0, "m³", 1e-3), *SCALES["l"]),
    "kgsbeq": SCALES["kgsbeq"],
    "mj": ((1000.0, "GJ", 1e-3), *SCALES["mj"]),
}


def number(value: float, lang: str, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, formatted for the language."""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=LOCALES[lang]))


def unit_for(central: float, unit: str, scales: Scales = SCALES) -> tuple[str, float]:
    """The display unit and multiplier for a value of ``central`` base units."""
    for threshold, label, factor in scales[unit]:
        if central >= threshold:
            return label, factor
    raise ValueError(unit)


def quantity(r: Range, unit: str, lang: str, scales: Scales = SCALES) -> str:
    """'0,59 – 1,06 Wh' with the unit chosen from the central value."""
    label, factor = unit_for(r.central, unit, scales)
    lo, hi = number(r.min * factor, lang), number(r.max * factor, lang)
    return f"{lo} {label}" if lo == hi else f"{lo} – {hi} {label}"


def central(r: Range, unit: str, lang: str, scales: Scales = SCALES) -> str:
    """The central value with the unit chosen from it: '0,83 Wh'."""
    label, factor = unit_for(r.central, unit, scales)
    return f"{number(r.central * factor, lang)} {label}"


def percent(share: float, lang: str, decimals: int = 0) -> str:
    """A share (0–1) as a percentage: '73 %' in French, '73%' in English."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    value = str(format_decimal(round(share * 100, decimals) + 0.0, format=pattern, locale=LOCALES[lang]))
    return f"{value}\u00a0%" if lang == "fr" else f"{value}%"


def signed_percent(share: float, lang: str) -> str:
    """A change as a signed percentage: '−35 %', '+12 %'."""
    text = percent(abs(share), lang)
    return text if text.startswith("0") else ("+" if share > 0 else "\u2212") + text


def integer(value: float, lang: str) -> str:
    """A whole number with the language's grouping: '12 345' / '12,345'."""
    return str(format_decimal(round(value), format="#,##0", locale=LOCALES[lang]))


def long_date(day: dt.date, lang: str) -> str:
    """'1er avril 2025', '17 mars 2025' / '1 April 2025' (French writes the first of the month 1er)."""
    text = str(format_date(day, "long", locale=LOCALES[lang]))
    return "1er" + text[1:] if lang == "fr" and day.day == 1 and text.startswith("1 ") else text


def month_label(month: str, lang: str) -> str:
    """'2025-02' as 'févr. 2025' / 'Feb 2025'; anything else unchanged."""
    try:
        day = dt.date.fromisoformat(f"{month}-01")
    except ValueError:
        return month
    return str(format_date(day, "MMM y", locale=LOCALES[lang]))
