"""`sobria tools list|show|check`: the AI tools registry and charter breaches by consumer tools."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sobria.cli.console import plain_console
from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.governance.tools.registry import FACT_NAMES, Fact, forbidden_usage, load_tools_catalog, privacy_groups
from sobria.i18n import Translator
from sobria.policy.loader import load_policy
from sobria.privacy.groups import OTHERS

app = SobriaTyper(no_args_is_help=True, help="Registre des outils d'IA : contrats, données, entraînement.")


def _value(fact: Fact, t: Translator) -> str:
    if fact.value is None:
        return t("tools.value.unknown")
    if isinstance(fact.value, bool):
        return t("tools.value.yes") if fact.value else t("tools.value.no")
    if fact.value in ("consumer", "enterprise"):
        return t(f"tools.tier.{fact.value}")
    return fact.value


@app.command("list")
def list_(ctx: typer.Context) -> None:
    """Les outils du catalogue et leurs faits essentiels (* : non vérifié ici)."""
    c = cli_context(ctx)
    catalog = load_tools_catalog()
    table = Table(title=c.t("tools.cli.list_title", count=len(catalog.tools), version=catalog.catalog_version))
    table.add_column(c.t("tools.col.id"))
    table.add_column(c.t("tools.col.name"))
    for name in FACT_NAMES:
        table.add_column(c.t(f"tools.fact.{name}"))
    for tool in catalog.tools:
        facts = [getattr(tool.facts, name) for name in FACT_NAMES]
        table.add_row(tool.id, tool.name, *(_value(f, c.t) + ("" if f.verified else " *") for f in facts))
    plain_console().print(table)
    typer.echo(c.t("tools.cli.unverified_mark"))


@app.command("show")
def show(
    ctx: typer.Context,
    tool_id: Annotated[str, typer.Argument(metavar="ID", help="Identifiant ou alias.")],
) -> None:
    """Un outil : chaque fait avec sa source, sa date et son état de vérification."""
    c = cli_context(ctx)
    tool = load_tools_catalog().get(tool_id)
    typer.echo(c.t("tools.cli.show_header", name=tool.name, id=tool.id, vendor=tool.vendor,
                   aliases=", ".join(tool.aliases) or "—"))
    for name in FACT_NAMES:
        fact: Fact = getattr(tool.facts, name)
        status = c.t("tools.verified.yes" if fact.verified else "tools.verified.no")
        typer.echo(c.t("tools.cli.fact_line", fact=c.t(f"tools.fact.{name}"), value=_value(fact, c.t),
                       source=fact.source, as_of=fact.as_of.isoformat(), status=status, checked=fact.checked))


@app.command("check")
def check(
    ctx: typer.Context,
    policy_file: Annotated[Path, typer.Option("--policy", help="Fichier de politique YAML (la charte).")],
) -> None:
    """Usages d'outils grand public que la charte interdit (comptes agrégés, jamais individuels)."""
    from sobria.store import open_store

    c = cli_context(ctx)
    policy = load_policy(policy_file)  # model names are vetted by `sobria policy check`, not needed here
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    events = store.read_events()
    groups = privacy_groups(events, store.people(), c.settings.min_group)
    flagged = forbidden_usage(events, policy, load_tools_catalog(), groups)
    if flagged.is_empty():
        typer.echo(c.t("tools.cli.check_ok", count=events.height))
        return
    table = Table(title=c.t("tools.cli.check_title", count=int(flagged["request_count"].sum())))
    for column in ("tool", "team", "purpose", "reason", "request_count"):
        table.add_column(c.t(f"tools.col.{column}"))
    for row in flagged.iter_rows(named=True):
        reason = (c.t("tools.reason.tool_refused") if row["reason"] == "tool_refused" else
                  c.t("tools.reason.data_class", data_class=row["data_class"], action=row["action"]))
        team = (c.t("tools.group.others") if row["team"] == OTHERS else
                row["team"] if row["team"] is not None else c.t("tools.group.total"))
        table.add_row(row["tool"], team, row["purpose"] or "—", reason, str(row["request_count"]))
    plain_console().print(table)
