from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from sobria.catalog import Catalog
from sobria.store import Store, open_store
from sobria.store.web_store import WebStore
from sobria.web.app import WebConfig, create_app
from sobria.web.auth import Auth
from sobria.web.pages import Figures
from tests.web import data

ACCOUNTS = {  # username: (role, team, person)
    "admin": ("admin", None, None), "cfo": ("direction", None, None), "comite": ("committee", None, None),
    "lead": ("team_lead", "conseil", None), "emp": ("employee", None, "c1"),
}
START_US = 1_740_000_000_000_000


def password(username: str) -> str:
    return f"mot-de-passe-{username}-2025"


@dataclass
class Clock:
    now_us: int = START_US
    ticks: list[int] = field(default_factory=list)

    def __call__(self) -> int:
        return self.now_us


def add_accounts(store: Store, clock: Clock) -> None:
    auth = Auth(WebStore(store), clock)
    for name, (role, team, person) in ACCOUNTS.items():
        auth.create_account(name, password(name), role, team, person)


@pytest.fixture
def web_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path / 'sobria.db'}")
    store.migrate()
    data.fill(store)
    add_accounts(store, Clock())
    yield store
    store.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(web_store: Store, catalog: Catalog, clock: Clock) -> Starlette:
    figures = Figures.create(web_store, data.charter(), catalog)
    return create_app(figures, WebConfig(secure_cookies=False), clock)


@pytest.fixture
def client(app: Starlette) -> Iterator[TestClient]:
    with TestClient(app, follow_redirects=False) as c:
        yield c


def csrf_of(client: TestClient, path: str = "/login") -> str:
    import re

    page = client.get(path)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found is not None, page.text
    return found.group(1)


def sign_in(client: TestClient, username: str) -> None:
    token = csrf_of(client)
    answer = client.post("/login", data={"csrf": token, "username": username, "password": password(username)})
    assert answer.status_code == 303, answer.text
