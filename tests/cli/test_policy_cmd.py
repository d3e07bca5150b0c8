"""`sobria policy init` and `sobria policy check`, through the real command line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sobria.cli.app import app

DATA = Path(__file__).parents[1] / "data" / "policy"


def _sobria(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOBRIA_LANG": "fr"}
    return subprocess.run(
        [sys.executable, "-m", "sobria", *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


def test_init_writes_a_template_that_checks_clean(tmp_path: Path) -> None:
    target = tmp_path / "politique.yaml"
    result = CliRunner().invoke(app, ["policy", "init", str(target)])
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"Modèle de politique écrit dans {target}. Adaptez-le, puis : sobria policy check {target}\n"
    )
    assert target.read_text(encoding="utf-8").startswith("# Politique d'usage de l'IA générative")
    checked = CliRunner().invoke(app, ["policy", "check", str(target)])
    assert checked.exit_code == 0, checked.output
    assert checked.output == f"{target} : politique valide (format version 1, charte 1.0).\n"


def test_init_default_path_in_current_directory(tmp_path: Path) -> None:
    result = _sobria("policy", "init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "politique.yaml").is_file()


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    target = tmp_path / "p.yaml"
    target.write_text("# mine\n", encoding="utf-8")
    refused = _sobria("policy", "init", str(target))
    assert refused.returncode == 2
    assert refused.stderr == f"{target} : le fichier existe déjà ; ajoutez --force pour l'écraser\n"
    assert target.read_text(encoding="utf-8") == "# mine\n"
    forced = _sobria("policy", "init", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert "version: 1" in target.read_text(encoding="utf-8")


def test_check_reports_every_error_with_line_and_suggestion(tmp_path: Path) -> None:
    text = (DATA / "valid.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        text.replace("  default: gpt-4o-mini ", "  default: gpt-4o-mni ")
        .replace("  unlisted: warn ", "  unlistd: warn ")
        .replace("    marketing: 8\n", '    marketing: "huit"\n'),
        encoding="utf-8",
    )
    result = _sobria("policy", "check", str(bad))
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    # the closest catalogue name comes first; the next ones depend on the catalogue's contents
    assert lines[1].startswith("    suggestion : vouliez-vous dire : gpt-4o-mini, ")
    assert lines[:1] + lines[2:] == [
        f"{bad}:57, champ « models.default » : modèle inconnu du catalogue : « gpt-4o-mni »",
        f"{bad}:67, champ « models.unlistd » : clé inconnue « unlistd »",
        "    suggestion : vouliez-vous dire : unlisted ?",
        f"{bad}:113, champ « budgets.teams.marketing » : type incorrect : « huit » n'est pas un nombre",
        "    suggestion : écrivez un nombre sans guillemets ni unité, par exemple 12.5",
        f"{bad} : 3 erreur(s) dans la politique",
    ]


def test_check_in_english(tmp_path: Path) -> None:
    bad = DATA / "negative_budget.yaml"
    result = _sobria("--lang", "en", "policy", "check", str(bad))
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{bad}:113, field 'budgets.teams.marketing': negative value (-8): the minimum is 0",
        "    suggestion: give a value greater than or equal to 0",
        f"{bad}: 1 error(s) in the policy",
    ]


def test_check_missing_file(tmp_path: Path) -> None:
    result = _sobria("policy", "check", str(tmp_path / "absent.yaml"))
    assert result.returncode == 2
    assert result.stderr == f"{tmp_path / 'absent.yaml'} : fichier introuvable : {tmp_path / 'absent.yaml'}\n"


def test_init_dates_the_template_with_the_case_study_unless_asked(tmp_path: Path) -> None:
    import datetime as dt

    runner = CliRunner()
    assert runner.invoke(app, ["policy", "init", str(tmp_path / "a.yaml")]).exit_code == 0
    assert "  date: 2025-03-17 " in (tmp_path / "a.yaml").read_text(encoding="utf-8")
    assert runner.invoke(app, ["policy", "init", str(tmp_path / "b.yaml"), "--date", "2026-01-05"]).exit_code == 0
    assert "  date: 2026-01-05 " in (tmp_path / "b.yaml").read_text(encoding="utf-8")
    assert runner.invoke(app, ["policy", "init", str(tmp_path / "c.yaml"), "--date", "today"]).exit_code == 0
    assert f"  date: {dt.date.today().isoformat()} " in (tmp_path / "c.yaml").read_text(encoding="utf-8")
    bad = _sobria("policy", "init", str(tmp_path / "d.yaml"), "--date", "2025-13-01")
    assert (bad.returncode, bad.stdout) == (2, "")
    assert bad.stderr == "paramètre --date : date « 2025-13-01 » invalide : attendu AAAA-MM-JJ\n"
    assert not (tmp_path / "d.yaml").exists()


def test_template_declares_every_demo_tool_and_refuses_only_midjourney() -> None:
    import polars as pl

    from sobria.demo import generate_demo
    from sobria.demo.charter import demo_charter_text
    from sobria.policy.loader import read_policy_text

    policy = read_policy_text(demo_charter_text()).policy
    assert policy is not None
    declared = {tool.id: tool.allowed for tool in policy.tools}
    demo_tools = set(generate_demo().events.select(pl.col("tool").unique())["tool"])
    assert demo_tools == {"chatgpt-entreprise", "chatbot-support", "tri-cv", "midjourney"}
    assert {tool: declared.get(tool) for tool in sorted(demo_tools)} == {
        "chatbot-support": True, "chatgpt-entreprise": True, "midjourney": False, "tri-cv": True}
