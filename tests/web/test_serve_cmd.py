"""`sobria serve --create-account`: accounts managed from the command line, bad input named."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from sobria.cli.app import app
from sobria.store import open_store
from sobria.store.web_store import WebStore
from sobria.web.auth import verify_password


def test_create_account_prints_its_password_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sobria.db'}"
    result = CliRunner().invoke(app, ["serve", "--create-account", "lea", "--role", "team_lead", "--team", "tech"],
                                env={"SOBRIA_DB": url})
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Compte « lea » enregistré (rôle : responsable d'équipe).\n")
    found = re.search(r"Mot de passe \(affiché une seule fois\) : (\S+)\n", result.output)
    assert found is not None
    store = open_store(url)
    account = WebStore(store).account("lea")
    assert account is not None and (account.role, account.team) == ("team_lead", "tech")
    assert verify_password(found.group(1), account.password_hash)
    store.close()


def test_bad_role_and_missing_team_are_named(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {"SOBRIA_DB": f"sqlite:///{tmp_path / 'sobria.db'}", "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    run = [sys.executable, "-m", "sobria", "serve", "--create-account", "x", "--role"]
    bad = subprocess.run([*run, "chef"], env=env, capture_output=True, text=True, check=False, timeout=120)
    assert bad.returncode == 2
    assert bad.stderr == ("paramètre --role : rôle inconnu « chef » (attendu : admin, direction, committee, "
                          "team_lead, employee)\n")
    lead = subprocess.run([*run, "team_lead"], env=env, capture_output=True, text=True, check=False, timeout=120)
    assert lead.returncode == 2
    assert lead.stderr == "paramètre --team : un compte responsable d'équipe doit nommer son équipe\n"
