"""The report's content in one language: plain strings, tables and SVG charts for the template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from sobria.audit.result import AuditResult
from sobria.audit.totals import Totals
from sobria.catalog import Catalog
from sobria.i18n import Translator
from sobria.impact.equivalences import equivalences
from sobria.privacy.groups import group_label
from sobria.ranges import Range
from sobria.report import format as fmt
from sobria.report.charts import Bar, column_chart, hbar_chart
from sobria.report.format import WIDE_SCALES

TOP_ITEMS = 10


@dataclass(frozen=True)
class Table:
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Block:
    heading: str | None = None
    paragraphs: tuple[str, ...] = ()
    chart: Markup | None = None
    table: Table | None = None
    warning: str | None = None


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class Card:
    value: str
    label: str
    note: str


@dataclass(frozen=True)
class CharterRef:
    """The charter the audit replayed (its policy file), named on the cards and in the scenario."""

    file: str
    version: str
    adopted: dt.date
    purposes: dict[str, str] = field(default_factory=dict)   # purpose id -> its label in the report's language


@dataclass(frozen=True)
class Recommendation:
    title: str
    text: str
    trigger: str


@dataclass(frozen=True)
class ReportView:
    lang: str
    title: str
    organisation: str
    subtitle: str
    cover_lines: tuple[str, ...]
    empty: bool
    empty_text: str
    cards_title: str
    cards: tuple[Card, ...]
    sections: tuple[Section, ...]
    recommendations_title: str
    recommendations_intro: str
    recommendations: tuple[Recommendation, ...]
    footer: str
    labels: dict[str, str] = field(default_factory=dict)


def label(t: Translator, prefix: str, key: str) -> str:
    """The translated name of a data value (tier, status, reason...), the value itself when unknown."""
    return t.messages.get(f"{prefix}.{key}", key)


def kg(r: Range, lang: str) -> str:
    return fmt.quantity(r, "kgco2e", lang, WIDE_SCALES)


def kg_central(r: Range, lang: str) -> str:
    return fmt.central(r, "kgco2e", lang, WIDE_SCALES)


def tonnes(value: float, lang: str) -> str:
    return f"{fmt.number(value, lang, 2)}\u00a0t"


def period_text(result: AuditResult, t: Translator, lang: str) -> str:
    p = result.kpis.period
    last = p.end - dt.timedelta(days=1)
    return t("report.cover.period", start=fmt.long_date(p.start, lang), end=fmt.long_date(last, lang),
             days=fmt.integer(p.days, lang), working_days=fmt.integer(p.working_days, lang))


def generated_text(raw: str, lang: str) -> str:
    try:
        when = dt.datetime.fromisoformat(raw)
    except ValueError:
        return raw
    return fmt.long_date(when.date(), lang)


def cover(result: AuditResult, t: Translator, lang: str) -> tuple[str, ...]:
    lines = [period_text(result, t, lang),
             t("report.cover.generated", date=generated_text(result.generated_at, lang))]
    if result.team is not None:
        lines.insert(0, t("report.cover.team", team=result.team))
    return tuple(lines)


def policy_card(result: AuditResult, t: Translator, lang: str, charter: CharterRef | None) -> Card:
    """Whether a charter was given to the audit, and which one: the same fact the scenario and the
    recommendations use (``headline.policy_formalised``)."""
    if not result.headline.policy_formalised:
        return Card(t("report.card.no"), t("report.card.policy"), t("report.card.policy_note_none"))
    if charter is None:
        return Card(t("report.card.yes"), t("report.card.policy"), t("report.card.policy_note"))
    return Card(t("report.card.yes"), t("report.card.policy"),
                t("report.card.policy_note_file", version=charter.version,
                  date=fmt.long_date(charter.adopted, lang), file=charter.file))


def cards(result: AuditResult, t: Translator, lang: str, charter: CharterRef | None = None) -> tuple[Card, ...]:
    h, k = result.headline, result.kpis
    annual = k.annual_gwp_t
    reduction_note = "report.card.reduction_note" if h.policy_formalised else "report.card.reduction_note_builtin"
    return (
        Card(tonnes(h.t_co2e_per_year, lang), t("report.card.tco2e"),
             t("report.card.tco2e_note", min=fmt.number(annual.min, lang, 2), max=fmt.number(annual.max, lang, 2))),
        Card(fmt.percent(h.non_essential_share, lang), t("report.card.non_essential"),
             t("report.card.non_essential_note", requests=fmt.integer(result.waste.requests, lang),
               total=fmt.integer(k.totals.requests, lang))),
        policy_card(result, t, lang, charter),
        Card(fmt.percent(h.reduction_potential_share, lang), t("report.card.reduction"),
             t(reduction_note, kept=fmt.percent(result.scenario.usages_kept_share, lang))),
    )


def footprint(result: AuditResult, t: Translator, lang: str, catalog: Catalog) -> Section:
    k = result.kpis
    tot = k.totals
    units = (("gwp_kgco2e", "kgco2e"), ("energy_kwh", "kwh"), ("water_l", "l"), ("adpe_kgsbeq", "kgsbeq"),
             ("pe_mj", "mj"))
    rows = tuple(
        (t(f"report.indicator.{name}"), fmt.central(getattr(tot, name), unit, lang, WIDE_SCALES),
         fmt.quantity(getattr(tot, name), unit, lang, WIDE_SCALES)) for name, unit in units)
    eq = equivalences(catalog, tot.gwp_kgco2e.central, tot.energy_kwh.central)
    paragraphs = (
        t("report.footprint.volume", requests=fmt.integer(tot.requests, lang), events=fmt.integer(tot.events, lang),
          per_day=fmt.number(tot.requests / max(k.period.working_days, 1), lang)),
        t("report.footprint.annual", central=fmt.number(k.annual_gwp_t.central, lang, 2),
          min=fmt.number(k.annual_gwp_t.min, lang, 2), max=fmt.number(k.annual_gwp_t.max, lang, 2)),
        t("report.footprint.cost", min=fmt.number(k.energy_cost_eur.min, lang),
          max=fmt.number(k.energy_cost_eur.max, lang)),
        t("report.footprint.equivalence", km=fmt.number(eq.car_m / 1000, lang),
          hours=fmt.number(eq.led_minutes / 60, lang)),
    )
    table = Table((t("report.footprint.indicator"), t("report.footprint.central"), t("report.footprint.range")),
                  rows)
    return Section("footprint", t("report.footprint.title"),
                   (Block(paragraphs=paragraphs, table=table, warning=None),
                    Block(paragraphs=(t("report.footprint.range_note"), t("report.footprint.units")))))


def _top(items: list[tuple[str, Totals]], t: Translator) -> list[tuple[str, Range]]:
    """The largest items, the rest summed; the merged small teams named in the report's language."""
    head = [(group_label(name, t), tot.gwp_kgco2e)
            for name, tot in items[:TOP_ITEMS]]
    rest = items[TOP_ITEMS:]
    if rest:
        head.append((t("report.charts.others", n=len(rest)),
                     Range(sum(x.gwp_kgco2e.min for _, x in rest), sum(x.gwp_kgco2e.max for _, x in rest))))
    return head


def breakdowns(result: AuditResult, t: Translator, lang: str) -> Section:
    k = result.kpis
    months = [Bar(fmt.month_label(m, lang), tot.gwp_kgco2e, kg_central(tot.gwp_kgco2e, lang),
                  f"{kg_central(tot.gwp_kgco2e, lang)} ({kg(tot.gwp_kgco2e, lang)})") for m, tot in k.by_month]
    blocks = [Block(t("report.charts.month"), chart=Markup(column_chart(
        "chart-month", t("report.charts.month_title"), months)))]
    for key, items in (("team", k.by_team), ("model", k.by_model), ("tool", k.by_tool)):
        bars = [Bar(label(t, "report.tool", name) if key == "tool" else name, r, kg_central(r, lang),
                    f"{kg_central(r, lang)} ({kg(r, lang)})")
                for name, r in _top(items, t)]
        blocks.append(Block(t(f"report.charts.{key}"), chart=Markup(hbar_chart(
            f"chart-{key}", t(f"report.charts.{key}_title"), bars))))
    return Section("charts", t("report.charts.title"),
                   (Block(paragraphs=(t("report.charts.intro"),)), *blocks))
