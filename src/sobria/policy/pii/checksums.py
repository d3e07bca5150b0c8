"""Check-digit algorithms that tell real identifiers from look-alikes.

Each function takes the identifier's characters with separators already removed and returns
whether its check digits are right; none of them raises on odd input.
"""

from __future__ import annotations

from types import MappingProxyType

LA_POSTE_SIREN = "356000000"
"""La Poste's SIREN: its establishments' SIRETs use a digit-sum rule instead of Luhn."""
LA_POSTE_HEAD_OFFICE = "35600000000048"

# Lengths from the SWIFT IBAN registry (a test checks them against python-stdnum's copy), plus the
# French overseas codes that use the French format.
IBAN_LENGTHS = MappingProxyType({
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BI": 27, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HN": 28, "HR": 21, "HU": 28, "IE": 22,
    "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32,
    "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
    "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18, "NO": 15, "OM": 23, "PK": 24,
    "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33, "SA": 24, "SC": 31,
    "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
    "GF": 27, "GP": 27, "MQ": 27, "RE": 27, "PF": 27, "TF": 27, "YT": 27, "NC": 27, "PM": 27,
    "WF": 27, "BL": 27, "MF": 27,
})

_LUHN_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check used by SIREN, SIRET and payment cards."""
    if not digits.isdigit() or not digits.isascii():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        total += _LUHN_DOUBLED[d] if i % 2 else d
    return total % 10 == 0


def siren_valid(digits: str) -> bool:
    """A SIREN: 9 digits, Luhn, not all zeros."""
    return len(digits) == 9 and digits != "000000000" and luhn_valid(digits)


def siret_valid(digits: str) -> bool:
    """A SIRET: a valid SIREN followed by a 5-digit establishment number, Luhn on all 14 digits.

    La Poste's establishments are the documented exception: the digit sum of their SIRET is a
    multiple of 5 (except its head office, 356 000 000 00048, which passes Luhn).
    """
    if len(digits) != 14 or not digits.isdigit() or not digits.isascii():
        return False
    if digits.startswith(LA_POSTE_SIREN):
        return digits == LA_POSTE_HEAD_OFFICE or sum(ord(c) - 48 for c in digits) % 5 == 0
    return siren_valid(digits[:9]) and luhn_valid(digits)


def iban_valid(compact: str) -> bool:
    """An IBAN without spaces: known country, registry length, ISO 7064 mod 97-10 equal to 1."""
    if len(compact) < 5 or not compact.isascii() or not compact.isalnum():
        return False
    country = compact[:2]
    if IBAN_LENGTHS.get(country) != len(compact) or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    as_number = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(as_number) % 97 == 1


def nir_key(first13: str) -> int:
    """The NIR key, 97 - (n mod 97), where Corsica's 2A/2B count as 19/18."""
    corsica = {"2A": "19", "2B": "18"}.get(first13[5:7])
    number = first13 if corsica is None else first13[:5] + corsica + first13[7:]
    return 97 - int(number) % 97


def nir_valid(compact: str) -> bool:
    """A French social-security number (NIR): 13 characters plus a 2-digit key.

    Sex 1 or 2; month 01-12, or 20-42 and 50-99 (the conventions for unknown months);
    department 01-99, 2A or 2B; order number not 000; key = 97 - (n mod 97).
    """
    if len(compact) != 15 or not compact.isascii():
        return False
    body, key = compact[:13], compact[13:]
    dept = body[5:7]
    digits_only = body[:5] + body[7:] + key
    if not digits_only.isdigit() or not (dept.isdigit() or dept in ("2A", "2B")):
        return False
    if body[0] not in "12" or dept == "00" or body[10:13] == "000":
        return False
    month = int(body[3:5])
    if not (1 <= month <= 12 or 20 <= month <= 42 or month >= 50):
        return False
    return int(key) == nir_key(body)


def vat_fr_key(siren: str) -> int:
    """The numeric key of a French VAT number: (12 + 3 * (SIREN mod 97)) mod 97."""
    return (12 + 3 * (int(siren) % 97)) % 97


def vat_fr_valid(compact: str) -> bool:
    """A French VAT number without spaces: 'FR', a 2-digit key, a valid SIREN."""
    if len(compact) != 13 or not compact.startswith("FR"):
        return False
    key, siren = compact[2:4], compact[4:]
    if not key.isdigit() or not siren_valid(siren):
        return False
    return int(key) == vat_fr_key(siren)
