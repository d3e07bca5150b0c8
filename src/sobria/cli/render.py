"""Formatting figures for people: re-exported from ``sobria.report.format`` (one implementation)."""

from __future__ import annotations

from sobria.report.format import LOCALES, SCALES, number, quantity

__all__ = ["LOCALES", "SCALES", "number", "quantity"]
