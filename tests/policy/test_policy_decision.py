"""The decision function, table-driven: one request context in, one decision out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sobria.i18n import Translator
from sobria.policy.decision import BudgetState, Decision, RequestContext, Rules, decide
from sobria.policy.loader import read_policy_text
from sobria.policy.schema import Policy

DATA = Path(__file__).parents[1] / "data" / "policy"


def _policy() -> Policy:
    report = read_policy_text((DATA / "valid.yaml").read_text(encoding="utf-8"))
    assert report.policy is not None
    return report.policy


def _rules(**changes: dict[str, Any]) -> Rules:
    """The valid fixture's rules, with some sections changed (section name -> field updates)."""
    policy = _policy()
    update = {name: getattr(policy, name).model_copy(update=fields) for name, fields in changes.items()}
    return Rules.from_policy(policy.model_copy(update=update))


def ctx(model: str = "gpt-4o-mini", **fields: Any) -> RequestContext:
    return RequestContext(model=model, **fields)


ENTERPRISE = {"tool": "passerelle-sobria"}
CONSUMER = {"tool": "chatgpt-gratuit"}

# id: (context, expected (action, model, main rule, redacted kinds, every rule fired in order))
CASES: dict[str, tuple[RequestContext, tuple[str, str, str | None, frozenset[str], list[str]]]] = {
    "light model, everyday use": (
        ctx(purpose="email", **ENTERPRISE),
        ("allow", "gpt-4o-mini", None, frozenset(), []),
    ),
    "tool not in the charter": (
        ctx(tool="copilot-perso"),
        ("block", "gpt-4o-mini", "tools", frozenset(), ["tools"]),
    ),
    "tool excluded": (
        ctx(tool="midjourney"),
        ("block", "gpt-4o-mini", "tools.allowed", frozenset(), ["tools.allowed"]),
    ),
    "client e-mail in a consumer tool": (
        ctx(data_classes=frozenset({"email"}), **CONSUMER),
        (
            "block",
            "gpt-4o-mini",
            "data.by_tier.consumer.client_personal_data",
            frozenset(),
            ["data.by_tier.consumer.client_personal_data"],
        ),
    ),
    "consumer tier given without a tool id": (
        ctx(tool_tier="consumer", data_classes=frozenset({"nir"})),
        (
            "block",
            "gpt-4o-mini",
            "data.by_tier.consumer.identifiers",
            frozenset(),
            ["data.by_tier.consumer.identifiers"],
        ),
    ),
    "e-mail and IBAN under enterprise contract are redacted": (
        ctx(data_classes=frozenset({"email", "iban"}), **ENTERPRISE),
        (
            "redact",
            "gpt-4o-mini",
            "data.by_tier.enterprise.client_personal_data",
            frozenset({"email", "iban"}),
            ["data.by_tier.enterprise.client_personal_data", "data.by_tier.enterprise.identifiers"],
        ),
    ),
    "health data is blocked even under contract": (
        ctx(data_classes=frozenset({"health", "email"}), **ENTERPRISE),
        (
            "block",
            "gpt-4o-mini",
            "data.by_tier.enterprise.health",
            frozenset(),
            ["data.by_tier.enterprise.client_personal_data", "data.by_tier.enterprise.health"],
        ),
    ),
    "unknown detector kind is ignored": (
        ctx(data_classes=frozenset({"licence_plate"}), **ENTERPRISE),
        ("allow", "gpt-4o-mini", None, frozenset(), []),
    ),
    "recruitment under contract warns (HR data)": (
        ctx(purpose="recrutement", **ENTERPRISE),
        ("warn", "gpt-4o-mini", "data.purposes.recrutement", frozenset(), ["data.purposes.recrutement"]),
    ),
    "recruitment in a consumer tool is blocked": (
        ctx(purpose="recrutement", **CONSUMER),
        ("block", "gpt-4o-mini", "data.purposes.recrutement", frozenset(), ["data.purposes.recrutement"]),
    ),
    "image for an internal document": (
        ctx("gpt-image-1", kind="image", purpose="document_interne"),
        ("block", "gpt-image-1", "images.forbidden_purposes", frozenset(), ["images.forbidden_purposes"]),
    ),
    "image without a purpose": (
        ctx("gpt-image-1", kind="image"),
        ("block", "gpt-image-1", "images.allowed_purposes", frozenset(), ["images.allowed_purposes"]),
    ),
    "image with another generator is routed": (
        ctx("dall-e-3", kind="image", purpose="communication_externe"),
        ("route", "gpt-image-1", "images.models", frozenset(), ["images.models"]),
    ),
    "image for external communication": (
        ctx("gpt-image-1", kind="image", purpose="communication_externe"),
        ("allow", "gpt-image-1", None, frozenset(), []),
    ),
    "third regeneration is within the limit": (
        ctx(regeneration=3),
        ("allow", "gpt-4o-mini", None, frozenset(), []),
    ),
    "fourth regeneration warns": (
        ctx(regeneration=4),
        (
            "warn",
            "gpt-4o-mini",
            "regenerations.max_per_request",
            frozenset(),
            ["regenerations.max_per_request"],
        ),
    ),
    "budget under the first threshold": (
        ctx(team="marketing", budget=BudgetState(3.9)),
        ("allow", "gpt-4o-mini", None, frozenset(), []),
    ),
    "budget at 50 %": (
        ctx(team="marketing", budget=BudgetState(4.0)),
        (
            "warn",
            "gpt-4o-mini",
            "budgets.alert_thresholds_percent",
            frozenset(),
            ["budgets.alert_thresholds_percent"],
        ),
    ),
    "budget over, heavy model routed to the light one": (
        ctx(
            "gpt-4o",
            team="marketing",
            purpose="analyse_strategique",
            justification="étude de marché",
            budget=BudgetState(8.0),
        ),
        ("route", "gpt-4o-mini", "budgets.on_exceeded", frozenset(), ["budgets.on_exceeded"]),
    ),
    "budget over with the light model only warns": (
        ctx(team="marketing", budget=BudgetState(9.5)),
        ("warn", "gpt-4o-mini", "budgets.on_exceeded", frozenset(), ["budgets.on_exceeded"]),
    ),
    "team without its own budget uses the default": (
        ctx(team="finance", budget=BudgetState(3.0)),
        ("warn", "gpt-4o-mini", "budgets.on_exceeded", frozenset(), ["budgets.on_exceeded"]),
    ),
    "heavy model for an everyday use": (
        ctx("gpt-4o", purpose="email"),
        ("route", "gpt-4o-mini", "models.heavy.purposes", frozenset(), ["models.heavy.purposes"]),
    ),
    "heavy model without a purpose": (
        ctx("claude-sonnet-4-5"),
        ("route", "gpt-4o-mini", "models.heavy.purposes", frozenset(), ["models.heavy.purposes"]),
    ),
    "heavy model, allowed purpose, no justification": (
        ctx("gpt-4o", purpose="analyse_strategique", justification="  "),
        (
            "route",
            "gpt-4o-mini",
            "models.heavy.justification_required",
            frozenset(),
            ["models.heavy.justification_required"],
        ),
    ),
    "heavy model, allowed purpose, justified": (
        ctx("gpt-4o", purpose="analyse_strategique", justification="synthèse de 40 rapports"),
        ("allow", "gpt-4o", None, frozenset(), []),
    ),
    "model not in the charter warns": (
        ctx("gpt-3.5-turbo"),
        ("warn", "gpt-3.5-turbo", "models.unlisted", frozenset(), ["models.unlisted"]),
    ),
    "redact, route and warn add up": (
        ctx(
            "gpt-4o",
            team="commercial",
            purpose="email",
            regeneration=5,
            budget=BudgetState(5.1),
            data_classes=frozenset({"phone"}),
            **ENTERPRISE,
        ),
        (
            "redact",
            "gpt-4o-mini",
            "data.by_tier.enterprise.client_personal_data",
            frozenset({"phone"}),
            [
                "data.by_tier.enterprise.client_personal_data",
                "regenerations.max_per_request",
                "budgets.alert_thresholds_percent",
                "models.heavy.purposes",
            ],
        ),
    ),
}


def _summary(decision: Decision) -> tuple[str, str, str | None, frozenset[str], list[str]]:
    return (decision.action, decision.model, decision.rule, decision.redact, [f.rule for f in decision.fired])


@pytest.mark.parametrize("case", list(CASES))
def test_decision(case: str) -> None:
    context, expected = CASES[case]
    assert _summary(decide(_rules(), context)) == expected


VARIANT_CASES: dict[
    str,
    tuple[dict[str, dict[str, Any]], RequestContext, tuple[str, str, str | None, frozenset[str], list[str]]],
] = {
    "hard stop when over budget": (
        {"budgets": {"on_exceeded": "block"}},
        ctx(team="rh", budget=BudgetState(2.0)),
        ("block", "gpt-4o-mini", "budgets.on_exceeded", frozenset(), ["budgets.on_exceeded"]),
    ),
    "regeneration limit blocks": (
        {"regenerations": {"on_exceeded": "block"}},
        ctx(regeneration=4),
        (
            "block",
            "gpt-4o-mini",
            "regenerations.max_per_request",
            frozenset(),
            ["regenerations.max_per_request"],
        ),
    ),
    "forbidden model is routed": (
        {"models": {"forbidden": ["gpt-3.5-turbo"]}},
        ctx("gpt-3.5-turbo", purpose="synthese"),
        ("route", "gpt-4o-mini", "models.forbidden", frozenset(), ["models.forbidden"]),
    ),
    "unlisted model routed when the policy says so": (
        {"models": {"unlisted": "route"}},
        ctx("gpt-3.5-turbo"),
        ("route", "gpt-4o-mini", "models.unlisted", frozenset(), ["models.unlisted"]),
    ),
    "unlisted model allowed when the policy says so": (
        {"models": {"unlisted": "allow"}},
        ctx("gpt-3.5-turbo"),
        ("allow", "gpt-3.5-turbo", None, frozenset(), []),
    ),
    "per-purpose default is the routing target": (
        {
            "models": {
                "per_purpose": {"synthese": "mistral-large-latest"},
                "heavy": _policy().models.heavy.model_copy(update={"models": ["gpt-4o"]}),
            }
        },
        ctx("gpt-4o", purpose="synthese"),
        ("route", "mistral-large-latest", "models.heavy.purposes", frozenset(), ["models.heavy.purposes"]),
    ),
    "images disabled": (
        {"images": {"allowed": False, "allowed_purposes": []}},
        ctx("gpt-image-1", kind="image", purpose="communication_externe"),
        ("block", "gpt-image-1", "images.allowed", frozenset(), ["images.allowed"]),
    ),
    "zero budget: any use is over": (
        {"budgets": {"teams": {"stagiaires": 0.0}}},
        ctx(team="stagiaires", budget=BudgetState(0.0)),
        ("warn", "gpt-4o-mini", "budgets.on_exceeded", frozenset(), ["budgets.on_exceeded"]),
    ),
}


@pytest.mark.parametrize("case", list(VARIANT_CASES))
def test_decision_under_policy_variants(case: str) -> None:
    changes, context, expected = VARIANT_CASES[case]
    assert _summary(decide(_rules(**changes), context)) == expected


def test_messages_in_french_main_first() -> None:
    decision = decide(_rules(), CASES["redact, route and warn add up"][0])
    assert decision.messages(Translator.for_lang("fr")) == [
        "Avant l'envoi, la passerelle a masqué des données personnelles de clients (phone).",
        "Le modèle lourd « gpt-4o » n'est pas prévu pour cet usage (email) : la requête passe par « gpt-4o-mini ».",
        "Vous en êtes à 5 régénérations de cette requête (la charte en prévoit 3). "
        "Une demande plus précise donnera souvent un meilleur résultat.",
        "L'équipe commercial a utilisé 85 % de son budget carbone mensuel (5,1 / 6 kgCO2e, alerte à 80 %).",
    ]


def test_block_message_in_english() -> None:
    decision = decide(_rules(), CASES["client e-mail in a consumer tool"][0])
    assert decision.messages(Translator.for_lang("en")) == [
        "Request refused: it contains client personal data (email), forbidden in a consumer tool. "
        "Remove them before sending."
    ]
    assert decision.main is not None
    assert decision.main.message_key == decision.message_key == "policy.decision.data_block"
    assert dict(decision.params) == {
        "data_class": "client_personal_data",
        "tier": "consumer",
        "kinds": "email",
    }


def test_rules_are_compiled_once_and_reusable() -> None:
    rules = _rules()
    first = decide(rules, ctx("gpt-4o", purpose="email"))
    assert decide(rules, ctx("gpt-4o", purpose="email")) == first


def test_allowed_decision_has_no_rule_and_no_message() -> None:
    decision = decide(_rules(), ctx(purpose="email"))
    assert (decision.rule, decision.message_key, dict(decision.params)) == (None, None, {})
    assert decision.messages(Translator.for_lang("fr")) == []


def test_decisions_do_no_io(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _rules()

    def no_io(*args: object, **kwargs: object) -> None:
        raise AssertionError("the decision function must not do I/O")

    monkeypatch.setattr("builtins.open", no_io)
    monkeypatch.setattr("io.open", no_io)
    monkeypatch.setattr("socket.socket", no_io)
    decisions = [decide(rules, context).action for context, _ in CASES.values()]
    assert decisions == [expected[0] for _, expected in CASES.values()]
