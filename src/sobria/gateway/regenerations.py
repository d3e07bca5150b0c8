"""Counting regenerations: the same request text sent again by the same key within an hour."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

WINDOW_S = 3600.0
MAX_ENTRIES = 100_000


@dataclass
class RegenerationCounter:
    """How many times a (key, text) pair was already seen recently (in this process)."""

    window_s: float = WINDOW_S
    max_entries: int = MAX_ENTRIES
    _seen: OrderedDict[bytes, tuple[float, int]] = field(default_factory=OrderedDict)

    def count(self, key_id: str, text: str, now: float) -> int:
        """0 for a first request, n for its n-th regeneration; records this one."""
        digest = hashlib.blake2b(f"{key_id}\x00{text}".encode(), digest_size=16).digest()
        previous = self._seen.pop(digest, None)
        count = previous[1] + 1 if previous is not None and now - previous[0] <= self.window_s else 0
        self._seen[digest] = (now, count)
        while len(self._seen) > self.max_entries:
            self._seen.popitem(last=False)
        return count
