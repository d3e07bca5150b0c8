"""Reading policy files: the template is valid, and every bad case gives its line, field and suggestion."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.i18n import Translator
from sobria.policy.checks import PolicyIssue
from sobria.policy.loader import load_policy, policy_template, read_policy_text
from sobria.policy.schema import label_text

DATA = Path(__file__).parents[1] / "data" / "policy"
KNOWN = frozenset(
    {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5", "mistral-large-latest", "gpt-image-1", "gpt-3.5-turbo"}
)
CANDIDATES = sorted(KNOWN)


def _issues(name: str) -> tuple[PolicyIssue, ...]:
    text = (DATA / f"{name}.yaml").read_text(encoding="utf-8")
    report = read_policy_text(text, KNOWN.__contains__, CANDIDATES)
    assert report.policy is None
    return report.issues


def _fr(issue: PolicyIssue) -> tuple[int | None, str, str, str]:
    t = Translator.for_lang("fr")
    return (
        issue.line,
        issue.path,
        t(issue.key, **issue.params),
        t(issue.suggestion_key, **issue.suggestion_params),
    )


def test_template_is_valid_and_dated() -> None:
    text = policy_template(dt.date(2025, 3, 15))
    report = read_policy_text(text, KNOWN.__contains__, CANDIDATES)
    assert report.issues == ()
    assert report.ok
    assert report.policy is not None
    assert report.policy.charter.date == dt.date(2025, 3, 15)
    assert report.policy.models.default == "gpt-4o-mini"
    assert report.policy.budgets.teams["marketing"] == 8
    assert "# Principe : « L'IA est un outil, pas un réflexe. »" in text


def test_valid_fixture_loads() -> None:
    policy = load_policy(DATA / "valid.yaml", _Names())
    assert policy.organisation.name == "TechVert"
    assert [tool.id for tool in policy.tools] == [
        "passerelle-sobria",
        "chatgpt-entreprise",
        "chatgpt-gratuit",
        "midjourney",
    ]


BAD_CASES = {
    "wrong_type": [
        (
            123,
            "regenerations.max_per_request",
            "type incorrect : « trois » n'est pas un nombre entier",
            "écrivez un nombre entier sans guillemets, par exemple 3",
        )
    ],
    "unknown_key": [(67, "models.unlistd", "clé inconnue « unlistd »", "vouliez-vous dire : unlisted ?")],
    "unknown_model": [
        (
            57,
            "models.default",
            "modèle inconnu du catalogue : « gpt-4o-mni »",
            "vouliez-vous dire : gpt-4o-mini, gpt-4o ?",
        )
    ],
    "negative_budget": [
        (
            113,
            "budgets.teams.marketing",
            "valeur négative (-8) : le minimum est 0",
            "indiquez une valeur supérieure ou égale à 0",
        )
    ],
    "default_forbidden": [
        (
            57,
            "models.default",
            "règles contradictoires : le modèle par défaut « gpt-4o-mini » est aussi interdit",
            "retirez ce modèle de « models.forbidden » ou choisissez un autre modèle par défaut",
        ),
        (
            59,
            "models.per_purpose.email",
            "règles contradictoires : le modèle par défaut « gpt-4o-mini » est aussi interdit",
            "retirez ce modèle de « models.forbidden » ou choisissez un autre modèle par défaut",
        ),
        (
            60,
            "models.per_purpose.synthese",
            "règles contradictoires : le modèle par défaut « gpt-4o-mini » est aussi interdit",
            "retirez ce modèle de « models.forbidden » ou choisissez un autre modèle par défaut",
        ),
        (
            61,
            "models.per_purpose.support_client",
            "règles contradictoires : le modèle par défaut « gpt-4o-mini » est aussi interdit",
            "retirez ce modèle de « models.forbidden » ou choisissez un autre modèle par défaut",
        ),
    ],
    "heavy_is_default": [
        (
            63,
            "models.heavy.models[1]",
            "règles contradictoires : « gpt-4o-mini » est à la fois modèle lourd et modèle par défaut",
            "un modèle lourd ne peut pas être le modèle par défaut : choisissez un modèle léger par défaut",
        )
    ],
    "thresholds_order": [
        (
            118,
            "budgets.alert_thresholds_percent[2]",
            "les seuils d'alerte doivent être strictement croissants (ici : 50, 100, 80)",
            "rangez les seuils dans l'ordre croissant, par exemple [50, 80, 100]",
        )
    ],
    "image_purpose_both": [
        (
            73,
            "images.forbidden_purposes[0]",
            "règles contradictoires : l'usage « document_interne » est à la fois autorisé et interdit pour les images",
            "retirez cet usage de l'une des deux listes",
        )
    ],
    "consumer_looser": [
        (
            96,
            "data.by_tier.consumer.client_personal_data",
            "règles contradictoires : « client_personal_data » est traité plus souplement dans les "
            "outils grand public (allow) que sous contrat entreprise (redact)",
            "un outil grand public doit être au moins aussi strict : mettez « redact » ou plus strict",
        )
    ],
    "prompt_retention": [
        (
            130,
            "retention.prompt_days",
            "règles contradictoires : les textes ne sont pas conservés (store_prompts: false) mais prompt_days vaut 30",
            "mettez prompt_days à 0 ou store_prompts à true",
        )
    ],
    "unknown_purpose": [
        (
            64,
            "models.heavy.purposes[1]",
            "usage « propositions_commerciales » non déclaré dans « purposes »",
            "vouliez-vous dire : proposition_commerciale ?",
        )
    ],
    "bad_choice": [
        (
            48,
            "tools[2].tier",
            "valeur « consumr » non reconnue (valeurs possibles : consumer, enterprise)",
            "vouliez-vous dire : consumer ?",
        )
    ],
    "bad_version": [(12, "version", "version de format « 2 » non prise en charge", "écrivez « version: 1 »")],
    "duplicate_key": [
        (
            124,
            "regenerations.max_per_request",
            "clé « max_per_request » écrite deux fois",
            "gardez une seule occurrence de cette clé",
        )
    ],
    "missing_field": [
        (
            150,
            "training.within_weeks",
            "champ obligatoire « within_weeks » absent",
            "ajoutez « within_weeks: … » (voir docs/policy.md)",
        )
    ],
    "syntax": [
        (
            125,
            "",
            "YAML invalide : mapping values are not allowed here",
            "vérifiez l'indentation (espaces, pas de tabulations) et les deux-points après chaque clé",
        )
    ],
    "empty": [(1, "", "le fichier de politique est vide", "partez du modèle commenté : sobria policy init")],
    "unknown_detector": [
        (84, "data.detectors.emial", "type de donnée « emial » inconnu du détecteur", "vouliez-vous dire : email ?")
    ],
    "bad_identifier": [
        (
            50,
            "tools[3].id",
            "identifiant « Mid Journey » invalide : minuscules, chiffres, « - », « _ » et « . » seulement",
            "par exemple : mid-journey",
        )
    ],
    "wrong_label": [
        (
            26,
            "purposes.email",
            "type incorrect : « 42 » n'est pas un texte",
            "écrivez un texte, entre guillemets si besoin",
        )
    ],
}


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_policy_reports_line_field_message_and_suggestion(name: str) -> None:
    assert [_fr(issue) for issue in _issues(name)] == BAD_CASES[name]


def test_every_error_is_reported_at_once() -> None:
    text = (DATA / "valid.yaml").read_text(encoding="utf-8")
    text = (
        text.replace("  default: gpt-4o-mini ", "  default: gpt-4o-mni ")
        .replace("  unlisted: warn ", "  unlistd: warn ")
        .replace("  max_per_request: 3\n", '  max_per_request: "3"\n')
    )
    report = read_policy_text(text, KNOWN.__contains__, CANDIDATES)
    assert [(i.line, i.key) for i in report.issues] == [
        (57, "policy.error.unknown_model"),
        (67, "policy.error.unknown_key"),
        (123, "policy.error.type.int"),
    ]


def test_english_messages() -> None:
    t = Translator.for_lang("en")
    (issue,) = _issues("negative_budget")
    assert t(issue.key, **issue.params) == "negative value (-8): the minimum is 0"
    assert t(issue.suggestion_key, **issue.suggestion_params) == "give a value greater than or equal to 0"


def test_model_names_are_not_checked_without_a_catalogue() -> None:
    text = (DATA / "unknown_model.yaml").read_text(encoding="utf-8")
    assert read_policy_text(text).ok


def test_load_policy_raises_the_first_issue_with_its_location() -> None:
    path = DATA / "negative_budget.yaml"
    with pytest.raises(UserInputError) as caught:
        load_policy(path, _Names())
    err = caught.value
    assert (err.key, err.params) == ("policy.error.negative", {"value": "-8", "minimum": "0"})
    assert (err.where.file, err.where.line, err.where.field) == (str(path), 113, "budgets.teams.marketing")


def test_missing_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as caught:
        load_policy(tmp_path / "absent.yaml")
    assert caught.value.key == "yaml.no_file"


def test_labels_can_be_given_per_language() -> None:
    policy = load_policy(DATA / "valid.yaml")
    label = policy.purposes["email"]
    assert label == {"fr": "Rédaction et reformulation d'e-mails", "en": "Writing and rewording e-mails"}
    assert label_text(label, "en") == "Writing and rewording e-mails"
    assert label_text(label, "fr") == "Rédaction et reformulation d'e-mails"
    assert label_text({"fr": "Synthèse"}, "en") == "Synthèse"
    assert label_text({"en": "Summary"}, "fr") == "Summary"
    assert label_text("Aide à la programmation", "en") == "Aide à la programmation"


def test_impossible_date_is_an_error_with_its_line() -> None:
    from sobria.policy.loader import read_policy_text

    text = (Path(__file__).parents[1] / "data" / "policy" / "valid.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.strip().startswith("date:"))
    lines[index] = lines[index].split("date:")[0] + "date: 2025-02-30"
    report = read_policy_text("\n".join(lines) + "\n")
    assert report.policy is None
    assert [(issue.line, issue.path) for issue in report.issues] == [(index + 1, "charter.date")]


class _Names:
    """The catalogue's model-name vetting, for the test's known models."""

    def knows_model(self, name: str) -> bool:
        return name in KNOWN

    def model_names(self) -> list[str]:
        return list(CANDIDATES)
