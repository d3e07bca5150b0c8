"""`sobria maturity` through the real main(): output, files, and bad input rejected (exit 2, nothing written)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.governance.gov_cli import sobria

DATA = Path(__file__).parent / "data"


def test_techvert_before_and_after(tmp_path: Path) -> None:
    done = sobria(["maturity", str(DATA / "techvert_apres.yaml"), "--before", str(DATA / "techvert_avant.yaml"),
                   "--svg", "m.svg", "--json", "m.json"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "Position : IA 91,7/100, RSE 90,9/100",
        "Profil : Leaders responsables — IA et RSE intégrées : avantage compétitif durable"]
    assert done.stdout.splitlines()[-5:] == [
        "  1. intégrer l'IA au bilan carbone et à la démarche RSE",
        "  2. publier la démarche (rapport d'impact, charte) auprès des clients et des équipes",
        "  3. suivre chaque mois l'empreinte et les budgets en comité",
        "matrice écrite dans m.svg", "résultat écrit dans m.json"]
    data = json.loads((tmp_path / "m.json").read_text(encoding="utf-8"))
    assert (data["profile"], data["ai_score"], data["csr_score"]) == ("leaders_responsables", 91.7, 90.9)
    assert "avant (2025-01-15)" in (tmp_path / "m.svg").read_text(encoding="utf-8")


def test_bad_questionnaire_exit_2_and_nothing_written(tmp_path: Path) -> None:
    path = DATA / "bad_answers.yaml"
    done = sobria(["maturity", str(path), "--svg", "m.svg", "--json", "m.json"], tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines()[:3] == [
        f"{path} : questionnaire refusé : 5 erreur(s), rien n'a été écrit",
        f"  {path}:5, champ « answers.ai_teams_using » : réponse « beaucoup » invalide pour « ai_teams_using » ; "
        "attendu : none, few, half, most, all",
        f"  {path}:7, champ « answers.ai_in_production » : réponse « peut-être » invalide pour "
        "« ai_in_production » ; attendu : true, false (oui, non)"]
    assert len(done.stderr.splitlines()) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_template_then_refuse_to_overwrite(tmp_path: Path) -> None:
    first = sobria(["--lang", "en", "maturity", "q.yaml", "--template"], tmp_path)
    assert (first.returncode, first.stdout) == (0, "questionnaire template written to q.yaml\n")
    again = sobria(["--lang", "en", "maturity", "q.yaml", "--template"], tmp_path)
    assert (again.returncode, again.stderr) == (2, "q.yaml: q.yaml already exists; choose another name\n")


def test_measured_signals_from_an_empty_store_and_a_valid_charter(tmp_path: Path) -> None:
    done = sobria(["maturity", str(DATA / "techvert_avant.yaml"), "--measure", "--policy",
                   str(DATA / "politique_techvert.yaml")], tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Position : IA 91,7/100, RSE 18,2/100"
    assert "  - « policy_formalised » : déclaré 0/100 mais mesuré 100/100 ; la mesure est retenue" in lines
    assert "  - Mesuré : footprint_known = 0/100 (déclaré 0/100)" in lines
