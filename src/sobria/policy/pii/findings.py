"""What a scan reports: the kind of personal data and where it is, never the data itself."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PiiKind(StrEnum):
    """The kinds of personal data Sobria detects in prompts."""

    EMAIL = "email"
    PHONE = "phone"
    NIR = "nir"
    IBAN = "iban"
    SIREN = "siren"
    SIRET = "siret"
    CARD = "card"
    VAT = "vat"
    CLIENT_NAME = "client_name"


@dataclass(frozen=True, slots=True)
class Finding:
    """One piece of personal data: its kind, its span ``text[start:end]`` and a masked excerpt.

    The excerpt keeps the shape (separators, length) and a few characters so that a person can
    recognise what was found without the finding itself carrying the value.
    """

    kind: PiiKind
    start: int
    end: int
    excerpt: str


MASK = "•"


def mask_value(kind: PiiKind, value: str) -> str:
    """The masked excerpt of ``value``: shape kept, most letters and digits hidden."""
    if kind is PiiKind.EMAIL:
        return _mask_email(value)
    if kind is PiiKind.CLIENT_NAME:
        return "".join(ch if i == 0 or not ch.isalnum() else MASK for i, ch in enumerate(value))
    alnum_positions = [i for i, ch in enumerate(value) if ch.isalnum()]
    keep_head, keep_tail = (2, 2) if len(alnum_positions) >= 8 else (1, 0)
    shown = set(alnum_positions[:keep_head]) | set(alnum_positions[len(alnum_positions) - keep_tail:])
    return "".join(ch if i in shown or not ch.isalnum() else MASK for i, ch in enumerate(value))


def _mask_email(value: str) -> str:
    local, _, domain = value.partition("@")
    head, dot, tld = domain.rpartition(".")
    masked_local = local[:1] + MASK * (len(local) - 1)
    masked_domain = MASK * len(head) + dot + tld if dot else MASK * len(domain)
    return f"{masked_local}@{masked_domain}"
