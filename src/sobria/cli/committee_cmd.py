"""`sobria committee`: the ethics committee's log and its monthly pack; `sobria policy violations`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.governance.committee import add_entry, decide_entry, read_entries
from sobria.governance.committee_html import render_pack, rule_label
from sobria.governance.committee_pack import (
    HORIZON_MONTHS,
    Budgets,
    DueItem,
    Month,
    WastePoint,
    assemble_pack,
    parse_day_option,
    parse_month,
    regulation_due,
)
from sobria.governance.training import add_months, coverage, load_modules
from sobria.governance.training_store import read_people_teams, read_training
from sobria.governance.violations import Violations, replay
from sobria.i18n import Translator
from sobria.policy.schema import Policy
from sobria.privacy.groups import OTHERS
from sobria.store import Store, open_store

app = typer.Typer(no_args_is_help=True, help="Le comité éthique : registre et dossier mensuel.")
WASTE_MONTHS = 3


def _store(c: CliContext) -> Store:
    store = open_store(c.settings.db)
    store.migrate()
    return store


def _policy(path: Path) -> Policy:
    from sobria.catalog import load_catalog
    from sobria.policy.loader import load_policy

    catalog = load_catalog()
    return load_policy(path, catalog.knows_model, catalog.model_names())


@app.command("log")
def log(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="la question ou la demande d'exception")],
    kind: Annotated[str, typer.Option("--kind", help="question | exception")] = "question",
    date: Annotated[str | None, typer.Option("--date", help="AAAA-MM-JJ (défaut : aujourd'hui)")] = None,
    team: Annotated[str | None, typer.Option("--team", help="équipe concernée (jamais une personne)")] = None,
) -> None:
    """Enregistrer une question ou une demande d'exception pour le comité."""
    c = cli_context(ctx)
    day = parse_day_option(date, "--date", dt.date.today())
    entry = add_entry(_store(c), kind, text, day, team)
    typer.echo(c.t("gov.committee.logged", id=entry, kind=c.t(f"gov.committee.kind.{kind}")))


@app.command("decide")
def decide(
    ctx: typer.Context,
    entry: Annotated[int, typer.Argument(help="numéro de l'entrée")],
    decision: Annotated[str, typer.Argument(help="la décision du comité")],
    date: Annotated[str | None, typer.Option("--date", help="AAAA-MM-JJ (défaut : aujourd'hui)")] = None,
) -> None:
    """Enregistrer la décision du comité sur une entrée du registre."""
    c = cli_context(ctx)
    decide_entry(_store(c), entry, decision, parse_day_option(date, "--date", dt.date.today()))
    typer.echo(c.t("gov.committee.decided", id=entry))


@app.command("entries")
def entries(ctx: typer.Context) -> None:
    """Lister le registre du comité (questions, demandes d'exception, décisions)."""
    c = cli_context(ctx)
    rows = read_entries(_store(c))
    console = plain_console()
    if not rows:
        console.print(c.t("gov.committee.no_entries"))
        return
    table = Table(*(c.t(f"gov.committee.col.{k}") for k in ("number", "date", "kind", "team", "text", "decision")))
    for e in rows:
        decided = f"{e.decision} ({e.decided_on})" if e.decision else c.t("gov.pack.pending")
        table.add_row(str(e.id), e.logged_on.isoformat(), c.t(f"gov.committee.kind.{e.kind}"), e.team or "—",
                      e.text, decided)
    console.print(table)


def waste_trend(store: Store, month: Month) -> list[WastePoint]:
    """The audit's waste figures for the month and the ones before it (months without events skipped)."""
    from sobria.audit.run import AuditOptions, run_audit
    from sobria.catalog import load_catalog

    catalog = load_catalog()
    points = []
    for back in range(WASTE_MONTHS - 1, -1, -1):
        m = month.previous(back)
        start_us, end_us = m.us()
        if store.read_events(start_us, end_us).height == 0:
            continue
        result = run_audit(store, catalog, AuditOptions(start=m.start, end=m.last_day),
                           dt.datetime.now(tz=dt.UTC))
        if result is not None:
            w = result.waste
            points.append(WastePoint(m.label, w.requests, w.share_of_requests, w.share_of_gwp))
    return points


def inventory_due(path: Path, month: Month, t: Translator) -> tuple[DueItem, ...]:
    """Open obligations of the AI inventory due before the horizon (overdue ones included)."""
    from sobria.governance.classify import assess
    from sobria.governance.inventory import load_inventory
    from sobria.governance.obligations import all_obligations
    from sobria.governance.regulation import load_regulation

    regulation = load_regulation()
    cases = load_inventory(path, regulation).use_cases
    lines = all_obligations([assess(case, regulation) for case in cases], add_months(month.end, HORIZON_MONTHS))
    return tuple(DueItem(line.due, f"{line.article} · {line.use_case}", t(line.title_key)) for line in lines)


@app.command("pack")
def pack(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="mois du dossier AAAA-MM")],
    policy: Annotated[Path, typer.Option("--policy", help="fichier de politique (budgets, règles)")],
    out: Annotated[Path | None, typer.Option("--out", help="fichier HTML (défaut : comite_AAAA-MM.html)")] = None,
    since: Annotated[str | None, typer.Option("--since", help="date de la dernière réunion AAAA-MM-JJ")] = None,
    inventory: Annotated[Path | None, typer.Option("--inventory", help="inventaire IA (obligations à échéance)")]
    = None,
) -> None:
    """Écrire le dossier mensuel du comité éthique (HTML autonome, en français par défaut)."""
    from sobria.policy.decision import Rules

    c = cli_context(ctx)
    m = parse_month(month)
    since_day = parse_day_option(since, "--since", m.start)
    rules_policy = _policy(policy)
    due = regulation_due(m, c.t.lang) if inventory is None else inventory_due(inventory, m, c.t)
    store = _store(c)
    start_us, end_us = m.us()
    events = store.read_events(start_us, end_us)
    b = rules_policy.budgets
    budgets = Budgets(dict(b.teams), b.default_kgco2e, tuple(b.alert_thresholds_percent))
    people = read_people_teams(store)
    training = coverage(people, read_training(store), load_modules(), m.last_day) if people else None
    org = store.organisation()
    data = assemble_pack(str(org["name"]) if org else rules_policy.organisation.name, m, since_day, dt.date.today(),
                         events, budgets, replay(events, Rules.from_policy(rules_policy)), training,
                         waste_trend(store, m), due, read_entries(store))
    path = out or Path(f"comite_{m.label}.html")
    path.write_text(render_pack(data, c.t), encoding="utf-8")
    typer.echo(c.t("gov.committee.pack_written", path=str(path)))


def violations(
    ctx: typer.Context,
    policy: Annotated[Path, typer.Argument(help="fichier de politique")],
    month: Annotated[str, typer.Option("--month", help="mois AAAA-MM")],
) -> None:
    """Rejouer la charte sur les usages d'un mois : requêtes par règle et par équipe."""
    from sobria.policy.decision import Rules

    c = cli_context(ctx)
    m = parse_month(month)
    rules = Rules.from_policy(_policy(policy))
    start_us, end_us = m.us()
    result = replay(_store(c).read_events(start_us, end_us), rules)
    print_violations(c, m, result)


def print_violations(c: CliContext, m: Month, v: Violations) -> None:
    t = c.t
    console = plain_console()
    console.print(t("gov.violations.title", month=m.label, requests=v.requests))
    if not v.by_rule:
        console.print(t("gov.violations.none"))
        return
    table = Table(*(t(f"gov.violations.col.{k}") for k in ("rule", "action", "requests")))
    for (rule, action), n in v.by_rule.items():
        table.add_row(f"{rule_label(rule, t)} ({rule})", t(f"gov.charter_action.{action}"), str(n))
    console.print(table)
    by_team = Table(*(t(f"gov.violations.col.{k}") for k in ("team", "rule", "action", "requests")))
    for row in v.rows:
        name = t("gov.group.others") if row.group == OTHERS else row.group
        by_team.add_row(name, rule_label(row.rule, t), t(f"gov.charter_action.{row.action}"), str(row.requests))
    console.print(by_team)
