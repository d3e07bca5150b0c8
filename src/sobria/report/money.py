"""The report's money and proportion sections: what the AI costs (each amount named for what it is)
and where its footprint goes in the company's carbon accounts (the ESRS E1 line)."""

from __future__ import annotations

from sobria.audit.disclosure import Disclosure
from sobria.audit.money import Money
from sobria.audit.result import AuditResult
from sobria.i18n import Translator
from sobria.ranges import Range
from sobria.report import format as fmt
from sobria.report.view import Block, Section, Table


def euros(value: float, lang: str) -> str:
    return f"{fmt.number(value, lang)}\u00a0€" if lang == "fr" else f"€{fmt.number(value, lang)}"


def tonnes_range(r: Range, lang: str) -> str:
    return (f"{fmt.number(r.central, lang, 2)}\u00a0t CO2e "
            f"({fmt.number(r.min, lang, 2)} – {fmt.number(r.max, lang, 2)})")


def spend(result: AuditResult, t: Translator, lang: str) -> Section | None:
    m = result.money
    if m is None or not m.by_tool:
        return None
    dash = "—"
    rows = tuple((tool_label(t, r.tool), euros(r.list_price_eur, lang) if r.list_price_eur > 0 else dash,
                  euros(r.reported_eur, lang) if r.reported_eur > 0 else dash,
                  euros(r.contract_eur, lang) if r.contract_eur is not None else dash)
                 for r in m.by_tool)
    head = (t("report.money.tool"), t("report.money.list_price"), t("report.money.reported"),
            t("report.money.contract"))
    paragraphs = [t("report.money.intro", list_price=euros(m.list_price_eur, lang))]
    paragraphs.append(t("report.money.contract_total", contract=euros(m.contract_eur, lang))
                      if m.contract_eur is not None else t("report.money.no_contract"))
    return Section("money", t("report.money.title"),
                   (Block(paragraphs=tuple(paragraphs), table=Table(head, rows)),))


def tool_label(t: Translator, tool: str) -> str:
    """A tool id as people name it ('chatgpt-entreprise' → 'ChatGPT Enterprise'), the id when unknown."""
    return t.messages.get(f"report.tool.{tool}", tool)


def spend_source(m: Money | None, source: str, t: Translator) -> str:
    return t(f"report.recon.source.{m.spend_source if m is not None else source}")


def footprint_share(result: AuditResult, t: Translator, lang: str) -> Section | None:
    d = result.disclosure
    if d is None:
        return None
    quality = t("report.esrs.quality", primary=fmt.percent(d.primary_share, lang),
                measured=fmt.percent(d.measured_share, lang))
    if fmt.percent(d.primary_share, lang) != fmt.percent(1.0, lang):
        quality += " " + t("report.esrs.quality_rest")
    paragraphs = [esrs_line(d, result, t, lang), quality]
    if d.per_employee_kg is not None and d.headcount is not None:
        paragraphs.append(t("report.esrs.per_employee", headcount=fmt.integer(d.headcount, lang),
                            kg=fmt.number(d.per_employee_kg.central, lang)))
    if d.ai_share is not None and d.company_total_t is not None:
        paragraphs.append(t("report.esrs.share", share=fmt.percent(d.ai_share, lang, 2 if d.ai_share < 0.01 else 1),
                            total=fmt.number(d.company_total_t, lang), year=str(d.company_year)))
    else:
        paragraphs.append(t("report.esrs.no_total"))
    paragraphs.append(t("report.esrs.where"))
    return Section("esrs", t("report.esrs.title"), (Block(paragraphs=tuple(paragraphs)),))


def esrs_line(d: Disclosure, result: AuditResult, t: Translator, lang: str) -> str:
    market = tonnes_range(d.market_t, lang) if d.market_t is not None else "—"
    return t("report.esrs.line", location=tonnes_range(d.location_t, lang), market=market,
             days=fmt.integer(result.kpis.period.days, lang))
