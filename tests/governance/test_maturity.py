"""Golden maturity profiles: the four quadrants, and TechVert before (fonceur aveugle) and after."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.governance.maturity.matrix import Signals, assess, profile_for
from sobria.governance.maturity.questionnaire import read_questionnaire

DATA = Path(__file__).parent / "data"

GOLDEN = {
    # file: (ai, csr, profile, next three actions)
    "techvert_avant.yaml": (91.7, 0.0, "fonceurs_aveugles",
                            ("footprint_known", "policy_formalised", "staff_trained")),
    "techvert_apres.yaml": (91.7, 90.9, "leaders_responsables", ("csr_strategy", "publish", "keep_measuring")),
    "attentistes.yaml": (8.3, 22.7, "attentistes", ("start_small", "footprint_known", "policy_formalised")),
    "engages_prudents.yaml": (16.7, 77.3, "engages_prudents", ("pilot_frugal", "ai_in_production", "ai_teams_using")),
    "fonceurs.csv": (100.0, 27.3, "fonceurs_aveugles", ("footprint_known", "staff_trained", "team_budgets")),
    "leaders.yaml": (75.0, 100.0, "leaders_responsables", ("publish", "keep_measuring", "review_yearly")),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_profiles(name: str) -> None:
    ai, csr, profile, actions = GOLDEN[name]
    result = assess(read_questionnaire(DATA / name))
    assert (result.ai_score, result.csr_score, result.profile) == (ai, csr, profile)
    assert result.actions == tuple(f"gov.maturity.action.{a}" for a in actions)


def test_techvert_reasons_name_the_case_study_questions() -> None:
    before = assess(read_questionnaire(DATA / "techvert_avant.yaml"))
    assert [(r.key, dict(r.params)) for r in before.reasons] == [
        ("gov.maturity.reason.ai_high", {"score": 91.7}),
        ("gov.maturity.reason.csr_low", {"score": 0.0}),
        ("gov.maturity.reason.footprint_known.no", {"score": 0}),
        ("gov.maturity.reason.policy_formalised.no", {"score": 0}),
        ("gov.maturity.reason.staff_trained.no", {"score": 0}),
    ]
    after = assess(read_questionnaire(DATA / "techvert_apres.yaml"))
    assert [r.key for r in after.reasons][2:] == ["gov.maturity.reason.footprint_known.yes",
                                                  "gov.maturity.reason.policy_formalised.yes",
                                                  "gov.maturity.reason.staff_trained.yes"]
    assert (before.organisation, before.date, after.date) == ("TechVert", "2025-01-15", "2025-07-15")


def test_quadrant_boundaries() -> None:
    assert profile_for(50.0, 50.0) == "leaders_responsables"
    assert profile_for(49.9, 50.0) == "engages_prudents"
    assert profile_for(50.0, 49.9) == "fonceurs_aveugles"
    assert profile_for(49.9, 49.9) == "attentistes"


def test_measured_signals_replace_declared_answers() -> None:
    # TechVert "after" declares everything, but the store shows only 40 % trained and no measurement.
    answers = read_questionnaire(DATA / "techvert_apres.yaml")
    signals = Signals(measurement_in_place=False, trained_share=0.4, budget_adherence=0.6,
                      ai_requests_per_person_day=2.5)
    result = assess(answers, signals)
    items = {i.question: (i.score, i.source) for i in result.items}
    assert items["footprint_known"] == (0.0, "measured")
    assert items["staff_trained"] == (40.0, "measured")
    assert items["team_budgets"] == (60.0, "measured")
    assert items["ai_daily_users"] == (50.0, "measured")
    assert items["policy_formalised"] == (100.0, "declared")
    # AI (100 + 50 + 100) / 3; CSR (0 + 200 + 80 + 60 + 100 + 100 + 100 + 0) / 11
    assert (result.ai_score, result.csr_score, result.profile) == (83.3, 58.2, "leaders_responsables")
    contradictions = [dict(r.params) for r in result.reasons if r.key == "gov.maturity.reason.contradiction"]
    assert contradictions == [{"question": "footprint_known", "declared": 100, "measured": 0},
                              {"question": "staff_trained", "declared": 100, "measured": 40}]
    assert result.actions == ("gov.maturity.action.footprint_known", "gov.maturity.action.staff_trained",
                              "gov.maturity.action.csr_strategy")


def test_intensity_signal_is_capped() -> None:
    assert Signals(ai_requests_per_person_day=5.6).score("ai_requests_per_person_day") == 100.0
    assert Signals(ai_requests_per_person_day=1.0).score("ai_requests_per_person_day") == pytest.approx(20.0)
    assert Signals().score("trained_share") is None


def _problems(path: Path) -> list[tuple[int | None, str | None, str, dict[str, object]]]:
    with pytest.raises(UserInputError) as caught:
        read_questionnaire(path)
    err = caught.value
    assert err.where.file == str(path)
    return [(d.where.line, d.where.field, d.key, d.params) for d in err.details]


def test_bad_questionnaire_reports_every_line_and_field() -> None:
    path = DATA / "bad_answers.yaml"
    assert _problems(path) == [
        (5, "answers.ai_teams_using", "gov.maturity.bad_answer",
         {"question": "ai_teams_using", "value": "beaucoup", "expected": "none, few, half, most, all"}),
        (7, "answers.ai_in_production", "gov.maturity.bad_answer",
         {"question": "ai_in_production", "value": "peut-être", "expected": "true, false (oui, non)"}),
        (8, "answers.footprint_knwon", "gov.maturity.unknown_question",
         {"question": "footprint_knwon", "hint": "footprint_known"}),
        (16, "answers.csr_strategy", "gov.maturity.duplicate", {"question": "csr_strategy", "first": 15}),
        (16, "answers.footprint_known", "gov.maturity.missing", {"question": "footprint_known"}),
    ]


def test_bad_csv_questionnaire() -> None:
    problems = _problems(DATA / "bad.csv")
    assert problems[0] == (3, "answers.ai_daily_users", "gov.maturity.bad_answer",
                           {"question": "ai_daily_users", "value": "2", "expected": "none, few, half, most, all"})
    assert [p[3]["question"] for p in problems[1:]] == [
        "ai_in_production", "footprint_known", "policy_formalised", "staff_trained", "team_budgets",
        "client_data_rules", "ethics_committee", "ai_inventory", "csr_strategy"]


@pytest.mark.parametrize(("name", "text", "key", "line", "field"), [
    ("v.yaml", "version: 2\nanswers:\n  ai_teams_using: all\n", "gov.maturity.bad_version", 1, "version"),
    ("s.yaml", "version: 1\nanswers: [\n", "yaml.syntax", 3, None),
    ("k.yaml", "version: 1\nanswer:\n  a: b\n", "gov.maturity.unknown_key", 2, "answer"),
    ("n.yaml", "version: 1\norganisation: X\n", "gov.maturity.no_answers", 1, "answers"),
    ("h.csv", "q,a\nfootprint_known,true\n", "gov.maturity.csv_header", 1, "question"),
])
def test_structural_errors(tmp_path: Path, name: str, text: str, key: str, line: int, field: str | None) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        read_questionnaire(path)
    assert (caught.value.key, caught.value.where.line, caught.value.where.field) == (key, line, field)


def test_missing_file() -> None:
    with pytest.raises(UserInputError) as caught:
        read_questionnaire(DATA / "absent.yaml")
    assert caught.value.key == "gov.input.file_missing"


def test_a_csv_row_with_a_field_too_many_is_an_error_naming_its_line(tmp_path: Path) -> None:
    """Issue 14 item 6: an unquoted comma in an answer no longer drops the rest of the line silently."""
    path = tmp_path / "q.csv"
    path.write_text("question,answer\nai_teams_using,all\nai_daily_users,most,really\n", encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        read_questionnaire(path)
    assert (caught.value.key, caught.value.where.file) == ("gov.maturity.rejected", str(path))
    assert [(d.key, d.params, d.where.line) for d in caught.value.details] == [
        ("ingest.bad_field_count", {"expected": 2, "found": 3}, 3)]
