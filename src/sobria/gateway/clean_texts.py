"""Texts the charter's scan found no personal data in, remembered by digest.

A chat client re-sends every earlier message of its thread with each request, and the gateway
scans every text it forwards before anything leaves (the hot path): a ten-turn thread was
scanned ten times over. The gateway remembers the 16-byte BLAKE2b digest of each text its scanner
found nothing in (bounded, oldest forgotten first; no text, no finding kept), and skips the scan
of a text whose digest it holds: the scan is a pure function of the text and of the scanner (its
client list), so the result is the same. A text with findings is scanned each time (its findings
are not kept: they hold part of the data). A new scanner starts an empty memory.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field

from sobria.policy.pii.findings import Finding
from sobria.policy.pii.scanner import Scanner

MAX_ENTRIES = 100_000   # digests kept (16 bytes each, about 10 MB with the dictionary's own cost)


@dataclass
class CleanTexts:
    max_entries: int = MAX_ENTRIES
    _scanner: Scanner | None = None
    _clean: OrderedDict[bytes, None] = field(default_factory=OrderedDict)

    def scan(self, scanner: Scanner, text: str) -> list[Finding]:
        """``scanner.scan(text)``, skipped for a text already found clean by this scanner."""
        if scanner is not self._scanner:
            self._scanner = scanner
            self._clean.clear()
        digest = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest()
        if digest in self._clean:
            self._clean.move_to_end(digest)
            return []
        found = scanner.scan(text)
        if not found:
            self._clean[digest] = None
            if len(self._clean) > self.max_entries:
                self._clean.popitem(last=False)
        return found

    def __len__(self) -> int:
        return len(self._clean)
