"""Rendering the committee pack as one self-contained HTML page (inline CSS, no script, no network)."""

from __future__ import annotations

import datetime as dt

import jinja2
from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from sobria.governance.committee.pack import CommitteePack
from sobria.i18n import Translator
from sobria.privacy.groups import group_label

_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
RULE_LABELS = ("tools", "tools.allowed", "images.allowed", "images.forbidden_purposes", "images.allowed_purposes",
               "images.models", "regenerations.max_per_request", "budgets.on_exceeded",
               "budgets.alert_thresholds_percent", "models.forbidden", "models.heavy.purposes",
               "models.heavy.justification_required", "models.unlisted")


def rule_label(rule: str, t: Translator) -> str:
    """A readable name for a rule id (a path in the policy file)."""
    if rule in RULE_LABELS:
        return t(f"gov.charter_rule.{rule}")
    if rule.startswith("data.purposes."):
        return t("gov.charter_rule.data_purpose", purpose=rule.removeprefix("data.purposes."))
    if rule.startswith("data.by_tier."):
        tier, _, data_class = rule.removeprefix("data.by_tier.").partition(".")
        return t("gov.charter_rule.data", tier=tier, data_class=data_class)
    return rule


def render_pack(pack: CommitteePack, t: Translator) -> str:
    """The pack as HTML in the translator's language."""
    locale = _LOCALES[t.lang]
    env = jinja2.Environment(loader=jinja2.PackageLoader("sobria.governance.committee", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)

    def num(value: float, decimals: int = 1) -> str:
        return str(format_decimal(round(value, decimals), format="#,##0." + "0" * decimals if decimals else "#,##0",
                                  locale=locale))

    def pct(share: float) -> str:
        return str(format_percent(share, format="#,##0 %", locale=locale))

    def day(value: object) -> str:
        text = str(format_date(value, format="long", locale=locale))  # type: ignore[arg-type]
        first = str(locale).startswith("fr") and isinstance(value, dt.date) and value.day == 1
        return "1er" + text[1:] if first and text.startswith("1 ") else text     # French: « le 1er mars »

    def group(name: str) -> str:
        return group_label(name, t)

    template = env.get_template("committee.html.j2")
    return template.render(pack=pack, t=t, lang=t.lang, num=num, pct=pct, day=day, group=group,
                           rule=lambda r: rule_label(r, t),
                           hidden=pack.total.requests - sum(row.requests for row in pack.footprint),
                           escalations=pack.violations.escalations())
