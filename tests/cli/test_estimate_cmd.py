"""`sobria estimate` and `sobria catalog` as a person runs them."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sobria", *args], capture_output=True, text=True, check=False,
                          env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "HOME": "/tmp"}, timeout=60)


def test_estimate_prints_a_french_summary() -> None:
    out = run("estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "400")
    assert out.returncode == 0, out.stderr
    assert "Énergie" in out.stdout and "Carbone (GWP)" in out.stdout and "voiture thermique" in out.stdout
    assert "Contrôle par la dépense" in out.stdout


def test_estimate_in_english() -> None:
    out = run("--lang", "en", "estimate", "--provider", "openai", "--model", "gpt-4o", "--output-tokens", "400")
    assert out.returncode == 0, out.stderr
    assert "Energy" in out.stdout and "petrol car" in out.stdout


def test_estimate_json_has_ranges_and_status() -> None:
    out = run("estimate", "--provider", "openai", "--model", "gpt-4o-2024-08-06", "--output-tokens", "400",
              "--input-tokens", "1000", "--zone", "FRA", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["status"] == "ok" and data["zone"] == "FRA" and data["resolved_model"] == "gpt-4o-2024-08-06"
    for key in ("energy_kwh", "gwp_kgco2e", "water_l", "adpe_kgsbeq", "pe_mj"):
        assert data[key]["min"] <= data[key]["central"] <= data[key]["max"]
    assert data["cost_eur"] == pytest.approx((1000 * 2.5 + 400 * 10) / 1e6 * 0.8887)
    assert data["warnings"] == ["model-arch-multimodal", "model-arch-not-released"]


def test_parity_method_matches_ecologits_from_the_command_line() -> None:
    from ecologits.tracers.utils import llm_impacts

    out = run("estimate", "--provider", "mistralai", "--model", "mistral-small-latest", "--output-tokens", "400",
              "--method", "ecologits", "--json")
    ref = llm_impacts("mistralai", "mistral-small-latest", 400, float("inf"))
    data = json.loads(out.stdout)
    assert data["energy_kwh"]["min"] == pytest.approx(ref.energy.value, rel=1e-9)


def test_unknown_model_is_estimated_with_a_warning() -> None:
    out = run("estimate", "--provider", "openai", "--model", "gpt-99", "--output-tokens", "10", "--json")
    assert out.returncode == 0
    assert json.loads(out.stdout)["status"] == "model-not-in-catalog"


@pytest.mark.parametrize(("args", "message"), [
    (["--provider", "nope", "--model", "gpt-4o", "--output-tokens", "1"],
     "paramètre --provider : fournisseur « nope » inconnu"),
    (["--provider", "openai", "--model", "gpt-4o", "--output-tokens", "1", "--zone", "ATL"],
     "paramètre --zone : zone électrique « ATL » inconnue"),
    (["--provider", "openai", "--model", "gpt-4o", "--output-tokens", "-5"],
     "paramètre --output-tokens : « -5 » n'est pas un entier positif ou nul"),
    (["--provider", "openai", "--model", "gpt-4o", "--output-tokens", "12.5"],
     "paramètre --output-tokens : « 12.5 » n'est pas un entier positif ou nul"),
    (["--provider", "openai", "--model", "gpt-4o", "--input-tokens", "abc"],
     "paramètre --input-tokens : « abc » n'est pas un entier positif ou nul"),
    (["--provider", "openai", "--model", "dall-e-3", "--images", "1", "--size", "100000x100000"],
     "paramètre --size : taille d'image « 100000x100000 » invalide"),
    (["--provider", "openai", "--model", "dall-e-3", "--images", "5000"],
     "paramètre --images : 5000 images pour une seule requête (maximum 1000)"),
    (["--provider", "openai", "--model", "gpt-4o", "--input-tokens", "10", "--cached-tokens", "20"],
     "paramètre --cached-tokens : 20 jetons en cache pour seulement 10 jetons d'entrée"),
    (["--provider", "openai", "--model", "gpt-4o", "--latency", "0"],
     "paramètre --latency : « 0 » n'est pas un nombre strictement positif"),
    (["--provider", "openai", "--model", "gpt-4o", "--method", "magic"],
     "paramètre --method : valeur « magic » inconnue ; attendu : sobria, ecologits"),
])
def test_bad_input_is_a_clear_message_and_exit_code_2(args: list[str], message: str) -> None:
    out = run("estimate", *args)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout == ""


def test_bad_language_setting() -> None:
    out = run("--lang", "de", "estimate", "--provider", "openai", "--model", "gpt-4o")
    assert out.returncode == 2
    assert "--lang" in out.stderr and "Traceback" not in out.stderr


def test_catalog_list_and_show() -> None:
    listed = run("catalog", "list", "--kind", "image", "--json")
    assert listed.returncode == 0, listed.stderr
    names = {row["model"] for row in json.loads(listed.stdout)}
    assert {"dall-e-3", "gpt-image-1", "midjourney", "stable-diffusion-xl", "flux", "imagen"} <= names
    shown = run("catalog", "show", "dall-e-3", "--json")
    data = json.loads(shown.stdout)
    energy = data["energy_wh_per_image"]  # generic bracket: GPU 0.43 / 0.99 / 5.03 Wh x server 1.1 / 1.21 / 2
    assert [round(energy[k], 4) for k in ("min", "central", "max")] == [0.473, 1.1979, 10.06]
    assert "generic diffusion bracket" in data["source"]["ref"]
    human = run("catalog", "show", "gpt-4o")
    assert human.returncode == 0 and "au catalogue" in human.stdout


def test_missing_option_is_a_usage_error_without_traceback() -> None:
    out = run("estimate", "--model", "gpt-4o")
    assert out.returncode == 2
    assert "--provider" in out.stderr and "Traceback" not in out.stderr
