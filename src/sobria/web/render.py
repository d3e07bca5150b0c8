"""Jinja2 rendering for the dashboard: one autoescaping environment, numbers in the page's language."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from babel.numbers import format_decimal, format_percent
from markupsafe import Markup

from sobria.i18n import LANGS, Translator
from sobria.ranges import Range
from sobria.report.charts import Bar, column_chart, hbar_chart


def number(value: float | None, lang: str, digits: int = 1) -> str:
    if value is None:
        return "—"
    return format_decimal(value, format=f"#,##0.{'0' * digits}" if digits else "#,##0", locale=lang)


def percent(value: float | None, lang: str) -> str:
    return "—" if value is None else format_percent(value, format="#,##0.0 %", locale=lang)


@dataclass(frozen=True)
class Renderer:
    env: jinja2.Environment
    translators: Mapping[str, Translator]

    @classmethod
    def create(cls) -> Renderer:
        env = jinja2.Environment(loader=jinja2.PackageLoader("sobria.web", "templates"),
                                 autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True)
        return cls(env, {lang: Translator.for_lang(lang) for lang in LANGS})

    def page(self, name: str, lang: str, **context: Any) -> str:
        t = self.translators[lang]
        helpers = {
            "t": t, "lang": lang,
            "num": lambda v, d=1: number(v, lang, d),
            "pct": lambda v: percent(v, lang),
            "rng": lambda lo, hi: f"{number(lo, lang)}–{number(hi, lang)}",
            "group": lambda k: t("web.group.others") if k == "*" else k,
        }
        return self.env.get_template(name).render(**helpers, **context)


def trend_chart(chart_id: str, title: str, rows: list[dict[str, Any]], lang: str) -> Markup:
    """The report's own SVG column chart (kgCO2e per month, min–max error bars)."""
    bars = [Bar(str(r["key"]), Range(float(r["gwp_min"]), float(r["gwp_max"])), number(r["gwp"], lang))
            for r in rows]
    return Markup(column_chart(chart_id, title, bars)) if bars else Markup("")  # the chart code escapes every text


def groups_chart(chart_id: str, title: str, rows: list[dict[str, Any]], lang: str, others: str) -> Markup:
    bars = [Bar(others if r["key"] == "*" else str(r["key"]), Range(float(r["gwp_min"]), float(r["gwp_max"])),
                number(r["gwp"], lang)) for r in rows]
    return Markup(hbar_chart(chart_id, title, bars)) if bars else Markup("")  # the chart code escapes every text
