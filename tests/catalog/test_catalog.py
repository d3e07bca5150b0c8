"""The catalogue: EcoLogits data taken as is, the overlay validated, names resolved."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from sobria.catalog import Catalog, resolve
from sobria.catalog.names import normalise, size_in_name_b, undated_variants
from sobria.catalog.reference import ecologits_data_dir


def test_every_ecologits_model_and_mix_is_loaded(catalog: Catalog) -> None:
    raw = json.loads((ecologits_data_dir() / "models.json").read_text())
    mixes = json.loads((ecologits_data_dir() / "electricity_mixes.json").read_text())
    ecologits = [m for m in catalog.llm.values() if m.origin == "ecologits"]
    assert len(ecologits) == len(raw["models"]) + len(raw["aliases"])
    assert len(catalog.mixes) == len(mixes["electricity_mixes"])
    assert catalog.mixes["FRA"].gwp_kgco2e_per_kwh == next(
        m["gwp"] for m in mixes["electricity_mixes"] if m["name"] == "FRA")


def test_every_overlay_entry_has_a_source(catalog: Catalog) -> None:
    o = catalog.overlay
    entries = [*o.providers, *o.image_models, *o.embedding_models, *o.aliases, *o.prices, *o.monetary_factors,
               *o.fallback_classes, *o.constants]
    assert entries
    assert all(len(e.source.ref) >= 3 and e.source.recorded.year >= 2025 for e in entries)


@pytest.mark.parametrize(("provider", "name", "kind", "model", "status"), [
    ("openai", "gpt-4o", "llm", "gpt-4o", "ok"),
    ("openai", "gpt-4o-2024-08-06", "llm", "gpt-4o-2024-08-06", "ok"),
    ("openai", "GPT-3.5-Turbo", "llm", "gpt-3.5-turbo", "ok"),
    ("azure", "gpt-35-turbo", "llm", "gpt-35-turbo", "ok"),
    ("openai", "chatgpt-4o-latest", "llm", "gpt-4o", "ok"),
    (None, "ChatGPT", "llm", "gpt-4o", "ok"),
    (None, "Le Chat", "llm", "mistral-medium-latest", "ok"),
    (None, "Claude", "llm", "claude-sonnet-4-5", "ok"),
    (None, "Copilot", "llm", "gpt-4o", "ok"),
    ("anthropic", "claude-3-5-sonnet-20241022", "llm", "claude-sonnet-4-5", "model-guessed"),
    ("mistral", "mistral-large-2402", "llm", "mistral-large-latest", "model-guessed"),
    ("openai", "gpt-4o-audio-preview-2024-12-17", "llm", "gpt-4o", "model-guessed"),
    ("openai", "openai/gpt-4o-mini", "llm", "gpt-4o-mini", "ok"),
    ("huggingface_hub", "meta-llama/Meta-Llama-3.1-8B-Instruct", "llm", "meta-llama/Meta-Llama-3.1-8B-Instruct", "ok"),
    ("huggingface_hub", "meta-llama/Llama-3.1-8B-Instruct", "llm", "meta-llama/llama-3.1-8b-instruct", "model-guessed"),
    ("openai", "dall-e-3", "image", "dall-e-3", "ok"),
    (None, "midjourney", "image", "midjourney", "ok"),
    ("bfl", "FLUX.1-dev", "image", "flux", "ok"),
    ("openai", "text-embedding-3-large", "embedding", "text-embedding-3-large", "ok"),
    ("openai", "brand-new-model", "llm", "class:medium", "model-not-in-catalog"),
    ("openai", "brand-new-mini", "llm", "class:light", "model-not-in-catalog"),
    ("anthropic", "claude-ultra-9", "llm", "class:heavy", "model-not-in-catalog"),
    (None, "qwen-72b-chat", "llm", "qwen-72b-chat", "model-guessed"),
    ("acme", "gpt-4o", "llm", "gpt-4o", "provider-unknown"),
])
def test_resolution(catalog: Catalog, provider: str | None, name: str, kind: str, model: str, status: str) -> None:
    res = resolve(catalog, provider, name)
    assert (res.kind, res.model, res.status) == (kind, model, status)


def test_unknown_image_and_embedding_models_fall_back(catalog: Catalog) -> None:
    image = resolve(catalog, "openai", "img-gen-x", "image")
    assert (image.kind, image.status, image.model) == ("image", "model-not-in-catalog", "generic-image")
    emb = resolve(catalog, "openai", "embed-x", "embedding")
    assert (emb.kind, emb.status) == ("embedding", "model-not-in-catalog")


def test_knows_model(catalog: Catalog) -> None:
    assert catalog.knows_model("gpt-4o") and catalog.knows_model("dall-e-3") and catalog.knows_model("ChatGPT")
    assert catalog.knows_model("claude-3-opus")
    assert not catalog.knows_model("gpt-17-ultra")
    assert "gpt-4o-mini" in catalog.model_names()


def test_names() -> None:
    assert normalise("  OpenAI/GPT-4o ") == "gpt-4o"
    assert undated_variants("claude-3-5-sonnet-20241022") == ["claude-3-5-sonnet"]
    assert undated_variants("gpt-4o-2024-08-06") == ["gpt-4o"]
    assert undated_variants("mistral-large-2411") == ["mistral-large"]
    assert size_in_name_b("llama-3.1-70b-instruct") == 70.0
    assert size_in_name_b("gpt-4o") is None


def test_importing_sobria_does_no_catalogue_io() -> None:
    code = ("import sys, sobria.cli.app, sobria.impact, sobria.catalog; "
            "print(any(m.startswith('ecologits') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
