"""Inventory files: the template and the case study's uses, and bad files rejected line by line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.governance.aiact.classify import assess
from sobria.governance.aiact.inventory import inventory_template, load_inventory, read_inventory_text
from sobria.governance.aiact.obligations import all_obligations
from sobria.governance.aiact.regulation import Regulation, load_regulation

DATA = Path(__file__).resolve().parents[1] / "data" / "governance"


@pytest.fixture(scope="module")
def regulation() -> Regulation:
    return load_regulation()


def test_template_is_valid_and_classifies_the_case_study(regulation: Regulation) -> None:
    inventory, issues = read_inventory_text(inventory_template(), regulation)
    assert issues == ()
    assert inventory is not None
    result = {c.id: (a.risk_class, a.annex_point) for c in inventory.use_cases for a in [assess(c, regulation)]}
    assert result == {
        "tri-cv": ("high_risk", "4(a)"),
        "offres-emploi": ("minimal", None),
        "chatbot-support": ("transparency", None),
        "synthese-tickets": ("minimal", None),
        "evaluation-agents": ("high_risk", "4(b)"),
        "images-marketing": ("transparency", None),
        "textes-marketing": ("minimal", None),
        "propositions-commerciales": ("minimal", None),
        "analyses-strategiques": ("minimal", None),
    }


def test_tracking_is_applied_and_due_before_filters(regulation: Regulation) -> None:
    inventory, _ = read_inventory_text(inventory_template(), regulation)
    assert inventory is not None
    assessments = [assess(c, regulation) for c in inventory.use_cases]
    lines = all_obligations(assessments)
    assert len(lines) == 27
    cv_literacy = next(x for x in lines if (x.use_case, x.obligation) == ("tri-cv", "art4_literacy"))
    assert (cv_literacy.status, cv_literacy.owner, cv_literacy.evidence_kept) == (
        "done", "Responsable RH", "Feuilles d'émargement de la formation de mars 2025")
    early = all_obligations(assessments, dt.date(2027, 1, 1))
    assert [(x.use_case, x.obligation) for x in early] == [
        ("analyses-strategiques", "art4_literacy"), ("chatbot-support", "art4_literacy"),
        ("evaluation-agents", "art4_literacy"), ("images-marketing", "art4_literacy"),
        ("offres-emploi", "art4_literacy"), ("propositions-commerciales", "art4_literacy"),
        ("synthese-tickets", "art4_literacy"), ("textes-marketing", "art4_literacy"),
        ("chatbot-support", "art50_1_chatbot"), ("chatbot-support", "art50_2_marking"),
        ("images-marketing", "art50_4_deepfake"),
    ]
    assert all(x.overdue(dt.date(2026, 11, 28)) == (x.due < dt.date(2026, 11, 28)) for x in early)


# (file, line, field, message key, params)
BAD = [
    ("empty.yaml", 1, None, "aiact.error.empty", {}),
    ("not_mapping.yaml", 1, None, "policy.error.not_mapping", {}),
    ("syntax.yaml", 7, None, "yaml.syntax", {"detail": "expected ',' or ']', but got ':'"}),
    ("unknown_key.yaml", 4, "use_cases[0].team", "policy.error.missing", {"field": "team"}),
    ("missing_field.yaml", 4, "use_cases[0].personal_data", "policy.error.missing", {"field": "personal_data"}),
    ("bad_choice.yaml", 16, "use_cases[0].area", "policy.error.bad_choice", None),
    ("bad_type.yaml", 10, "use_cases[0].personal_data", "policy.error.type.bool", {"value": "oui"}),
    ("bad_version.yaml", 1, "version", "policy.error.bad_version", {"value": "2"}),
    ("bad_id.yaml", 4, "use_cases[0].id", "policy.error.identifier", {"value": "Tri CV"}),
    ("bad_status.yaml", 18, "use_cases[0].obligations.art26_logs.status", "policy.error.bad_choice",
     {"value": "finished", "expected": "todo, in-progress, done, not-applicable"}),
    ("bad_date.yaml", 18, "use_cases[0].obligations.art26_logs.due", "policy.error.type.date", {"value": "2027-13-45"}),
    ("no_use_cases.yaml", 3, "use_cases", "policy.error.too_short", {"minimum": 1}),
    ("duplicate_key.yaml", 17, "use_cases[0].team", "policy.error.duplicate_key", {"name": "team"}),
    ("duplicate_id.yaml", 17, "use_cases[1].id", "aiact.error.duplicate_id", {"id": "tri-cv"}),
    ("none_with_others.yaml", 9, "use_cases[0].affected", "aiact.error.none_with_others", {}),
    ("unknown_obligation.yaml", 18, "use_cases[0].obligations.art26_log", "aiact.error.unknown_obligation",
     {"name": "art26_log", "candidates": "art26_logs, art26_oversight, art26_monitoring"}),
    ("not_applicable.yaml", 18, "use_cases[0].obligations.art26_logs", "aiact.error.obligation_not_applicable",
     {"name": "art26_logs", "id": "tri-cv"}),
    ("done_without_evidence.yaml", 19, "use_cases[0].obligations.art26_logs.status",
     "aiact.error.done_without_evidence", {"name": "art26_logs"}),
]


@pytest.mark.parametrize(("name", "line", "field", "key", "params"), BAD, ids=[b[0] for b in BAD])
def test_bad_inventory_rejected(regulation: Regulation, name: str, line: int, field: str | None, key: str,
                                params: dict[str, object] | None) -> None:
    path = DATA / name
    before = sorted(p.name for p in DATA.iterdir()), path.read_bytes()
    with pytest.raises(UserInputError) as caught:
        load_inventory(path, regulation)
    err = caught.value
    assert (err.key, err.where.file, err.where.line, err.where.field) == (key, str(path), line, field)
    if params is not None:
        assert err.params == params
    assert (sorted(p.name for p in DATA.iterdir()), path.read_bytes()) == before


def test_unknown_key_is_reported_with_suggestion(regulation: Regulation) -> None:
    with pytest.raises(UserInputError) as caught:
        load_inventory(DATA / "unknown_key.yaml", regulation)
    details = [(d.key, d.where.line, d.where.field, d.params) for d in caught.value.details]
    assert details == [("aiact.error.unknown_key", 6, "use_cases[0].temm", {"name": "temm", "candidates": "team"})]


def test_missing_file(regulation: Regulation, tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as caught:
        load_inventory(tmp_path / "absent.yaml", regulation)
    assert caught.value.key == "yaml.no_file"
    assert list(tmp_path.iterdir()) == []
