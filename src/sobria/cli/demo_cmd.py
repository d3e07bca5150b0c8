"""`sobria demo`: the demo company, generated and imported through the same path as real data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from sobria.audit.run import AuditOptions, run_audit
from sobria.catalog import load_catalog
from sobria.cli.audit_cmd import write_report
from sobria.cli.console import plain_console
from sobria.cli.context import cli_context
from sobria.cli.serve_cmd import DEMO_ADMIN, save_account
from sobria.cli.store_cmd import init, print_summary, run_with_progress
from sobria.demo import DEFAULT_SEED, generate_demo, summarise, write_demo
from sobria.demo.timeline import CHARTER as CHARTER_DAY
from sobria.ingest.parsed import ParseOptions
from sobria.ingest.pipeline import ImportOptions
from sobria.ingest.pseudonym import read_secret
from sobria.report.format import integer, long_date, month_label, number, percent
from sobria.store import open_store

CASE_STUDY_CLAIM_T = 2.4  # the case study's "2,4 t CO2/an", confronted with the measurement in the report


def demo(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Option("--dir", help="où écrire les fichiers de démonstration")] = Path(
        "sobria-demo"),
    seed: Annotated[int, typer.Option("--seed", help="graine du générateur (mêmes fichiers à graine égale)")]
    = DEFAULT_SEED,
) -> None:
    """Génère l'entreprise de démonstration TechVert et l'importe dans le magasin."""
    c = cli_context(ctx)
    console = plain_console()
    lang = c.settings.lang
    data = generate_demo(seed)
    paths = write_demo(data, directory, c.settings.lang)
    init(ctx, organisation="TechVert (démo)")
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    secret = read_secret(Path(c.settings.secret_file))
    options = ImportOptions(kind="events", files=(paths["events"],), people_file=paths["people"],
                            keep_text=c.settings.keep_text, keep_names=c.settings.keep_names,
                            parse=ParseOptions(), lang=lang, estimate=c.settings.estimate_options())
    catalog = load_catalog()
    summary = run_with_progress(c, store, secret, options, catalog)
    info = summarise(data)
    first, last = (dt.date.fromisoformat(str(data.events["ts"].min())[:10]),
                   dt.date.fromisoformat(str(data.events["ts"].max())[:10]))
    console.print(c.t("demo.created", people=data.people.height, teams=data.people["team"].n_unique(),
                      events=integer(data.events.height, lang), first=long_date(first, lang),
                      last=long_date(last, lang)))
    console.print(c.t("demo.charter_effect", charter=long_date(CHARTER_DAY, lang),
                      waste_before=percent(info.before.waste_share, lang),
                      waste_after=percent(info.after.waste_share, lang),
                      heavy_before=percent(info.before.heavy_share, lang),
                      heavy_after=percent(info.after.heavy_share, lang)))
    for month, count in info.events_per_month.items():
        console.print(c.t("demo.month", month=month_label(month, lang), events=integer(count, lang)))
    print_summary(c, summary, store.people().height)
    for name, path in paths.items():
        console.print(c.t("demo.file", name=c.t(f"demo.file_label.{name}"), path=str(path)))
    charter = paths["charter"]  # the case study's charter: the template of `sobria policy init`
    audit_options = AuditOptions(split=CHARTER_DAY, policy_file=charter, min_group=c.settings.min_group,
                                 estimate=c.settings.estimate_options(),
                                 company_file=paths["company"])
    result = run_audit(store, catalog, audit_options, dt.datetime.now(dt.UTC))
    report = write_report(c, result, directory / "rapport-ia.html", "html", CASE_STUDY_CLAIM_T, catalog, charter)
    if result is not None:
        h, annual = result.headline, result.kpis.annual_gwp_t
        console.print(c.t("demo.headline", t=number(h.t_co2e_per_year, lang), low=number(annual.min, lang),
                          high=number(annual.max, lang), waste=percent(h.non_essential_share, lang),
                          reduction=percent(h.reduction_potential_share, lang)))
    console.print(c.t("demo.report", path=str(report)))
    password = save_account(c, store, DEMO_ADMIN, "admin")
    typer.echo(c.t("demo.dashboard", username=DEMO_ADMIN, password=password))  # one line, never wrapped
