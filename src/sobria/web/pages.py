"""What each page shows, computed from the figure cache and the services (no SQL, no templates here)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from sobria.audit.result import AuditResult
from sobria.audit.run import AuditOptions, run_audit
from sobria.catalog import Catalog
from sobria.errors import Location, UserInputError
from sobria.governance.committee.pack import Budgets, TeamFootprint
from sobria.governance.violations import Violations, replay
from sobria.impact.options import EstimateOptions
from sobria.policy.decision import Rules
from sobria.policy.schema import Policy
from sobria.privacy.groups import MIN_GROUP
from sobria.store import Store
from sobria.store.web_store import WebStore
from sobria.web.figures import (
    DIMENSIONS,
    MASKED,
    FigureCache,
    Job,
    Table,
    grouped,
    latest_month,
    measured_share,
    own_totals,
    select,
    totals,
)

MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Figures:
    """The services behind the pages, for one store and one charter."""

    store: Store
    cache: FigureCache
    policy: Policy
    catalog: Catalog
    min_group: int = MIN_GROUP
    estimate: EstimateOptions = field(default_factory=EstimateOptions)   # the store's method (Settings)

    @classmethod
    def create(cls, store: Store, policy: Policy, catalog: Catalog, min_group: int = MIN_GROUP,
               background: Callable[[Job], None] | None = None,
               estimate: EstimateOptions | None = None) -> Figures:
        """``background`` runs a job later (a thread in ``sobria serve``): slow figures are then
        served stale-while-revalidate after a data change (:meth:`FigureCache.slow`); ``estimate``: the
        audit's re-estimates (``Settings.estimate_options``)."""
        return cls(store, FigureCache(WebStore(store), background=background), policy, catalog, min_group,
                   estimate or EstimateOptions())

    @property
    def budgets(self) -> Budgets:
        b = self.policy.budgets
        return Budgets(dict(b.teams), b.default_kgco2e, tuple(b.alert_thresholds_percent))

    def month(self, raw: str | None) -> str:
        if raw:
            if not MONTH.match(raw):
                raise UserInputError("web.error.bad_month", {"value": raw}, Location(parameter="month"))
            return raw
        return latest_month(self.cache.rollup(), dt.date.today())

    def overview(self, month: str) -> dict[str, Any]:
        result: dict[str, Any] = self.cache.get(("overview", month), lambda: self._overview(month))
        return result

    def _overview(self, month: str) -> dict[str, Any]:
        rollup = self.cache.rollup()
        year = rollup.filter(pl.col("month").str.starts_with(month[:4]))
        this = rollup.filter(pl.col("month") == month)
        return {"month": month, "this": totals(this, self.min_group), "year": totals(year, self.min_group),
                "trend": grouped(year, "month", self.min_group), "measured": measured_share(this),
                "teams": self.team_budgets(month), "thresholds": self.budgets.thresholds}

    def team_budgets(self, month: str, team: str | None = None) -> list[dict[str, Any]]:
        frame = self.cache.rollup().filter(pl.col("month") == month)
        if team is not None:
            frame = frame.filter(pl.col("team") == team)
        table = grouped(frame, "team", self.min_group)
        gateway = self.cache.get(("gateway_budgets",), self.cache.web.gateway_budgets)
        reserved = {t: r for t, m, r, _s in gateway.iter_rows() if m == month}
        out = []
        for row in table.rows:
            limit = None if row["key"] == MASKED else self.budgets.of(row["key"])
            fp = TeamFootprint(row["key"], int(row["requests"]), float(row["gwp_min"]), float(row["gwp_max"]), limit)
            remaining = None if limit is None else limit - fp.gwp_central
            out.append({**row, "budget": limit, "percent": fp.percent, "remaining": remaining,
                        "reserved": reserved.get(row["key"]), "status": fp.status(self.budgets.thresholds)})
        return out

    def explorer(self, filters: dict[str, str], by: str) -> Table:
        if by not in DIMENSIONS:
            raise UserInputError("web.error.bad_dimension", {"value": by, "expected": ", ".join(DIMENSIONS)},
                                 Location(parameter="by"))
        key = ("explorer", by, tuple(sorted(filters.items())))
        table: Table = self.cache.get(key, lambda: grouped(select(self.cache.rollup(), filters), by, self.min_group))
        return table

    def choices(self) -> dict[str, list[str]]:
        """Values offered in the explorer's filters: those used by at least ``min_group`` people."""
        result: dict[str, list[str]] = self.cache.get(("choices",), self._choices)
        return result

    def _choices(self) -> dict[str, list[str]]:
        rollup = self.cache.rollup()
        out = {}
        for dim in DIMENSIONS:
            sizes = rollup.group_by(dim).agg(pl.col("person").n_unique().alias("n"))
            out[dim] = sorted(str(v) for v, n in sizes.iter_rows() if v is not None and n >= self.min_group)
        return out

    def team(self, team: str, month: str) -> dict[str, Any]:
        result: dict[str, Any] = self.cache.get(("team", team, month), lambda: self._team(team, month))
        return result

    def _team(self, team: str, month: str) -> dict[str, Any]:
        frame = self.cache.rollup().filter(pl.col("team") == team)
        this = frame.filter(pl.col("month") == month)
        return {"team": team, "month": month, "this": totals(this, self.min_group),
                "trend": grouped(frame, "month", self.min_group), "by_tool": grouped(this, "tool", self.min_group),
                "budgets": self.team_budgets(month, team)}

    def me(self, person: str | None, month: str) -> dict[str, Any]:
        result: dict[str, Any] = self.cache.get(("me", person, month), lambda: self._me(person, month))
        return result

    def _me(self, person: str | None, month: str) -> dict[str, Any]:
        frame = self.cache.rollup().filter(pl.col("person") == (person or ""))
        this = frame.filter(pl.col("month") == month)
        heavy = set(self.policy.models.heavy.models)
        mine = int(this["request_count"].sum() or 0)
        heavy_share = (int(this.filter(pl.col("model").is_in(sorted(heavy)))["request_count"].sum()) / mine
                       if mine else None)
        by_month = (frame.group_by("month").agg(pl.col("request_count").sum().alias("requests"),
                                                 pl.col("gwp").sum().alias("gwp"),
                                                 pl.col("gwp_kgco2e_min").sum().alias("gwp_min"),
                                                 pl.col("gwp_kgco2e_max").sum().alias("gwp_max"))
                    .sort("month").rename({"month": "key"}).to_dicts())
        return {"month": month, "this": own_totals(this), "by_month": by_month, "heavy_share": heavy_share,
                "light_model": self.policy.models.default}

    def warm(self) -> None:
        """Compute the slow figures of the current data (rollup, audit, the latest month's replay)."""
        month = self.month(None)
        self.overview(month)
        self.violations(month)
        self.audit()

    def audit(self) -> AuditResult | None:
        result: AuditResult | None = self.cache.slow(
            ("audit",), lambda: run_audit(self.store, self.catalog, AuditOptions(estimate=self.estimate),
                                          dt.datetime.now(dt.UTC)),
            lambda: None)
        return result

    def violations(self, month: str) -> Violations:
        def compute() -> Violations:
            start = dt.datetime.strptime(month + "-01", "%Y-%m-%d").replace(tzinfo=dt.UTC)
            end = (start + dt.timedelta(days=32)).replace(day=1)
            events = self.store.read_events(int(start.timestamp() * 1e6), int(end.timestamp() * 1e6))
            return replay(events, Rules.from_policy(self.policy), self.min_group)
        result: Violations = self.cache.slow(("violations", month), compute, lambda: Violations(0, {}, {}, ()))
        return result

