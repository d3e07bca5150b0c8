"""Sign-in, CSRF, session fixation, throttling, roles, escaping: each answered on the server."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from sobria.web.auth import FAILURE_WINDOW_SECONDS, MAX_FAILURES, hash_password, verify_password
from sobria.web.guard import COOKIE
from tests.web.conftest import Clock, csrf_of, password, sign_in


def test_scrypt_hash_round_trip_and_golden() -> None:
    stored = hash_password("correct horse", salt=bytes(16))
    assert stored.startswith("scrypt$16384$8$1$" + "00" * 16 + "$")
    assert len(stored.rsplit("$", 1)[1]) == 64
    assert verify_password("correct horse", stored)
    assert not verify_password("correct horsE", stored)
    assert not verify_password("x", None)


def test_anonymous_pages_redirect_and_json_is_401(client: TestClient) -> None:
    assert client.get("/").headers["location"] == "/login"
    assert client.get("/api/overview.json").status_code == 401


def test_session_cookie_flags(client: TestClient) -> None:
    page = client.get("/login")
    cookie = page.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Max-Age=28800" in cookie




def test_login_without_or_with_wrong_csrf_is_403(client: TestClient) -> None:
    assert client.post("/login", data={"username": "admin", "password": password("admin")}).status_code == 403
    csrf_of(client)
    answer = client.post("/login", data={"csrf": "forged", "username": "admin", "password": password("admin")})
    assert answer.status_code == 403


def test_form_posts_need_the_session_csrf(client: TestClient) -> None:
    sign_in(client, "comite")
    assert client.post("/committee/entries", data={"kind": "question", "text": "x"}).status_code == 403
    assert client.post("/committee/entries", data={"csrf": "bad", "kind": "question", "text": "x"}).status_code == 403
    assert client.post("/logout", data={}).status_code == 403


def test_login_rotates_the_session_id(client: TestClient) -> None:
    token = csrf_of(client)
    before = client.cookies[COOKIE]
    answer = client.post("/login", data={"csrf": token, "username": "admin", "password": password("admin")})
    after = answer.cookies[COOKIE]
    assert after != before
    # the pre-login (possibly planted) id is dead: it gives no access, the new one does
    attacker = TestClient(client.app, follow_redirects=False)
    attacker.cookies.set(COOKIE, before)
    assert attacker.get("/").status_code == 303
    assert client.get("/").status_code == 200


def test_logout_ends_the_session(client: TestClient) -> None:
    sign_in(client, "admin")
    token = client.cookies[COOKIE]
    assert client.post("/logout", data={"csrf": csrf_of(client, "/")}).status_code == 303
    client.cookies.set(COOKIE, token)
    assert client.get("/").status_code == 303


def test_session_expires(client: TestClient, clock: Clock) -> None:
    sign_in(client, "admin")
    clock.now_us += 8 * 3600 * 1_000_000 + 1
    assert client.get("/").headers["location"] == "/login"


def test_brute_force_is_throttled_then_released(client: TestClient, clock: Clock) -> None:
    token = csrf_of(client)
    for _ in range(MAX_FAILURES):
        wrong = client.post("/login", data={"csrf": token, "username": "admin", "password": "nope"})
        assert wrong.status_code == 401
    right = {"csrf": token, "username": "admin", "password": password("admin")}
    assert client.post("/login", data=right).status_code == 401  # even the right password is refused now
    clock.now_us += FAILURE_WINDOW_SECONDS * 1_000_000 + 1
    assert client.post("/login", data=right).status_code == 303


@pytest.mark.parametrize(("user", "forbidden"), [
    ("emp", ["/explorer", "/explorer.csv", "/waste", "/budgets", "/charter", "/committee", "/admin/accounts",
             "/teams/conseil", "/api/overview.json", "/api/explorer.json", "/api/teams/conseil.json"]),
    ("lead", ["/explorer", "/explorer.csv", "/waste", "/budgets", "/charter", "/committee", "/admin/accounts",
              "/teams/tech", "/api/overview.json", "/api/explorer.json", "/api/teams/tech.json"]),
    ("cfo", ["/admin/accounts"]),
    ("comite", ["/admin/accounts"]),
])
def test_forbidden_pages_answer_403_and_say_nothing(client: TestClient, user: str, forbidden: list[str]) -> None:
    sign_in(client, user)
    for path in forbidden:
        answer = client.get(path)
        assert answer.status_code == 403, path
        assert "kgCO2e" not in answer.text and "tech" not in answer.text.replace("/teams/tech", ""), path


def test_team_lead_sees_own_team_only(client: TestClient) -> None:
    sign_in(client, "lead")
    assert client.get("/").headers["location"] == "/teams/conseil"
    assert client.get("/teams/conseil").status_code == 200
    assert client.get("/api/teams/conseil.json").json()["totals"]["gwp"] == pytest.approx(2.6)
    assert client.get("/teams/tech").status_code == 403


def test_direction_cannot_write_to_the_committee_log(client: TestClient) -> None:
    sign_in(client, "cfo")
    token = csrf_of(client, "/committee")
    assert client.post("/committee/entries", data={"csrf": token, "text": "x"}).status_code == 403


def test_unknown_path_is_404(client: TestClient) -> None:
    sign_in(client, "admin")
    assert client.get("/api/people.json").status_code == 404


def test_html_in_data_fields_is_escaped(client: TestClient) -> None:
    sign_in(client, "comite")
    token = csrf_of(client, "/committee")
    text = '<script>alert("x")</script>'
    assert client.post("/committee/entries", data={"csrf": token, "kind": "question", "text": text,
                                                   "team": "<i>t</i>"}).status_code == 303
    page = client.get("/committee").text
    assert "<script>alert" not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "&lt;i&gt;t&lt;/i&gt;" in page
    for path in ("/", "/explorer", "/budgets"):
        body = client.get(path).text
        assert "<b>R&D</b>" not in body, path
        assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in body, path


def test_small_group_figures_are_refused_to_every_role(client: TestClient) -> None:
    sign_in(client, "emp")
    assert client.get("/api/explorer.json?team=rh").status_code == 403
    assert client.get("/api/teams/rh.json").status_code == 403
    me = client.get("/api/me.json").json()
    assert me["totals"]["requests"] == 11  # the employee's own figures only
    client.cookies.clear()
    sign_in(client, "cfo")
    small = client.get("/api/explorer.json?team=rh&by=month").json()
    assert small["rows"] == [] and small["total"] is None
    by_tool = client.get("/api/explorer.json?team=conseil&by=tool").json()
    assert [r["key"] for r in by_tool["rows"]] == ["*"]  # midjourney's two people never on their own


def test_bad_parameters_are_named(client: TestClient) -> None:
    sign_in(client, "cfo")
    month = client.get("/budgets?month=2025-13")
    assert (month.status_code, month.text) == (400, "paramètre month : mois invalide « 2025-13 » (attendu : AAAA-MM)")
    by = client.get("/explorer?by=person&lang=en")
    assert (by.status_code, by.text) == (
        400, "parameter by: unknown grouping “person” (expected: team, tool, model, month, tier)")


def _every_get_path() -> list[str]:
    """Every GET route the dashboard serves (the app's own route tables: a new page is covered
    the day it is added), with its parameters filled in."""
    from sobria.web import governance_views, oidc_views, views

    table = [*views.ROUTES, *oidc_views.ROUTES, *governance_views.ROUTES]
    return [path.replace("{team}", "tech").replace("{fmt}", "html") for path, _, methods in table if "GET" in methods]


OPEN = {"/login", "/login/oidc", "/login/oidc/callback"}   # sign-in pages (OIDC: 404 when not configured)
ALLOWED = {  # what each role may open besides the sign-in pages; every other GET route must refuse
    "emp": {"/", "/me", "/api/me.json"},
    "lead": {"/", "/me", "/api/me.json"},   # its own team is conseil; the paths below ask for tech
    "cfo": set(_every_get_path()) - {"/admin/accounts"} - OPEN,
    "comite": set(_every_get_path()) - {"/admin/accounts"} - OPEN,
}


@pytest.mark.parametrize("user", sorted(ALLOWED))
def test_every_route_outside_a_role_refuses_and_leaks_nothing(client: TestClient, user: str) -> None:
    sign_in(client, user)
    refused = [path for path in _every_get_path() if path not in ALLOWED[user] | OPEN]
    assert refused, user
    for path in refused:
        answer = client.get(path)
        assert answer.status_code in (403, 404), path
        assert "kgCO2e" not in answer.text and "conseil" not in answer.text, path
        assert "attachment" not in answer.headers.get("content-disposition", ""), path
