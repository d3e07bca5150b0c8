"""Numeric identifiers in digit runs: phones, NIR, SIREN, SIRET and payment cards.

A run is classified as a whole, so a SIRET is never also reported as the SIREN it contains.
Checksums decide first; the shape of the groups and the words around break the remaining ties.
"""

from __future__ import annotations

from sobria.policy.pii.cards import card_shape, card_valid
from sobria.policy.pii.checksums import nir_valid, siren_valid, siret_valid
from sobria.policy.pii.context import looks_like_amount, looks_like_reference
from sobria.policy.pii.digit_runs import DigitRun, parse_run
from sobria.policy.pii.findings import PiiKind

NUMBER_KINDS = frozenset({PiiKind.PHONE, PiiKind.NIR, PiiKind.SIREN, PiiKind.SIRET, PiiKind.CARD})
_SIREN_SHAPES = frozenset({(9,), (3, 3, 3)})
_SIRET_SHAPES = frozenset({(14,), (3, 3, 3, 5), (9, 5)})


def number_at(text: str, start: int, end: int, kinds: frozenset[PiiKind]) -> tuple[int, int, PiiKind] | None:
    """The numeric identifier in the candidate run ``text[start:end]``, if it is one of ``kinds``."""
    run = parse_run(text, start, end)
    if run is None:
        return None
    kind = classify(text, run)
    return (run.start, run.end, kind) if kind is not None and kind in kinds else None


def classify(text: str, run: DigitRun) -> PiiKind | None:
    """The kind of identifier ``run`` is, or None for any other number."""
    compact = run.compact
    if run.plus or compact.startswith("0033"):
        return PiiKind.PHONE if _international_phone(run, compact) else None
    if not compact.isdigit():
        return PiiKind.NIR if len(compact) == 15 and nir_valid(compact) else None
    if looks_like_amount(text, run.end):
        return None
    n = len(compact)
    if n == 10:
        return PiiKind.PHONE if _national_phone(text, run, compact) else None
    if n == 15 and nir_valid(compact):
        return PiiKind.NIR
    if n == 9:
        ok = run.shape in _SIREN_SHAPES and siren_valid(compact)
        return PiiKind.SIREN if ok and not looks_like_reference(text, run.start) else None
    if n == 14 and run.shape in _SIRET_SHAPES and siret_valid(compact):
        return None if looks_like_reference(text, run.start) else PiiKind.SIRET
    if card_shape(run.shape) and card_valid(compact):
        return None if looks_like_reference(text, run.start) else PiiKind.CARD
    return None


def _international_phone(run: DigitRun, compact: str) -> bool:
    """+33 or 0033, then the 9 digits of the national number without its leading 0."""
    if not compact.isdigit():
        return False
    national = compact[2:] if run.plus else compact[4:]
    prefix = compact[:2] if run.plus else compact[:4]
    return prefix in ("33", "0033") and len(national) == 9 and national[0] != "0"


def _national_phone(text: str, run: DigitRun, compact: str) -> bool:
    """0 then 1-9 then 8 digits, written in pairs with one separator or as one block; a block
    preceded by 'facture', 'commande', 'réf'... is a reference, not a phone number."""
    if compact[0] != "0" or compact[1] == "0":
        return False
    if run.shape == (2, 2, 2, 2, 2):
        return len(run.separators) == 1
    if run.shape == (10,):
        return not looks_like_reference(text, run.start)
    return False
