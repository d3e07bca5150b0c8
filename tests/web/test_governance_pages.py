"""Adoption, AI Act, training, maturity and the downloads: their figures, their roles, their privacy."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from starlette.testclient import TestClient

from sobria.catalog import Catalog
from sobria.governance.aiact.inventory import inventory_template
from sobria.governance.maturity.questionnaire import questionnaire_template
from sobria.governance.training.coverage import TrainingRecord
from sobria.governance.training.store import write_training
from sobria.store import Store
from sobria.web.app import WebConfig, create_app
from sobria.web.pages import Figures
from tests.web import data
from tests.web.conftest import Clock, sign_in

PAGES = ["/adoption", "/aiact", "/training", "/maturity", "/reports"]
DOWNLOADS = ["/reports/audit.html", "/reports/audit.pdf", "/reports/committee.html?month=2025-03",
             "/reports/committee.pdf?month=2025-03", "/reports/charter.html", "/reports/charter.pdf"]


@pytest.fixture
def gov_client(web_store: Store, catalog: Catalog, clock: Clock, tmp_path: Path) -> Iterator[TestClient]:
    inventory, questionnaire = tmp_path / "inventaire-ia.yaml", tmp_path / "maturite.yaml"
    inventory.write_text(inventory_template(), encoding="utf-8")
    questionnaire.write_text(questionnaire_template(dt.date(2025, 2, 1)), encoding="utf-8")
    trained = [TrainingRecord(p, m, dt.date(2025, 1, 15), "completed")
               for p in ("c1", "c2", "c3", "r1") for m in ("ia-fondamentaux", "sobriete-requetes",
                                                           "sobriete-bon-outil", "sobriete-quand-ne-pas",
                                                           "donnees-confidentialite", "charte-ia")]
    write_training(web_store, trained, [])
    config = WebConfig(secure_cookies=False, inventory=inventory, questionnaire=questionnaire)
    app = create_app(Figures.create(web_store, data.charter(), catalog), config, clock)
    with TestClient(app, follow_redirects=False) as client:
        yield client


@pytest.mark.parametrize("user", ["lead", "emp"])
def test_the_governance_pages_and_downloads_are_refused_to_leads_and_employees(gov_client: TestClient,
                                                                               user: str) -> None:
    sign_in(gov_client, user)
    for path in [*PAGES, *DOWNLOADS]:
        answer = gov_client.get(path)
        assert (answer.status_code, answer.text) == (403, "Accès refusé."), path
        assert "content-disposition" not in answer.headers


def test_anonymous_visitors_are_sent_to_sign_in(gov_client: TestClient) -> None:
    for path in [*PAGES, *DOWNLOADS]:
        answer = gov_client.get(path)
        assert (answer.status_code, answer.headers["location"]) == (303, "/login"), path


def test_an_unknown_download_format_is_404(gov_client: TestClient) -> None:
    sign_in(gov_client, "admin")
    assert gov_client.get("/reports/audit.docx").status_code == 404


def test_adoption_is_the_report_section_with_small_teams_merged(gov_client: TestClient) -> None:
    sign_in(gov_client, "cfo")
    page = gov_client.get("/adoption").text
    assert "21 personnes, réparties selon leur usage" in page
    assert "<th scope=\"row\">conseil</th><td>6</td>" in page
    assert "<th scope=\"row\">autres équipes</th><td>5</td>" in page  # rh (3) + support (2)
    assert ">rh<" not in page and ">support<" not in page
    assert "&lt;b&gt;R&amp;D&lt;/b&gt;" in page and "<b>R&D</b>" not in page


def test_ai_act_inventory_classes_and_overdue_obligations(gov_client: TestClient) -> None:
    sign_in(gov_client, "comite")
    page = gov_client.get("/aiact").text
    assert ('<th scope="row">tri-cv</th><td>Tri des CV</td><td>rh</td>\n'
            '<td>logiciel-recrutement</td><td>haut risque') in page
    assert page.count("<td>haut risque</td>") == 2
    # Art. 4 (due 2025-02-02) is open for 8 of the 9 uses (tri-cv's is done): 8 overdue on 2025-02-19
    assert page.count("<strong class=\"alert\">en retard</strong>") == 8
    assert "Aide à la mise en conformité, pas un avis juridique" in page


def test_ai_act_without_an_inventory_shows_the_regulation_dates(client: TestClient) -> None:
    sign_in(client, "comite")
    page = client.get("/aiact").text
    assert "Aucun inventaire n&#39;est chargé" in page
    assert "<th scope=\"row\">2025-08-02</th>" in page


def test_training_coverage_by_team_group(gov_client: TestClient) -> None:
    sign_in(gov_client, "cfo")
    page = gov_client.get("/training").text
    assert "4 personnes formées sur 21 au 2025-02-19." in page
    assert '<th scope="row">conseil</th><td>6</td><td>3</td><td>50,0 %</td>' in page
    assert ">autres (groupes de moins de 5 personnes)</th><td>5</td><td>1</td><td>20,0 %</td>" in page  # rh + support
    assert ">r1<" not in page and ">c1<" not in page  # nobody listed


def test_maturity_matrix_profile_and_actions(gov_client: TestClient) -> None:
    sign_in(gov_client, "comite")
    page = gov_client.get("/maturity").text
    assert "<svg" in page
    assert "Les trois prochaines actions" in page
    assert page.count("<li>", page.index("Les trois prochaines actions")) == 3


def test_downloads_are_documents_for_the_figure_roles(gov_client: TestClient) -> None:
    sign_in(gov_client, "cfo")
    report = gov_client.get("/reports/audit.html")
    assert report.headers["content-disposition"] == 'attachment; filename="rapport-ia.html"'
    assert report.text.lstrip().lower().startswith("<!doctype html>")
    assert "TechVert (test)" in report.text
    pack = gov_client.get("/reports/committee.html", params={"month": "2025-03"})
    assert pack.headers["content-disposition"] == 'attachment; filename="comite_2025-03.html"'
    assert "2025-03" in pack.text or "mars 2025" in pack.text
    charter = gov_client.get("/reports/charter.pdf")
    assert charter.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(charter.content)).pages) == 2
    pdf = gov_client.get("/reports/committee.pdf", params={"month": "2025-03"})
    assert pdf.content.startswith(b"%PDF-")
    assert gov_client.get("/reports/committee.html", params={"month": "2025-13"}).status_code == 400
