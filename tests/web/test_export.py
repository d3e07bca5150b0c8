"""CSV and XLSX exports of the explorer: the page's masked rows, formulas neutralised, roles checked."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from sobria.web.export import XLSX_MEDIA, table_csv, table_xlsx
from sobria.web.figures import Table
from tests.web.conftest import sign_in

HOSTILE = Table("team", [
    {"key": "=HYPERLINK(\"http://x\")", "requests": 3, "gwp": 1.25, "gwp_min": 0.5, "gwp_max": 2.0,
     "energy_min": 1.0, "energy_max": 3.0, "cost_eur": -4.5},
    {"key": "@SUM(A1)", "requests": 2, "gwp": 0.1234567, "gwp_min": 0.1, "gwp_max": 0.2, "energy_min": 0.0,
     "energy_max": 0.0, "cost_eur": 0.0},
], None)


def _sheet(content: bytes) -> list[tuple[object, ...]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert len(book.sheetnames) == 1
    return [tuple(r) for r in book[book.sheetnames[0]].iter_rows(values_only=True)]


def test_xlsx_neutralises_formulas_and_keeps_numbers() -> None:
    assert _sheet(table_xlsx(HOSTILE)) == [
        ("team", "requests", "gwp", "gwp_min", "gwp_max", "energy_min", "energy_max", "cost_eur"),
        ("'=HYPERLINK(\"http://x\")", 3, 1.25, 0.5, 2.0, 1.0, 3.0, -4.5),
        ("'@SUM(A1)", 2, 0.1234567, 0.1, 0.2, 0.0, 0.0, 0.0),
    ]


def test_csv_neutralises_formulas_with_the_same_rule() -> None:
    assert table_csv(HOSTILE).splitlines() == [
        "team,requests,gwp,gwp_min,gwp_max,energy_min,energy_max,cost_eur",
        "\"'=HYPERLINK(\"\"http://x\"\")\",3,1.25,0.5,2,1,3,-4.5",
        "'@SUM(A1),2,0.123457,0.1,0.2,0,0,0",
    ]


def test_xlsx_download_is_the_masked_table(client: TestClient) -> None:
    sign_in(client, "cfo")
    answer = client.get("/explorer.xlsx", params={"by": "team", "month": "2025-03"})
    assert answer.headers["content-type"] == XLSX_MEDIA
    assert answer.headers["content-disposition"] == 'attachment; filename="sobria-team.xlsx"'
    rows = _sheet(answer.content)
    assert [r[0] for r in rows] == ["team", "tech", "conseil", "<b>R&D</b>", "*"]
    assert rows[1][:3] == ("tech", 20, pytest.approx(5.0))
    assert rows[4][:3] == ("*", 11, pytest.approx(0.8))  # rh (3) + support (2): never on their own
    csv_rows = client.get("/explorer.csv", params={"by": "team", "month": "2025-03"}).text.splitlines()
    assert [line.split(",")[0] for line in csv_rows] == [str(r[0]) for r in rows]


def test_a_filter_narrowing_to_a_small_group_exports_nothing(client: TestClient) -> None:
    sign_in(client, "admin")
    answer = client.get("/explorer.xlsx", params={"by": "tool", "team": "rh", "month": "2025-03"})
    assert _sheet(answer.content) == [
        ("tool", "requests", "gwp", "gwp_min", "gwp_max", "energy_min", "energy_max", "cost_eur")]


@pytest.mark.parametrize("user", ["lead", "emp"])
def test_xlsx_is_refused_to_leads_and_employees(client: TestClient, user: str) -> None:
    sign_in(client, user)
    answer = client.get("/explorer.xlsx", params={"by": "team"})
    assert (answer.status_code, answer.text) == (403, "Accès refusé.")
