"""The models people use now: sourced architectures, MoE-aware names, guesses that say why."""

from __future__ import annotations

import pytest

from sobria.catalog import Catalog, resolve
from sobria.catalog.names import moe_sizes_in_name_b

# (provider, API id) -> (resolved model, active min, active max, total min, total max)
EXPECTED = {
    ("openai", "o3"): ("o3", 44, 132, 440, 440),
    ("openai", "o3-pro-2025-06-10"): ("o3-pro-2025-06-10", 44, 132, 440, 440),
    ("openai", "o4-mini"): ("o4-mini", 8, 28, 8, 28),
    ("openai", "gpt-4.5-preview"): ("gpt-4.5-preview", 200, 600, 2000, 2000),
    ("openai", "gpt-5"): ("gpt-5", 30, 90, 300, 300),
    ("openai", "gpt-5-mini"): ("gpt-5-mini", 25, 70, 25, 70),
    ("google", "gemini-2.5-pro"): ("gemini-2.5-pro", 200, 600, 2000, 2000),
    ("google", "gemini-2.5-flash"): ("gemini-2.5-flash", 44, 132, 440, 440),
    ("google", "gemini-3-pro-preview"): ("gemini-3-pro-preview", 120, 360, 1200, 1200),
    ("google", "gemini-3-flash"): ("gemini-3-flash", 100, 300, 300, 300),
    ("anthropic", "claude-sonnet-4-20250514"): ("claude-sonnet-4", 44, 132, 440, 440),
    ("anthropic", "claude-opus-4-1-20250805"): ("claude-opus-4-1", 67, 400, 670, 2000),
    ("anthropic", "claude-sonnet-4-5"): ("claude-sonnet-4-5", 44, 132, 440, 440),
    ("deepseek", "deepseek-chat"): ("deepseek-chat", 37, 37, 671, 671),
    ("deepseek", "deepseek-reasoner"): ("deepseek-reasoner", 37, 37, 671, 671),
    ("qwen", "qwen3-235b-a22b"): ("qwen3-235b-a22b", 22, 22, 235, 235),
    ("meta", "llama-4-scout-17b-16e-instruct"): ("llama-4-scout-17b-16e-instruct", 17, 17, 109, 109),
    ("meta", "llama-4-maverick"): ("llama-4-maverick", 17, 17, 400, 400),
    ("mistral", "mistral-large-2411"): ("mistral-large-2411", 122.61, 122.61, 122.61, 122.61),
    ("mistral", "mistral-large-2407"): ("mistral-large-2407", 122.61, 122.61, 122.61, 122.61),
    ("mistral", "mistral-small-2503"): ("mistral-small-2503", 24, 24, 24, 24),
    ("xai", "grok-4"): ("grok-4", 86, 600, 314, 3000),
    ("moonshot", "kimi-k2-instruct"): ("kimi-k2-instruct", 32, 32, 1000, 1000),
}


@pytest.mark.parametrize(("provider", "name"), list(EXPECTED))
def test_current_models_resolve_with_their_architecture(catalog: Catalog, provider: str, name: str) -> None:
    res = resolve(catalog, provider, name)
    assert res.status == "ok" and res.llm is not None
    a, t = res.llm.active_params_b, res.llm.total_params_b
    assert (res.model, a.min, a.max, t.min, t.max) == EXPECTED[(provider, name)]
    assert res.llm.sources


def test_mistral_large_2_is_dense_123b_not_large_3(catalog: Catalog) -> None:
    large2 = resolve(catalog, "mistral", "mistral-large-2411")
    large3 = resolve(catalog, "mistral", "mistral-large-latest")
    assert large2.llm is not None and large3.llm is not None
    assert (large2.llm.architecture, large3.llm.architecture) == ("dense", "moe")
    assert (large3.llm.active_params_b.min, large3.llm.total_params_b.min) == (41, 675)


@pytest.mark.parametrize(("name", "expected"), [
    ("qwen3-235b-a22b", (22.0, 235.0)), ("qwen2-57b-a14b-instruct", (14.0, 57.0)),
    ("mixtral-8x22b", (44.0, 176.0)), ("llama-3-70b", None), ("gpt-4o", None), ("qwen-a22b-235b", None),
])
def test_moe_sizes_read_from_names(name: str, expected: tuple[float, float] | None) -> None:
    assert moe_sizes_in_name_b(name) == expected


def test_unknown_moe_name_is_guessed_with_its_active_size(catalog: Catalog) -> None:
    res = resolve(catalog, None, "acme-coder-480b-a35b")
    assert res.status == "model-guessed" and res.llm is not None
    assert (res.llm.active_params_b.min, res.llm.total_params_b.min) == (35, 480)
    assert res.note == "mixture of experts read from the name (35B active of 480B)"


@pytest.mark.parametrize(("name", "note"), [
    ("gpt-4o-audio-preview", "mapped to gpt-4o: the longest catalogue name that 'gpt-4o-audio-preview' extends"),
    ("zorg-large", "mapped to size class 'heavy' (keyword 'large')"),
    ("zorg", "mapped to size class 'medium' (no size keyword: the default class)"),
    ("foo-70b", "size read from the name (70B, dense)"),
])
def test_a_guess_says_what_it_was_mapped_to_and_why(catalog: Catalog, name: str, note: str) -> None:
    assert resolve(catalog, "openai", name).note == note


def test_alias_guess_carries_its_reason(catalog: Catalog) -> None:
    res = resolve(catalog, "anthropic", "claude-3-5-sonnet-20241022")
    assert res.status == "model-guessed"
    assert res.note.startswith("mapped to claude-sonnet-4-5: predecessor not in the EcoLogits catalogue")
