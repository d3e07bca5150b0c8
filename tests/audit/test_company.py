"""The company file (real costs, headcount, total footprint) and the money figures built from it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sobria.audit.company import Company, ToolCost, company_template, load_company
from sobria.audit.money import compute_money
from sobria.audit.period import Period
from sobria.audit.totals import Totals
from sobria.errors import UserInputError
from sobria.ranges import Range

PERIOD = Period(dt.date(2025, 1, 1), dt.date(2025, 3, 2))     # 60 days


def _tot(listed: float, reported: float = 0.0) -> Totals:
    zero = Range(0.0, 0.0)
    return Totals(requests=10, events=10, energy_kwh=zero, gwp_kgco2e=Range(1.0, 1.0), water_l=zero,
                  adpe_kgsbeq=zero, pe_mj=zero, reported_cost_eur=reported, list_cost_eur=listed)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "entreprise.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_template_is_a_valid_company_file(tmp_path: Path) -> None:
    company = load_company(_write(tmp_path, company_template()))
    assert company.headcount == 45
    assert company.footprint is not None and company.footprint.total_t_co2e == 180
    assert [(c.tool, c.annual()) for c in company.costs] == [
        ("chatgpt-entreprise", 14_400.0), ("midjourney", 1_008.0), ("chatbot-support", 540.0), ("tri-cv", 60.0)]


def test_costs_are_prorated_to_the_period() -> None:
    assert ToolCost(tool="a", annual_eur=365.0).over_days(60) == pytest.approx(60.0)
    assert ToolCost(tool="a", monthly_eur=100.0).over_days(73) == pytest.approx(240.0)      # 1 200 × 73 / 365
    assert ToolCost(tool="a", seats=10, eur_per_seat_month=30.0).over_days(365) == pytest.approx(3_600.0)


def test_money_uses_contract_then_reported_then_list_price() -> None:
    company = Company(costs=[ToolCost(tool="chatgpt", annual_eur=365.0), ToolCost(tool="unused", annual_eur=73.0)])
    money = compute_money([("chatgpt", _tot(5.0)), ("api", _tot(3.0, reported=4.0)), ("mj", _tot(2.0))], company,
                          PERIOD)
    assert [(t.tool, t.basis, t.spend_eur) for t in money.by_tool] == [
        ("chatgpt", "contract", pytest.approx(60.0)), ("api", "reported", 4.0), ("mj", "list-price", 2.0),
        ("unused", "contract", pytest.approx(12.0))]
    assert money.list_price_eur == 10.0
    assert money.reported_eur == 4.0
    assert money.contract_eur == pytest.approx(72.0)
    assert money.spend_eur == pytest.approx(78.0)
    assert money.spend_source == "mixed"


def test_without_company_file_the_spend_is_the_catalogue_price() -> None:
    money = compute_money([("chatgpt", _tot(5.0)), ("api", _tot(3.0))], None, PERIOD)
    assert (money.spend_eur, money.spend_source, money.contract_eur) == (8.0, "list-price", None)


@pytest.mark.parametrize(("text", "key", "line", "field"), [
    ("headcount: 45\nfootprnt:\n  total_t_co2e: 3\n", "company.error.unknown_key", 2, "footprnt"),
    ("headcount: -3\n", "company.error.bad_value", 1, "headcount"),
    ("footprint:\n  year: 2024\n", "company.error.missing", 2, "footprint.total_t_co2e"),
    ("costs:\n  - tool: a\n    monthly_eur: 3\n    annual_eur: 36\n", "company.error.one_way", 2, "costs.0"),
    ("costs:\n  - tool: a\n    seats: 3\n", "company.error.seats_pair", 2, "costs.0"),
    ("costs:\n  - tool: a\n    monthly_eur: 3\n  - tool: a\n    monthly_eur: 4\n", "company.error.tool_twice", 4,
     "costs.1.tool"),
    ("headcount: 4\nheadcount: 5\n", "company.error.duplicate", 2, "headcount"),
    ("- 1\n- 2\n", "company.error.not_mapping", 1, None),
])
def test_bad_company_file_names_line_and_field(tmp_path: Path, text: str, key: str, line: int,
                                               field: str | None) -> None:
    with pytest.raises(UserInputError) as err:
        load_company(_write(tmp_path, text))
    assert (err.value.key, err.value.where.line, err.value.where.field) == (key, line, field)
    assert err.value.where.file == str(tmp_path / "entreprise.yaml")


def test_missing_company_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as err:
        load_company(tmp_path / "absent.yaml")
    assert err.value.key == "yaml.no_file"
