"""Formatting figures for people: locale-aware numbers and auto-scaled units."""

from __future__ import annotations

import math

from babel.numbers import format_decimal

from sobria.ranges import Range

LOCALES = {"fr": "fr_FR", "en": "en_GB"}
SCALES = {
    "kwh": ((1.0, "kWh", 1.0), (1e-3, "Wh", 1e3), (0.0, "mWh", 1e6)),
    "kgco2e": ((1.0, "kgCO2e", 1.0), (1e-3, "gCO2e", 1e3), (0.0, "mgCO2e", 1e6)),
    "l": ((1.0, "L", 1.0), (0.0, "mL", 1e3)),
    "kgsbeq": ((1e-3, "kgSbeq", 1.0), (1e-6, "gSbeq", 1e3), (1e-9, "mgSbeq", 1e6), (0.0, "µgSbeq", 1e9)),
    "mj": ((1.0, "MJ", 1.0), (0.0, "kJ", 1e3)),
}


def number(value: float, lang: str, digits: int = 3) -> str:
    """A number with ``digits`` significant digits, formatted for the language."""
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    pattern = "#,##0" + ("." + "#" * decimals if decimals else "")
    return str(format_decimal(value, format=pattern, locale=LOCALES[lang]))


def quantity(r: Range, unit: str, lang: str) -> str:
    """'0,59 – 1,06 Wh' with the unit chosen from the central value."""
    for threshold, label, factor in SCALES[unit]:
        if r.central >= threshold:
            lo, hi = number(r.min * factor, lang), number(r.max * factor, lang)
            return f"{lo} {label}" if lo == hi else f"{lo} – {hi} {label}"
    raise ValueError(unit)
