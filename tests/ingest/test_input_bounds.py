"""Issue 14 regressions at the shared reading and checking mechanisms: the CSV line bound, the
limits as settings, identical id-less rows, one error per line, empty batches, uninitialised
stores, JSON files read as JSON."""

from __future__ import annotations

import csv
import io
import sqlite3
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.ingest import line_bound
from sobria.ingest.limits import EventLimits
from sobria.ingest.line_bound import check_line_lengths
from sobria.ingest.people import read_people
from sobria.settings import build_settings
from tests.support.cli import Sobria, assert_refused, sobria_in

HEADER = "ts,person,model,operation,input_tokens,output_tokens\n"
ROW = "2025-01-02T10:00:00Z,a@x.fr,gpt-4o,chat,10,20\n"


@pytest.fixture
def sobria(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Sobria:
    return sobria_in(tmp_path, monkeypatch, capsys)


def _line_of(path: Path, limit: int) -> int | None:
    try:
        check_line_lengths(path, limit)
    except UserInputError as err:
        assert (err.key, err.params["limit"], err.where.file) == ("ingest.line_over_bound", limit, str(path))
        return err.where.line
    return None


@pytest.mark.parametrize("block", [64, 1 << 24])  # blocks shorter than the bound, and of the bound + 1
def test_the_first_line_past_the_bound_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int) -> None:
    monkeypatch.setattr(line_bound, "BLOCK_BYTES", block)
    path = tmp_path / "e.csv"
    path.write_bytes(b"a,b\n" + b"x,y\n" * 50 + b"z" * 1001 + b"\n" + b"x,y\n" + b"w" * 5000)
    assert _line_of(path, 1000) == 52
    assert _line_of(path, 1001) == 54      # the last line, without a line break
    assert _line_of(path, 5000) is None
    path.write_bytes(b"a" * 1000 + b"\r\n")  # the bound counts bytes, a CR included
    assert (_line_of(path, 1000), _line_of(path, 1001)) == (1, None)


def test_a_long_line_is_refused_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.write(HEADER.encode() + b"2025-01-02T10:00:00Z,")
        for _ in range(20):
            handle.write(b"m" * (1 << 20))  # one 20 MiB line
    tracemalloc.start()
    assert _line_of(path, 1000) == 2
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * (1 << 20)


def test_the_line_bound_is_a_setting_of_every_csv_import(sobria: Sobria, monkeypatch: pytest.MonkeyPatch) -> None:
    (sobria.folder / "e.csv").write_text(HEADER + ROW + "2025-01-02T10:00:00Z,a@x.fr," + "m" * 3000 + ",chat,1,1\n")
    before, files = sobria.dump_hash(), sobria.files()
    monkeypatch.setenv("SOBRIA_MAX_LINE_BYTES", "1000")
    code, err = sobria("import", "events", "e.csv")
    assert_refused(code, err, "e.csv", 3, None)
    assert "la ligne 3 dépasse 1000 octets (plafond SOBRIA_MAX_LINE_BYTES)" in err
    assert (sobria.dump_hash(), sobria.files()) == (before, files)
    (sobria.folder / "e.jsonl").write_text('{"ts": "2025-01-02T10:00:00Z", "model": "' + "m" * 3000 + '"}\n')
    code, err = sobria("import", "events", "e.jsonl")  # a JSON Lines record: a row error
    assert_refused(code, err, "e.jsonl", 1, None)
    assert "ligne trop longue (plus de 1000 octets)" in err
    monkeypatch.setenv("SOBRIA_MAX_LINE_BYTES", "10000")
    code, err = sobria("import", "events", "e.csv")
    assert code == 0, err


def test_the_event_limits_come_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"EARLIEST_TS": "2020-06-01", "AHEAD_HOURS": "2", "MAX_TOKENS_PER_REQUEST": "500",
                        "MAX_IMAGES_PER_REQUEST": "3", "MAX_LATENCY_MS": "1000", "MAX_COST_EUR_PER_REQUEST": "5",
                        "MAX_REQUESTS_PER_EVENT": "7"}.items():
        monkeypatch.setenv(f"SOBRIA_{name}", value)
    assert EventLimits.from_settings(build_settings()) == EventLimits(
        earliest=datetime(2020, 6, 1, tzinfo=UTC), ahead=timedelta(hours=2), tokens_per_request=500,
        images_per_request=3, latency_ms=1000.0, cost_eur_per_request=5.0, requests_per_event=7)


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_a_limit_setting_that_is_not_a_positive_finite_number_is_refused(monkeypatch: pytest.MonkeyPatch,
                                                                        value: str) -> None:
    monkeypatch.setenv("SOBRIA_MAX_LATENCY_MS", value)
    with pytest.raises(UserInputError) as caught:
        build_settings()
    assert (caught.value.key, caught.value.where.parameter) == ("error.bad_setting", "SOBRIA_MAX_LATENCY_MS")


def test_a_limit_set_lower_rejects_the_row_with_its_field(sobria: Sobria, monkeypatch: pytest.MonkeyPatch) -> None:
    (sobria.folder / "e.csv").write_text(HEADER + ROW + "2025-01-02T11:00:00Z,a@x.fr,gpt-4o,chat,600,20\n")
    monkeypatch.setenv("SOBRIA_MAX_TOKENS_PER_REQUEST", "500")
    assert_refused(*sobria("import", "events", "e.csv"), "e.csv", 3, "input_tokens")


def test_two_identical_rows_without_ids_are_called_identical_rows(sobria: Sobria) -> None:
    (sobria.folder / "e.csv").write_text(HEADER + ROW + "2025-01-02T11:00:00Z,a@x.fr,gpt-4o,chat,1,1\n" + ROW)
    code, err = sobria("import", "events", "e.csv")
    assert_refused(code, err, "e.csv", 4, None)
    assert "ligne 4 identique à la ligne 2 de e.csv (le fichier n'a pas d'identifiant d'événement)" in err
    assert "event_id" not in err
    (sobria.folder / "ids.csv").write_text("event_id," + HEADER + "a," + ROW + "a," + ROW)
    code, err = sobria("import", "events", "ids.csv")  # with ids: the repeated id is named
    assert_refused(code, err, "ids.csv", 3, "event_id")
    assert "doublon de l'événement « a » (déjà à la ligne 2 de ids.csv)" in err


def test_a_survey_answer_made_of_several_rows_has_each_error_once(sobria: Sobria) -> None:
    (sobria.folder / "s.csv").write_text("identifiant,outil,usages_par_jour,taches_typiques,mois\n"
                                         "a@x.fr,chatgpt,2,\"redaction,image\",2001-01\n")
    code, err = sobria("import", "survey", "s.csv")
    assert_refused(code, err, "s.csv", 2, "ts")
    assert err.count("s.csv:2") == 1, err
    assert "lot rejeté : 1 erreur(s)" in err


def test_a_batch_that_adds_nothing_is_not_recorded_and_the_summary_says_so(sobria: Sobria) -> None:
    (sobria.folder / "empty.csv").write_text(HEADER)
    (sobria.folder / "e.csv").write_text(HEADER + ROW)
    code, out, err = sobria.run("import", "events", "empty.csv")
    assert (code, err) == (0, "")
    assert "Rien de nouveau : ce lot n'est pas enregistré dans l'historique des imports." in out
    assert sobria.run("import", "events", "e.csv")[0] == 0
    code, out, _ = sobria.run("import", "events", "e.csv")  # a re-import
    assert code == 0 and "1 ligne lue — importées : 0, déjà présentes : 1" in out and "Rien de nouveau" in out
    with sqlite3.connect(sobria.folder / "sobria.db") as db:
        assert db.execute("SELECT files, rows_inserted FROM import_batches").fetchall() == [("e.csv", 1)]


def test_importing_into_an_uninitialised_store_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    sobria = sobria_in(tmp_path, monkeypatch, capsys, init=False)
    (tmp_path / "e.csv").write_text(HEADER + ROW)
    (tmp_path / "t.csv").write_text("identifier,module,date,status\na@x.fr,charte-ia,2025-01-10,completed\n")
    for args in (("import", "events", "e.csv"), ("training", "import", "t.csv")):
        code, err = sobria(*args)
        assert code == 2 and "lancez d'abord « sobria init »" in err and "Traceback" not in err, err
        assert sorted(p.name for p in tmp_path.iterdir()) == ["e.csv", "t.csv"]


@pytest.mark.parametrize("kind", ["litellm", "openai-usage", "events"])
def test_a_json_lines_file_whose_every_line_is_bad_reports_each_line(sobria: Sobria, kind: str) -> None:
    (sobria.folder / "bad.jsonl").write_text("not json\n{oops\n")
    code, err = sobria("import", kind, "bad.jsonl")
    assert_refused(code, err, "bad.jsonl", 1, None)
    assert "colonne obligatoire" not in err, err  # never "column ... missing" for a file that is not CSV


def test_the_reject_file_of_identical_rows_names_both_lines(sobria: Sobria) -> None:
    (sobria.folder / "e.csv").write_text(HEADER + ROW + ROW)
    assert sobria("import", "events", "e.csv", "--skip-invalid", "--reject-file", "r.csv")[0] == 0
    rows = list(csv.reader(io.StringIO((sobria.folder / "r.csv").read_text(encoding="utf-8"))))
    assert rows[1] == ["e.csv", "3", "", "ligne 3 identique à la ligne 2 de e.csv (le fichier n'a pas "
                                        "d'identifiant d'événement) : comptée une fois"]


@pytest.mark.parametrize(("row", "found"), [("b@x.fr,sales,extra,x,y", 5), ("b@x.fr", 1)])
def test_a_people_file_row_with_a_wrong_field_count_is_refused_with_its_line(tmp_path: Path, row: str,
                                                                            found: int) -> None:
    path = tmp_path / "people.csv"
    path.write_text(f"identifier,team,role,display_name\na@x.fr,sales,,Alice\n{row}\n", encoding="utf-8")
    with pytest.raises(UserInputError) as caught:
        read_people(path)
    assert (caught.value.key, caught.value.params, caught.value.where.file, caught.value.where.line) == (
        "ingest.bad_field_count", {"expected": 4, "found": found}, str(path), 3)


def test_a_large_bound_is_scanned_in_blocks_of_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "e.csv"
    limit = 100_000
    path.write_bytes(b"a,b\n" + b"x" * limit + b"\n" + b"y" * (limit + 1) + b"\n" + b"x,y\n" * 3)
    assert (_line_of(path, limit), _line_of(path, limit + 1)) == (3, None)
    path.write_bytes(b"a,b\n" + b"x,y\n" * 30_000 + b"z" * (limit + 1))  # across a block boundary
    assert _line_of(path, limit) == 30_002


def test_a_json_file_whose_top_level_is_a_number_says_so_first(sobria: Sobria) -> None:
    (sobria.folder / "n.json").write_text("5\n")
    code, err = sobria("import", "events", "n.json")
    assert (code, err.splitlines()[0]) == (2, "n.json:1 : un objet JSON {...} était attendu")
    (sobria.folder / "bad.jsonl").write_text("not json\n{oops\n")
    code, err = sobria("import", "events", "bad.jsonl")
    assert (code, err.splitlines()) == (2, [
        "bad.jsonl:1 : aucune ligne lisible : 2 erreur(s), détail ligne par ligne ci-dessous",
        "  bad.jsonl:1 : ligne JSON invalide (Expecting value)",
        "  bad.jsonl:2 : ligne JSON invalide (Expecting property name enclosed in double quotes)"])


def test_two_answers_of_an_aggregated_source_for_one_bucket_are_identical_rows(sobria: Sobria) -> None:
    """The survey makes its ids from the answer's identity: a repeat is not "a duplicate event_id"."""
    answer = "a@x.fr,chatgpt,2,redaction,2025-01\n"
    (sobria.folder / "s.csv").write_text("identifiant,outil,usages_par_jour,taches_typiques,mois\n" + answer * 2)
    code, err = sobria("import", "survey", "s.csv")
    assert_refused(code, err, "s.csv", 3, None)
    assert "ligne 3 identique à la ligne 2 de s.csv (le fichier n'a pas d'identifiant d'événement)" in err
    assert "event_id" not in err
