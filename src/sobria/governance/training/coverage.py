"""Training and AI literacy (AI Act article 4): the module catalogue, records and coverage.

The catalogue is package data (``data/training_modules_fr.yaml``), validated as a whole. A person
counts as *trained* on a day when every required module was completed on or before that day and
its refresh period has not run out. Coverage is aggregated by team (never per person in outputs,
teams under five people merged, see :mod:`sobria.privacy.groups`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from sobria.privacy.groups import MIN_GROUP, display_groups, group_order

Status = Literal["attended", "completed"]
STATUSES: tuple[Status, ...] = ("attended", "completed")
REFRESH_WARNING_DAYS = 60


class TrainingModule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    minutes: int = Field(gt=0)
    audience: Literal["all", "managers"]
    required: bool
    refresh_months: int = Field(gt=0)


class _Catalogue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    version: Literal[1]
    modules: list[TrainingModule] = Field(min_length=1)


def load_modules() -> dict[str, TrainingModule]:
    """The module catalogue, keyed by id (read from package data on each call)."""
    data = resources.files("sobria.governance.training") / "data"
    text = (data / "training_modules_fr.yaml").read_text(encoding="utf-8")
    catalogue = _Catalogue.model_validate(yaml.safe_load(text))
    modules = {m.id: m for m in catalogue.modules}
    if len(modules) != len(catalogue.modules):
        raise ValueError("duplicate module id in training_modules_fr.yaml")
    return modules


@dataclass(frozen=True)
class TrainingRecord:
    """One person (pseudonym) attended or completed one module on one day."""

    person: str
    module: str
    day: dt.date
    status: Status
    session: str | None = None


@dataclass(frozen=True)
class TeamCoverage:
    group: str
    people: int
    trained: int
    refresh_due: int

    @property
    def share(self) -> float:
        return self.trained / self.people if self.people else 0.0


@dataclass(frozen=True)
class Coverage:
    """Who is trained on ``at``, by team group (teams under five merged or left in the total only)."""

    at: dt.date
    people: int
    trained: int
    teams: tuple[TeamCoverage, ...]
    completions_by_module: Mapping[str, int]
    sessions: int

    @property
    def share(self) -> float:
        return self.trained / self.people if self.people else 0.0


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (clamped to the month's last day)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def valid_until(record: TrainingRecord, modules: Mapping[str, TrainingModule]) -> dt.date:
    return add_months(record.day, modules[record.module].refresh_months)


def person_expiry(records: Iterable[TrainingRecord], modules: Mapping[str, TrainingModule],
                  at: dt.date) -> dt.date | None:
    """The day a person's training runs out (earliest required module), None if not trained on ``at``."""
    latest: dict[str, dt.date] = {}
    for r in records:
        if r.status == "completed" and r.day <= at:
            until = valid_until(r, modules)
            latest[r.module] = max(until, latest.get(r.module, until))
    required = [m.id for m in modules.values() if m.required]
    ends = [latest.get(m) for m in required]
    if any(end is None or end <= at for end in ends):
        return None
    return min(end for end in ends if end is not None)


def coverage(people: Mapping[str, str | None], records: Sequence[TrainingRecord],
             modules: Mapping[str, TrainingModule], at: dt.date, min_group: int = MIN_GROUP) -> Coverage:
    """Training coverage on ``at`` of ``people`` (pseudonym -> team)."""
    by_person: dict[str, list[TrainingRecord]] = {}
    for r in records:
        by_person.setdefault(r.person, []).append(r)
    sizes: dict[str | None, int] = {}
    for team in people.values():
        sizes[team] = sizes.get(team, 0) + 1
    groups = display_groups(sizes, min_group)
    counts: dict[str, list[int]] = {}
    trained_total = 0
    warn_until = at + dt.timedelta(days=REFRESH_WARNING_DAYS)
    for person, team in people.items():
        expiry = person_expiry(by_person.get(person, ()), modules, at)
        trained_total += expiry is not None
        group = groups[team]
        if group is None:
            continue
        row = counts.setdefault(group, [0, 0, 0])
        row[0] += 1
        row[1] += expiry is not None
        row[2] += expiry is not None and expiry <= warn_until
    completions: dict[str, set[str]] = {m: set() for m in modules}
    sessions: set[tuple[str, dt.date, str | None]] = set()
    for r in records:
        if r.day <= at:
            sessions.add((r.module, r.day, r.session))
            if r.status == "completed" and r.module in completions:
                completions[r.module].add(r.person)
    teams = tuple(TeamCoverage(g, *counts[g]) for g in group_order(list(counts)))
    return Coverage(at, len(people), trained_total, teams,
                    {m: len(p) for m, p in completions.items()}, len(sessions))
