"""`sobria audit`, `sobria waste`, `sobria report`: the audit of the store's usage events."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sobria.analytics.audit import audit_store
from sobria.audit.period import parse_day
from sobria.audit.result import AuditResult
from sobria.audit.run import AuditOptions
from sobria.audit.totals import Totals
from sobria.catalog import Catalog, load_catalog
from sobria.cli.console import plain_console
from sobria.cli.context import CliContext, cli_context
from sobria.cli.parse import parse_positive
from sobria.cli.render import number, quantity
from sobria.errors import Location, UserInputError
from sobria.i18n import Translator
from sobria.privacy.groups import group_label
from sobria.report.format import integer, long_date, month_label, percent, signed_percent
from sobria.report.view import CharterRef, label
from sobria.store import open_store

Opt = typer.Option
FromOpt = Annotated[str | None, Opt("--from", help="premier jour (AAAA-MM-JJ)")]
ToOpt = Annotated[str | None, Opt("--to", help="dernier jour inclus (AAAA-MM-JJ)")]
TeamOpt = Annotated[str | None, Opt("--team", help="une équipe (au moins SOBRIA_MIN_GROUP personnes, 5 par défaut)")]
PolicyOpt = Annotated[Path | None, Opt("--policy", help="fichier de politique (la charte) à rejouer")]
SplitOpt = Annotated[str | None, Opt("--split", help="comparer avant / après ce jour (AAAA-MM-JJ)")]
CompanyOpt = Annotated[Path | None, Opt("--company", help="fichier entreprise : coûts réels, effectif, bilan carbone "
                                                          "total (docs/company.md)")]


def _options(c: CliContext, start: str | None, end: str | None, team: str | None, policy: Path | None,
             split: str | None, company: Path | None = None) -> AuditOptions:
    return AuditOptions(parse_day(start, "--from"), parse_day(end, "--to"), team, policy, parse_day(split, "--split"),
                        min_group=c.settings.min_group, company_file=company, estimate=c.settings.estimate_options())


def _run(c: CliContext, options: AuditOptions, catalog: Catalog) -> AuditResult | None:
    store = open_store(c.settings.db, c.settings.lock_timeout_s)
    store.migrate()
    return audit_store(store, catalog, options, dt.datetime.now(dt.UTC), c.settings.analytics)


def audit(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, team: TeamOpt = None,
          policy: PolicyOpt = None, split: SplitOpt = None, company: CompanyOpt = None,
          as_json: Annotated[bool, Opt("--json", help="sortie JSON (schéma sobria.audit/1)")] = False) -> None:
    """Audit de l'usage : empreinte, gaspillage, adoption, scénario de charte."""
    c = cli_context(ctx)
    result = _run(c, _options(c, start, end, team, policy, split, company), load_catalog())
    if as_json:
        typer.echo(json.dumps(None if result is None else result.to_json(), ensure_ascii=False, indent=2))
        return
    console = plain_console()
    if result is None:
        console.print(c.t("audit.no_data"))
        return
    _print_audit(c, console, result)


def _print_audit(c: CliContext, console: Console, r: AuditResult) -> None:
    t, lang, k = c.t, c.settings.lang, r.kpis
    console.print(t("audit.title", org=r.organisation, start=long_date(k.period.start, lang),
                    end=long_date(k.period.end - dt.timedelta(days=1), lang), days=integer(k.period.days, lang)),
                  style="bold")
    cards = Table(show_header=False, box=None)
    h = r.headline
    cards.add_row(t("audit.card.t_per_year"), number(h.t_co2e_per_year, lang) + " t CO2e",
                  t("audit.card.range", low=number(k.annual_gwp_t.min, lang), high=number(k.annual_gwp_t.max, lang)))
    cards.add_row(t("audit.card.non_essential"), percent(h.non_essential_share, lang), "")
    cards.add_row(t("audit.card.policy"), t("audit.yes") if h.policy_formalised else t("audit.no"), "")
    cards.add_row(t("audit.card.reduction"), percent(h.reduction_potential_share, lang), "")
    console.print(cards)
    console.print(_table(c, t("audit.by.team"), [(group_label(g, t), tot) for g, tot in k.by_team]))
    console.print(_table(c, t("audit.by.model"), k.by_model))
    console.print(_table(c, t("audit.by.month"), [(month_label(m, lang), tot) for m, tot in k.by_month]))
    console.print(_table(c, t("audit.by.tier"), [(label(t, "report.tier", g), tot) for g, tot in k.by_tier]))
    if k.statuses.keys() - {"ok"}:
        console.print(t("audit.statuses", statuses=_counts(t, "report.status", k.statuses, lang)))
    w = r.waste
    console.print(t("audit.waste", requests=integer(w.requests, lang), share=percent(w.share_of_requests, lang),
                    gwp=percent(w.share_of_gwp, lang),
                    reasons=_counts(t, "report.reason", w.by_reason, lang)))
    a = r.adoption
    console.print(t("audit.adoption", people=a.people, **a.bands))
    s = r.scenario
    console.print(t("audit.scenario", kept=percent(s.usages_kept_share, lang),
                    reduction=percent(s.gwp_reduction_share, lang), rerouted=integer(s.rerouted, lang),
                    dropped=integer(s.dropped_regenerations, lang), images=integer(s.dropped_images, lang)))
    _print_money(c, console, r)
    if r.comparison is not None:
        cmp_ = r.comparison
        console.print(t("audit.comparison", split=long_date(cmp_.after.start, lang),
                        gwp=signed_percent(cmp_.gwp_change_share or 0, lang),
                        requests=signed_percent(cmp_.requests_change_share or 0, lang)))


def _counts(t: Translator, prefix: str, counts: dict[str, int], lang: str) -> str:
    """'reformulation : 3 357 ; régénération : 1 588' with each key's translated name."""
    colon, sep = (" : ", " ; ") if lang == "fr" else (": ", "; ")
    return sep.join(f"{label(t, prefix, key)}{colon}{integer(n, lang)}" for key, n in counts.items())


def _print_money(c: CliContext, console: Console, r: AuditResult) -> None:
    t, lang, k = c.t, c.settings.lang, r.kpis
    if r.money is not None:
        key = "audit.money" if r.money.contract_eur is None else "audit.money_contract"
        console.print(t(key, list_price=number(r.money.list_price_eur, lang),
                        contract=number(r.money.contract_eur or 0.0, lang)))
    if k.reconciliation is not None:
        rec = k.reconciliation
        console.print(t("audit.reconciliation", spend=number(rec.spend_eur, lang),
                        source=t(f"audit.spend_source.{k.spend_source}"),
                        gwp=quantity(rec.gwp_kgco2e, "kgco2e", lang), ratio=number(rec.ratio_central or 0, lang, 2)))
    d = r.disclosure
    if d is not None:
        console.print(t("audit.esrs", location=number(d.location_t.central, lang),
                        market=number(d.market_t.central, lang) if d.market_t is not None else "—",
                        primary=percent(d.primary_share, lang)))
        if d.ai_share is not None:
            console.print(t("audit.ai_share", share=percent(d.ai_share, lang, 2), total=number(d.company_total_t or 0,
                                                                                              lang)))


def _table(c: CliContext, title: str, rows: list[tuple[str, Totals]]) -> Table:
    t, lang = c.t, c.settings.lang
    table = Table(title=title, title_justify="left")
    for col, justify in (("key", "left"), ("requests", "right"), ("energy", "right"), ("gwp", "right"),
                         ("water", "right")):
        table.add_column(t(f"audit.col.{col}"), justify=justify)  # type: ignore[arg-type]
    for key, tot in rows:
        table.add_row(key, integer(tot.requests, lang), quantity(tot.energy_kwh, "kwh", lang),
                      quantity(tot.gwp_kgco2e, "kgco2e", lang), quantity(tot.water_l, "l", lang))
    return table


def charter_ref(policy_file: Path | None, catalog: Catalog, lang: str) -> CharterRef | None:
    """The charter named on the report's cards: the policy file the audit replayed."""
    if policy_file is None:
        return None
    from sobria.policy.loader import load_policy
    from sobria.policy.schema import label_text

    policy = load_policy(policy_file, catalog)
    return CharterRef(str(policy_file), policy.charter.version, policy.charter.date,
                      {key: label_text(text, lang) for key, text in policy.purposes.items()})


def write_report(c: CliContext, result: AuditResult | None, out: Path, fmt: str,
                 claimed: float | None, catalog: Catalog, policy_file: Path | None = None) -> Path:
    """Render the report of ``result`` (an empty report when None is impossible: callers check)."""
    from sobria.report import render_html, render_pdf

    if result is None:
        raise UserInputError("audit.report_no_data", {}, Location(parameter="SOBRIA_DB"))
    charter = charter_ref(policy_file, catalog, c.settings.lang)
    html = render_html(result, c.t, c.settings.lang, claimed, catalog, charter)
    if fmt == "pdf":
        out.write_bytes(render_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")
    return out


def report(ctx: typer.Context, start: FromOpt = None, end: ToOpt = None, team: TeamOpt = None,
           policy: PolicyOpt = None, split: SplitOpt = None, company: CompanyOpt = None,
           out: Annotated[Path | None, Opt("--out", help="fichier à écrire (.html ou .pdf)")] = None,
           fmt: Annotated[str | None, Opt("--format", help="html (défaut) ou pdf")] = None,
           claimed: Annotated[str | None, Opt("--claimed-t-per-year",
                                              help="chiffre annoncé à confronter (t CO2e/an)")] = None) -> None:
    """Écrit le rapport d'empreinte IA (HTML autonome, ou PDF)."""
    c = cli_context(ctx)
    chosen = fmt or (out.suffix.lstrip(".").lower() if out is not None and out.suffix else "html")
    if chosen not in ("html", "pdf"):
        raise UserInputError("cli.bad_choice", {"value": chosen, "expected": "html, pdf"},
                             Location(parameter="--format"))
    target = out or Path(f"rapport-ia.{chosen}")
    claim = parse_positive(claimed, "--claimed-t-per-year")
    catalog = load_catalog()
    result = _run(c, _options(c, start, end, team, policy, split, company), catalog)
    path = write_report(c, result, target, chosen, claim, catalog, policy)
    plain_console().print(c.t("audit.report_written", path=str(path)))
