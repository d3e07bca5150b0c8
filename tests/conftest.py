from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from sobria.catalog import Catalog, load_catalog
from sobria.store import Store, open_store
from tests.support.postgres import create_database, postgres_server

_DB_COUNTER = itertools.count()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def postgres_base_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database URL: a SQLite file, then a database on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'sobria.db'}"
    base = request.getfixturevalue("postgres_base_url")
    return create_database(base, f"sobria_test_{next(_DB_COUNTER)}")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    s.migrate()
    yield s
    s.engine.dispose()
