"""Obligations per use case, with the company's tracking: status, owner, due date, evidence.

The obligations that apply come from :func:`sobria.governance.aiact.classify.assess`; what the company
wrote under ``obligations:`` in its inventory (status, owner, due, evidence kept) is laid over them.
An obligation not tracked yet is ``todo``, owned by the use case's owner, due on its application
date. The evidence *to keep* is a message (``aiact.obligation.<id>.evidence``); the evidence
*kept* is what the inventory says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sobria.governance.aiact.classify import Assessment
from sobria.governance.aiact.usecases import ObligationStatus, Status


@dataclass(frozen=True)
class ObligationLine:
    """One obligation of one use case, ready to list."""

    use_case: str
    obligation: str
    article: str
    holder: str
    statutory: bool
    verified: bool
    applies_from: dt.date
    status: Status
    owner: str | None
    due: dt.date
    evidence_kept: str | None

    @property
    def title_key(self) -> str:
        return f"aiact.obligation.{self.obligation}.title"

    @property
    def evidence_key(self) -> str:
        return f"aiact.obligation.{self.obligation}.evidence"

    def overdue(self, today: dt.date) -> bool:
        return self.status in ("todo", "in-progress") and self.due < today


def obligation_lines(assessment: Assessment) -> list[ObligationLine]:
    """Every obligation of one assessed use case, tracking applied."""
    case = assessment.use_case
    lines: list[ObligationLine] = []
    for rule in assessment.obligations:
        tracked = case.obligations.get(rule.id, ObligationStatus())
        lines.append(ObligationLine(
            use_case=case.id, obligation=rule.id, article=rule.article, holder=rule.holder,
            statutory=rule.statutory, verified=rule.verified, applies_from=rule.applies_from,
            status=tracked.status, owner=tracked.owner or case.owner, due=tracked.due or rule.applies_from,
            evidence_kept=tracked.evidence))
    return lines


def all_obligations(assessments: Iterable[Assessment], due_before: dt.date | None = None) -> list[ObligationLine]:
    """Obligations of every use case, by due date then use case; ``due_before`` keeps open ones due earlier."""
    lines = [line for a in assessments for line in obligation_lines(a)]
    if due_before is not None:
        lines = [line for line in lines if line.due < due_before and line.status in ("todo", "in-progress")]
    return sorted(lines, key=lambda line: (line.due, line.use_case, line.obligation))
