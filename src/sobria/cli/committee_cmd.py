"""`sobria committee`: the ethics committee's log and its monthly pack; `sobria policy violations`."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.cli.help import SobriaTyper
from sobria.errors import Location, UserInputError
from sobria.governance.committee.html_page import render_pack, rule_label
from sobria.governance.committee.log import add_entry, decide_entry, read_entries
from sobria.governance.committee.pack import Month, parse_day_option, parse_month
from sobria.governance.committee.service import PackRequest, build_pack, month_violations
from sobria.governance.violations import Violations
from sobria.privacy.groups import group_label
from sobria.store import Store, open_store

app = SobriaTyper(no_args_is_help=True, help="Le comité éthique : registre et dossier mensuel.")


def _store(c: CliContext) -> Store:
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    return store


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


@app.command("pack")
def pack(
    ctx: typer.Context,
    month: Annotated[str, typer.Option("--month", help="mois du dossier AAAA-MM")],
    policy: Annotated[Path, typer.Option("--policy", help="fichier de politique (budgets, règles)")],
    out: Annotated[Path | None, typer.Option("--out", help="fichier à écrire, .html ou .pdf (défaut : "
                                                           "comite_AAAA-MM.html)")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="html (défaut) ou pdf")] = None,
    pdf: Annotated[bool, typer.Option("--pdf", help="écrire le dossier en PDF (comme --format pdf)")] = False,
    since: Annotated[str | None, typer.Option("--since", help="date de la dernière réunion AAAA-MM-JJ")] = None,
    inventory: Annotated[Path | None, typer.Option("--inventory", help="inventaire IA (obligations à échéance)")]
    = None,
) -> None:
    """Écrire le dossier mensuel du comité éthique (HTML autonome ou PDF, en français par défaut)."""
    from sobria.catalog import load_catalog

    c = cli_context(ctx)
    chosen = "pdf" if pdf else fmt or (out.suffix.lstrip(".").lower() if out is not None and out.suffix else "html")
    if chosen not in ("html", "pdf"):
        raise UserInputError("cli.bad_choice", {"value": chosen, "expected": "html, pdf"},
                             Location(parameter="--format"))
    m = parse_month(month)
    request = PackRequest(m, policy, parse_day_option(since, "--since", m.start), inventory, c.settings.min_group)
    data = build_pack(_store(c), load_catalog(), request, c.t, dt.date.today())
    path = out or Path(f"comite_{m.label}.{chosen}")
    html = render_pack(data, c.t)
    if chosen == "pdf":
        from sobria.documents import html_to_pdf

        path.write_bytes(html_to_pdf(html))
    else:
        path.write_text(html, encoding="utf-8")
    typer.echo(c.t("gov.committee.pack_written", path=str(path)))


def violations(
    ctx: typer.Context,
    policy: Annotated[Path, typer.Argument(help="fichier de politique")],
    month: Annotated[str, typer.Option("--month", help="mois AAAA-MM")],
) -> None:
    """Rejouer la charte sur les usages d'un mois : requêtes par règle et par équipe."""
    from sobria.catalog import load_catalog

    c = cli_context(ctx)
    m = parse_month(month)
    print_violations(c, m, month_violations(_store(c), load_catalog(), policy, m, c.settings.min_group))


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
        by_team.add_row(group_label(row.group, t), rule_label(row.rule, t), t(f"gov.charter_action.{row.action}"),
                        str(row.requests))
    console.print(by_team)
