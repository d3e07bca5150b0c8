"""Uncertainty as a type: a closed interval with a central value."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Range:
    """A min–max interval. ``central`` is the explicit central value ``mid`` when the data gives
    one (a measurement inside a wide envelope), otherwise the midpoint, as EcoLogits reports it."""

    min: float
    max: float
    mid: float | None = None

    def __post_init__(self) -> None:
        if math.isnan(self.min) or math.isnan(self.max) or self.min > self.max:
            raise ValueError(f"invalid range [{self.min}, {self.max}]")
        if self.mid is not None and not (self.min <= self.mid <= self.max):
            raise ValueError(f"central {self.mid} outside [{self.min}, {self.max}]")

    @classmethod
    def point(cls, value: float) -> Range:
        return cls(value, value)

    @classmethod
    def parse(cls, raw: Any) -> Range:
        """A number or a ``{"min": …, "max": …}`` mapping (the EcoLogits JSON convention)."""
        if isinstance(raw, dict):
            return cls(float(raw["min"]), float(raw["max"]))
        return cls.point(float(raw))

    @property
    def central(self) -> float:
        return self.mid if self.mid is not None else (self.min + self.max) / 2

    def scale(self, factor: float) -> Range:
        mid = None if self.mid is None else self.mid * factor
        return Range(self.min * factor, self.max * factor, mid)

    def as_dict(self) -> dict[str, float]:
        return {"min": self.min, "max": self.max}
