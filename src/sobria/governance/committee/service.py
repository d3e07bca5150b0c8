"""The committee's monthly pack, gathered: the month's events and violations, the budgets, the
training coverage, the waste trend (the audit run month by month), the obligations due (the AI
inventory assessed) and the log. The CLI only parses options and renders what this returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sobria.catalog import Catalog
from sobria.governance.committee.log import read_entries
from sobria.governance.committee.pack import (
    HORIZON_MONTHS,
    Budgets,
    CommitteePack,
    DueItem,
    Month,
    WastePoint,
    assemble_pack,
    regulation_due,
)
from sobria.governance.training.coverage import add_months, coverage, load_modules
from sobria.governance.training.store import read_people_teams, read_training
from sobria.governance.violations import Violations, replay
from sobria.i18n import Translator
from sobria.policy.decision import Rules
from sobria.policy.loader import load_policy
from sobria.policy.schema import Policy
from sobria.privacy.groups import MIN_GROUP, display_groups, roster_sizes
from sobria.store import Store

WASTE_MONTHS = 3


@dataclass(frozen=True)
class PackRequest:
    month: Month
    policy: Path | Policy  # a file, or a charter already read (the dashboard's)
    since: dt.date | None = None
    inventory: Path | None = None
    min_group: int = MIN_GROUP


def month_violations(store: Store, catalog: Catalog, policy: Path, month: Month,
                     min_group: int = MIN_GROUP) -> Violations:
    """The charter replayed over the month's events (``sobria policy violations``)."""
    rules = Rules.from_policy(load_policy(policy, catalog))
    start_us, end_us = month.us()
    return replay(store.read_events(start_us, end_us), rules, min_group, store.people())


def waste_trend(store: Store, catalog: Catalog, month: Month, min_group: int = MIN_GROUP) -> list[WastePoint]:
    """The audit's waste figures for the month and the ones before it (months without events skipped)."""
    from sobria.audit.run import AuditOptions, run_audit

    points = []
    for back in range(WASTE_MONTHS - 1, -1, -1):
        m = month.previous(back)
        start_us, end_us = m.us()
        if store.read_events(start_us, end_us).height == 0:
            continue
        result = run_audit(store, catalog, AuditOptions(start=m.start, end=m.last_day, min_group=min_group),
                           dt.datetime.now(tz=dt.UTC))
        if result is not None:
            w = result.waste
            points.append(WastePoint(m.label, w.requests, w.share_of_requests, w.share_of_gwp))
    return points


def inventory_due(path: Path, month: Month, t: Translator) -> tuple[DueItem, ...]:
    """Open obligations of the AI inventory due before the horizon (overdue ones included)."""
    from sobria.governance.aiact.classify import assess
    from sobria.governance.aiact.inventory import load_inventory
    from sobria.governance.aiact.obligations import all_obligations
    from sobria.governance.aiact.regulation import load_regulation

    regulation = load_regulation()
    cases = load_inventory(path, regulation).use_cases
    lines = all_obligations([assess(case, regulation) for case in cases], add_months(month.end, HORIZON_MONTHS))
    return tuple(DueItem(line.due, f"{line.article} · {line.use_case}", t(line.title_key)) for line in lines)


def build_pack(store: Store, catalog: Catalog, request: PackRequest, t: Translator, today: dt.date) -> CommitteePack:
    """Everything the monthly pack shows, every group under ``request.min_group`` hidden."""
    m = request.month
    policy = request.policy if isinstance(request.policy, Policy) else load_policy(request.policy, catalog)
    due = regulation_due(m, t.lang) if request.inventory is None else inventory_due(request.inventory, m, t)
    start_us, end_us = m.us()
    events = store.read_events(start_us, end_us)
    b = policy.budgets
    budgets = Budgets(dict(b.teams), b.default_kgco2e, tuple(b.alert_thresholds_percent))
    people = read_people_teams(store)
    training = (coverage(people, read_training(store), load_modules(), m.last_day, request.min_group)
                if people else None)
    roster = store.people()
    groups = display_groups(roster_sizes(roster, events), request.min_group)
    org = store.organisation()
    violations = replay(events, Rules.from_policy(policy), request.min_group, roster)
    return assemble_pack(str(org["name"]) if org else policy.organisation.name, m, request.since or m.start, today,
                         events, budgets, violations, training, waste_trend(store, catalog, m, request.min_group),
                         due, read_entries(store), groups)
