"""Payment-card numbers: Luhn plus an issuer prefix (IIN) and a length that issuer uses."""

from __future__ import annotations

from sobria.policy.pii.checksums import luhn_valid

# (lowest prefix, highest prefix, allowed lengths); prefixes compared on their own width.
_ISSUER_RANGES: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("4", "4", frozenset({16, 19})),  # Visa (and CB co-badged); 13-digit Visa cards are gone
    ("51", "55", frozenset({16})),  # Mastercard
    ("2221", "2720", frozenset({16})),  # Mastercard 2-series
    ("2200", "2204", frozenset({16})),  # Mir
    ("34", "34", frozenset({15})),  # American Express
    ("37", "37", frozenset({15})),  # American Express
    ("300", "305", frozenset({14, 16, 19})),  # Diners Club
    ("36", "36", frozenset({14, 16, 19})),  # Diners Club
    ("38", "39", frozenset({14, 16, 19})),  # Diners Club
    ("3528", "3589", frozenset({16, 17, 18, 19})),  # JCB
    ("6011", "6011", frozenset({16, 19})),  # Discover
    ("644", "649", frozenset({16, 19})),  # Discover
    ("65", "65", frozenset({16, 19})),  # Discover
    ("62", "62", frozenset({16, 17, 18, 19})),  # UnionPay
    ("50", "50", frozenset({16, 18, 19})),  # Maestro
    ("56", "69", frozenset({16, 18, 19})),  # Maestro and national schemes
)

CARD_LENGTHS = range(13, 20)


def issuer_plausible(digits: str) -> bool:
    """True when some issuer uses this prefix with this length."""
    n = len(digits)
    return any(n in lengths and low <= digits[: len(low)] <= high for low, high, lengths in _ISSUER_RANGES)


def card_valid(digits: str) -> bool:
    """A payment-card number: 13 to 19 digits, a known issuer prefix and length, Luhn."""
    return len(digits) in CARD_LENGTHS and issuer_plausible(digits) and luhn_valid(digits)


def card_shape(shape: tuple[int, ...]) -> bool:
    """How card numbers are written: one block, groups of four (last one shorter), or Amex/Diners
    4-6-5 / 4-6-4."""
    if len(shape) == 1 or shape in ((4, 6, 5), (4, 6, 4)):
        return True
    return all(g == 4 for g in shape[:-1]) and 1 <= shape[-1] <= 4
