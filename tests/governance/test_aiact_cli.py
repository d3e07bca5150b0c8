"""`sobria aiact inventory|assess|obligations` through Typer and through the real main()."""

from __future__ import annotations

import json
import os
from pathlib import Path

from typer.testing import CliRunner

from tests.governance.cli_support import root_app, run_main

DATA = Path(__file__).resolve().parents[1] / "data" / "governance"
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("SOBRIA_LANG", None)
    return env


def test_init_writes_the_template_then_refuses_to_overwrite(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "inventaire.yaml"
    result = runner.invoke(root_app(), ["aiact", "inventory", str(path), "--init"])
    assert result.exit_code == 0, result.output
    assert result.output == f"Modèle d'inventaire écrit dans {path} (usages du cas TechVert, à adapter).\n"
    written = path.read_text(encoding="utf-8")
    assert written.startswith("# Inventaire des usages de l'IA")
    again = run_main(["aiact", "inventory", str(path), "--init"], str(tmp_path), _env())
    assert again.returncode == 2
    assert again.stderr == f"{path} : le fichier {path} existe déjà (utilisez --force pour l'écraser)\n"
    assert path.read_text(encoding="utf-8") == written


def test_inventory_lists_the_use_cases(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "inv.yaml"
    runner.invoke(root_app(), ["aiact", "inventory", str(path), "--init"])
    result = runner.invoke(root_app(), ["--lang", "en", "aiact", "inventory", str(path)],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "9 use case(s), file valid" in result.output
    assert "│ tri-cv " in result.output
    assert result.output.rstrip().endswith("A compliance aid, not legal advice: when in doubt, ask a lawyer.")


def test_assess_json_for_the_case_study(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "inv.yaml"
    runner.invoke(root_app(), ["aiact", "inventory", str(path), "--init"])
    result = runner.invoke(root_app(), ["--lang", "en", "aiact", "assess", str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["regulation"] == "2026-11-28.1"
    classes = {u["id"]: (u["class"], u["annex_iii_point"], u["role"]) for u in data["use_cases"]}
    assert classes["tri-cv"] == ("high_risk", "4(a)", "deployer")
    assert classes["evaluation-agents"] == ("high_risk", "4(b)", "deployer")
    assert classes["chatbot-support"] == ("transparency", None, "provider")
    assert classes["images-marketing"] == ("transparency", None, "deployer")
    assert classes["textes-marketing"] == ("minimal", None, "deployer")
    cv = next(u for u in data["use_cases"] if u["id"] == "tri-cv")
    assert cv["reasons"][0]["text"] == "high-risk: Annex III, point 4(a) (employment_recruitment)"
    oversight = next(o for o in cv["obligations"] if o["id"] == "art26_oversight")
    assert oversight == {
        "use_case": "tri-cv", "id": "art26_oversight",
        "title": "Assign human oversight to competent, trained people with authority",
        "article": "Art. 26(2)", "holder": "deployer", "statutory": True, "applies_from": "2027-12-02",
        "verified": False, "status": "todo", "owner": "Responsable RH", "due": "2027-12-02",
        "evidence_to_keep": "Appointment of the people in charge of oversight, their training, "
                            "their authority to stop the system",
        "evidence_kept": None,
    }


def test_obligations_due_before_json(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "inv.yaml"
    runner.invoke(root_app(), ["aiact", "inventory", str(path), "--init"])
    result = runner.invoke(root_app(), ["aiact", "obligations", str(path), "--json", "--due-before", "2026-09-01"])
    assert result.exit_code == 0, result.output
    ids = [(o["use_case"], o["id"], o["due"]) for o in json.loads(result.output)["obligations"]]
    assert len(ids) == 11
    assert ids[-1] == ("images-marketing", "art50_4_deepfake", "2026-08-02")


def test_bad_inventory_exit_code_and_message(tmp_path: Path) -> None:
    done = run_main(["aiact", "assess", str(DATA / "bad_type.yaml")], str(tmp_path), _env())
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (f"{DATA / 'bad_type.yaml'}:10, champ « use_cases[0].personal_data » : "
                           "type incorrect : « oui » n'est pas true ou false\n")
    assert list(tmp_path.iterdir()) == []


def test_bad_due_before_date(tmp_path: Path) -> None:
    runner = CliRunner()
    path = tmp_path / "inv.yaml"
    runner.invoke(root_app(), ["aiact", "inventory", str(path), "--init"])
    done = run_main(["--lang", "en", "aiact", "obligations", str(path), "--due-before", "2027-02-30"],
                    str(tmp_path), _env())
    assert done.returncode == 2
    assert done.stderr == "parameter --due-before: invalid date '2027-02-30': expected YYYY-MM-DD\n"


def test_inventory_without_file_or_init(tmp_path: Path) -> None:
    done = run_main(["aiact", "inventory"], str(tmp_path), _env())
    assert done.returncode == 2
    assert done.stderr == "paramètre FILE : indiquez le fichier d'inventaire, ou --init pour en créer un\n"
    assert list(tmp_path.iterdir()) == []
