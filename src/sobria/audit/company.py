"""The company file: what the organisation really pays for its AI tools, its headcount and its
total carbon footprint — the figures the usage data cannot know (docs/company.md).

YAML, every part optional::

    version: 1
    headcount: 45                  # effectif (personnes), pour les chiffres par salarié
    footprint:                     # bilan carbone total de l'entreprise (tous scopes)
      total_t_co2e: 180
      year: 2024
    costs:                         # ce que l'entreprise paie vraiment, par outil
      - tool: chatgpt-entreprise
        seats: 40
        eur_per_seat_month: 30     # ou monthly_eur, ou annual_eur
        note: "contrat Enterprise, 40 licences"

A tool's cost is given one way: ``monthly_eur``, ``annual_eur``, or ``seats`` with
``eur_per_seat_month``; it is prorated to the audited period (days / 365 of a year). Every problem
is a :class:`~sobria.errors.UserInputError` naming the file, the line and the field.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from sobria.audit.period import DAYS_PER_YEAR
from sobria.errors import Location, UserInputError
from sobria.yamlfile import Positions, load_yaml

MONTHS_PER_YEAR = 12


class ToolCost(BaseModel):
    """One tool's real cost: a subscription, a contract or an invoice total."""

    model_config = ConfigDict(extra="forbid")
    tool: str = Field(min_length=1)
    monthly_eur: float | None = Field(None, ge=0)
    annual_eur: float | None = Field(None, ge=0)
    seats: int | None = Field(None, ge=1)
    eur_per_seat_month: float | None = Field(None, ge=0)
    note: str = ""

    @model_validator(mode="after")
    def _one_way(self) -> ToolCost:
        ways = [self.monthly_eur is not None, self.annual_eur is not None,
                self.seats is not None or self.eur_per_seat_month is not None]
        if sum(ways) != 1:
            raise ValueError("one_way")
        if ways[2] and (self.seats is None or self.eur_per_seat_month is None):
            raise ValueError("seats_pair")
        return self

    def annual(self) -> float:
        """Euros per year."""
        if self.annual_eur is not None:
            return self.annual_eur
        if self.monthly_eur is not None:
            return self.monthly_eur * MONTHS_PER_YEAR
        assert self.seats is not None and self.eur_per_seat_month is not None
        return self.seats * self.eur_per_seat_month * MONTHS_PER_YEAR

    def over_days(self, days: int) -> float:
        """Euros over a period of ``days`` days, prorated."""
        return self.annual() * days / DAYS_PER_YEAR


class CompanyFootprint(BaseModel):
    """The company's own carbon footprint (bilan carbone / BEGES), all scopes, for one year."""

    model_config = ConfigDict(extra="forbid")
    total_t_co2e: float = Field(gt=0)
    year: int = Field(ge=1990, le=2100)


class Company(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: Literal[1] = 1
    headcount: int | None = Field(None, ge=1)
    footprint: CompanyFootprint | None = None
    costs: list[ToolCost] = Field(default_factory=list)

    def cost_of(self, tool: str) -> ToolCost | None:
        return next((c for c in self.costs if c.tool == tool), None)


def load_company(path: Path) -> Company:
    """The company file at ``path``; the first problem raised with its line and field."""
    doc = load_yaml(path)
    name = str(path)
    if doc.duplicates:
        line, key = doc.duplicates[0]
        raise UserInputError("company.error.duplicate", {"field": _dotted(key)},
                             Location(file=name, line=line, field=_dotted(key)))
    data = {} if doc.data is None else doc.data
    if not isinstance(data, dict):
        raise UserInputError("company.error.not_mapping", {}, Location(file=name, line=1))
    try:
        company = Company.model_validate(data)
    except ValidationError as exc:
        raise _schema_error(exc, doc.positions, name) from None
    seen: dict[str, int] = {}
    for index, cost in enumerate(company.costs):
        if cost.tool in seen:
            raise UserInputError("company.error.tool_twice", {"tool": cost.tool},
                                 Location(file=name, line=doc.positions.line(("costs", index, "tool")),
                                          field=f"costs.{index}.tool"))
        seen[cost.tool] = index
    return company


def _schema_error(exc: ValidationError, positions: Positions, name: str) -> UserInputError:
    err = exc.errors()[0]
    loc = tuple(err["loc"])
    field = _dotted(loc)
    kind = err["type"]
    where = positions.key_line(loc) if kind == "extra_forbidden" else positions.line(loc)
    message = {"extra_forbidden": "company.error.unknown_key", "missing": "company.error.missing"}.get(kind)
    if message is None and kind == "value_error":
        message = "company.error.seats_pair" if "seats_pair" in str(err.get("msg")) else "company.error.one_way"
    return UserInputError(message or "company.error.bad_value", {"field": field, "value": str(err.get("input"))[:60]},
                          Location(file=name, line=where, field=field))


def company_template() -> str:
    """The commented French company file (the demo's figures, marked as examples)."""
    return (resources.files("sobria") / "audit" / "templates" / "company.fr.yaml").read_text(encoding="utf-8")


def _dotted(path: tuple[str | int, ...]) -> str:
    return ".".join(str(p) for p in path)
