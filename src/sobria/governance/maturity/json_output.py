"""The maturity assessment as JSON (for tools and for the report)."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal

from sobria.governance.maturity.matrix import Assessment, Reason
from sobria.i18n import Translator

JSON_SCHEMA = "sobria.maturity/1"


def score_text(value: float, lang: str) -> str:
    """A score as people read it: ``91,7`` in French, ``91.7`` in English."""
    return str(format_decimal(value, format="#,##0.#", locale={"fr": "fr_FR", "en": "en_GB"}[lang]))


def reason_text(reason: Reason, t: Translator) -> str:
    params = {k: score_text(v, t.lang) if isinstance(v, float) else v for k, v in reason.params.items()}
    return t(reason.key, **params)


def assessment_json(a: Assessment, t: Translator) -> dict[str, Any]:
    """Scores, profile, items, reasons and actions (keys and texts in the translator's language)."""
    return {
        "schema": JSON_SCHEMA, "organisation": a.organisation, "date": a.date,
        "ai_score": a.ai_score, "csr_score": a.csr_score, "profile": a.profile,
        "profile_label": t(f"gov.maturity.profile.{a.profile}"),
        "items": [{"question": i.question, "axis": i.axis, "weight": i.weight, "score": i.score,
                   "source": i.source, "declared": i.declared} for i in a.items],
        "reasons": [{"key": r.key, "params": dict(r.params), "text": reason_text(r, t)} for r in a.reasons],
        "actions": [{"key": k, "text": t(k)} for k in a.actions],
    }
