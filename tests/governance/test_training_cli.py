"""`sobria training` through the real main(): import, record, status, export; bad files write nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from tests.governance.gov_cli import sobria

DATA = Path(__file__).parent / "data"


def test_import_status_record_export(tmp_path: Path) -> None:
    assert sobria(["init", "--organisation", "TechVert"], tmp_path).returncode == 0
    path = DATA / "training_ok.csv"
    done = sobria(["training", "import", str(path)], tmp_path)
    assert (done.returncode, done.stdout) == (
        0, f"3 enregistrement(s) de formation importé(s) pour 2 personne(s) depuis {path}\n")
    status = sobria(["training", "status", "--at", "2025-07-01"], tmp_path)
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[:2] == ["Formation et maîtrise de l'IA au 2025-07-01",
                         "0 personne(s) formée(s) sur 2 (0 %), 2 session(s)"]
    assert "marketing" not in status.stdout  # one person per team: never shown on its own
    recorded = sobria(["training", "record", "--person", "carla@techvert.fr", "--module", "charte-ia",
                       "--date", "2025-04-02", "--team", "support"], tmp_path)
    assert (recorded.returncode, recorded.stdout) == (0, "formation enregistrée : module charte-ia, le 2025-04-02\n")
    export = sobria(["training", "export", "--at", "2025-07-01"], tmp_path)
    assert (export.returncode, export.stdout) == (
        0, "preuves de formation écrites dans preuves_formation_2025-07-01.csv (4 ligne(s))\n")
    text = (tmp_path / "preuves_formation_2025-07-01.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    # ordered by day, module, pseudonym (pseudonyms depend on the secret drawn by init)
    assert sorted((r["module"], r["date"], r["status"], r["valid_until"]) for r in rows) == [
        ("charte-ia", "2025-04-02", "completed", "2026-04-02"),
        ("ia-fondamentaux", "2025-03-10", "completed", "2027-03-10"),
        ("sobriete-requetes", "2025-03-10", "attended", ""),
        ("sobriete-requetes", "2025-03-10", "completed", "2026-03-10")]
    assert [r["date"] for r in rows] == ["2025-03-10", "2025-03-10", "2025-03-10", "2025-04-02"]
    assert all(r["person"].startswith("p_") for r in rows) and "@" not in text
    again = sobria(["training", "export", "--at", "2025-07-01"], tmp_path)
    assert again.returncode == 2
    as_json = sobria(["training", "export", "--at", "2025-07-01", "--format", "json"], tmp_path)
    assert as_json.returncode == 0
    document = json.loads((tmp_path / "preuves_formation_2025-07-01.json").read_text(encoding="utf-8"))
    assert (document["organisation"], len(document["records"])) == ("TechVert", 4)


def test_bad_file_exit_2_and_nothing_recorded(tmp_path: Path) -> None:
    assert sobria(["init"], tmp_path).returncode == 0
    path = DATA / "training_bad.csv"
    done = sobria(["training", "import", str(path)], tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"{path} : fichier de formation refusé : 6 erreur(s), rien n'a été enregistré",
        f"  {path}:3, champ « module » : module inconnu « sobriete-prompts » ; modules du catalogue : "
        "ia-fondamentaux, sobriete-requetes, sobriete-bon-outil, sobriete-quand-ne-pas, donnees-confidentialite, "
        "charte-ia, empreinte-mesure, ai-act-roles",
        f"  {path}:4, champ « date » : date invalide « 2025-13-01 » : attendu AAAA-MM-JJ ou JJ/MM/AAAA",
        f"  {path}:5, champ « identifier » : identifiant vide",
        f"  {path}:6, champ « status » : statut « fini » inconnu ; attendu : attended, completed",
        f"  {path}:7, champ « identifier » : ligne en double : même personne, module sobriete-requetes, "
        "date 2025-03-10",
        f"  {path}:8, champ « date » : date « 2031-01-01 » dans le futur : une formation ne peut être enregistrée "
        "qu'une fois suivie",
    ]
    export = sobria(["training", "export", "--out", "e.csv"], tmp_path)
    assert export.stdout == "preuves de formation écrites dans e.csv (0 ligne(s))\n"
    bad_option = sobria(["training", "record", "--person", "a@b.fr", "--module", "charte", "--date", "2025-01-01"],
                        tmp_path)
    assert bad_option.returncode == 2
    assert bad_option.stderr.startswith("paramètre --module : module inconnu « charte »")
