"""Check digits: golden values, and agreement with python-stdnum on generated numbers."""

from __future__ import annotations

import re
from importlib import resources

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import iban as std_iban
from stdnum import luhn as std_luhn
from stdnum.fr import nir as std_nir
from stdnum.fr import siren as std_siren
from stdnum.fr import siret as std_siret
from stdnum.fr import tva as std_tva

from sobria.policy.pii.checksums import (
    IBAN_LENGTHS,
    iban_valid,
    luhn_valid,
    nir_key,
    nir_valid,
    siren_valid,
    siret_valid,
    vat_fr_key,
    vat_fr_valid,
)

digit_strings = st.text(alphabet="0123456789", min_size=1, max_size=20)


def test_luhn_golden_values() -> None:
    assert luhn_valid("4111111111111111") is True
    assert luhn_valid("4111111111111112") is False
    assert luhn_valid("79927398713") is True
    assert luhn_valid("12a4") is False
    assert luhn_valid("") is False


@settings(max_examples=300, deadline=None)
@given(digit_strings)
def test_luhn_agrees_with_stdnum(number: str) -> None:
    assert luhn_valid(number) == std_luhn.is_valid(number)


def test_siren_and_siret_golden_values() -> None:
    assert siren_valid("732829320") is True
    assert siren_valid("732829321") is False
    assert siren_valid("000000000") is False
    assert siret_valid("73282932000074") is True
    assert siret_valid("73282932000075") is False
    assert siret_valid("7328293200007") is False


def test_la_poste_sirets_use_the_digit_sum_rule() -> None:
    assert siret_valid("35600000000048") is True  # head office: Luhn
    assert siret_valid("35600000049837") is True  # digit sum 45: multiple of 5, Luhn fails
    assert luhn_valid("35600000049837") is False
    assert siret_valid("35600000049838") is False


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_siren_and_siret_agree_with_stdnum(siren: str, tail: str) -> None:
    assume(siren != "000000000")  # stdnum accepts it; no company has it, so Sobria does not
    assert siren_valid(siren) == std_siren.is_valid(siren)
    assert siret_valid(siren + tail) == std_siret.is_valid(siren + tail)


def test_nir_key_golden_values_including_corsica() -> None:
    assert nir_key("1850578006084") == 91
    assert nir_key("285052A006084") == 82  # 2A counts as 19
    assert nir_key("285052B006084") == 12  # 2B counts as 18
    assert nir_valid("185057800608491") is True
    assert nir_valid("285052A00608482") is True
    assert nir_valid("285052B00608412") is True


def test_nir_rejects_look_alikes() -> None:
    assert nir_valid("185057800608492") is False  # wrong key
    assert nir_valid("385057800608491") is False  # sex 3
    assert nir_valid("185137800608400") is False  # month 13
    assert nir_valid("185050000608400") is False  # department 00
    assert nir_valid("18505780060849") is False  # 14 characters
    assert nir_valid("285052C00608482") is False  # 2C is no department


@settings(max_examples=300, deadline=None)
@given(st.sampled_from("12"), st.integers(0, 99), st.sampled_from([*range(1, 13), 20, 35, 42, 50, 99]),
       st.sampled_from([*(f"{d:02d}" for d in range(1, 100) if d != 20), "2A", "2B"]),
       st.integers(1, 999), st.integers(1, 999))
def test_nir_agrees_with_stdnum(sex: str, year: int, month: int, dept: str, commune: int, order: int) -> None:
    body = f"{sex}{year:02d}{month:02d}{dept}{commune:03d}{order:03d}"
    number = f"{body}{nir_key(body):02d}"
    assert nir_valid(number) is True
    assert std_nir.is_valid(number) is True


def test_vat_key_golden_values() -> None:
    assert vat_fr_key("303265045") == 40
    assert vat_fr_valid("FR40303265045") is True
    assert vat_fr_valid("FR41303265045") is False
    assert vat_fr_valid("FR40303265046") is False  # SIREN fails Luhn
    assert vat_fr_valid("FRXX303265045") is False


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=8, max_size=8), st.integers(0, 99))
def test_vat_agrees_with_stdnum(body: str, key: int) -> None:
    siren = body + next(d for d in "0123456789" if std_luhn.is_valid(body + d))
    number = f"FR{key:02d}{siren}"
    assert vat_fr_valid(number) == std_tva.is_valid(number)


def test_iban_golden_values() -> None:
    assert iban_valid("FR7630006000011234567890189") is True
    assert iban_valid("FR7630006000011234567890188") is False
    assert iban_valid("GB29NWBK60161331926819") is True
    assert iban_valid("DE89370400440532013000") is True
    assert iban_valid("DE8937040044053201300") is False  # one digit short for Germany
    assert iban_valid("XX29NWBK60161331926819") is False


def test_iban_lengths_match_the_registry_shipped_with_stdnum() -> None:
    registry = (resources.files("stdnum") / "iban.dat").read_text(encoding="utf-8")
    lengths = {m[1]: 4 + sum(int(n) for n in re.findall(r"(\d+)!", m[2]))
               for m in re.finditer(r'^([A-Z]{2}) .*?bban="([^"]+)"', registry, re.MULTILINE)}
    assert {c: n for c, n in lengths.items() if IBAN_LENGTHS.get(c) != n} == {}


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["FR", "DE", "GB", "ES", "IT", "BE", "NL"]), st.integers(0, 10**30))
def test_iban_agrees_with_stdnum(country: str, seed: int) -> None:
    bban = str(seed).zfill(30)[: IBAN_LENGTHS[country] - 4]
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    number = f"{country}{98 - int(numeric) % 97:02d}{bban}"
    assert iban_valid(number) is True
    assert std_iban.is_valid(number) == iban_valid(number) or not std_iban.is_valid(number)
