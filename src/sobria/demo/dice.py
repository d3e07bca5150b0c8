"""Seeded random draws for the demo company: one numpy ``Generator``, small named helpers.

Scalar draws go through ``Generator.random`` and ``Generator.lognormal`` only (both cheap), so the
whole timeline is generated in well under a second per month and is identical for one seed.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

T = TypeVar("T")


@dataclass(frozen=True)
class Weighted(Generic[T]):
    """Items with relative weights, prepared once for fast repeated draws."""

    items: tuple[T, ...]
    cumulative: tuple[float, ...]

    @classmethod
    def of(cls, pairs: Sequence[tuple[T, float]]) -> Weighted[T]:
        weights = [w for _, w in pairs]
        if not pairs or min(weights) < 0 or sum(weights) <= 0:
            raise ValueError(f"weights must be non-negative with a positive sum: {weights}")
        total = sum(weights)
        cumulative = tuple(c / total for c in itertools.accumulate(weights))
        return cls(items=tuple(i for i, _ in pairs), cumulative=cumulative)


class Dice:
    """The demo's only source of randomness (a seeded numpy ``Generator``)."""

    def __init__(self, seed: int) -> None:
        self._rng = np.random.default_rng(seed)

    def uniform(self, low: float = 0.0, high: float = 1.0) -> float:
        return low + (high - low) * float(self._rng.random())

    def chance(self, probability: float) -> bool:
        return float(self._rng.random()) < probability

    def integer(self, low: int, high: int) -> int:
        """An integer in ``[low, high]`` (both included)."""
        return low + min(high - low, int(float(self._rng.random()) * (high - low + 1)))

    def pick(self, items: Sequence[T]) -> T:
        return items[min(len(items) - 1, int(float(self._rng.random()) * len(items)))]

    def weighted(self, table: Weighted[T]) -> T:
        index = bisect.bisect_right(table.cumulative, float(self._rng.random()))
        return table.items[min(index, len(table.items) - 1)]

    def lognormal_int(self, median: float, sigma: float, low: int, high: int) -> int:
        """A log-normal integer with the given median, clipped to ``[low, high]``."""
        value = float(self._rng.lognormal(math.log(median), sigma))
        return max(low, min(high, round(value)))

    def normal(self, mean: float, sd: float) -> float:
        return float(self._rng.normal(mean, sd))

    def geometric(self, success: float, low: int, high: int) -> int:
        """Number of trials until the first success, clipped to ``[low, high]``."""
        return max(low, min(high, int(self._rng.geometric(success))))

    def shuffled(self, items: Sequence[T]) -> list[T]:
        order = self._rng.permutation(len(items))
        return [items[int(i)] for i in order]
