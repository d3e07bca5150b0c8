"""The AI tools registry: the shipped catalogue, and consumer tools used for what the charter forbids."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from sobria.errors import UserInputError
from sobria.governance.tools.registry import (
    FACT_NAMES,
    forbidden_usage,
    load_tools_catalog,
    privacy_groups,
    tool_tiers,
)
from sobria.policy.loader import policy_template, read_policy_text
from sobria.policy.schema import Policy

EXPECTED_TOOLS = [
    "chatgpt-free", "chatgpt-plus", "chatgpt-team", "chatgpt-enterprise", "openai-api", "claude-free",
    "claude-team", "anthropic-api", "le-chat-free", "le-chat-team", "mistral-api", "copilot-consumer",
    "copilot-m365", "gemini", "gemini-workspace", "midjourney", "deepl-free", "deepl-pro",
]


@pytest.fixture(scope="module")
def policy() -> Policy:
    report = read_policy_text(policy_template(dt.date(2025, 3, 1)))
    assert report.policy is not None
    return report.policy


def test_catalogue_tools_and_tiers() -> None:
    catalog = load_tools_catalog()
    assert catalog.catalog_version == "2026-11-28.1"
    assert [t.id for t in catalog.tools] == EXPECTED_TOOLS
    consumer = [t.id for t in catalog.tools if t.tier == "consumer"]
    assert consumer == ["chatgpt-free", "chatgpt-plus", "claude-free", "le-chat-free", "copilot-consumer",
                        "gemini", "midjourney", "deepl-free"]


def test_every_fact_has_source_date_and_status() -> None:
    catalog = load_tools_catalog()
    for tool in catalog.tools:
        for name in FACT_NAMES:
            fact = getattr(tool.facts, name)
            assert fact.source.startswith("https://"), (tool.id, name)
            assert fact.as_of == dt.date(2026, 11, 28)
            assert fact.verified is False  # nothing could be checked on vendor pages here; the data says so
            assert fact.checked
    names = [n for t in catalog.tools for n in (t.id, *t.aliases)]
    assert len(names) == len(set(names))


def test_key_facts() -> None:
    catalog = load_tools_catalog()
    facts = {t.id: (t.facts.training_default.value, t.facts.dpa_available.value) for t in catalog.tools}
    assert facts["chatgpt-free"] == (True, False)
    assert facts["chatgpt-enterprise"] == (False, True)
    assert facts["claude-free"] == (True, False)
    assert facts["copilot-consumer"] == (None, False)
    assert facts["deepl-pro"] == (False, True)


def test_find_by_alias_and_unknown_tool() -> None:
    catalog = load_tools_catalog()
    assert catalog.find("ChatGPT-Gratuit") is not None
    assert catalog.get("chatgpt").id == "chatgpt-free"
    with pytest.raises(UserInputError) as caught:
        catalog.get("chatgtp")
    assert caught.value.key == "tools.error.unknown_tool"
    assert caught.value.where.parameter == "ID"


def test_tiers_policy_first_then_catalogue(policy: Policy) -> None:
    tiers = tool_tiers(policy, load_tools_catalog(), ["chatgpt-gratuit", "chatgpt", "deepl-pro", "inhouse"])
    assert tiers == {"chatgpt-gratuit": "consumer", "chatgpt": "consumer", "deepl-pro": "enterprise",
                     "inhouse": "unknown"}


def _events() -> pl.DataFrame:
    rows = [
        ("chatgpt-gratuit", "recrutement", "rh", 3), ("chatgpt-gratuit", "recrutement", "rh", 2),
        ("chatgpt-gratuit", "email", "rh", 40), ("midjourney", "communication_externe", "marketing", 7),
        ("chatgpt-entreprise", "recrutement", "rh", 9), ("chatgpt", "recrutement", "direction", 1),
        (None, "recrutement", "rh", 100), ("deepl", None, "commercial", 4),
        ("chatgpt", "client", "support", 11), ("chatgpt", "hr", "rh", 6), ("chatgpt", "internal", "rh", 50),
    ]
    return pl.DataFrame(rows, schema={"tool": pl.Utf8, "purpose": pl.Utf8, "team": pl.Utf8,
                                      "request_count": pl.Int64}, orient="row")


def test_forbidden_usage_is_aggregated(policy: Policy) -> None:
    flagged = forbidden_usage(_events(), policy, load_tools_catalog())
    assert flagged.columns == ["tool", "tier", "team", "purpose", "reason", "data_class", "action", "request_count"]
    assert flagged.rows() == [
        ("chatgpt", "consumer", "direction", "recrutement", "data_class", "hr", "block", 1),
        ("chatgpt", "consumer", "rh", "hr", "data_class", "hr", "block", 6),
        ("chatgpt", "consumer", "support", "client", "data_class", "client_personal_data", "block", 11),
        ("chatgpt-gratuit", "consumer", "rh", "recrutement", "data_class", "hr", "block", 5),
        ("midjourney", "consumer", "marketing", "communication_externe", "tool_refused", None, "block", 7),
    ]
    assert "person" not in flagged.columns


def test_policy_purpose_overrides_the_canonical_tag(policy: Policy) -> None:
    data = policy.data.model_copy(update={"purposes": {"client": "health"}})
    relaxed = policy.model_copy(update={"data": data})
    events = _events().filter(pl.col("purpose") == "client")
    flagged = forbidden_usage(events, relaxed, load_tools_catalog())
    assert flagged.rows() == [("chatgpt", "consumer", "support", "client", "data_class", "health", "block", 11)]


def test_no_events_no_flags(policy: Policy) -> None:
    empty = pl.DataFrame(schema={"tool": pl.Utf8, "purpose": pl.Utf8, "team": pl.Utf8, "request_count": pl.Int64})
    assert forbidden_usage(empty, policy, load_tools_catalog()).height == 0
    allowed = _events().filter(pl.col("tool") == "chatgpt-entreprise")
    assert forbidden_usage(allowed, policy, load_tools_catalog()).height == 0


def test_small_teams_are_merged_before_counting(policy: Policy) -> None:
    people = {"rh": ["a", "b"], "support": ["c", "d", "e", "f", "g", "h"], "marketing": ["i", "j", "k"]}
    rows = [("chatgpt", "client", team, person, 1) for team, names in people.items() for person in names]
    rows.append(("chatgpt", "client", None, None, 4))
    events = pl.DataFrame(rows, schema={"tool": pl.Utf8, "purpose": pl.Utf8, "team": pl.Utf8, "person": pl.Utf8,
                                        "request_count": pl.Int64}, orient="row")
    groups = privacy_groups(events)
    assert groups == {"rh": "*", "support": "support", "marketing": "*", None: "*"}
    flagged = forbidden_usage(events, policy, load_tools_catalog(), groups)
    assert flagged.select("team", "request_count").rows() == [("*", 9), ("support", 6)]


def test_too_few_people_count_only_in_the_total(policy: Policy) -> None:
    events = pl.DataFrame([("chatgpt", "hr", "rh", "a", 2)], orient="row",
                          schema={"tool": pl.Utf8, "purpose": pl.Utf8, "team": pl.Utf8, "person": pl.Utf8,
                                  "request_count": pl.Int64})
    flagged = forbidden_usage(events, policy, load_tools_catalog(), privacy_groups(events))
    assert flagged.select("team", "request_count").rows() == [(None, 2)]
