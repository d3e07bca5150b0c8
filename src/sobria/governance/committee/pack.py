"""The monthly committee pack as data: every figure the HTML shows, assembled from plain inputs.

:func:`assemble_pack` takes events, the policy's budgets, a violation replay, a training coverage,
the waste trend (from the audit), regulation deadlines and the log, so that it can be tested with
hand-built inputs; the CLI gathers them from the store and the audit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from typing import Literal

import polars as pl
import yaml

from sobria.errors import Location, UserInputError
from sobria.governance.committee.log import LogEntry, entries_since
from sobria.governance.training.coverage import Coverage, add_months
from sobria.governance.violations import Violations
from sobria.privacy.groups import MIN_GROUP, display_groups, group_order

BudgetStatus = Literal["none", "ok", "alert", "exceeded"]
HORIZON_MONTHS = 12


@dataclass(frozen=True)
class Month:
    start: dt.date
    end: dt.date  # exclusive

    @property
    def label(self) -> str:
        return self.start.strftime("%Y-%m")

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)

    def us(self) -> tuple[int, int]:
        def to_us(d: dt.date) -> int:
            return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC).timestamp()) * 1_000_000
        return to_us(self.start), to_us(self.end)

    def previous(self, count: int) -> Month:
        start = add_months(self.start, -count)
        return Month(start, add_months(start, 1))


def parse_month(raw: str, parameter: str = "--month") -> Month:
    try:
        start = dt.datetime.strptime(raw.strip(), "%Y-%m").date()
    except ValueError:
        raise UserInputError("gov.input.bad_month", {"value": raw}, Location(parameter=parameter)) from None
    return Month(start, add_months(start, 1))


@dataclass(frozen=True)
class Budgets:
    teams: Mapping[str, float] = field(default_factory=dict)
    default: float | None = None
    thresholds: tuple[int, ...] = (50, 80, 100)

    def of(self, team: str | None) -> float | None:
        return self.teams.get(team, self.default) if team is not None else None


@dataclass(frozen=True)
class TeamFootprint:
    group: str
    requests: int
    gwp_min: float
    gwp_max: float
    budget: float | None

    @property
    def gwp_central(self) -> float:
        return (self.gwp_min + self.gwp_max) / 2

    @property
    def percent(self) -> float | None:
        return self.gwp_central / self.budget * 100 if self.budget else None

    def status(self, thresholds: Sequence[int]) -> BudgetStatus:
        percent = self.percent
        if percent is None:
            return "none"
        if percent >= 100:
            return "exceeded"
        lowest = min((t for t in thresholds if t < 100), default=100)
        return "alert" if percent >= lowest else "ok"


@dataclass(frozen=True)
class WastePoint:
    month: str
    requests: int
    share_of_requests: float
    share_of_gwp: float


@dataclass(frozen=True)
class DueItem:
    day: dt.date
    reference: str
    title: str


@dataclass(frozen=True)
class CommitteePack:
    organisation: str
    month: Month
    since: dt.date
    generated_on: dt.date
    footprint: tuple[TeamFootprint, ...]
    total: TeamFootprint
    thresholds: tuple[int, ...]
    violations: Violations
    training: Coverage | None
    waste: tuple[WastePoint, ...]
    due: tuple[DueItem, ...]
    entries: tuple[LogEntry, ...]


def team_footprint(events: pl.DataFrame, budgets: Budgets, min_group: int = MIN_GROUP,
                   groups: Mapping[str | None, str | None] | None = None,
                   ) -> tuple[tuple[TeamFootprint, ...], TeamFootprint]:
    """Requests and kgCO2e (min–max) by team group, with the group's monthly budget; ``groups``
    (team -> display group, from the roster) defaults to the teams' people with events."""
    per_team = (events.group_by("team")
                .agg(people=pl.col("person").drop_nulls().n_unique(), requests=pl.col("request_count").sum(),
                     gwp_min=pl.col("gwp_kgco2e_min").fill_null(0.0).sum(),
                     gwp_max=pl.col("gwp_kgco2e_max").fill_null(0.0).sum()))
    rows = list(per_team.iter_rows(named=True))
    if groups is None:
        groups = display_groups({r["team"]: int(r["people"]) for r in rows}, min_group)
    sums: dict[str, list[float]] = {}
    budget_of: dict[str, float | None] = {}
    for r in rows:
        group = groups.get(r["team"])
        if group is None:
            continue
        acc = sums.setdefault(group, [0, 0.0, 0.0])
        acc[0] += int(r["requests"])
        acc[1] += float(r["gwp_min"])
        acc[2] += float(r["gwp_max"])
        team_budget = budgets.of(r["team"])
        if team_budget is None:
            budget_of.setdefault(group, None)
        else:
            budget_of[group] = (budget_of.get(group) or 0.0) + team_budget
    shown = tuple(TeamFootprint(g, int(sums[g][0]), sums[g][1], sums[g][2], budget_of[g])
                  for g in group_order(list(sums)))
    total_budget = sum(filter(None, (budgets.of(r["team"]) for r in rows))) or None
    total = TeamFootprint("", sum(int(r["requests"]) for r in rows), sum(float(r["gwp_min"]) for r in rows),
                          sum(float(r["gwp_max"]) for r in rows), total_budget)
    return shown, total


def regulation_due(month: Month, lang: str, horizon_months: int = HORIZON_MONTHS) -> tuple[DueItem, ...]:
    """AI Act deadlines from the month's first day up to ``horizon_months`` after its end."""
    folder = resources.files("sobria.governance.committee") / "data"
    text = (folder / "regulation_calendar.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    limit = add_months(month.end, horizon_months)
    items = [DueItem(item["day"], item["reference"], item["title"].get(lang) or item["title"]["fr"])
             for item in data["items"]]
    return tuple(i for i in items if month.start <= i.day < limit)


def assemble_pack(organisation: str, month: Month, since: dt.date | None, generated_on: dt.date,
                  events: pl.DataFrame, budgets: Budgets, violations: Violations, training: Coverage | None,
                  waste: Sequence[WastePoint], due: Sequence[DueItem], entries: Sequence[LogEntry],
                  groups: Mapping[str | None, str | None] | None = None) -> CommitteePack:
    start = since or month.start
    shown, total = team_footprint(events, budgets, groups=groups)
    as_of = [e if e.decided_on is None or e.decided_on <= month.last_day else replace(e, decision=None,
                                                                                      decided_on=None)
             for e in entries]
    return CommitteePack(organisation, month, start, generated_on, shown, total, budgets.thresholds, violations,
                         training, tuple(waste), tuple(due), tuple(entries_since(as_of, start, month.last_day)))


def parse_day_option(raw: str | None, parameter: str, default: dt.date) -> dt.date:
    """A ``AAAA-MM-JJ`` option value (``default`` when not given)."""
    if raw is None:
        return default
    try:
        return dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise UserInputError("gov.input.bad_date", {"value": raw}, Location(parameter=parameter)) from None
