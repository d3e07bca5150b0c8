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
    # the narrow no-break space French typography puts between groups, and the no-break space
    "vire sur FR76\u202f3000\u202f6000\u202f0112\u202f3456\u202f7890\u202f189 merci",
    "vire sur FR76\u00a03000\u00a06000\u00a00112\u00a03456\u00a07890\u00a0189 merci",
    # direction marks, isolates, Mongolian vowel separator, combining grapheme joiner, variation
    # selector, tag character: invisible, inside the number
    "vire sur FR7\u200e6 30\u200f00 6\u206600\u20690 01\u180e12 34\u034f56 78\ufe0f90 1\U000e00418\u20649 merci",
    # the digits of other scripts
    "vire sur FR\u0667\u0666 \u0663\u0660\u0660\u0660 6000 0112 3456 7890 189 merci",
    "vire sur FR𝟕𝟔 𝟑𝟎𝟎𝟎 6000 0112 3456 7890 189 merci",
    "vire sur FR\u096d\u096c 3000 6000 0112 3456 7890 189 merci",
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


def test_the_tables_are_unicodes() -> None:
    """Every entry of the view's tables has the Unicode property it stands for (and, under the
    Unicode version they were written for, the tables are the whole of each property)."""
    import sys
    import unicodedata

    from sobria.policy.pii.identifier_view import DIGIT_ZEROS, FORMAT_RANGES, SPACES

    assert all(unicodedata.category(chr(zero + i)) == "Nd" and unicodedata.digit(chr(zero + i)) == i
               for zero in DIGIT_ZEROS for i in range(10))
    assert all(unicodedata.category(space) == "Zs" for space in SPACES)
    formats = {cp for low, high in FORMAT_RANGES for cp in range(low, high + 1)}
    assert all(unicodedata.category(chr(cp)) == "Cf" for cp in formats)
    if unicodedata.unidata_version == "14.0.0":
        everything = [chr(cp) for cp in range(sys.maxunicode + 1)]
        assert {ord(c) for c in everything if unicodedata.category(c) == "Nd" and unicodedata.digit(c) == 0} == {
            0x30, *DIGIT_ZEROS}
        assert {c for c in everything if unicodedata.category(c) == "Zs"} == {" ", *SPACES}
        assert {ord(c) for c in everything if unicodedata.category(c) == "Cf"} == formats
