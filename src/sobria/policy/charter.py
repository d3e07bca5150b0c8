"""The charter people read, rendered from the policy file: Markdown, HTML or a two-page PDF.

The policy is first turned into a :class:`CharterView` — plain-language sentences in the
translator's language, each section with its reason — then rendered through one Jinja2 template
per format. The HTML is self-contained (inline print CSS, no network reference); the PDF is the
same HTML printed by WeasyPrint with the locally installed fonts.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import jinja2
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal

from sobria.documents import html_to_pdf, template_environment
from sobria.i18n import Translator
from sobria.policy.schema import DATA_CLASSES, SCHEMA_VERSION, TIERS, Label, Policy, label_text

CharterFormat = Literal["md", "html", "pdf"]
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)


@dataclass(frozen=True)
class Section:
    """One numbered section of the charter: its rules in plain language and why."""

    title: str
    items: tuple[str, ...]
    reason: str
    table: tuple[tuple[str, str], ...] = ()
    table_head: tuple[str, str] = ("", "")
    after: tuple[str, ...] = ()


@dataclass(frozen=True)
class CharterView:
    lang: str
    title: str
    subtitle: str
    principle: str
    principle_text: str
    why: str
    sections: tuple[Section, ...]
    footer: str


def charter_view(policy: Policy, t: Translator) -> CharterView:
    """The charter's content in ``t``'s language."""
    date_text = format_date(policy.charter.date, "long", locale=t.lang)
    org = policy.organisation.name
    sections = (_tools(policy, t), _models(policy, t), _images(policy, t), _data(policy, t),
                _requests(policy, t), _budget(policy, t), _disclosure(policy, t), _retention(policy, t),
                _committee(policy, t), _training(policy, t))
    return CharterView(
        lang=t.lang, title=t("charter.title"),
        subtitle=t("charter.subtitle", org=org, version=policy.charter.version, date=date_text),
        principle=t("charter.principle"), principle_text=t("charter.principle_text"), why=t("charter.why"),
        sections=tuple(s for s in sections if s.items),
        footer=t("charter.footer", org=org, version=policy.charter.version, date=date_text,
                 schema=SCHEMA_VERSION),
    )


def render_charter(policy: Policy, t: Translator, fmt: Literal["md", "html"]) -> str:
    """The charter as Markdown or self-contained HTML."""
    view = charter_view(policy, t)
    environment = _environment()
    if fmt == "md":  # every value printed is text, never Markdown or HTML (the HTML template autoescapes)
        environment.finalize = markdown_text
    template = environment.get_template(f"charter.{fmt}.j2")
    return template.render(view=view)


_MARKDOWN_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]|])")


def markdown_text(value: object) -> str:
    """``value`` as literal Markdown text: HTML (``<script>``, ``<img onerror=…>``) as entities,
    the characters of links, code, emphasis and table cells (``[ ] ` * _ |``) backslash-escaped."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))
    return "".join(_MARKDOWN_ENTITIES.get(char, char) for char in text)


def render_pdf(policy: Policy, t: Translator) -> bytes:
    """The charter as an A4 PDF (two pages for a typical policy)."""
    return html_to_pdf(render_charter(policy, t, "html"))


def pdf_page_count(pdf: bytes) -> int:
    """Number of ``/Type /Page`` objects in a PDF, looking inside Flate-compressed object streams."""
    count = len(_PAGE.findall(pdf))
    for match in _STREAM.finditer(pdf):
        try:
            count += len(_PAGE.findall(zlib.decompress(match.group(1))))
        except zlib.error:
            continue
    return count


def _environment() -> jinja2.Environment:
    return template_environment("sobria.policy")


def _join(items: Iterable[str], t: Translator) -> str:
    return format_list(list(items), locale=t.lang)


def _number(value: float, t: Translator) -> str:
    return format_decimal(value, locale=t.lang)


def _purposes(policy: Policy, ids: Iterable[str], t: Translator) -> str:
    return _join((_inline(_purpose(policy, p, t)) for p in ids), t)


def _purpose(policy: Policy, purpose: str, t: Translator) -> str:
    return label_text(policy.purposes.get(purpose, purpose), t.lang)


def _labels(labels: Iterable[Label], t: Translator) -> list[str]:
    return [_inline(label_text(label, t.lang)) for label in labels]


def _inline(label: str) -> str:
    """A label for use inside a sentence: 'Documents internes' -> 'documents internes' (not 'RH', 'ChatGPT')."""
    first = label.split(" ", 1)[0]
    return label[:1].lower() + label[1:] if len(first) == 1 or first[1:].islower() else label


def _tools(policy: Policy, t: Translator) -> Section:
    def entry(name: Label, tier: str) -> str:
        return t("charter.tool_entry", name=label_text(name, t.lang), tier=t(f"policy.tier.{tier}"))

    allowed = [entry(tool.name, tool.tier) for tool in policy.tools if tool.allowed]
    excluded = [label_text(tool.name, t.lang) for tool in policy.tools if not tool.allowed]
    items = [t("charter.tools.allowed", tools=_join(allowed, t))] if allowed else []
    if excluded:
        items.append(t("charter.tools.excluded", tools=_join(excluded, t)))
    items.append(t("charter.tools.unlisted"))
    return Section(t("charter.tools.title"), tuple(items), t("charter.tools.why"))


def _models(policy: Policy, t: Translator) -> Section:
    m = policy.models
    items = [t("charter.models.default", model=m.default)]
    items += [t("charter.models.per_purpose", purpose=_purpose(policy, p, t), model=name)
              for p, name in m.per_purpose.items() if name != m.default]
    if m.heavy.models:
        items.append(t("charter.models.heavy", models=_join(m.heavy.models, t),
                       purposes=_purposes(policy, m.heavy.purposes, t)))
        if m.heavy.justification_required:
            items.append(t("charter.models.justification"))
        items.append(t("charter.models.routing"))
    if m.forbidden:
        items.append(t("charter.models.forbidden", models=_join(m.forbidden, t)))
    return Section(t("charter.models.title"), tuple(items), t("charter.models.why"))


def _images(policy: Policy, t: Translator) -> Section:
    images = policy.images
    if not images.allowed:
        items = [t("charter.images.none")]
    else:
        items = []
        for key, ids in (("forbidden", images.forbidden_purposes), ("allowed", images.allowed_purposes)):
            if ids:
                items.append(t(f"charter.images.{key}", purposes=_purposes(policy, ids, t)))
        if images.models:
            items.append(t("charter.images.models", models=_join(images.models, t)))
    return Section(t("charter.images.title"), tuple(items), t("charter.images.why"))


def _data(policy: Policy, t: Translator) -> Section:
    items: list[str] = []
    for tier in TIERS:
        actions = getattr(policy.data.by_tier, tier)
        for action in ("block", "redact"):
            classes = [t(f"policy.class.{c}") for c in DATA_CLASSES if getattr(actions, c) == action]
            if classes:
                items.append(t(f"charter.data.tier_{action}", tier=t(f"policy.tier.{tier}"),
                               classes=_join(classes, t)))
    items += [t("charter.data.purpose", purpose=_purpose(policy, p, t), data_class=t(f"policy.class.{c}"))
              for p, c in policy.data.purposes.items()]
    return Section(t("charter.data.title"), tuple(items), t("charter.data.why"))


def _requests(policy: Policy, t: Translator) -> Section:
    regen = policy.regenerations
    items = (t(f"charter.requests.max_{regen.on_exceeded}", max=regen.max_per_request),
             t("charter.requests.advice"))
    return Section(t("charter.requests.title"), items, t("charter.requests.why"))


def _budget(policy: Policy, t: Translator) -> Section:
    budgets = policy.budgets
    if not budgets.teams and budgets.default_kgco2e is None:
        return Section(t("charter.budget.title"), (), t("charter.budget.why"))
    items = [t("charter.budget.intro")]
    after: list[str] = []
    if budgets.default_kgco2e is not None:
        after.append(t("charter.budget.default", amount=_number(budgets.default_kgco2e, t)))
    if budgets.alert_thresholds_percent:
        after.append(t("charter.budget.alerts",
                       thresholds=_join((str(v) for v in budgets.alert_thresholds_percent), t)))
    after.append(t(f"charter.budget.on_{budgets.on_exceeded}"))
    table = tuple((team, _number(amount, t)) for team, amount in budgets.teams.items())
    return Section(t("charter.budget.title"), tuple(items), t("charter.budget.why"), table,
                   (t("charter.budget.team_col"), t("charter.budget.amount_col")), tuple(after))


def _disclosure(policy: Policy, t: Translator) -> Section:
    d = policy.disclosure
    flags = (("chatbot", d.chatbot), ("images", d.generated_images), ("text", d.generated_text_external))
    items = tuple(t(f"charter.disclosure.{name}") for name, on in flags if on)
    return Section(t("charter.disclosure.title"), items, t("charter.disclosure.why"))


def _retention(policy: Policy, t: Translator) -> Section:
    r = policy.retention
    prompts = (t("charter.retention.prompts", days=r.prompt_days) if r.store_prompts
               else t("charter.retention.no_prompts"))
    items = (t("charter.retention.events", days=r.usage_events_days), prompts,
             t("charter.retention.aggregate"))
    return Section(t("charter.retention.title"), items, t("charter.retention.why"))


def _committee(policy: Policy, t: Translator) -> Section:
    c = policy.ethics_committee
    items = [t("charter.committee.members", members=_join(_labels(c.members, t), t))]
    if c.meets_every_months == 1:
        items.append(t("charter.committee.meets_monthly", minutes=c.meeting_minutes))
    else:
        items.append(t("charter.committee.meets_every", minutes=c.meeting_minutes,
                       months=c.meets_every_months))
    contact = c.contact or policy.organisation.contact
    if contact:
        items.append(t("charter.committee.contact", contact=contact))
    return Section(t("charter.committee.title"), tuple(items), t("charter.committee.why"))


def _training(policy: Policy, t: Translator) -> Section:
    tr = policy.training
    key = "charter.training.all" if tr.required_for_all else "charter.training.optional"
    topics = _join(_labels(tr.topics, t), t)
    return Section(t("charter.training.title"), (t(key, weeks=tr.within_weeks, topics=topics),),
                   t("charter.training.why"))
