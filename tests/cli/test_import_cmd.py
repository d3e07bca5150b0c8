"""`sobria init` and `sobria import` as a person runs them: messages, exit codes, nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HEADER = "event_id,ts,person,model,operation,input_tokens,output_tokens\n"


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")} | {"COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "sobria", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, check=False, timeout=120)


def test_import_before_init_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "e.csv").write_text(HEADER + "e1,2025-01-02T10:00:00Z,a@x.fr,gpt-4o,chat,1,1\n")
    out = _run(tmp_path, "import", "events", "e.csv")
    assert out.returncode == 2
    assert "lancez d'abord « sobria init »" in out.stderr and "Traceback" not in out.stderr


def test_bad_rows_are_listed_with_file_and_line_and_nothing_is_written(tmp_path: Path) -> None:
    assert _run(tmp_path, "init").returncode == 0
    (tmp_path / "e.csv").write_text(HEADER + "e1,2025-01-02T10:00:00Z,a@x.fr,gpt-4o,chat,1,1\n"
                                    "e2,2025-01-02T10:00:00Z,a@x.fr,gpt-4o,chat,-4,1\n"
                                    "e3,hier,a@x.fr,gpt-4o,chat,1,1\n")
    out = _run(tmp_path, "import", "events", "e.csv")
    assert out.returncode == 2, out.stderr
    lines = out.stderr.splitlines()
    assert lines[0].startswith("lot rejeté : 2 erreur(s), rien n'a été écrit")
    assert lines[1].startswith("  e.csv:3, champ « input_tokens » : ")
    assert lines[2].startswith("  e.csv:4, champ « ts » : ")
    ok = _run(tmp_path, "import", "events", "e.csv", "--skip-invalid", "--reject-file", "rejets.csv")
    assert ok.returncode == 0, ok.stderr
    assert "3 lignes lues : 1 importées, 0 déjà présentes, 2 rejetées." in ok.stdout
    assert (tmp_path / "rejets.csv").read_text(encoding="utf-8").count("\n") == 3


def test_unknown_kind_and_missing_file(tmp_path: Path) -> None:
    assert _run(tmp_path, "init").returncode == 0
    out = _run(tmp_path, "import", "csv-magique", "e.csv")
    assert out.returncode == 2 and "type de source « csv-magique » inconnu" in out.stderr
    out = _run(tmp_path, "import", "events", "absent.csv")
    assert out.returncode == 2 and "absent.csv" in out.stderr and "Traceback" not in out.stderr
