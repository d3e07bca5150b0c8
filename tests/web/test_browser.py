"""The dashboard in Debian's Chromium (Playwright): sign-in, each role's pages, filters, export, languages."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright
from starlette.applications import Starlette

from sobria.catalog import Catalog
from sobria.store import Store
from sobria.web.app import WebConfig, create_app
from sobria.web.oidc import OidcConfig
from sobria.web.pages import Figures
from tests.web import data
from tests.web.conftest import Clock, password
from tests.web.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.web.oidc_provider import running as provider_running
from tests.web.server import running

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
SHOTS = Path(__file__).resolve().parents[2] / "build" / "screenshots"

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium (.ci/system-deps.sh)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def base_url(app: Starlette) -> Iterator[str]:
    with running(app) as url:
        yield url


def _page(browser: Browser, width: int = 1280) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    return context.new_page()


def _sign_in(page: Page, base_url: str, user: str) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(password(user))
    page.get_by_role("button", name="Se connecter").click()


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_login_failure_then_success_and_overview(browser: Browser, base_url: str) -> None:
    page = _page(browser)
    page.goto(base_url + "/")
    expect(page).to_have_url(base_url + "/login")
    assert page.locator("html").get_attribute("lang") == "fr"
    _shot(page, "login")
    page.get_by_label("Identifiant").fill("admin")
    page.get_by_label("Mot de passe").fill("faux-mot-de-passe")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("alert")).to_contain_text("Identifiant ou mot de passe incorrect")
    _sign_in(page, base_url, "admin")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vue d'ensemble — 2025-03")
    expect(page.locator("#c-month + p")).to_have_text("8,9 kgCO2e")
    expect(page.locator("svg#trend title")).to_have_text("Empreinte carbone par mois (kgCO2e)")
    _shot(page, "overview")


FIGURE_LINKS = ["Vue d'ensemble", "Explorateur", "Gaspillage", "Budgets", "Charte", "Comité", "Adoption",
                "Règlement IA", "Formation", "Maturité", "Rapports"]


@pytest.mark.parametrize(("user", "links"), [
    ("admin", [*FIGURE_LINKS, "Comptes"]),
    ("cfo", FIGURE_LINKS),
    ("comite", FIGURE_LINKS),
    ("lead", ["Mon équipe"]),
    ("emp", ["Mon empreinte"]),
])
def test_each_role_navigates_its_pages(browser: Browser, base_url: str, user: str, links: list[str]) -> None:
    page = _page(browser)
    _sign_in(page, base_url, user)
    nav = page.get_by_role("navigation", name="Navigation principale")
    expect(nav.get_by_role("link")).to_have_text(links)
    for name in links:
        nav.get_by_role("link", name=name).click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert page.locator("body").inner_text().count("Accès refusé") == 0
        if user == "admin":
            _shot(page, "page-" + (page.url.rsplit("/", 1)[-1].replace("?", "_") or "overview"))


def test_filter_and_export(browser: Browser, base_url: str) -> None:
    page = _page(browser)
    _sign_in(page, base_url, "cfo")
    page.goto(base_url + "/explorer")
    page.get_by_label("Regrouper par").select_option("team")
    page.get_by_label("Mois", exact=True).select_option("2025-03")
    page.get_by_role("button", name="Appliquer").click()
    expect(page).to_have_url(base_url + "/explorer?by=team&team=&tool=&model=&month=2025-03&tier=")
    rows = page.locator("table tbody tr th")
    expect(rows).to_have_text(["tech", "conseil", "<b>R&D</b>", "autres (groupes de moins de 5 personnes)"])
    _shot(page, "explorer")
    with page.expect_download() as info:
        page.get_by_role("link", name="Exporter le tableau (CSV)").click()
    content = Path(info.value.path()).read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(content)))
    assert [r[0] for r in table] == ["team", "tech", "conseil", "<b>R&D</b>", "*"]
    assert table[1][2] == "5"


def test_team_lead_budget_alert(browser: Browser, base_url: str) -> None:
    page = _page(browser)
    _sign_in(page, base_url, "lead")
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe conseil — 2025-03")
    expect(page.get_by_role("status")).to_have_text("alerte : seuil atteint")
    _shot(page, "team-lead")


def test_employee_own_page(browser: Browser, base_url: str) -> None:
    page = _page(browser)
    _sign_in(page, base_url, "emp")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon empreinte — 2025-03")
    expect(page.locator(".card .big")).to_have_text("0,500 kgCO2e")
    expect(page.get_by_role("note")).to_contain_text("gpt-4o-mini")
    _shot(page, "my-footprint")
    page.goto(base_url + "/explorer?team=rh")
    assert "Accès refusé" in page.locator("body").inner_text()


def test_committee_writes_and_decides(browser: Browser, base_url: str) -> None:
    page = _page(browser)
    _sign_in(page, base_url, "comite")
    page.goto(base_url + "/committee")
    page.get_by_label("Type").select_option("exception")
    page.get_by_label("Équipe concernée (facultatif)").fill("tech")
    page.get_by_label("Question ou demande").fill("Modèle lourd pour l'analyse du code existant")
    page.get_by_role("button", name="Enregistrer").click()
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("Modèle lourd pour l'analyse du code existant")
    row.get_by_label("Décision").fill("Accordé pour trois mois")
    row.get_by_role("button", name="Décider").click()
    expect(page.locator("tbody tr").first).to_contain_text("Accordé pour trois mois")
    _shot(page, "committee")


def test_english_and_phone_viewport(browser: Browser, base_url: str) -> None:
    page = _page(browser, width=375)
    page.goto(base_url + "/login?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(password("admin"))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Overview — 2025-03")  # the language is kept
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    _shot(page, "overview-en-375px")


def test_everything_works_with_javascript_off(browser: Browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    _sign_in(page, base_url, "comite")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vue d'ensemble — 2025-03")
    page.goto(base_url + "/explorer")
    page.get_by_label("Regrouper par").select_option("tool")
    page.get_by_role("button", name="Appliquer").click()
    expect(page.locator("table tbody tr th").first).to_have_text("passerelle-sobria")
    page.goto(base_url + "/committee")
    page.get_by_label("Question ou demande").fill("Sans JavaScript")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("tbody tr").first).to_contain_text("Sans JavaScript")
    context.close()


def test_sign_in_through_the_company_provider(browser: Browser, web_store: Store, catalog: Catalog,
                                              clock: Clock) -> None:
    user = {"sub": "u-7", "preferred_username": "nadia", "groups": ["codir"]}
    with provider_running(Provider(clock, user=user)) as provider:
        config = OidcConfig(provider.issuer, CLIENT_ID, CLIENT_SECRET, {"codir": "direction"})
        app = create_app(Figures.create(web_store, data.charter(), catalog), WebConfig(secure_cookies=False),
                         clock, oidc=config)
        with running(app) as url:
            page = _page(browser)
            page.goto(url + "/login")
            page.get_by_role("link", name="Se connecter avec le compte de l'entreprise (OpenID Connect)").click()
            expect(page).to_have_url(url + "/")  # provider -> callback -> overview, in the browser
            expect(page.locator(".who")).to_have_text("nadia · direction")
            assert provider.seen[0]["code_challenge_method"] == "S256"
