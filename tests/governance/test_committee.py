"""The committee: its log (store), the pack's data assembly and its self-contained HTML."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest

from sobria.errors import UserInputError
from sobria.governance.committee.html_page import render_pack
from sobria.governance.committee.log import LogEntry, add_entry, decide_entry, entries_since, read_entries
from sobria.governance.committee.pack import (
    Budgets,
    DueItem,
    TeamFootprint,
    WastePoint,
    assemble_pack,
    parse_month,
    regulation_due,
    team_footprint,
)
from sobria.governance.training.coverage import Coverage, TeamCoverage
from sobria.governance.violations import replay
from sobria.i18n import Translator
from sobria.policy.decision import Rules
from sobria.privacy.groups import OTHERS
from sobria.store import Store
from tests.governance.helpers import events, policy

D = dt.date


def test_log_and_decide(store: Store) -> None:
    first = add_entry(store, "question", "  Peut-on utiliser l'IA pour trier des CV ?  ", D(2025, 3, 4), "rh")
    second = add_entry(store, "exception", "GPT-4o pour l'appel d'offres Dupont", D(2025, 3, 12), "commercial")
    decide_entry(store, second, "Accordé jusqu'au 31 mars, modèle lourd justifié", D(2025, 3, 20))
    assert read_entries(store) == [
        LogEntry(first, D(2025, 3, 4), "question", "Peut-on utiliser l'IA pour trier des CV ?", "rh"),
        LogEntry(second, D(2025, 3, 12), "exception", "GPT-4o pour l'appel d'offres Dupont", "commercial",
                 "Accordé jusqu'au 31 mars, modèle lourd justifié", D(2025, 3, 20)),
    ]
    with pytest.raises(UserInputError) as unknown:
        decide_entry(store, 99, "x", D(2025, 3, 20))
    assert (unknown.value.key, unknown.value.where.parameter) == ("gov.committee.unknown_entry", "ID")
    with pytest.raises(UserInputError) as early:
        decide_entry(store, first, "x", D(2025, 3, 1))
    assert early.value.key == "gov.committee.decided_before"


@pytest.mark.parametrize(("kind", "text", "key"), [
    ("demande", "texte", "gov.committee.bad_kind"), ("question", "   ", "gov.committee.empty_text"),
    ("question", "x" * 2001, "gov.committee.long_text")])
def test_bad_entries_write_nothing(store: Store, kind: str, text: str, key: str) -> None:
    with pytest.raises(UserInputError) as caught:
        add_entry(store, kind, text, D(2025, 3, 1))
    assert caught.value.key == key
    assert read_entries(store) == []


def test_entries_since_the_last_meeting() -> None:
    old_open = LogEntry(1, D(2025, 1, 5), "question", "a")
    old_closed = LogEntry(2, D(2025, 1, 6), "question", "b", decision="non", decided_on=D(2025, 2, 1))
    closed_now = LogEntry(3, D(2025, 2, 10), "exception", "c", decision="oui", decided_on=D(2025, 3, 5))
    new = LogEntry(4, D(2025, 3, 2), "question", "d")
    later = LogEntry(5, D(2025, 4, 2), "question", "e")
    shown = entries_since([old_open, old_closed, closed_now, new, later], D(2025, 3, 1), D(2025, 3, 31))
    assert [e.id for e in shown] == [1, 3, 4]


def _events():  # type: ignore[no-untyped-def]
    mk = [{"team": "marketing", "person": f"m{i}", "purpose": "email", "gwp": 1.0} for i in range(5)]
    sales = [{"team": "commercial", "person": f"c{i}", "purpose": "email", "gwp": 0.5} for i in range(6)]
    small = [{"team": "rh", "person": "r0", "gwp": 1.0}, {"team": "direction", "person": "d0", "gwp": 1.0}]
    return events(mk + sales + small)


def test_team_footprint_with_budgets_and_small_teams_hidden() -> None:
    budgets = Budgets({"marketing": 8.0, "commercial": 2.0, "rh": 2.0}, 3.0, (50, 80, 100))
    shown, total = team_footprint(_events(), budgets)
    assert shown == (TeamFootprint("commercial", 6, 1.5, 4.5, 2.0), TeamFootprint("marketing", 5, 2.5, 7.5, 8.0))
    assert total == TeamFootprint("", 13, 5.0, 15.0, 15.0)
    assert [r.status(budgets.thresholds) for r in shown] == ["exceeded", "alert"]
    assert (shown[0].percent, shown[1].percent) == (150.0, 62.5)


def _pack():  # type: ignore[no-untyped-def]
    month = parse_month("2025-03")
    frame = _events()
    rules = Rules.from_policy(policy())
    training = Coverage(D(2025, 3, 31), 13, 8, (TeamCoverage("commercial", 6, 6, 0),
                                                TeamCoverage("marketing", 5, 2, 1)), {"charte-ia": 8}, 3)
    entries = [LogEntry(1, D(2025, 3, 4), "question", "Peut-on <b>trier</b> des CV ?", "rh"),
               LogEntry(2, D(2025, 3, 12), "exception", "GPT-4o pour un appel d'offres", "commercial",
                        "Accordé", D(2025, 4, 2))]
    return assemble_pack("TechVert", month, None, D(2025, 4, 1), frame, Budgets({"marketing": 8.0}, 3.0),
                         replay(frame, rules), training,
                         [WastePoint("2025-02", 120, 0.6, 0.55), WastePoint("2025-03", 40, 0.25, 0.2)],
                         regulation_due(month, "fr"), entries)


def test_pack_assembly() -> None:
    pack = _pack()
    assert (pack.since, pack.month.label, pack.month.last_day) == (D(2025, 3, 1), "2025-03", D(2025, 3, 31))
    assert [r.group for r in pack.footprint] == ["commercial", "marketing"]
    assert pack.violations.requests == 13
    # the exception was decided after the month: the pack shows it as still pending
    assert [(e.id, e.decision) for e in pack.entries] == [(1, None), (2, None)]
    assert pack.due == (DueItem(D(2025, 8, 2), "chapitre V, art. 99",
                                "Modèles d'IA à usage général, gouvernance et sanctions"),)


def test_regulation_calendar_window() -> None:
    assert [i.day for i in regulation_due(parse_month("2026-01"), "en")] == [D(2026, 8, 2)]
    assert [i.day for i in regulation_due(parse_month("2025-02"), "fr")] == [D(2025, 2, 2), D(2025, 8, 2)]


def test_pack_html_is_french_self_contained_and_escaped() -> None:
    page = render_pack(_pack(), Translator.for_lang("fr"))
    html = unescape(page)
    assert "<title>Comité éthique IA — TechVert — 2025-03</title>" in html
    for heading in ("Empreinte et budgets par équipe", "Écarts à la charte et escalades", "Tendance du gaspillage",
                    "Couverture de la formation", "Règlement européen sur l'IA : prochaines échéances",
                    "Questions et demandes d'exception"):
        assert heading in html
    assert "Peut-on &lt;b&gt;trier&lt;/b&gt; des CV ?" in page
    assert "budget dépassé" in html and "Période du 1er mars 2025 au 31 mars 2025" in html and "2 août 2025" in html
    assert re.search(r"(src|href)=|https?://|<script|@import", page) is None
    assert OTHERS not in re.sub(r"<[^>]+>", "", html)


def test_pack_html_in_english() -> None:
    html = render_pack(_pack(), Translator.for_lang("en"))
    assert "AI ethics committee — TechVert — 2025-03" in html and "Waste trend" in html
