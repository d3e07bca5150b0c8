from __future__ import annotations

from starlette.testclient import TestClient

from tests.web.conftest import sign_in


def test_admin_pages(client: TestClient) -> None:
    sign_in(client, "admin")
    for path in ("/", "/explorer", "/waste", "/budgets", "/charter", "/committee", "/admin/accounts"):
        r = client.get(path)
        assert r.status_code == 200, (path, r.text[:2000])
