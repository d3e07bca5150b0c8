"""`sobria partitions`: the analysis copy of the events (month partitions or ClickHouse), its retention."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from sobria.analytics.enable import enable_clickhouse, enable_partitions
from sobria.analytics.partitions import PartitionSet
from sobria.analytics.retention import apply_retention
from sobria.cli.console import plain_console
from sobria.cli.context import cli_context
from sobria.cli.help import SobriaTyper
from sobria.errors import Location, UserInputError
from sobria.store import open_store

app = SobriaTyper(no_args_is_help=True)


@app.command("enable")
def enable(ctx: typer.Context) -> None:
    """Active les partitions d'analyse (par mois, à côté du fichier SQLite, ou ClickHouse si SOBRIA_ANALYTICS)."""
    c = cli_context(ctx)
    store = open_store(c.settings.db)
    store.migrate()
    done = enable_clickhouse(store, c.settings.analytics) if c.settings.analytics else enable_partitions(store)
    plain_console().print(c.t("analytics.partitions_enabled", path=done.where, events=done.events,
                              months=done.months))


@app.command("retention")
def retention(ctx: typer.Context, months: Annotated[int, typer.Option("--months", help="mois d'événements bruts"
                                                                      " gardés (le mois en cours compris)")],
              today: Annotated[str | None, typer.Option("--today", help="date du jour (AAAA-MM-JJ)")] = None) -> None:
    """Supprime les événements bruts plus anciens que la durée de conservation ; garde les agrégats."""
    c = cli_context(ctx)
    day = _day(today)
    store = open_store(c.settings.db)
    store.migrate()
    partitions = PartitionSet.beside(store)
    if partitions is None and not c.settings.analytics:
        raise UserInputError("analytics.no_partitions", {}, Location(parameter="SOBRIA_DB"))
    result = apply_retention(store, partitions, months, day)
    if c.settings.analytics:
        from sobria.analytics.clickhouse import ClickHouseEvents, connect
        from sobria.analytics.partitions import month_bounds_us

        connection = connect(c.settings.analytics)
        try:
            ClickHouseEvents(connection).drop_before(month_bounds_us(result.cutoff)[0])
        finally:
            connection.close()
    plain_console().print(c.t("analytics.retention_done", months=months, dropped=len(result.months_dropped),
                              events=result.events_dropped))


def _day(text: str | None) -> dt.date:
    from sobria.audit.period import parse_day

    return parse_day(text, "--today") or dt.datetime.now(dt.UTC).date()


@app.command("overview")
def overview(ctx: typer.Context,
             year: Annotated[int, typer.Option("--year", help="l'année (AAAA)")],
             as_json: Annotated[bool, typer.Option("--json", help="sortie JSON (les indicateurs de l'audit)")]
             = False) -> None:
    """L'empreinte d'une année lue dans les agrégats seuls (aucun événement relu)."""
    import json

    from sobria.analytics.overview import kpis_json, overview_kpis, year_period
    from sobria.catalog import load_catalog
    from sobria.cli.render import quantity
    from sobria.report.format import integer

    c = cli_context(ctx)
    if not 2000 <= year <= 2100:
        raise UserInputError("analytics.bad_year", {"value": year}, Location(parameter="--year"))
    store = open_store(c.settings.db)
    store.migrate()
    partitions = PartitionSet.beside(store)
    if partitions is None:
        raise UserInputError("analytics.no_partitions", {}, Location(parameter="SOBRIA_DB"))
    kpis = overview_kpis(partitions.root, store.people(), year_period(year), load_catalog(), c.settings.min_group)
    if as_json:
        typer.echo(json.dumps(kpis_json(kpis), ensure_ascii=False, indent=2))
        return
    lang = c.settings.lang
    console = plain_console()
    console.print(c.t("analytics.overview", year=year, requests=integer(kpis.totals.requests, lang),
                      gwp=quantity(kpis.totals.gwp_kgco2e, "kgco2e", lang)))
    for month, totals in kpis.by_month:
        console.print(f"  {month}  {integer(totals.requests, lang)}  {quantity(totals.gwp_kgco2e, 'kgco2e', lang)}")
