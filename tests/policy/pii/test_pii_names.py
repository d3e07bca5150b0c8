"""Client names from a CRM export: loading the list, then matching however names are typed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.errors import Location, UserInputError
from sobria.policy.pii import Scanner, load_client_names, parse_client_names

CLIENTS = ["Jean Dupont", "Hélène Lefèvre", "Boulangerie Quéméner SARL", "Menuiserie Delacroix & Fils",
           "Camille Le Goff", "Orange", "Axelor", "Transvalorisation", "Li"]
SCANNER = Scanner.build(CLIENTS)


def names(text: str) -> list[str]:
    return [text[f.start:f.end] for f in SCANNER.scan(text) if f.kind.value == "client_name"]


@pytest.mark.parametrize(("text", "expected"), [
    ("Prépare un devis pour Jean Dupont.", ["Jean Dupont"]),
    ("prépare un devis pour jean dupont", ["jean dupont"]),
    ("Dossier DUPONT Jean à clôturer.", ["DUPONT Jean"]),
    ("Relance Hélène Lefèvre.", ["Hélène Lefèvre"]),
    ("Relance Helene Lefevre.", ["Helene Lefevre"]),
    ("Relance HÉLÈNE LEFÈVRE.", ["HÉLÈNE LEFÈVRE"]),
    ("Relance Hélène Lefèrve.", ["Hélène Lefèrve"]),  # one typo (swap) in a long word
    ("Relance Hélène Lefèvvre.", ["Hélène Lefèvvre"]),  # one typo (insertion)
    ("Relance Jean Dupnot.", ["Jean Dupnot"]),  # one typo (swap)
    ("Relance Jean Dupond.", ["Jean Dupond"]),  # one typo (substitution)
    ("Commande de la Boulangerie Quéméner.", ["Boulangerie Quéméner"]),
    ("Devis Menuiserie Delacroix & Fils", ["Menuiserie Delacroix"]),  # legal forms, "& Fils" dropped
    ("Devis Menuiserie Delacroix", ["Menuiserie Delacroix"]),
    ("Rendez-vous avec Camille Le Goff lundi.", ["Camille Le Goff"]),
    ("Contrat Axelor renouvelé, et axelor aussi.", ["Axelor", "axelor"]),
    ("Le dossier Transvalorisaton avance.", ["Transvalorisaton"]),  # long one-word name, one typo
    ("Orange a signé.", ["Orange"]),  # one-word name that is a common word: capitalised only
])
def test_client_names_are_found(text: str, expected: list[str]) -> None:
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "Paul Dupont n'est pas client.",  # surname alone is not the client
    "Jean a appelé ce matin.",
    "Relance Jean Dupuis.",  # two edits from Dupont
    "Relance Hélène Lefebvre.",  # a common surname in its own right, not a typo
    "Relance Jaen Dupnot.",  # one typo per name at most
    "Une orange pressée.",  # common word in lower case
    "Axelro a appelé.",  # one-word names under 8 letters need an exact match
    "Li a appelé.",  # one-word names under 4 letters are ignored
    "Hélène et son collègue Lefèvre.",
])
def test_look_alikes_are_not_client_names(text: str) -> None:
    assert names(text) == []


def test_a_name_inside_an_email_is_reported_as_the_email() -> None:
    text = "Écris à jean.dupont@acme.fr"
    assert [(f.kind.value, text[f.start:f.end]) for f in SCANNER.scan(text)] == [("email", "jean.dupont@acme.fr")]


def test_typographic_spaces_and_quotes_split_words() -> None:
    assert names("Voir avec M.\u00a0Dupont ; «\u00a0Jean Dupont\u00a0» a signé.") == ["Jean Dupont"]


def test_crm_export_with_semicolons_and_a_name_column() -> None:
    content = "\ufeffid;Nom;Ville\nC1;Jean Dupont;Lyon\nC2;Boulangerie Quéméner;Brest\nC3;;Paris\n"
    assert parse_client_names(content.removeprefix("\ufeff")) == ("Jean Dupont", "Boulangerie Quéméner")


def test_first_and_last_name_columns_are_joined() -> None:
    content = "Prénom,Nom,Email\nJean,Dupont,jd@x.fr\nHélène,Lefèvre,hl@x.fr\n"
    assert parse_client_names(content) == ("Jean Dupont", "Hélène Lefèvre")


def test_an_explicit_column_wins() -> None:
    content = "Nom\tRaison sociale\nDupont\tAxelor\n"
    assert parse_client_names(content, "raison sociale") == ("Axelor",)


def test_unknown_column_is_a_user_error_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "crm.csv"
    path.write_text("id;ville\n1;Lyon\n", encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        load_client_names(path)
    assert err.value.key == "pii.error.clients_no_name_column"
    assert err.value.where == Location(file=str(path), parameter="--clients-column")
    with pytest.raises(UserInputError) as err:
        load_client_names(path, "nom")
    assert (err.value.key, err.value.params["columns"]) == ("pii.error.clients_no_column", "id, ville")


def test_unreadable_client_lists_are_user_errors(tmp_path: Path) -> None:
    latin1 = tmp_path / "crm.csv"
    latin1.write_bytes("nom\nHélène\n".encode("latin-1"))
    with pytest.raises(UserInputError) as err:
        load_client_names(latin1)
    assert (err.value.key, err.value.params["offset"], err.value.where.file) == ("pii.error.not_utf8", 5, str(latin1))
    with pytest.raises(UserInputError) as err:
        load_client_names(tmp_path / "absent.csv")
    assert err.value.key == "pii.error.missing"
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        load_client_names(empty)
    assert err.value.key == "pii.error.clients_empty"


def test_building_a_scanner_for_a_thousand_clients_is_cheap() -> None:
    import time

    many = [f"Client{i:04d} Entreprise{i:04d}" for i in range(1000)]
    start = time.perf_counter()
    scanner = Scanner.build(many)
    assert time.perf_counter() - start < 1.0
    assert [f.kind.value for f in scanner.scan("Devis pour client0042 entreprise0042.")] == ["client_name"]


def test_a_client_row_with_a_field_too_many_is_refused_with_its_line(tmp_path: Path) -> None:
    """Issue 14 item 6: an unquoted comma in a name no longer shifts the columns silently."""
    path = tmp_path / "crm.csv"
    path.write_text("Nom,Ville\nJean Dupont,Lyon\nDupont, Jean,Brest\n", encoding="utf-8")
    with pytest.raises(UserInputError) as err:
        load_client_names(path)
    assert (err.value.key, err.value.params, err.value.where) == (
        "ingest.bad_field_count", {"expected": 2, "found": 3}, Location(file=str(path), line=3))
