"""The demo's rendered report read as a reader would: cards, text, scenario and recommendations agree.

`sobria demo` runs once (a real subprocess on a fresh directory); the HTML is parsed and every
figure a card shows is found again in the section that explains it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest


class _Reader(HTMLParser):
    """Cards (value, label, note), each section's text by id, and recommendation titles."""

    def __init__(self) -> None:
        super().__init__()
        self.cards: list[list[str]] = []
        self.sections: dict[str, str] = {}
        self.recommendations: list[str] = []
        self._section: str | None = None
        self._capture: str | None = None
        self._in_card = False
        self._in_reco_title = False
        self.waste_cli = ""  # what `sobria waste` prints on the same store

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "section":
            self._section = a.get("id")
            if self._section:
                self.sections.setdefault(self._section, "")
        if tag == "div" and a.get("class") == "card":
            self.cards.append([])
            self._in_card = True
        if tag == "p" and self._in_card:
            self._capture = "card"
        self._in_reco_title = tag == "h3" and self._section == "recommendations"

    def handle_endtag(self, tag: str) -> None:
        if tag == "div" and self._in_card and self.cards and len(self.cards[-1]) == 3:
            self._in_card = False
        if tag == "p":
            self._capture = None
        if tag == "section":
            self._section = None
        if tag == "h3":
            self._in_reco_title = False

    def handle_data(self, data: str) -> None:
        if self._capture == "card":
            self.cards[-1].append(data.strip())
        if self._section is not None:
            self.sections[self._section] += data
        if self._in_reco_title:
            self.recommendations.append(data.strip())


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> _Reader:
    folder = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")}
    run = subprocess.run([sys.executable, "-m", "sobria", "demo"], cwd=folder, env=env, capture_output=True,
                         text=True, check=False, timeout=300)
    assert run.returncode == 0, run.stderr
    reader = _Reader()
    reader.feed((folder / "sobria-demo" / "rapport-ia.html").read_text(encoding="utf-8"))
    waste = subprocess.run([sys.executable, "-m", "sobria", "waste", "--limit", "1"], cwd=folder, env=env,
                           capture_output=True, text=True, check=False, timeout=300)
    assert waste.returncode == 0, waste.stderr
    reader.waste_cli = waste.stdout
    return reader


def _card(reader: _Reader, label: str) -> tuple[str, str]:
    found = [(value, note) for value, lab, note in reader.cards if lab == label]
    assert len(found) == 1, reader.cards
    return found[0]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def test_demo_cards_name_the_charter_the_scenario_replays(demo_report: _Reader) -> None:
    value, note = _card(demo_report, "politique d'usage formalisée")
    assert (value, note) == ("oui", "charte v1.0 adoptée le 17 mars 2025 (sobria-demo/charte.yaml), rejouée dans "
                                    "le scénario")
    scenario = _flat(demo_report.sections["scenario"])
    assert "règles de la charte (sobria-demo/charte.yaml)" in scenario
    assert "règles du cas d'étude" not in scenario
    # the charter's own rules, read from the file (regenerations.max_per_request: 3), not a fixed sentence
    assert "modèle léger par défaut (gpt-4o-mini), au plus 3 nouvelles tentatives par demande" in scenario
    assert "Rédiger et adopter une charte d'usage de l'IA" not in demo_report.recommendations
    everything = _flat(" ".join(demo_report.sections.values()))
    assert "aucune politique" not in everything
    assert "aucun fichier de politique" not in everything


def test_demo_card_figures_are_the_sections_figures(demo_report: _Reader) -> None:
    sections = {key: _flat(text) for key, text in demo_report.sections.items()}
    reduction, reduction_note = _card(demo_report, "potentiel de réduction")
    kept = re.fullmatch(r"en appliquant la charte, (\d+ %) des usages maintenus", _flat(reduction_note))
    assert kept is not None, reduction_note
    assert f"Réduction des émissions : {_flat(reduction)} ; usages maintenus : {kept.group(1)}." in \
        sections["scenario"]
    share, share_note = _card(demo_report, "de requêtes non essentielles")
    counted = re.fullmatch(r"([\d ]+) requêtes sur ([\d ]+)", _flat(share_note))
    assert counted is not None, share_note
    assert f"{counted.group(1)} requêtes non essentielles, soit {_flat(share)} des requêtes" in sections["waste"]
    assert f"{counted.group(2)} requêtes IA" in sections["footprint"]
    tonnes, range_note = _card(demo_report, "t CO2e/an liées à l'IA")
    span = re.fullmatch(r"fourchette (.*) t, extrapolée à l'année", _flat(range_note))
    assert span is not None, range_note
    assert f"Extrapolé à l'année : {_flat(tonnes).removesuffix(' t')} t CO2e (fourchette {span.group(1)} t)" in \
        sections["footprint"]


def test_demo_waste_savings_carry_their_catalogue_price(demo_report: _Reader) -> None:
    """Every CO2e saving has its € beside it, at the catalogue API price, in the report and in `sobria waste`."""
    waste = _flat(demo_report.sections["waste"])
    assert ("7 881 requêtes non essentielles, soit 25 % des requêtes et 12,9 kgCO2e (50 % des émissions), "
            "87,3 € au prix catalogue de l'API.") in waste
    assert ("Passer les tâches triviales du modèle lourd à un modèle léger économiserait 108 gCO2e et 0,873 € "
            "au prix catalogue de l'API.") in waste
    assert ("Économie attendue sur les tâches triviales : 108 gCO2e et 0,873 € au prix catalogue de l'API."
            in _flat(demo_report.sections["recommendations"]))
    cli = _flat(demo_report.waste_cli)
    assert "12,9 kgCO2e (50 % des émissions), 87,3 € au prix catalogue de l'API." in cli
    assert ("Passer les tâches triviales du modèle lourd à un modèle léger économiserait 108 gCO2e et 0,873 € "
            "au prix catalogue de l'API.") in cli
