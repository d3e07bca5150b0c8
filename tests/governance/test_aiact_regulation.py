"""The regulation data file: key dates, coverage of the schema, messages for every obligation."""

from __future__ import annotations

import datetime as dt
from typing import get_args

from sobria.governance.aiact.regulation import load_regulation
from sobria.governance.aiact.usecases import Area, Technique
from sobria.i18n import load_messages


def test_key_dates() -> None:
    reg = load_regulation()
    assert reg.data_version == "2026-11-28.1"
    assert reg.dates["chapters_i_ii"].date == dt.date(2025, 2, 2)
    assert reg.dates["general"].date == dt.date(2026, 8, 2)
    assert reg.dates["annex_iii_high_risk"].date == dt.date(2027, 12, 2)
    assert reg.dates["annex_i_high_risk"].date == dt.date(2028, 8, 2)
    assert reg.obligation("art4_literacy") is not None
    assert reg.obligation("art4_literacy").applies_from == dt.date(2025, 2, 2)  # type: ignore[union-attr]
    assert {o.applies_from for o in reg.obligations if o.id.startswith("art50")} == {dt.date(2026, 8, 2)}
    assert {o.applies_from for o in reg.obligations if o.when.startswith("high_risk")} == {dt.date(2027, 12, 2)}


def test_omnibus_dates_are_marked_unverified() -> None:
    reg = load_regulation()
    assert reg.amended_by.verified is False
    unverified = sorted(k for k, d in reg.dates.items() if not d.verified)
    assert unverified == ["annex_i_high_risk", "annex_iii_high_risk", "art50_2_legacy_marking",
                          "new_prohibition_intimate_imagery"]
    assert all(entry.checked for entry in (*reg.annex_iii, *reg.prohibited, *reg.obligations))


def test_every_area_and_technique_is_in_the_data() -> None:
    reg = load_regulation()
    areas = {p.area for p in reg.annex_iii}
    assert areas == set(get_args(Area)) - {"general"}
    techniques = {p.technique for p in reg.prohibited} | {"biometric_categorisation"}
    assert techniques == set(get_args(Technique))
    assert len(reg.obligation_ids()) == len(set(reg.obligation_ids())) == 29


def test_every_obligation_has_title_and_evidence_in_both_languages() -> None:
    reg = load_regulation()
    for lang in ("fr", "en"):
        messages = load_messages(lang)
        for rule in reg.obligations:
            assert messages[f"aiact.obligation.{rule.id}.title"]
            assert messages[f"aiact.obligation.{rule.id}.evidence"]


def test_aiact_and_tools_catalogues_have_the_same_keys() -> None:
    fr, en = load_messages("fr"), load_messages("en")
    for prefix in ("aiact.", "tools."):
        assert {k for k in fr if k.startswith(prefix)} == {k for k in en if k.startswith(prefix)}
