"""Words around a number that say what it is: a reference, an amount or an identifier."""

from __future__ import annotations

import re

WINDOW_CHARS = 32
"""How far before a number its context is read."""

_REFERENCE = re.compile(
    r"factur|fact\.|commande|\bcde\b|\bref\b|\bréf|référence|reference|dossier|ticket|colis|"
    r"suivi|\bn°|\bno\.|\bnum\.|devis|\blot\b|contrat|transaction|sinistre|bon de|avoir|"
    r"\bbl\b|quittance|adhérent|client n|code client|badge|article|\bsku\b|\bean\b|\bisbn\b",
)
_IDENTIFIER = re.compile(
    r"siren|siret|\brcs\b|immatricul|\bcarte\b|\bcb\b|\bvisa\b|mastercard|\bamex\b|"
    r"\btél|\btel\b|téléphone|telephone|portable|mobile|\bfixe\b|appele|joindre|\bnir\b|"
    r"sécurité sociale|securite sociale|\bsécu\b|\bsecu\b|\binsee\b",
)
_AMOUNT_AFTER = re.compile(r"\s?(?:€|eur\b|euros?\b|k€|m€|\$|usd\b|%|ht\b|ttc\b|francs?\b)", re.IGNORECASE)


def looks_like_reference(text: str, start: int) -> bool:
    """True when the words just before ``start`` call the number a reference (invoice, order...)
    and do not name it as an identifier (SIREN, card, phone...)."""
    before = text[max(0, start - WINDOW_CHARS):start].lower()
    return _REFERENCE.search(before) is not None and _IDENTIFIER.search(before) is None


def looks_like_amount(text: str, end: int) -> bool:
    """True when a currency or a percent sign follows the number ending at ``end``."""
    return _AMOUNT_AFTER.match(text, end) is not None
