"""Models' published output limits, under their names and dated names."""

from __future__ import annotations

from sobria.catalog.output_limits import output_limit


def test_a_models_limit_under_its_name_and_its_dated_names() -> None:
    assert output_limit("gpt-4o-mini") == 16_384
    assert output_limit("gpt-4o-mini-2024-07-18") == 16_384   # not gpt-4o's entry, the longest name it extends
    assert output_limit("gpt-4o-2024-08-06") == 16_384
    assert output_limit("claude-haiku-4-5-20251001") == 64_000
    assert output_limit("claude-opus-4-1-20250805") == 32_000
    assert output_limit("claude-opus-4-20250514") == 32_000


def test_a_model_not_listed_has_no_limit() -> None:
    assert output_limit("mistral-large-latest") is None
    assert output_limit("gpt-4omni") is None   # a prefix is not a name it extends
