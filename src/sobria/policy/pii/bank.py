"""Identifiers that start with a country code: IBANs (any country) and French VAT numbers."""

from __future__ import annotations

import re

from sobria.policy.pii.checksums import IBAN_LENGTHS, iban_valid, vat_fr_valid
from sobria.policy.pii.findings import PiiKind

_VAT = re.compile(r"FR[ \u00a0]?[0-9]{2}[ \u00a0.]?[0-9]{3}[ \u00a0.]?[0-9]{3}[ \u00a0.]?[0-9]{3}")
_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}(?:[ \u00a0\-]?[0-9A-Z]){8,30}")
_SEPARATORS = frozenset(" \u00a0-")


def bank_or_vat_at(text: str, start: int, kinds: frozenset[PiiKind]) -> tuple[int, int, PiiKind] | None:
    """The valid IBAN or French VAT number starting at ``start`` (two capital letters), if any."""
    if start > 0 and text[start - 1].isalnum():
        return None
    if PiiKind.VAT in kinds and text.startswith("FR", start):
        end = _vat_end(text, start)
        if end is not None:
            return start, end, PiiKind.VAT
    if PiiKind.IBAN in kinds:
        end = _iban_end(text, start)
        if end is not None:
            return start, end, PiiKind.IBAN
    return None


def _vat_end(text: str, start: int) -> int | None:
    match = _VAT.match(text, start)
    if match is None or _glued(text, match.end()):
        return None
    compact = "".join(ch for ch in match.group() if ch.isalnum())
    return match.end() if vat_fr_valid(compact) else None


def _iban_end(text: str, start: int) -> int | None:
    length = IBAN_LENGTHS.get(text[start:start + 2])
    match = _IBAN.match(text, start) if length is not None else None
    if match is None or length is None:
        return None
    count, end = 0, start
    for i in range(start, match.end()):
        if text[i] not in _SEPARATORS:
            count += 1
            if count == length:
                end = i + 1
                break
    if count != length or _glued(text, end):
        return None
    compact = "".join(ch for ch in text[start:end] if ch not in _SEPARATORS)
    return end if iban_valid(compact) else None


def _glued(text: str, end: int) -> bool:
    """True when the identifier ending at ``end`` continues into a word or a longer number."""
    return end < len(text) and (text[end].isalnum() or text[end] == "_")
