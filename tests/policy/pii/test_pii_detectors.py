"""Each detector on the formats people type, and the look-alikes it must leave alone."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sobria.policy.pii import Finding, PiiKind, Scanner, ScanOptions

SCANNER = Scanner.build()
WITH_CLIENTS = Scanner.build(["Jean Dupont", "Orange", "Transvalorisation"])


def found(text: str, scanner: Scanner = SCANNER) -> list[tuple[str, str]]:
    return [(f.kind.value, text[f.start:f.end]) for f in scanner.scan(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Écris à jean.dupont@acme.fr demain.", [("email", "jean.dupont@acme.fr")]),
    ("Contact : <Marie.Lefevre+factures@cabinet-rousselot.co.uk>.",
     [("email", "Marie.Lefevre+factures@cabinet-rousselot.co.uk")]),
    ("Fin de phrase : j_dupont42@orange.fr.", [("email", "j_dupont42@orange.fr")]),
    ("Suivez @sobria_fr et @acme.", []),
    ("Complète l'adresse jean.dupont@ stp.", []),
    ("Le serveur admin@localhost répond.", []),
    ("12 pièces @ 4 € l'unité.", []),
    ("Adresse invalide jean..dupont@acme.fr et .x@y", []),
])
def test_emails(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Rappelle-moi au 06 12 34 56 78 stp.", [("phone", "06 12 34 56 78")]),
    ("Tél. 01.23.45.67.89", [("phone", "01.23.45.67.89")]),
    ("Fixe : 04-72-10-20-30.", [("phone", "04-72-10-20-30")]),
    ("Mobile 0612345678.", [("phone", "0612345678")]),
    ("Appelle le +33 6 12 34 56 78.", [("phone", "+33 6 12 34 56 78")]),
    ("Appelle le +33612345678.", [("phone", "+33612345678")]),
    ("Appelle le 0033 6 12 34 56 78.", [("phone", "0033 6 12 34 56 78")]),
    ("Standard : +33 (0)1 23 45 67 89.", [("phone", "+33 (0)1 23 45 67 89")]),
    ("Numéro incomplet 06 12 34 56 7.", []),
    ("Trop long 06 12 34 56 78 9.", []),
    ("Préfixe impossible 00 12 34 56 78.", []),
    ("Séparateurs mélangés 06.12 34-56 78.", []),
    ("Facture n° 0612345678 du 3 mars.", []),
    ("Merci de régler FAC-0612345678 sous 30 jours.", []),
    ("Référence FA0612345678 sur le bon.", []),
    ("Autre pays : +44 20 7946 0958.", []),
])
def test_phones(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("NIR 1 85 05 78 006 084 91.", [("nir", "1 85 05 78 006 084 91")]),
    ("NIR 185057800608491", [("nir", "185057800608491")]),
    ("Sécu : 1850578006084 91", [("nir", "1850578006084 91")]),
    ("Née en Corse : 2 85 05 2A 006 084 82.", [("nir", "2 85 05 2A 006 084 82")]),
    ("Corse du Nord : 285052B00608412.", [("nir", "285052B00608412")]),
    ("Clé fausse 1 85 05 78 006 084 92.", []),
    ("Sexe 3 : 3 85 05 78 006 084 91.", []),
    ("Treize chiffres 1 85 05 78 006 084.", []),
])
def test_nir(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("IBAN FR76 3000 6000 0112 3456 7890 189 merci.", [("iban", "FR76 3000 6000 0112 3456 7890 189")]),
    ("IBAN FR7630006000011234567890189.", [("iban", "FR7630006000011234567890189")]),
    ("UK: GB29 NWBK 6016 1331 9268 19 BIC NWBKGB2L", [("iban", "GB29 NWBK 6016 1331 9268 19")]),
    ("DE89 3704 0044 0532 0130 00", [("iban", "DE89 3704 0044 0532 0130 00")]),
    ("Clé fausse FR76 3000 6000 0112 3456 7890 188.", []),
    ("Trop court DE89 3704 0044 0532 0130 0.", []),
    ("Pays inconnu XX76 3000 6000 0112 3456 7890 189.", []),
    ("Collé ABCFR7630006000011234567890189", []),
])
def test_iban(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("SIREN : 732 829 320.", [("siren", "732 829 320")]),
    ("RCS Paris 732829320", [("siren", "732829320")]),
    ("SIRET 732 829 320 00074.", [("siret", "732 829 320 00074")]),
    ("SIRET 73282932000074", [("siret", "73282932000074")]),
    ("SIRET 732829320 00074", [("siret", "732829320 00074")]),
    ("La Poste : 356 000 000 49837.", [("siret", "356 000 000 49837")]),
    ("Luhn faux : SIREN 732 829 321.", []),
    ("SIRET 732 829 320 00075 (clé fausse).", []),
    ("Huit chiffres 732 829 32.", []),
    ("Chiffre d'affaires 732 829 320 € en 2024.", []),
    ("Montant 732 829 320,50 euros.", []),
    ("Commande n° 732829320 expédiée.", []),
    ("Autre groupement 7328 29320.", []),
])
def test_siren_and_siret(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Carte 4111 1111 1111 1111 exp. 09/27", [("card", "4111 1111 1111 1111")]),
    ("Carte 4111 1111 1111 1111 09/27", [("card", "4111 1111 1111 1111")]),
    ("Tél. 06 12 34 56 78 12/05 à 9h", [("phone", "06 12 34 56 78")]),
    ("Code 4006381333932 (13 chiffres, Luhn juste).", []),
    ("CB 4111-1111-1111-1111 ok", [("card", "4111-1111-1111-1111")]),
    ("Mastercard 5555555555554444.", [("card", "5555555555554444")]),
    ("Amex 3782 822463 10005.", [("card", "3782 822463 10005")]),
    ("Luhn faux 4111 1111 1111 1112.", []),
    ("Émetteur inconnu 9111 1111 1111 1117.", []),
    ("Visa à 15 chiffres 411111111111116.", []),
    ("Ticket n° 4111111111111111 clos.", []),
    ("Lot 4111-1111-1111-1111-1111 reçu.", []),
])
def test_cards(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("TVA FR40303265045.", [("vat", "FR40303265045")]),
    ("TVA : FR 44 732 829 320", [("vat", "FR 44 732 829 320")]),
    ("TVA FR44 732829320 ; merci", [("vat", "FR44 732829320")]),
    ("Clé fausse FR45 732829320.", []),
    ("SIREN faux FR44 732829321.", []),
])
def test_vat_numbers(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "Réunion le 12/05/2024 à 14h30, salle 204.",
    "Livraison prévue le 2024-06-15 au 12 rue de la Gare, 75008 Paris.",
    "Période du 01.02.2024 au 28.02.2024.",
    "Le budget s'élève à 1 234 567,89 € HT, soit +12,5 % sur 2023.",
    "Version 2.10.3 déployée sur 1 250 postes ; 98 765 requêtes ce mois-ci.",
    "Commande CMD-2024-004512 et devis DEV-2025-0042 validés.",
    "Virement de référence 12345678901234567890123 reçu.",
])
def test_ordinary_business_prose_has_no_findings(text: str) -> None:
    assert found(text) == []


def test_a_siret_is_reported_once_not_as_its_siren_too() -> None:
    assert found("SIRET 732 829 320 00074 et TVA FR44732829320") == [
        ("siret", "732 829 320 00074"), ("vat", "FR44732829320")]


def test_findings_are_ordered_with_masked_excerpts() -> None:
    text = "IBAN FR7630006000011234567890189, mail jean.dupont@acme.fr, tél. 06 12 34 56 78"
    assert SCANNER.scan(text) == [
        Finding(PiiKind.IBAN, 5, 32, "FR•••••••••••••••••••••••89"),
        Finding(PiiKind.EMAIL, 39, 58, "j••••••••••@••••.fr"),
        Finding(PiiKind.PHONE, 65, 79, "06 •• •• •• 78"),
    ]


def test_options_restrict_the_kinds() -> None:
    scanner = Scanner.build(options=ScanOptions(kinds=frozenset({PiiKind.PHONE})))
    assert found("jean@acme.fr 06 12 34 56 78 FR7630006000011234567890189", scanner) == [
        ("phone", "06 12 34 56 78")]


def test_scan_is_pure() -> None:
    text = "Appelle Jean au 06 12 34 56 78 ou écris à jean@acme.fr."
    assert SCANNER.scan(text) == SCANNER.scan(text)
    assert SCANNER.scan("") == []


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["06 12 34 56 78", "FR76", " 3000", "@", "jean", ".fr", "2A", "(0)", "+33", " ",
                                 "/", "-", "é", "4111 1111 1111 1111", "732 829 320", "00074", "X", "\u00a0", "€",
                                 "Jean", " Dupont", " Dupnot", "ORANGE", "Transvalorisaton", "’", "«"]),
                max_size=12).map("".join) | st.text(max_size=60))
def test_scan_never_fails_and_findings_are_ordered_spans(text: str) -> None:
    for scanner in (SCANNER, WITH_CLIENTS):
        findings = scanner.scan(text)
        assert all(0 <= f.start < f.end <= len(text) for f in findings)
        assert all(a.end <= b.start for a, b in pairwise(findings))
