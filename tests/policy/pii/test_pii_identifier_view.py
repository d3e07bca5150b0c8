"""Identifiers typed in lower case, in full-width forms or with invisible characters inside."""

from __future__ import annotations

import pytest

from sobria.policy.pii import PiiKind, Scanner, redact
from sobria.policy.pii.identifier_view import identifier_view

IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.mark.parametrize("text", [
    f"vire sur {IBAN.lower()} merci",
    f"vire sur {IBAN.replace(' ', '')} merci".replace("FR76", "fr76"),
    "vire sur FR76\u200b3000\u200b6000\u200b0112\u200b3456\u200b7890\u200b189 merci",
    "vire sur F\u200dR7\u20606 3000 6000 0112 3456 7890 189 merci",
    "vire sur ＦＲ７６　３０００　６０００　０１１２　３４５６　７８９０　１８９ merci",
    "vire sur ｆｒ76 3000 6000 0112 3456 7890 189 merci",
])
def test_an_iban_however_typed_is_found_and_redacted_in_place(text: str) -> None:
    findings = Scanner.build().scan(text)
    assert [f.kind for f in findings] == [PiiKind.IBAN]
    found = findings[0]
    assert (text[:found.start], text[found.end:]) == ("vire sur ", " merci")
    assert redact(text, findings) == "vire sur [IBAN_1] merci"


def test_full_width_and_zero_width_digits_in_a_phone_and_a_nir() -> None:
    text = "appelle le ０６ １２ ３４ ５６ ７８, NIR 1 84 12 7\u200b6 451 089 46"
    assert [f.kind for f in Scanner.build().scan(text)] == [PiiKind.PHONE, PiiKind.NIR]


def test_the_view_keeps_offsets_or_maps_them() -> None:
    assert identifier_view("abc 12") == ("ABC 12", None)
    assert identifier_view("é１") == ("é1", None)
    assert identifier_view("a\u200bb") == ("AB", [0, 2])
