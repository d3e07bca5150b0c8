"""OpenID Connect sign-in against a real provider on 127.0.0.1 (tests/web/oidc_provider.py)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from starlette.testclient import TestClient

from sobria.catalog import Catalog
from sobria.errors import UserInputError
from sobria.store import Store
from sobria.store.web_store import WebStore
from sobria.web.app import WebConfig, create_app
from sobria.web.oidc import OidcConfig, map_groups, parse_role
from sobria.web.pages import Figures
from tests.web import data
from tests.web.conftest import Clock
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running

ROLES = {"sobria-admins": "admin", "comite-ethique": "committee", "leads-conseil": "team_lead:conseil",
         "staff": "employee"}


@pytest.fixture
def provider(clock: Clock) -> Iterator[Provider]:
    with running(Provider(clock, user={"sub": "u-42", "preferred_username": "claire",
                                       "email": "Claire@TechVert.fr", "groups": ["staff", "comite-ethique"]})) as p:
        yield p


@pytest.fixture
def oidc_client(web_store: Store, catalog: Catalog, clock: Clock, provider: Provider) -> Iterator[TestClient]:
    config = OidcConfig(provider.issuer, CLIENT_ID, CLIENT_SECRET, ROLES, person_of=lambda e: "p_" + e.lower())
    app = create_app(Figures.create(web_store, data.charter(), catalog), WebConfig(secure_cookies=False), clock,
                     oidc=config)
    with TestClient(app, follow_redirects=False) as client:
        yield client


def through_provider(client: TestClient) -> str:
    """Start a sign-in, let the provider approve it: the callback path + query it redirects to."""
    start = client.get("/login/oidc")
    assert start.status_code == 303
    answer = httpx.get(start.headers["location"], follow_redirects=False)
    assert answer.status_code == 302
    back = urlparse(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}" == "http://testserver"
    return f"{back.path}?{back.query}"


def test_sign_in_with_the_provider_maps_groups_to_the_role(oidc_client: TestClient, provider: Provider,
                                                            web_store: Store) -> None:
    assert 'href="/login/oidc"' in oidc_client.get("/login").text
    callback = through_provider(oidc_client)
    request = provider.seen[0]
    assert request["code_challenge_method"] == "S256"
    assert len(request["code_challenge"]) == 43 and request["nonce"] and request["state"]
    assert request["scope"] == "openid email profile"
    assert request["redirect_uri"] == "http://testserver/login/oidc/callback"
    signed_in = oidc_client.get(callback)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/"
    account = WebStore(web_store).account("claire")
    assert account is not None
    assert (account.role, account.team, account.person, account.password_hash) == (
        "committee", None, "p_claire@techvert.fr", None)
    assert oidc_client.get("/committee").status_code == 200
    assert oidc_client.get("/admin/accounts").status_code == 403


def test_a_state_is_used_once_and_only_by_its_browser(oidc_client: TestClient, provider: Provider) -> None:
    callback = through_provider(oidc_client)
    other = TestClient(oidc_client.app, follow_redirects=False)
    other.get("/login")  # another browser, with its own session
    assert other.get(callback).status_code == 401  # foreign state: refused, and the flow is spent
    assert oidc_client.get(callback).status_code == 401
    fresh = through_provider(oidc_client)
    assert oidc_client.get(fresh).status_code == 303
    assert oidc_client.get(fresh).status_code == 401  # replayed


@pytest.mark.parametrize("forgery", [
    {"tamper": {"nonce": "another-nonce"}}, {"tamper": {"aud": "another-client"}},
    {"tamper": {"iss": "http://127.0.0.1:1"}}, {"tamper": {"exp": 1}}, {"tamper": {"at_hash": "AAAA"}},
    {"rogue": True},
])
def test_a_forged_id_token_signs_nobody_in(oidc_client: TestClient, provider: Provider, web_store: Store,
                                           forgery: dict[str, object]) -> None:
    provider.tamper = dict(forgery.get("tamper", {}))  # type: ignore[call-overload]
    provider.rogue = bool(forgery.get("rogue", False))
    answer = oidc_client.get(through_provider(oidc_client))
    assert answer.status_code == 401
    assert "La connexion par le fournisseur d&#39;identité a échoué" in answer.text
    assert WebStore(web_store).account("claire") is None
    assert oidc_client.get("/").headers["location"] == "/login"


def test_a_wrong_state_or_code_is_refused(oidc_client: TestClient) -> None:
    callback = through_provider(oidc_client)
    query = {k: v[0] for k, v in parse_qs(urlparse(callback).query).items()}
    assert oidc_client.get("/login/oidc/callback", params={**query, "state": "guessed"}).status_code == 401
    callback = through_provider(oidc_client)
    query = {k: v[0] for k, v in parse_qs(urlparse(callback).query).items()}
    assert oidc_client.get("/login/oidc/callback", params={**query, "code": "guessed"}).status_code == 401
    assert oidc_client.get("/login/oidc/callback", params={"error": "access_denied"}).status_code == 401


def test_a_team_lead_group_opens_its_team_only(oidc_client: TestClient, provider: Provider) -> None:
    provider.user["groups"] = ["staff", "leads-conseil"]
    assert oidc_client.get(through_provider(oidc_client)).status_code == 303
    assert oidc_client.get("/").headers["location"] == "/teams/conseil"
    assert oidc_client.get("/teams/conseil").status_code == 200
    assert oidc_client.get("/teams/tech").status_code == 403
    assert oidc_client.get("/api/overview.json").status_code == 403


def test_no_mapped_group_no_account(oidc_client: TestClient, provider: Provider, web_store: Store) -> None:
    provider.user["groups"] = ["visitors"]
    assert oidc_client.get(through_provider(oidc_client)).status_code == 401
    assert WebStore(web_store).account("claire") is None


def test_an_unreachable_provider_is_a_page_not_a_traceback(web_store: Store, catalog: Catalog,
                                                            clock: Clock) -> None:
    config = OidcConfig("http://127.0.0.1:9", CLIENT_ID, CLIENT_SECRET, ROLES)
    app = create_app(Figures.create(web_store, data.charter(), catalog), WebConfig(secure_cookies=False), clock,
                     oidc=config)
    with TestClient(app, follow_redirects=False) as client:
        answer = client.get("/login/oidc")
    assert answer.status_code == 502
    assert "La connexion par le fournisseur d&#39;identité a échoué" in answer.text


def test_without_a_provider_the_routes_do_not_exist(client: TestClient) -> None:
    assert 'href="/login/oidc"' not in client.get("/login").text
    assert client.get("/login/oidc").status_code == 404
    assert client.get("/login/oidc/callback?state=x&code=y").status_code == 404


def test_group_mapping() -> None:
    assert map_groups(["staff", "comite-ethique", "sobria-admins"], ROLES) == ("admin", None)
    assert map_groups(["staff", "leads-conseil"], ROLES) == ("team_lead", "conseil")
    assert map_groups("staff", ROLES) == ("employee", None)
    assert map_groups(["nobody"], ROLES) is None
    assert map_groups(None, ROLES) is None
    assert parse_role("team_lead:tech", "x") == ("team_lead", "tech")
    for bad in ("boss", "team_lead", "admin:tech"):
        with pytest.raises(UserInputError) as caught:
            parse_role(bad, "SOBRIA_OIDC_ROLES")
        assert caught.value.where.parameter == "SOBRIA_OIDC_ROLES"


def test_the_provider_settings_are_checked_at_start() -> None:
    from sobria.cli.serve_cmd import oidc_config
    from sobria.settings import Settings

    assert oidc_config(Settings()) is None
    with pytest.raises(UserInputError) as caught:
        oidc_config(Settings(oidc_issuer="https://idp.example"))
    assert caught.value.where.parameter == "SOBRIA_OIDC_CLIENT_ID"
    with pytest.raises(UserInputError) as caught:
        oidc_config(Settings(oidc_issuer="https://idp.example", oidc_client_id="c", oidc_client_secret="s",
                             oidc_roles={"g": "chef"}))
    assert (caught.value.key, caught.value.where.parameter) == ("web.error.bad_oidc_role", "SOBRIA_OIDC_ROLES")
    config = oidc_config(Settings(oidc_issuer="https://idp.example", oidc_client_id="c", oidc_client_secret="s",
                                  oidc_roles={"g": "team_lead:tech"}, secret_file="/nonexistent/secret.key"))
    assert config is not None
    assert (config.issuer, config.client_id, dict(config.roles), config.person_of) == (
        "https://idp.example", "c", {"g": "team_lead:tech"}, None)
