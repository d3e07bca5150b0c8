"""A batch read, checked and written chunk by chunk gives what the whole batch at once gives: same
rows, same summary, the same errors (duplicates across chunks included), and nothing written when a
later chunk is bad — on SQLite (row by row and through ADBC) and on a real PostgreSQL server."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from polars.testing import assert_frame_equal

from sobria.catalog import Catalog
from sobria.ingest import pipeline
from sobria.ingest.pipeline import ImportOptions, ImportRejectedError, ImportSummary, run_import
from sobria.ingest.pseudonym import key_fingerprint
from sobria.store import Store, open_store
from tests.ingest.support import STORE_KINDS, chunked_store
from tests.ingest.test_pipeline import GOOD, HEADER, PEOPLE, SECRET

MORE = (
    "e5,2025-03-06T10:00:00Z,alice@techvert.fr,,chat,openai,gpt-4o-mini,chat,50,60,,Résume ce compte rendu,measured\n"
    "e6,2025-03-06T11:00:00Z,bob@techvert.fr,,chat,anthropic,claude-sonnet-4-5,chat,70,80,,,token-level\n"
    "e7,2025-03-07T10:00:00Z,dan@techvert.fr,,chat,openai,gpt-4o,chat,10,20,,,measured\n"
)
BODY = HEADER + GOOD + MORE  # 7 rows: lines 2 to 8


@pytest.fixture(params=STORE_KINDS)
def chunked(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """An initialised store written in chunks of 2 rows: SQLite row by row, SQLite through ADBC, PostgreSQL."""
    with chunked_store(request, tmp_path, monkeypatch, request.param) as store:
        yield store


def _options(tmp_path: Path, body: str, **extra: object) -> ImportOptions:
    (tmp_path / "events.csv").write_text(body, encoding="utf-8")
    (tmp_path / "people.csv").write_text(PEOPLE, encoding="utf-8")
    return ImportOptions(kind="events", files=(tmp_path / "events.csv",), people_file=tmp_path / "people.csv",
                         **extra)  # type: ignore[arg-type]


def _whole(tmp_path: Path, catalog: Catalog, body: str, **extra: object) -> tuple[Store, ImportSummary]:
    store = open_store(f"sqlite:///{tmp_path / 'whole.db'}")
    store.migrate()
    store.init_organisation("TechVert", key_fingerprint(SECRET))
    folder = tmp_path / "whole"
    folder.mkdir()
    return store, run_import(store, catalog, SECRET, _options(folder, body, **extra))


def test_chunks_give_the_same_rows_and_summary(chunked: Store, catalog: Catalog, tmp_path: Path) -> None:
    whole_store, whole = _whole(tmp_path, catalog, BODY)
    summary = run_import(chunked, catalog, SECRET, _options(tmp_path, BODY))
    assert dataclasses.replace(summary, batch_id="") == dataclasses.replace(whole, batch_id="")
    assert (summary.rows_read, summary.inserted, summary.people, summary.tiers) == (
        7, 7, 4, {"measured": 6, "token-level": 1})
    assert summary.period == ("2025-03-03 08:02:00+00:00", "2025-03-07 10:00:00+00:00")
    assert_frame_equal(chunked.read_events().drop("batch_id"), whole_store.read_events().drop("batch_id"))
    assert [b["rows_read"] for b in chunked.batches()] == [7]
    assert sorted(chunked.teams()) == ["marketing", "sales"]


def test_a_repeat_in_a_later_chunk_is_a_duplicate_of_the_first(chunked: Store, catalog: Catalog,
                                                               tmp_path: Path) -> None:
    body = BODY + GOOD.splitlines()[0] + "\n" + MORE.splitlines()[0] + "\n"  # e1 (line 2) at 9, e5 (6) at 10
    with pytest.raises(ImportRejectedError) as err:
        run_import(chunked, catalog, SECRET, _options(tmp_path, body))
    assert [(e.line, e.field, e.params["first_line"]) for e in err.value.errors] == [
        (9, "event_id", 2), (10, "event_id", 6)]
    assert (chunked.count_events(), chunked.batches(), chunked.teams()) == (0, [], set())


def test_an_error_in_the_last_chunk_rolls_back_the_chunks_written(chunked: Store, catalog: Catalog,
                                                                  tmp_path: Path) -> None:
    body = BODY + "e8,2025-03-07T11:00:00Z,bob@techvert.fr,,chat,openai,gpt-4o,chat,-3,1,,,measured\n"
    with pytest.raises(ImportRejectedError) as err:
        run_import(chunked, catalog, SECRET, _options(tmp_path, body))
    assert [(e.line, e.field) for e in err.value.errors] == [(9, "input_tokens")]
    assert (chunked.count_events(), chunked.batches(), chunked.teams(), chunked.people().height) == (0, [], set(), 0)


def test_skip_invalid_collects_the_errors_of_every_chunk(chunked: Store, catalog: Catalog, tmp_path: Path) -> None:
    lines = BODY.splitlines(keepends=True)
    lines[1] = lines[1].replace(",100,200,", ",abc,200,")     # line 2: first chunk
    lines[7] = lines[7].replace("2025-03-07T10:00:00Z", "hier")  # line 8: last chunk
    rejects = tmp_path / "rejects.csv"
    summary = run_import(chunked, catalog, SECRET, _options(tmp_path, "".join(lines), skip_invalid=True,
                                                            reject_file=rejects, lang="en"))
    assert (summary.rows_read, summary.inserted, summary.rejected, summary.people) == (7, 5, 2, 3)
    assert [row.split(",")[1:3] for row in rejects.read_text(encoding="utf-8").splitlines()[1:]] == [
        ["2", "input_tokens"], ["8", "ts"]]
    assert sorted(chunked.read_events()["event_id"].to_list()) == ["e2", "e3", "e4", "e5", "e6"]


def test_a_batch_rejected_before_its_first_rows_takes_no_write_lock(tmp_path: Path, catalog: Catalog,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """The whole file is still checked, but with no write lock: another writer is not kept waiting
    (if the import asked for the lock here, it would wait 30 s and fail with "database is locked")."""
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    store, _ = _whole(tmp_path, catalog, HEADER + GOOD)
    bad = BODY.replace(",100,200,", ",-1,200,", 1)  # line 2: the first chunk
    writer = sqlite3.connect(tmp_path / "whole.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another process's import, say, holds the write lock
    try:
        with pytest.raises(ImportRejectedError) as err:
            run_import(store, catalog, SECRET, _options(tmp_path, bad))
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert [(e.line, e.field) for e in err.value.errors] == [(2, "input_tokens")]
