"""The AI footprint report as self-contained HTML (embedded CSS and SVG, no network) and as PDF."""

from __future__ import annotations

import jinja2

from sobria.audit.result import AuditResult
from sobria.catalog import Catalog, load_catalog
from sobria.documents import html_to_pdf, template_environment
from sobria.i18n import Translator
from sobria.report import money
from sobria.report import sections as sec
from sobria.report.view import CharterRef, ReportView, Section, breakdowns, cards, cover, footprint


def build_view(result: AuditResult, t: Translator, lang: str, catalog: Catalog,
               claimed_t_co2e_per_year: float | None = None, charter: CharterRef | None = None) -> ReportView:
    """Everything the template shows, in ``t``'s language."""
    empty = result.kpis.totals.requests <= 0
    claim = sec.claim(result, t, lang, claimed_t_co2e_per_year)
    parts: list[Section | None] = [claim, sec.methodology(result, t)] if empty else [
        footprint(result, t, lang, catalog), money.footprint_share(result, t, lang), claim,
        breakdowns(result, t, lang), sec.quality(result, t, lang),
        sec.waste(result, t, lang), sec.adoption(result, t, lang), sec.scenario(result, t, lang, charter),
        sec.comparison(result, t, lang), money.spend(result, t, lang), sec.reconciliation(result, t, lang, catalog),
        sec.methodology(result, t)]
    return ReportView(
        lang=lang, title=t("report.title"), organisation=result.organisation,
        subtitle=t("report.subtitle"), cover_lines=cover(result, t, lang),
        empty=empty, empty_text=t("report.empty"),
        cards_title=t("report.cards.title", org=result.organisation),
        cards=() if empty else cards(result, t, lang, charter),
        sections=tuple(s for s in parts if s is not None),
        recommendations_title=t("report.reco.title"), recommendations_intro=t("report.reco.intro"),
        recommendations=() if empty else sec.recommendations(result, t, lang),
        footer=t("report.footer", org=result.organisation),
        labels={"contents": t("report.contents"), "recommendations_none": t("report.reco.none")},
    )


def render_html(result: AuditResult, t: Translator, lang: str, claimed_t_co2e_per_year: float | None = None,
                catalog: Catalog | None = None, charter: CharterRef | None = None) -> str:
    """The report as one self-contained HTML document (the catalogue gives the equivalences' constants;
    ``charter`` names the policy file the audit replayed)."""
    view = build_view(result, t, lang, catalog if catalog is not None else load_catalog(), claimed_t_co2e_per_year,
                      charter)
    return _environment().get_template("report.html.j2").render(view=view)


def render_pdf(html: str) -> bytes:
    """The HTML report printed as an A4 PDF by WeasyPrint (local fonts only)."""
    return html_to_pdf(html)


def _environment() -> jinja2.Environment:
    return template_environment("sobria.report")
