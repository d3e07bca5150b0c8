"""`sobria keys create|list|revoke`: the gateway's virtual keys, straight in the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.cli.help import SobriaTyper
from sobria.gateway.config import gateway_settings, load_config
from sobria.gateway.keys import create_key, list_keys, revoke_key
from sobria.ingest.pseudonym import pseudonym, read_secret
from sobria.store import Store, open_store

app = SobriaTyper(no_args_is_help=True, help="Clés virtuelles de la passerelle (une par personne ou service).")
ConfigOption = Annotated[Path | None, typer.Option("--config", help="configuration de la passerelle (son magasin)")]


def _store(c: CliContext, config: Path | None) -> Store:
    url = gateway_settings(c.settings, load_config(config)).db if config is not None else c.settings.db
    store = open_store(url)
    store.migrate()
    return store


@app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="à qui ou à quoi sert la clé (« Alice », « robot-support »)")],
    team: Annotated[str | None, typer.Option("--team", help="équipe (son budget carbone s'applique)")] = None,
    person: Annotated[str | None, typer.Option("--person", help="identifiant de la personne (pseudonymisé)")] = None,
    purpose: Annotated[str | None, typer.Option("--purpose", help="usage par défaut des requêtes")] = None,
    config: ConfigOption = None,
) -> None:
    """Créer une clé ; elle n'est affichée qu'une fois."""
    c = cli_context(ctx)
    store = _store(c, config)
    who = person
    if person is not None and not c.settings.keep_names:
        who = pseudonym(read_secret(Path(c.settings.secret_file)), person)
    record, token = create_key(store, name, who, team, purpose)
    typer.echo(c.t("gateway.keys.created", name=record.name, team=record.team or "-"))
    typer.echo(token)


@app.command("list")
def list_(ctx: typer.Context, config: ConfigOption = None) -> None:
    """Lister les clés (jamais les clés elles-mêmes : leur préfixe)."""
    c = cli_context(ctx)
    records = list_keys(_store(c, config))
    if not records:
        typer.echo(c.t("gateway.keys.none"))
        return
    table = Table(*(c.t(f"gateway.keys.col.{n}") for n in ("id", "prefix", "name", "team", "status")))
    for r in records:
        status = c.t("gateway.keys.active") if r.active else c.t("gateway.keys.revoked_status")
        table.add_row(r.id, r.prefix + "…", r.name, r.team or "-", status)
    plain_console(width=120).print(table)


@app.command("revoke")
def revoke(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="id de la clé (ou son préfixe sk-sobria-…)")],
    config: ConfigOption = None,
) -> None:
    """Révoquer une clé (effective en quelques secondes sur toutes les passerelles)."""
    c = cli_context(ctx)
    record = revoke_key(_store(c, config), key)
    typer.echo(c.t("gateway.keys.revoked", prefix=record.prefix, name=record.name))
