"""`sobria charter render`: Markdown and HTML to screen or file, PDF to a file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sobria.cli.app import app
from sobria.policy.charter import pdf_page_count

DATA = Path(__file__).parents[1] / "data" / "policy"
POLICY = str(DATA / "valid.yaml")


def _sobria(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOBRIA_LANG": "fr"}
    return subprocess.run([sys.executable, "-m", "sobria", *args], capture_output=True, text=True, check=False, env=env)


def test_render_markdown_to_stdout_is_the_golden_french_charter() -> None:
    result = CliRunner().invoke(app, ["charter", "render", POLICY])
    assert result.exit_code == 0, result.output
    assert result.output == (DATA / "golden" / "charter.fr.md").read_text(encoding="utf-8")


def test_render_english_html_to_a_file(tmp_path: Path) -> None:
    target = tmp_path / "charter.html"
    result = CliRunner().invoke(
        app, ["charter", "render", POLICY, "--lang", "en", "--format", "html", "--output", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert result.output == f"Charte écrite dans {target}.\n"
    assert target.read_text(encoding="utf-8") == (DATA / "golden" / "charter.en.html").read_text(encoding="utf-8")


def test_global_language_applies_to_the_charter() -> None:
    result = CliRunner().invoke(app, ["--lang", "en", "charter", "render", POLICY])
    assert result.exit_code == 0, result.output
    assert result.output == (DATA / "golden" / "charter.en.md").read_text(encoding="utf-8")


def test_render_pdf(tmp_path: Path) -> None:
    target = tmp_path / "charte.pdf"
    result = _sobria("charter", "render", POLICY, "--format", "pdf", "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Charte écrite dans {target} (2 page(s)).\n"
    assert pdf_page_count(target.read_bytes()) == 2


def test_pdf_needs_an_output_file() -> None:
    result = _sobria("charter", "render", POLICY, "--format", "pdf")
    assert result.returncode == 2
    assert result.stderr == (
        "paramètre --output : le format pdf s'écrit dans un fichier : ajoutez --output charte.pdf\n"
    )


def test_invalid_policy_is_refused_with_its_line() -> None:
    bad = DATA / "unknown_model.yaml"
    result = _sobria("charter", "render", str(bad))
    assert result.returncode == 2
    assert result.stderr == f"{bad}:57, champ « models.default » : modèle inconnu du catalogue : « gpt-4o-mni »\n"
