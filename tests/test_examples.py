"""Every sample input in examples/ is accepted by the command examples/README.md gives for it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sobria.gateway.config import load_config
from sobria.ingest.registry import KINDS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# importer kind -> (file, rows imported)
IMPORTS = {
    "events": ("events.csv", 2), "openai-usage": ("openai-usage.json", 2),
    "anthropic-usage": ("anthropic-usage.json", 2), "litellm": ("litellm-spend-logs.csv", 3),
    "chatgpt-enterprise": ("chatgpt-enterprise.csv", 3), "otel": ("otel-spans.json", 3), "survey": ("survey.csv", 4),
}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")} | {"COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "sobria", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          check=False, timeout=300)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("examples") / "examples"
    shutil.copytree(EXAMPLES, path)
    assert _run(path, "init", "--organisation", "Exemple").returncode == 0
    return path


def test_every_importer_has_a_sample() -> None:
    assert set(IMPORTS) == set(KINDS)
    assert all((EXAMPLES / name).is_file() for name, _ in IMPORTS.values())


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_sample_imports_cleanly(folder: Path, kind: str) -> None:
    name, rows = IMPORTS[kind]
    out = _run(folder, "import", kind, name, "--people", "people.csv")
    assert out.returncode == 0, out.stderr
    assert f"{rows} lignes lues — importées : {rows}, déjà présentes : 0, rejetées : 0." in out.stdout


@pytest.mark.parametrize("args", [
    ("training", "import", "formations.csv"), ("maturity", "questionnaire.yaml", "--svg", "matrice.svg"),
    ("policy", "check", "charte.yaml"), ("aiact", "assess", "inventaire.yaml"),
    ("report", "--company", "entreprise.yaml", "--policy", "charte.yaml", "--out", "rapport.html"),
])
def test_other_samples_are_accepted(folder: Path, args: tuple[str, ...]) -> None:
    out = _run(folder, *args)
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""


def test_gateway_sample_points_at_the_fake_upstream() -> None:
    config = load_config(EXAMPLES / "gateway.yaml")
    assert [(u.name, u.base_url, u.api_key_env) for u in config.upstreams] == [
        ("fake", "http://127.0.0.1:9000/v1", "FAKE_UPSTREAM_KEY")]
