"""Parsing command-line values ourselves, so that errors are localised and name the option."""

from __future__ import annotations

import math

from sobria.errors import Location, UserInputError


def parse_count(raw: str | None, option: str, default: int = 0) -> int:
    """A non-negative integer; anything else is a user error naming ``option``."""
    if raw is None:
        return default
    text = raw.strip().replace("_", "")
    if not text.isdigit():
        raise UserInputError("cli.bad_count", {"value": raw}, Location(parameter=option))
    return int(text)


def parse_positive(raw: str | None, option: str) -> float | None:
    """A strictly positive finite number (a comma is accepted as decimal separator)."""
    if raw is None:
        return None
    try:
        value = float(raw.strip().replace(",", "."))
    except ValueError:
        raise UserInputError("cli.bad_number", {"value": raw}, Location(parameter=option)) from None
    if not (value > 0 and math.isfinite(value)):
        raise UserInputError("cli.bad_number", {"value": raw}, Location(parameter=option))
    return value
