"""What the import tests share: an initialised store written in chunks of 2 rows (SQLite row by row,
SQLite through ADBC, or a real PostgreSQL server) and one CSV import of a body of event rows."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sobria.catalog import Catalog
from sobria.ingest import pipeline
from sobria.ingest.pipeline import ImportOptions, run_import
from sobria.ingest.pseudonym import key_fingerprint
from sobria.store import Store, open_store, sqlite_load
from tests.ingest.test_pipeline import HEADER, PEOPLE, SECRET
from tests.support.postgres import create_database

STORE_KINDS = ("sqlite", "sqlite-adbc", "postgresql")
_DATABASES = itertools.count()


@contextmanager
def chunked_store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                  kind: str) -> Iterator[Store]:
    """An initialised store of ``kind`` (one of ``STORE_KINDS``), the import writing 2 rows a chunk."""
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)
    if kind == "sqlite-adbc":
        monkeypatch.setattr(sqlite_load, "LOAD_MIN_ROWS", 1)
    if kind == "postgresql":
        url = create_database(request.getfixturevalue("postgres_base_url"), f"sobria_ingest_{next(_DATABASES)}")
    else:
        url = f"sqlite:///{tmp_path / 'sobria.db'}"
    store = open_store(url)
    store.migrate()
    store.init_organisation("TechVert", key_fingerprint(SECRET))
    try:
        yield store
    finally:
        store.engine.dispose()


def import_rows(store: Store, catalog: Catalog, folder: Path, body: str) -> int:
    """Import ``body`` (event rows under the pipeline tests' header) with their people file; the
    count of events inserted."""
    folder.mkdir(exist_ok=True)
    (folder / "events.csv").write_text(HEADER + body, encoding="utf-8")
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    options = ImportOptions(kind="events", files=(folder / "events.csv",), people_file=folder / "people.csv")
    return run_import(store, catalog, SECRET, options).inserted
