"""Recommendations are triggered by thresholds on the audit's figures."""

from __future__ import annotations

import dataclasses

import pytest
from tests.report.report_sample import empty_result, sample_result, tot

from sobria.audit.result import AuditResult
from sobria.catalog import Catalog
from sobria.i18n import Translator
from sobria.report import render_html
from sobria.report.recommendations import recommend


def _keys(result: AuditResult) -> list[tuple[str, float]]:
    return [(r.key, pytest.approx(r.figure)) for r in recommend(result)]


def test_sample_triggers_every_rule_but_measurement() -> None:
    assert _keys(sample_result()) == [
        ("charter", 0.0), ("light-model", 0.5), ("precise-prompts", 0.5), ("images", 30.0),
        ("inclusion", 12 / 45), ("model-names", 10.0)]


def test_nothing_to_recommend_without_data() -> None:
    assert recommend(empty_result()) == []


def _with(**changes: object) -> AuditResult:
    base = sample_result()
    kpis = dataclasses.replace(base.kpis, **{k: v for k, v in changes.items() if k in {"by_model", "by_tier",
                                                                                        "statuses"}})
    result = dataclasses.replace(base, kpis=kpis)
    if "by_reason" in changes:
        result = dataclasses.replace(result, waste=dataclasses.replace(base.waste, by_reason=changes["by_reason"]))
    if "policy" in changes:
        result = dataclasses.replace(result, headline=dataclasses.replace(base.headline,
                                                                          policy_formalised=changes["policy"]))
    if "never" in changes:
        bands = dict(base.adoption.bands, never=changes["never"])
        result = dataclasses.replace(result, adoption=dataclasses.replace(base.adoption, bands=bands))
    return result


@pytest.mark.parametrize(("changes", "key", "expected"), [
    ({"policy": True}, "charter", False),
    ({"by_model": [("gpt-4o", tot(300, 1, 3)), ("gpt-4o-mini", tot(700, 1, 3))]}, "light-model", True),   # 30 %
    ({"by_model": [("gpt-4o", tot(299, 1, 3)), ("gpt-4o-mini", tot(701, 1, 3))]}, "light-model", False),
    ({"by_reason": {"reformulation": 60, "regeneration": 40}}, "precise-prompts", True),                   # 10 %
    ({"by_reason": {"reformulation": 60, "regeneration": 39}}, "precise-prompts", False),
    ({"by_reason": {"unused-image": 1}}, "images", True),
    ({"by_reason": {"reformulation": 500}}, "images", False),
    ({"never": 9}, "inclusion", True),  # 9/45 = 20 %
    ({"never": 8}, "inclusion", False),
    ({"by_tier": [("declared", tot(500, 1.0, 3.0)), ("measured", tot(500, 1.0, 3.0))]}, "measure", True),  # 50 %
    ({"by_tier": [("message-level", tot(500, 1.0, 2.9)), ("measured", tot(500, 1.0, 3.0))]}, "measure", False),
    ({"statuses": {"ok": 800}}, "model-names", False),
])
def test_thresholds(changes: dict[str, object], key: str, expected: bool) -> None:
    assert (key in {r.key for r in recommend(_with(**changes))}) is expected


def test_each_recommendation_shows_its_trigger(catalog: Catalog) -> None:
    html = render_html(sample_result(), Translator.for_lang("en"), "en", catalog=catalog)
    triggers = [
        "Trigger: no formal usage policy.",
        "Trigger: 50% of requests go to a heavy model. Expected saving on trivial tasks: 300 gCO2e and €1.75 at "
        "catalogue API price.",
        "Trigger: 50% of requests are rewrites or regenerations.",
        "Trigger: 30 generated images never used or made for internal documents.",
        "Trigger: 27% of people never used AI during the period.",
        "Trigger: 10 records estimated with a guessed model or provider.",
    ]
    assert [line for line in html.splitlines() if line.startswith('<p class="trigger">')] == [
        f'<p class="trigger">{t}</p>' for t in triggers]
