"""One pass over the text for every identifier that contains digits.

A single compiled pattern, whose first character class lets the regex engine skip lower-case
prose at C speed, stops only at two capital letters followed by two digits (IBAN, VAT) or at a
run of digits and separators (phones, NIR, SIREN, SIRET, cards). The few candidates are then
checked in Python by :mod:`~sobria.policy.pii.bank` and :mod:`~sobria.policy.pii.numbers`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sobria.policy.pii.bank import bank_or_vat_at
from sobria.policy.pii.findings import PiiKind
from sobria.policy.pii.numbers import NUMBER_KINDS, number_at

CANDIDATE = re.compile(r"[+0-9A-Z](?:[A-Z][ \u00a0]?[0-9][0-9]|[0-9 .()\-AB\u00a0\u202f]{6,}[0-9])")
_RUN = re.compile(r"[0-9][0-9 .()\-AB\u00a0\u202f]{6,}[0-9]")
CANDIDATE_KINDS = NUMBER_KINDS | {PiiKind.IBAN, PiiKind.VAT}
_UPPER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def find_identifiers(text: str, kinds: frozenset[PiiKind]) -> Iterator[tuple[int, int, PiiKind]]:
    """Spans of IBANs, VAT numbers and numeric identifiers of the ``kinds`` asked for."""
    want_bank = PiiKind.IBAN in kinds or PiiKind.VAT in kinds
    want_numbers = not NUMBER_KINDS.isdisjoint(kinds)
    covered = 0  # end of the last IBAN or VAT number: the digits inside it are not candidates
    for match in CANDIDATE.finditer(text):
        start, end = match.span()
        if start < covered:
            continue
        if text[start] in _UPPER:
            if text[start + 1] in _UPPER:
                hit = bank_or_vat_at(text, start, kinds) if want_bank else None
                if hit is None:  # the digits after two capitals ("CB 4970 ...") may be a number
                    run = _RUN.match(text, start + 3 if text[start + 2] in " \u00a0" else start + 2)
                    hit = number_at(text, *run.span(), kinds) if run and want_numbers else None
                    covered = run.end() if run else covered
                else:
                    covered = hit[1]
                if hit is not None:
                    yield hit
                continue
            start += 1
            while not (text[start].isdigit() or text[start] == "+"):
                start += 1
        if want_numbers:
            hit = number_at(text, start, end, kinds)
            if hit is not None:
                yield hit
