"""What the governance pages and the downloads show, each asked of its service (no rule decided here).

Adoption is the report's own section of the cached audit; the AI Act page the inventory file
assessed (``governance.classify``) and its obligations; training the coverage by team group
(``governance.training``, small teams merged by ``privacy.groups``); maturity the questionnaire
assessed with the store's measures; the downloads the audit report, the committee's pack and the
charter, as HTML or PDF.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sobria.documents import html_to_pdf
from sobria.governance.aiact.classify import Assessment, assess
from sobria.governance.aiact.inventory import load_inventory
from sobria.governance.aiact.obligations import ObligationLine, all_obligations
from sobria.governance.aiact.regulation import load_regulation
from sobria.governance.committee.html_page import render_pack
from sobria.governance.committee.pack import DueItem, parse_month, regulation_due
from sobria.governance.committee.service import PackRequest, build_pack
from sobria.governance.maturity.chart import matrix_svg
from sobria.governance.maturity.matrix import assess as assess_maturity
from sobria.governance.maturity.questionnaire import read_questionnaire
from sobria.governance.maturity.signals import measure_signals
from sobria.governance.training.coverage import Coverage, coverage, load_modules
from sobria.governance.training.store import read_people_teams, read_training
from sobria.i18n import Translator
from sobria.policy.charter import render_charter
from sobria.policy.charter import render_pdf as charter_pdf
from sobria.report import render_html
from sobria.report.sections import adoption
from sobria.report.view import Section
from sobria.web.pages import Figures


@dataclass(frozen=True)
class AiAct:
    assessments: list[Assessment]
    obligations: list[ObligationLine]
    due: tuple[DueItem, ...]          # the regulation's own dates (when no inventory is given)
    version: str


@dataclass(frozen=True)
class Governance:
    """The governance services for one dashboard: its figures, and the files the admin pointed to."""

    figures: Figures
    inventory: Path | None = None
    questionnaire: Path | None = None

    def adoption(self, t: Translator) -> Section | None:
        result = self.figures.audit()
        return adoption(result, t, t.lang) if result is not None else None

    def aiact(self, today: dt.date, lang: str) -> AiAct:
        """Read again only when the inventory file changes (or the day, or the data version)."""
        stamp = self.inventory.stat().st_mtime_ns if self.inventory is not None and self.inventory.exists() else None
        result: AiAct = self.figures.cache.get(("aiact", str(self.inventory), stamp, today, lang),
                                               lambda: self._aiact(today, lang))
        return result

    def _aiact(self, today: dt.date, lang: str) -> AiAct:
        regulation = load_regulation()
        due = regulation_due(parse_month(today.strftime("%Y-%m")), lang)
        if self.inventory is None:
            return AiAct([], [], due, regulation.data_version)
        cases = load_inventory(self.inventory, regulation).use_cases
        assessments = [assess(case, regulation) for case in cases]
        return AiAct(assessments, all_obligations(assessments), due, regulation.data_version)

    def training(self, today: dt.date) -> Coverage | None:
        store = self.figures.store
        people = read_people_teams(store)
        if not people:
            return None
        return coverage(people, read_training(store), load_modules(), today, self.figures.min_group)

    def maturity(self, today: dt.date, t: Translator) -> dict[str, Any] | None:
        if self.questionnaire is None:
            return None
        signals = measure_signals(self.figures.store, today, self.figures.budgets, True)
        result = assess_maturity(read_questionnaire(self.questionnaire), signals)
        return {"result": result, "svg": matrix_svg(result, t)}

    def report_html(self, t: Translator) -> str | None:
        result = self.figures.audit()
        if result is None:
            return None
        html: str = self.figures.cache.get(("report", t.lang),
                                           lambda: render_html(result, t, t.lang, None, self.figures.catalog))
        return html

    def pack_html(self, month: str, t: Translator, today: dt.date) -> str:
        f = self.figures
        request = PackRequest(parse_month(month, "month"), f.policy, None, self.inventory, f.min_group)
        html: str = f.cache.get(("pack", month, t.lang, today),
                                lambda: render_pack(build_pack(f.store, f.catalog, request, t, today), t))
        return html

    def charter_html(self, t: Translator) -> str:
        return render_charter(self.figures.policy, t, "html")

    def charter_pdf(self, t: Translator) -> bytes:
        return charter_pdf(self.figures.policy, t)

    @staticmethod
    def pdf(html: str) -> bytes:
        return html_to_pdf(html)
