"""The import pipeline end to end, on SQLite and on a real PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.catalog import Catalog
from sobria.errors import UserInputError
from sobria.ingest.pipeline import ImportOptions, ImportRejectedError, run_import
from sobria.ingest.pseudonym import key_fingerprint, pseudonym
from sobria.store import Store

SECRET = bytes(range(32))
HEADER = "event_id,ts,person,team,tool,provider,model,operation,input_tokens,output_tokens,images,prompt,tier\n"
GOOD = (
    "e1,2025-03-03T09:00:00Z,alice@techvert.fr,,chat,openai,gpt-4o,chat,100,200,,Rédige un mail de relance,measured\n"
    "e2,2025-03-03T09:02:00+01:00,alice@techvert.fr,,chat,openai,gpt-4o,chat,120,210,,Un mail plus court,measured\n"
    "e3,2025-03-04T10:00:00Z,bob@techvert.fr,,images,openai,dall-e-3,image,0,0,,,measured\n"
    "e4,2025-03-05T10:00:00Z,carol@techvert.fr,,chat,openai,gpt-99-preview,chat,10,10,,,measured\n"
)
PEOPLE = "identifier,team,role,display_name\nalice@techvert.fr,sales,commerciale,Alice\nbob@techvert.fr,marketing,,\n"


@pytest.fixture
def ready(store: Store) -> Store:
    store.init_organisation("TechVert", key_fingerprint(SECRET))
    return store


def write(tmp_path: Path, name: str, body: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(body, bytes):
        path.write_bytes(body)
    else:
        path.write_text(body, encoding="utf-8")
    return path


def options(tmp_path: Path, body: str, **extra: object) -> ImportOptions:
    return ImportOptions(kind="events", files=(write(tmp_path, "events.csv", body),),
                         people_file=write(tmp_path, "people.csv", PEOPLE), **extra)  # type: ignore[arg-type]


def test_import_pseudonymises_fingerprints_and_estimates(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    summary = run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    assert (summary.rows_read, summary.inserted, summary.rejected) == (4, 4, 0)
    assert summary.teams == ("marketing", "sales")
    assert summary.unknown_models == {"gpt-99-preview": 1}
    assert summary.tiers == {"measured": 4}
    events = ready.read_events().sort("event_id")
    assert events["person"].to_list()[:3] == [pseudonym(SECRET, "alice@techvert.fr")] * 2 + [
        pseudonym(SECRET, "bob@techvert.fr")]
    assert not any("@" in (p or "") for p in events["person"].to_list())
    assert events["team"].to_list() == ["sales", "sales", "marketing", None]
    assert events["prompt_text"].null_count() == 4
    assert events["prompt_fingerprint"].to_list()[0].startswith("mh3:")
    assert events["prompt_fingerprint"].to_list()[2] is None
    assert events["images"].to_list()[2] == 1  # image request without a count: one image
    assert events["impact_status"].to_list() == ["ok", "ok", "ok", "model-not-in-catalog"]
    # DALL-E 3 (generic image bracket): GPU 0.43 Wh x server 1.1 x OpenAI PUE 1.2 (docs/methodology.md, Images)
    assert events.filter(events["event_id"] == "e3")["energy_kwh_min"][0] == pytest.approx(0.43e-3 * 1.1 * 1.2)
    assert str(events["ts"][1]) == "2025-03-03 08:02:00+00:00"  # +01:00 converted to UTC
    people = ready.people()
    assert people["display_name"].null_count() == people.height  # names only when opted in


def test_reimport_adds_nothing(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    again = run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    assert (again.inserted, again.already_stored) == (0, 4)
    assert ready.count_events() == 4


def test_keep_text_and_names_when_enabled(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD, keep_text=True, keep_names=True))
    assert ready.read_events().sort("event_id")["prompt_text"][0] == "Rédige un mail de relance"
    assert "Alice" in ready.people()["display_name"].to_list()


def _row(ts: str = "2025-03-05T10:00:00Z", team: str = "", op: str = "chat", tokens: str = "5") -> str:
    return f"e9,{ts},bob@techvert.fr,{team},chat,openai,gpt-4o,{op},{tokens},1,,,measured\n"


BAD_CASES = {
    "negative tokens": (HEADER + GOOD + _row(tokens="-5"), 6, "input_tokens"),
    "wrong type": (HEADER + GOOD + _row(tokens="abc"), 6, "input_tokens"),
    "bad timestamp": (HEADER + GOOD + _row(ts="le 5 mars"), 6, "ts"),
    "unknown team": (HEADER + GOOD + _row(team="finance"), 6, "team"),
    "duplicate rows": (HEADER + GOOD + GOOD.splitlines()[0] + "\n", 6, "event_id"),
    "bad operation": (HEADER + GOOD + _row(op="talk"), 6, "operation"),
}


@pytest.mark.parametrize("case", sorted(BAD_CASES))
def test_bad_rows_reject_the_batch_and_write_nothing(ready: Store, catalog: Catalog, tmp_path: Path,
                                                      case: str) -> None:
    body, line, field = BAD_CASES[case]
    with pytest.raises(ImportRejectedError) as err:
        run_import(ready, catalog, SECRET, options(tmp_path, body))
    assert [(e.line, e.field) for e in err.value.errors] == [(line, field)]
    assert err.value.errors[0].file.endswith("events.csv")
    assert ready.count_events() == 0
    assert ready.teams() == set()
    assert ready.batches() == []


def test_skip_invalid_writes_valid_rows_and_a_reject_file(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    body = BAD_CASES["negative tokens"][0]
    rejects = tmp_path / "rejects.csv"
    summary = run_import(ready, catalog, SECRET, options(tmp_path, body, skip_invalid=True, reject_file=rejects))
    assert (summary.inserted, summary.rejected) == (4, 1)
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,line,field,reason"
    assert lines[1].split(",")[1:3] == ["6", "input_tokens"]
    assert "-5" in lines[1]


@pytest.mark.parametrize(("name", "body", "key"), [
    ("missing column", "event_id,ts,person\ne1,2025-03-03T09:00:00Z,a\n", "ingest.missing_column"),
    ("truncated", '[{"event_id": "e1", "ts": "2025-03-03T09:00:00Z", "model": "gpt-4o"', "ingest.truncated_json"),
    ("wrong encoding", ("event_id,ts,model,operation\ne1,2025-03-03T09:00:00Z,caf\xe9,chat\n").encode("latin-1"),
     "ingest.bad_encoding"),
])
def test_unreadable_files_are_user_errors(ready: Store, catalog: Catalog, tmp_path: Path, name: str,
                                          body: str | bytes, key: str) -> None:
    suffix = ".json" if name == "truncated" else ".csv"
    path = write(tmp_path, "bad" + suffix, body)
    with pytest.raises(UserInputError) as err:
        run_import(ready, catalog, SECRET, ImportOptions(kind="events", files=(path,)))
    assert err.value.key == key
    assert err.value.where.file == str(path)
    assert ready.count_events() == 0


def test_store_must_be_initialised_with_the_same_secret(store: Store, catalog: Catalog, tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as err:
        run_import(store, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    assert err.value.key == "pipeline.not_initialised"
    store.init_organisation("TechVert", key_fingerprint(b"another secret"))
    with pytest.raises(UserInputError) as err:
        run_import(store, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    assert err.value.key == "pipeline.secret_mismatch"


def test_reject_file_reasons_follow_the_language(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    rejects = tmp_path / "rejects.csv"
    run_import(ready, catalog, SECRET, options(tmp_path, BAD_CASES["negative tokens"][0], skip_invalid=True,
                                               reject_file=rejects, lang="en"))
    assert '"""-5"" is negative; a number of zero or more is expected"' in rejects.read_text(encoding="utf-8")


def test_an_import_leaves_the_dashboard_rollup_current(ready: Store, catalog: Catalog, tmp_path: Path) -> None:
    from sobria.store.web_rollup import RefreshCounts, read_rollup, refresh_rollup

    run_import(ready, catalog, SECRET, options(tmp_path, HEADER + GOOD))
    rollup = read_rollup(ready)
    assert int(rollup["request_count"].sum()) == int(ready.read_events()["request_count"].sum())
    assert refresh_rollup(ready) == RefreshCounts(unchanged=len(set(rollup["month"])))  # nothing left to do
