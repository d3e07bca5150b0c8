"""Redaction with typed placeholders, and masked excerpts that do not carry the value."""

from __future__ import annotations

from sobria.policy.pii import Finding, PiiKind, Scanner, redact
from sobria.policy.pii.findings import mask_value

SCANNER = Scanner.build(["Jean Dupont"])


def test_each_value_gets_a_typed_placeholder_and_repeats_reuse_it() -> None:
    text = ("Jean Dupont (jean.dupont@acme.fr, 06 12 34 56 78) a payé par IBAN FR76 3000 6000 0112 3456 7890 189. "
            "Rappeler JEAN DUPONT au +33 6 12 34 56 78 ou au 01 23 45 67 89 ; copie à Jean.Dupont@acme.fr.")
    assert redact(text, SCANNER.scan(text)) == (
        "[CLIENT_NAME_1] ([EMAIL_1], [PHONE_1]) a payé par IBAN [IBAN_1]. "
        "Rappeler [CLIENT_NAME_1] au [PHONE_1] ou au [PHONE_2] ; copie à [EMAIL_1].")


def test_every_kind_has_its_placeholder() -> None:
    text = ("NIR 1 85 05 78 006 084 91, SIREN 732 829 320, SIRET 73282932000074, "
            "carte 4111 1111 1111 1111, TVA FR40303265045")
    assert redact(text, SCANNER.scan(text)) == (
        "NIR [NIR_1], SIREN [SIREN_1], SIRET [SIRET_1], carte [CARD_1], TVA [VAT_1]")


def test_redacting_nothing_returns_the_text() -> None:
    assert redact("Rien à signaler.", []) == "Rien à signaler."


def test_overlapping_findings_keep_the_first() -> None:
    findings = [Finding(PiiKind.SIRET, 0, 14, "x"), Finding(PiiKind.SIREN, 0, 9, "x")]
    assert redact("73282932000074 fin", findings) == "[SIRET_1] fin"


def test_masks_keep_the_shape_and_hide_the_value() -> None:
    assert mask_value(PiiKind.IBAN, "FR76 3000 6000 0112 3456 7890 189") == "FR•• •••• •••• •••• •••• •••• •89"
    assert mask_value(PiiKind.EMAIL, "jean.dupont@acme.fr") == "j••••••••••@••••.fr"
    assert mask_value(PiiKind.CLIENT_NAME, "Jean Dupont") == "J••• ••••••"
    assert mask_value(PiiKind.PHONE, "+33 6 12 34 56 78") == "+33 • •• •• •• 78"
    assert mask_value(PiiKind.SIREN, "7328293") == "7••••••"
