"""The scanner: every detector behind one ``scan(text) -> list[Finding]``.

Build a :class:`Scanner` once (from the options and the client list) and call :meth:`Scanner.scan`
as often as needed: it is pure (no I/O, no state kept between calls) and safe to share.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from types import MappingProxyType

from sobria.policy.pii.candidates import CANDIDATE_KINDS, find_identifiers
from sobria.policy.pii.email import find_emails
from sobria.policy.pii.findings import Finding, PiiKind, mask_value
from sobria.policy.pii.identifier_view import identifier_view, original_span
from sobria.policy.pii.names import NameIndex

ALL_KINDS = frozenset(PiiKind)
# When two findings overlap the longer one wins; on equal length, the earlier kind in this order.
_PRIORITY = MappingProxyType({kind: rank for rank, kind in enumerate(
    (PiiKind.EMAIL, PiiKind.IBAN, PiiKind.VAT, PiiKind.NIR, PiiKind.SIRET, PiiKind.CARD,
     PiiKind.PHONE, PiiKind.SIREN, PiiKind.CLIENT_NAME))})


@dataclass(frozen=True)
class ScanOptions:
    """What to look for. ``fuzzy_min_length``: name words this long or longer tolerate one typo."""

    kinds: frozenset[PiiKind] = ALL_KINDS
    fuzzy_min_length: int = 6


@dataclass(frozen=True)
class Scanner:
    """Finds personal data in text. Cheap to build; :meth:`scan` is pure and thread-safe."""

    options: ScanOptions = field(default_factory=ScanOptions)
    names: NameIndex | None = None

    @classmethod
    def build(cls, client_names: Iterable[str] = (), options: ScanOptions | None = None) -> Scanner:
        opts = options or ScanOptions()
        wanted = PiiKind.CLIENT_NAME in opts.kinds
        index = NameIndex.build(client_names, opts.fuzzy_min_length) if wanted else None
        return cls(options=opts, names=index if index is not None and index.clients else None)

    def scan(self, text: str) -> list[Finding]:
        """Every finding in ``text``, in order, none overlapping another."""
        kinds = self.options.kinds
        spans: list[tuple[int, int, PiiKind]] = []
        if PiiKind.EMAIL in kinds and "@" in text:
            spans.extend((s, e, PiiKind.EMAIL) for s, e in find_emails(text))
        if not CANDIDATE_KINDS.isdisjoint(kinds):
            view, positions = identifier_view(text)
            spans.extend((*original_span(s, e, positions), k) for s, e, k in find_identifiers(view, kinds))
        if self.names is not None:
            spans.extend((s, e, PiiKind.CLIENT_NAME) for s, e in self.names.find(text))
        return [Finding(k, s, e, mask_value(k, text[s:e])) for s, e, k in _without_overlaps(spans)]


def _without_overlaps(spans: list[tuple[int, int, PiiKind]]) -> list[tuple[int, int, PiiKind]]:
    if len(spans) < 2:
        return spans
    ranked = sorted(set(spans), key=lambda s: (s[0] - s[1], _PRIORITY[s[2]], s[0]))
    kept: list[tuple[int, int, PiiKind]] = []
    for span in ranked:
        if all(span[1] <= k[0] or span[0] >= k[1] for k in kept):
            kept.append(span)
    return sorted(kept)
