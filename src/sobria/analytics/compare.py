"""Comparing two audit JSON documents: equal keys, strings, integers and list orders; floats equal
to a relative 1e-12 (a sum's last bits depend on the order of its terms: the partitioned audit adds
per-month and per-person-range partial sums, the in-memory one sums a column at once)."""

from __future__ import annotations

import math

REL_TOL = 1e-12


def differences(a: object, b: object, path: str = "$") -> list[str]:
    """Where ``a`` and ``b`` differ (empty when equal in the sense above)."""
    if isinstance(a, float) and isinstance(b, float):
        return [] if math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-300) else [f"{path}: {a!r} != {b!r}"]
    if type(a) is not type(b):
        return [f"{path}: {a!r} != {b!r}"]
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return [f"{path}: keys {list(a)} != {list(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{path}.{k}")]
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b, strict=True)) for d in differences(x, y, f"{path}[{i}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]
