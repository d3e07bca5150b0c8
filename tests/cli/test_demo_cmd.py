"""`sobria demo` on a fresh directory: the demo company generated and imported like real data."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sobria.web.auth import verify_password


def test_demo_generates_and_imports_then_reimports_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")} | {"COLUMNS": "200"}
    run = [sys.executable, "-m", "sobria", "demo"]
    first = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "45 personnes, 5 équipes, 31\u202f872 requêtes IA du 2 janvier 2025 au 31 juillet 2025" in first.stdout
    assert "31\u202f872 lignes lues — importées : 31\u202f872, déjà présentes : 0, rejetées : 0." in first.stdout
    assert (tmp_path / ".sobria" / "secret.key").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(tmp_path / "sobria.db") as conn:
        assert conn.execute("SELECT count(*), count(prompt_text), count(prompt_fingerprint) FROM events"
                            ).fetchone() == (31872, 0, 31872)
        persons = [r[0] for r in conn.execute("SELECT DISTINCT person FROM events WHERE person IS NOT NULL")]
        assert persons and all(p.startswith("p_") and "@" not in p for p in persons)
        assert conn.execute("SELECT count(*) FROM events WHERE impact_status != 'ok'").fetchone() == (0,)
        stored = conn.execute("SELECT role, password_hash FROM web_accounts WHERE username = 'admin-demo'").fetchone()
    line = next(x for x in first.stdout.splitlines() if x.startswith("Tableau de bord : lancez « sobria serve »"))
    assert "http://127.0.0.1:8000/ — compte « admin-demo », mot de passe (affiché une seule fois) : " in line
    assert stored[0] == "admin" and verify_password(line.rsplit(" : ", 1)[1].strip(), stored[1])
    second = subprocess.run(run, cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "31\u202f872 lignes lues — importées : 0, déjà présentes : 31\u202f872, rejetées : 0." in second.stdout
