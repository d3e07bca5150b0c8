"""`sobria waste`: the non-essential requests — how many, why, and the heaviest of them."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from babel.dates import format_date
from rich.table import Table

from sobria.audit.run import load_events
from sobria.audit.waste_list import DEFAULT_LIMIT, WasteListing, list_waste
from sobria.catalog import load_catalog
from sobria.cli.audit_cmd import FromOpt, TeamOpt, ToOpt, _options
from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.cli.parse import parse_count
from sobria.privacy.groups import display_groups, group_label, roster_sizes
from sobria.ranges import Range
from sobria.report.format import LOCALES, integer, long_date, number, percent, quantity
from sobria.report.view import label
from sobria.store import open_store

Opt = typer.Option


def waste(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, team: TeamOpt = None,
          limit: Annotated[str | None, Opt("--limit", help=f"nombre de requêtes listées, les plus émettrices d'abord "
                                                           f"({DEFAULT_LIMIT} par défaut, 0 : le résumé seul)",
                                           metavar="N")] = None,
          as_json: Annotated[bool, Opt("--json", help="sortie JSON")] = False) -> None:
    """Les requêtes non essentielles : combien, pourquoi, et les plus émettrices."""
    c = cli_context(ctx)
    count = parse_count(limit, "--limit", DEFAULT_LIMIT)
    store = open_store(c.settings.db)
    store.migrate()
    options = _options(c, start, end, team, None, None)
    events, period = load_events(store, options)
    groups = display_groups(roster_sizes(store.people(), events), options.min_group)
    listing = list_waste(events, load_catalog(), groups, count)
    if as_json:
        typer.echo(json.dumps(listing.as_dict(), ensure_ascii=False, indent=1))
        return
    if period is None:
        plain_console().print(c.t("audit.no_data"))
        return
    last = period.end - dt.timedelta(days=1)
    _print(c, listing, long_date(period.start, c.settings.lang), long_date(last, c.settings.lang))


def _print(c: CliContext, w: WasteListing, start: str, end: str) -> None:
    t, lang, s = c.t, c.settings.lang, w.summary
    console = plain_console()
    console.print(t("waste.cli.summary", requests=integer(s.requests, lang), share=percent(s.share_of_requests, lang),
                    gwp=quantity(Range.point(s.gwp_kgco2e), "kgco2e", lang), gwp_share=percent(s.share_of_gwp, lang),
                    cost=number(w.list_cost_eur, lang), start=start, end=end))
    if s.heavy_trivial_saving_gwp_kgco2e > 0:
        console.print(t("waste.cli.heavy_trivial", carbon=quantity(Range.point(s.heavy_trivial_saving_gwp_kgco2e),
                                                                   "kgco2e", lang),
                        saved=number(s.heavy_trivial_saving_eur, lang)))
    reasons = Table(title=t("waste.cli.by_reason"), title_justify="left")
    for col, justify in (("reason", "left"), ("requests", "right"), ("gwp", "right")):
        reasons.add_column(t(f"waste.cli.col.{col}"), justify=justify)  # type: ignore[arg-type]
    for reason, n in sorted(s.by_reason.items(), key=lambda kv: (-kv[1], kv[0])):
        if n:
            reasons.add_row(label(t, "report.reason", reason), integer(n, lang),
                            quantity(Range.point(s.gwp_kgco2e_by_reason[reason]), "kgco2e", lang))
    console.print(reasons)
    if not w.rows:
        return
    rows = Table(title=t("waste.cli.top", shown=integer(len(w.rows), lang), total=integer(w.flagged_events, lang)),
                 title_justify="left")
    for col in ("day", "team", "model", "reasons", "gwp", "confidence", "event_id"):
        rows.add_column(t(f"waste.cli.col.{col}"))
    for r in w.rows:
        day = str(format_date(r.day, "medium", locale=LOCALES[lang]))
        rows.add_row(day, group_label(r.group, t) if r.group else "—", r.model,
                     ", ".join(label(t, "report.reason", x) for x in r.reasons),
                     quantity(Range.point(r.gwp_kgco2e), "kgco2e", lang), percent(r.confidence, lang), r.event_id)
    console.print(rows)
