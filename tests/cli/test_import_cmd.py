"""`sobria init` and `sobria import` as a person runs them: messages, exit codes, nothing half-written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sobria.cli.app import app

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
    assert "3 lignes lues — importées : 1, déjà présentes : 0, rejetées : 2." in ok.stdout
    assert (tmp_path / "rejets.csv").read_text(encoding="utf-8").count("\n") == 3


def test_unknown_kind_and_missing_file(tmp_path: Path) -> None:
    assert _run(tmp_path, "init").returncode == 0
    out = _run(tmp_path, "import", "csv-magique", "e.csv")
    assert out.returncode == 2 and "type de source « csv-magique » inconnu" in out.stderr
    out = _run(tmp_path, "import", "events", "absent.csv")
    assert out.returncode == 2 and "absent.csv" in out.stderr and "Traceback" not in out.stderr


def test_init_leaves_no_connection_open_to_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`sobria demo` runs init then imports in one process: a large import loads the file through
    another copy of SQLite (ADBC), which must be the only one holding it."""
    monkeypatch.setenv("SOBRIA_DB", f"sqlite:///{tmp_path / 'sobria.db'}")
    monkeypatch.setenv("SOBRIA_SECRET_FILE", str(tmp_path / "secret.key"))
    result = CliRunner().invoke(app, ["init"])
    assert result.exit_code == 0, result.output

    def open_files() -> list[str]:
        links = (os.readlink(f"/proc/self/fd/{fd}") for fd in os.listdir("/proc/self/fd")
                 if os.path.islink(f"/proc/self/fd/{fd}"))
        return sorted(link for link in links if link.startswith(str(tmp_path / "sobria.db")))  # not other tests' stores

    assert open_files() == []


@pytest.mark.parametrize(("method", "basis"), [("sobria", "location"), ("ecologits", "market")])
def test_the_import_estimates_with_the_configured_method_and_basis(tmp_path: Path, method: str, basis: str) -> None:
    """SOBRIA_METHOD applies to imported events as to the gateway's (``Settings.estimate_options``):
    one store, one method, whoever writes the events; the store is location-based whatever
    SOBRIA_CARBON_BASIS says (it changes ``sobria estimate``'s display only)."""
    from sobria.catalog import load_catalog
    from sobria.impact.estimator import Estimator
    from sobria.impact.options import EstimateOptions
    from sobria.impact.request import Request, estimate_request
    from sobria.store import open_store

    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")} | {
        "COLUMNS": "200", "SOBRIA_METHOD": method, "SOBRIA_CARBON_BASIS": basis}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "sobria", *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, check=False, timeout=120)

    assert run("init").returncode == 0
    (tmp_path / "e.csv").write_text(HEADER + "e1,2025-01-02T10:00:00Z,a@x.fr,gpt-4o,chat,800,400\n")
    assert run("import", "events", "e.csv").returncode == 0
    store = open_store(f"sqlite:///{tmp_path / 'sobria.db'}")
    try:
        stored = store.read_events().row(0, named=True)
    finally:
        store.close()
    options = EstimateOptions(method=method)  # type: ignore[arg-type]
    expected = estimate_request(Estimator(load_catalog(), options), Request("openai", "gpt-4o", 400, 800))
    assert stored["gwp_kgco2e_min"] == pytest.approx(expected.gwp_kgco2e.min, rel=1e-9)
    assert stored["gwp_kgco2e_max"] == pytest.approx(expected.gwp_kgco2e.max, rel=1e-9)
    default = estimate_request(Estimator(load_catalog()), Request("openai", "gpt-4o", 400, 800))
    assert (stored["gwp_kgco2e_max"] == pytest.approx(default.gwp_kgco2e.max, rel=1e-9)) == (method == "sobria")
