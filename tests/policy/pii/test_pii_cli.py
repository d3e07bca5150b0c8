"""`sobria pii scan` and `sobria pii redact` as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sobria.cli.app import app

RUNNER = CliRunner()
TEXT = "Écris à jean.dupont@acme.fr, IBAN FR76 3000 6000 0112 3456 7890 189, client Jean Dupont.\n"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sobria", *args], capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "HOME": "/tmp"}, timeout=60)


def clients_file(tmp_path: Path) -> Path:
    path = tmp_path / "crm.csv"
    path.write_text("id;Nom;Ville\n1;Jean Dupont;Lyon\n", encoding="utf-8")
    return path


def test_scan_reads_stdin_and_prints_french_lines() -> None:
    result = RUNNER.invoke(app, ["pii", "scan"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "entrée standard:8-27\te-mail\tj••••••••••@••••.fr",
        "entrée standard:34-67\tIBAN\tFR•• •••• •••• •••• •••• •••• •89",
        "2 donnée(s) personnelle(s) trouvée(s) dans 1 source(s).",
    ]


def test_scan_files_with_a_client_list_in_english(tmp_path: Path) -> None:
    doc = tmp_path / "a.txt"
    doc.write_text(TEXT, encoding="utf-8")
    clean = tmp_path / "b.txt"
    clean.write_text("Rien de personnel ici.", encoding="utf-8")
    result = RUNNER.invoke(app, ["--lang", "en", "pii", "scan", "--clients", str(clients_file(tmp_path)),
                                 str(doc), str(clean)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-2:] == [
        f"{doc}:76-87\tclient name\tJ••• ••••••",
        "3 piece(s) of personal data found in 2 source(s).",
    ]


def test_scan_without_findings() -> None:
    result = RUNNER.invoke(app, ["pii", "scan", "-"], input="Bonjour, la réunion est à 14h30.")
    assert (result.exit_code, result.output) == (0, "Aucune donnée personnelle trouvée.\n")


def test_scan_json_has_a_stable_schema() -> None:
    result = RUNNER.invoke(app, ["pii", "scan", "--json"], input=TEXT)
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "schema": "sobria.pii.scan/1",
        "sources": [{"source": "-", "findings": [
            {"kind": "email", "start": 8, "end": 27, "excerpt": "j••••••••••@••••.fr"},
            {"kind": "iban", "start": 34, "end": 67, "excerpt": "FR•• •••• •••• •••• •••• •••• •89"},
        ]}],
        "total": 2,
        "by_kind": {"email": 1, "phone": 0, "nir": 0, "iban": 1, "siren": 0, "siret": 0, "card": 0, "vat": 0,
                    "client_name": 0},
    }


def test_redact_prints_the_text_with_placeholders(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["pii", "redact", "--clients", str(clients_file(tmp_path))], input=TEXT)
    assert result.exit_code == 0, result.output
    assert result.output == "Écris à [EMAIL_1], IBAN [IBAN_1], client [CLIENT_NAME_1].\n"


def test_missing_file_is_exit_code_2_naming_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "absent.txt"
    out = run("pii", "scan", str(missing))
    assert (out.returncode, out.stdout, out.stderr) == (2, "", f"{missing} : fichier introuvable\n")


def test_non_utf8_file_and_folder_are_user_errors(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Hélène".encode("latin-1"))
    out = run("--lang", "en", "pii", "scan", str(latin1))
    assert (out.returncode, out.stderr) == (2, f"{latin1}: the text is not UTF-8 (byte 1); save it as UTF-8\n")
    out = run("pii", "redact", str(tmp_path))
    assert (out.returncode, out.stderr) == (2, f"{tmp_path} : c'est un dossier, pas un fichier\n")


def test_client_list_without_a_name_column_is_a_user_error(tmp_path: Path) -> None:
    crm = tmp_path / "crm.csv"
    crm.write_text("id;ville\n1;Lyon\n", encoding="utf-8")
    out = run("pii", "scan", "--clients", str(crm), "-")
    assert out.returncode == 2
    assert out.stderr == (f"{crm}, paramètre --clients-column : aucune colonne de noms reconnue (nom, raison "
                          "sociale, prénom et nom…) ; précisez-la avec --clients-column ; colonnes : id, ville\n")
