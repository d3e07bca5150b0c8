"""Training and AI literacy: the catalogue, coverage by team, imports (all or nothing), evidence."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from sobria.errors import UserInputError
from sobria.governance.training.coverage import TeamCoverage, TrainingRecord, add_months, coverage, load_modules
from sobria.governance.training.csv_import import read_training_file
from sobria.governance.training.evidence import evidence_csv, evidence_json, evidence_rows
from sobria.governance.training.store import read_people_teams, read_training, write_training
from sobria.ingest.pseudonym import pseudonym
from sobria.privacy.groups import OTHERS
from sobria.store import Store
from sobria.store.governance_tables import training_records
from sobria.store.tables import people

DATA = Path(__file__).parent / "data"
SECRET = b"s" * 32
TODAY = dt.date(2025, 7, 1)
REQUIRED = ("ia-fondamentaux", "sobriete-requetes", "sobriete-bon-outil", "sobriete-quand-ne-pas",
            "donnees-confidentialite", "charte-ia")


def test_catalogue_has_the_sobriety_modules() -> None:
    modules = load_modules()
    assert tuple(m.id for m in modules.values() if m.required) == REQUIRED
    assert [m.id for m in modules.values() if m.id.startswith("sobriete-")] == [
        "sobriete-requetes", "sobriete-bon-outil", "sobriete-quand-ne-pas"]
    assert (modules["sobriete-requetes"].refresh_months, modules["ia-fondamentaux"].refresh_months) == (12, 24)


def test_add_months_clamps_to_the_month_end() -> None:
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2024, 11, 15), 3) == dt.date(2025, 2, 15)
    assert add_months(dt.date(2025, 3, 1), -3) == dt.date(2024, 12, 1)


def _trained(person: str, day: dt.date) -> list[TrainingRecord]:
    return [TrainingRecord(person, m, day, "completed") for m in REQUIRED]


def test_coverage_by_team_merges_small_teams_and_flags_refreshes() -> None:
    teams = {"marketing": 8, "commercial": 6, "support": 5, "rh": 3, "direction": 2}
    staff = {f"{team}-{i}": team for team, n in teams.items() for i in range(n)}
    records: list[TrainingRecord] = []
    for i in range(6):
        records += _trained(f"marketing-{i}", dt.date(2025, 3, 10))
    records.append(TrainingRecord("marketing-6", "ia-fondamentaux", dt.date(2025, 3, 10), "attended"))
    for i in range(3):
        records += _trained(f"commercial-{i}", dt.date(2024, 7, 20))  # runs out on 2025-07-20: refresh due
    for i in range(3, 6):
        records += _trained(f"commercial-{i}", dt.date(2024, 6, 1))  # ran out on 2025-06-01
    for i in range(5):
        records += _trained(f"support-{i}", dt.date(2025, 4, 1))
    records += _trained("rh-0", dt.date(2025, 5, 5)) + _trained("direction-1", dt.date(2025, 5, 5))
    records += _trained("support-0", dt.date(2025, 8, 1))  # after the day looked at: ignored
    cov = coverage(staff, records, load_modules(), TODAY)
    assert (cov.people, cov.trained, cov.sessions) == (24, 16, 30)
    assert cov.share == pytest.approx(16 / 24)
    assert cov.teams == (TeamCoverage("commercial", 6, 3, 3), TeamCoverage("marketing", 8, 6, 0),
                         TeamCoverage("support", 5, 5, 0), TeamCoverage(OTHERS, 5, 2, 0))
    assert cov.completions_by_module == {**dict.fromkeys(REQUIRED, 19), "empreinte-mesure": 0, "ai-act-roles": 0}


def test_a_lone_small_team_is_only_in_the_total() -> None:
    staff = {**{f"m{i}": "marketing" for i in range(5)}, "r0": "rh", "r1": "rh"}
    records = _trained("r0", dt.date(2025, 5, 5))
    cov = coverage(staff, records, load_modules(), TODAY)
    assert (cov.people, cov.trained) == (7, 1)
    assert cov.teams == (TeamCoverage("marketing", 5, 0, 0),)


def _count(store: Store, table: sa.Table) -> int:
    with store.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_import_writes_records_and_new_people(store: Store) -> None:
    parsed = read_training_file(DATA / "training_ok.csv", SECRET, load_modules(), TODAY)
    assert write_training(store, parsed.records, parsed.persons) == 3
    alice, bruno = pseudonym(SECRET, "alice@techvert.fr"), pseudonym(SECRET, "bruno@techvert.fr")
    assert read_people_teams(store) == {alice: "marketing", bruno: "commercial"}
    assert read_training(store) == [
        TrainingRecord(alice, "ia-fondamentaux", dt.date(2025, 3, 10), "completed", "Session mars"),
        TrainingRecord(bruno, "sobriete-requetes", dt.date(2025, 3, 10), "attended", "Session mars"),
        TrainingRecord(alice, "sobriete-requetes", dt.date(2025, 3, 10), "completed", "Session mars"),
    ]
    # importing again replaces, never duplicates; a person already known keeps the team of the store
    again = read_training_file(DATA / "training_ok.csv", SECRET, load_modules(), TODAY)
    write_training(store, again.records, again.persons)
    assert (_count(store, training_records), _count(store, people)) == (3, 2)


def test_bad_training_file_is_rejected_with_lines_and_fields(store: Store) -> None:
    path = DATA / "training_bad.csv"
    with pytest.raises(UserInputError) as caught:
        read_training_file(path, SECRET, load_modules(), TODAY)
    err = caught.value
    assert (err.key, err.params, err.where.file) == ("gov.training.file_rejected", {"count": 6}, str(path))
    assert [(d.where.file, d.where.line, d.where.field, d.key) for d in err.details] == [
        (str(path), 3, "module", "gov.training.unknown_module"),
        (str(path), 4, "date", "gov.training.bad_date"),
        (str(path), 5, "identifier", "gov.training.empty"),
        (str(path), 6, "status", "gov.training.bad_status"),
        (str(path), 7, "identifier", "gov.training.duplicate"),
        (str(path), 8, "date", "gov.training.future_date"),
    ]
    assert (_count(store, training_records), _count(store, people)) == (0, 0)


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("identifier,module,date\na@b.fr,charte-ia,2025-01-01\n", encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        read_training_file(path, SECRET, load_modules(), TODAY)
    assert (caught.value.key, caught.value.where.line, caught.value.where.field) == (
        "gov.training.missing_column", 1, "status")


def test_evidence_export_lists_pseudonyms_modules_dates_and_validity() -> None:
    records = [TrainingRecord("p_b", "charte-ia", dt.date(2025, 3, 10), "attended", "S1"),
               TrainingRecord("p_a", "charte-ia", dt.date(2025, 3, 10), "completed", "S1"),
               TrainingRecord("p_a", "ia-fondamentaux", dt.date(2025, 2, 28), "completed"),
               TrainingRecord("p_c", "charte-ia", dt.date(2025, 9, 1), "completed")]
    modules = load_modules()
    rows = evidence_rows(records, modules, TODAY)
    assert evidence_csv(rows) == (
        "person,module,module_title,date,status,valid_until,session\n"
        "p_a,ia-fondamentaux,Comprendre l'IA générative : ce qu'elle fait, ses limites, ses erreurs,"
        "2025-02-28,completed,2027-02-28,\n".replace("Comprendre l'IA générative : ce qu'elle fait, ses limites, "
                                                     "ses erreurs",
                                                     '"Comprendre l\'IA générative : ce qu\'elle fait, ses limites, '
                                                     'ses erreurs"')
        + "p_a,charte-ia,La charte IA de l'organisation et le comité éthique,2025-03-10,completed,2026-03-10,S1\n"
        "p_b,charte-ia,La charte IA de l'organisation et le comité éthique,2025-03-10,attended,,S1\n")
    document = json.loads(evidence_json(rows, modules, "TechVert", TODAY))
    assert (document["schema"], document["generated_on"], len(document["records"]), len(document["modules"])) == (
        "sobria.training-evidence/1", "2025-07-01", 3, 8)


@pytest.mark.parametrize(("row", "found"), [("a@b.fr,charte-ia,2025-01-01,completed,extra", 5),
                                            ("a@b.fr,charte-ia,2025-01-01", 3)])
def test_a_row_with_a_field_too_many_or_too_few_is_an_error_naming_both_counts(tmp_path: Path, row: str,
                                                                              found: int) -> None:
    """Issue 14 item 6: the columns never shift; the shared CSV reader checks every row's field count."""
    path = tmp_path / "t.csv"
    path.write_text(f"identifier,module,date,status\nb@b.fr,charte-ia,2025-01-01,completed\n{row}\n",
                    encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        read_training_file(path, SECRET, load_modules(), TODAY)
    assert (caught.value.key, caught.value.params) == ("gov.training.file_rejected", {"count": 1})
    assert [(d.key, d.params, d.where.file, d.where.line) for d in caught.value.details] == [
        ("ingest.bad_field_count", {"expected": 4, "found": found}, str(path), 3)]


def test_a_semicolon_file_and_a_quoted_comma_are_read_as_a_spreadsheet_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('identifier;module;date;status;session\na@b.fr;charte-ia;2025-01-01;completed;"Lyon; mars"\n',
                    encoding="utf-8")
    parsed = read_training_file(path, SECRET, load_modules(), TODAY)
    assert [r.session for r in parsed.records] == ["Lyon; mars"]
