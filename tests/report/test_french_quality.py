"""What the demo prints and the report renders, read for raw data keys a French reader should never
see: tier, reason, status, tool, purpose and factor ids where their translated label exists,
English tier names, template metavariables left unfilled, Python's None/nan.

The keys come from the locale catalogues and the template charter (not a list typed here), so a new
tier or reason with a label is checked as soon as it exists.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from importlib import resources

import pytest

from sobria.catalog import load_catalog
from sobria.policy.loader import policy_template, read_policy_text

LABELLED = ("report.tier.", "report.reason.", "report.status.", "report.tool.")
ENGLISH_TIERS = ("measured", "token-level", "message-level", "declared")


class _Text(HTMLParser):
    """Every text node, SVG labels and titles included, style sheets left out."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._style = self._style or tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._style = False

    def handle_data(self, data: str) -> None:
        if not self._style:
            self.parts.append(data)


def raw_keys() -> set[str]:
    """Ids that have a French label different from themselves: they must appear only as the label."""
    messages = json.loads((resources.files("sobria") / "locales" / "fr" / "report.json").read_text(encoding="utf-8"))
    keys = {key.split(".", 2)[2]: text for key, text in messages.items() if key.startswith(LABELLED)}
    found = {key for key, text in keys.items() if key.lower() != text.lower()}
    policy = read_policy_text(policy_template(dt.date(2025, 3, 17))).policy
    assert policy is not None
    found |= set(policy.purposes)
    found |= {f.key for f in load_catalog().overlay.monetary_factors}
    return found | set(ENGLISH_TIERS) | {"list-price"}


def problems(text: str) -> list[str]:
    found = []
    for key in sorted(raw_keys()):
        # a key as a word of its own (not inside a file path or a longer id)
        if re.search(rf"(?<![\w/.-]){re.escape(key)}(?![\w/-])", text):
            found.append(key)
    found += re.findall(r"\{[a-z_]+\}", text)
    found += re.findall(r"\b(?:None|nan|NaN)\b", text)
    return found


@pytest.fixture(scope="module")
def demo_outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("demo-fr")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")} | {"COLUMNS": "200"}
    out: dict[str, str] = {}
    for name, args in (("demo", ["demo"]),
                       ("audit", ["audit", "--policy", "sobria-demo/charte.yaml",
                                  "--company", "sobria-demo/entreprise.yaml", "--split", "2025-03-17"]),
                       ("waste", ["waste", "--limit", "5"])):
        run = subprocess.run([sys.executable, "-m", "sobria", *args], cwd=folder, env=env, capture_output=True,
                             text=True, check=False, timeout=300)
        assert run.returncode == 0, run.stderr
        out[name] = run.stdout
    parser = _Text()
    parser.feed((folder / "sobria-demo" / "rapport-ia.html").read_text(encoding="utf-8"))
    out["report"] = " ".join(parser.parts)
    return out


@pytest.mark.parametrize("output", ["demo", "audit", "waste", "report"])
def test_no_raw_key_in_what_a_reader_sees(demo_outputs: dict[str, str], output: str) -> None:
    assert problems(demo_outputs[output]) == []


def test_the_scanner_finds_what_it_looks_for() -> None:
    assert problems("Qualité : measured 3, token-level 4 ; {total} ; None ; motif unused-image ; it-services") == [
        "it-services", "measured", "token-level", "unused-image", "{total}", "None"]
    assert problems("Fichier : sobria-demo/charte.yaml ; modèle midjourney ; reformulation") == []


def test_people_counts_follow_the_roster_rule(demo_outputs: dict[str, str]) -> None:
    """The import line names both counts; the adoption counts the roster (sobria.privacy.groups)."""
    assert ("40 personnes avec des requêtes dans ce fichier, 45 au total avec l'annuaire (le décompte de tous "
            "les groupes)") in demo_outputs["demo"]
    assert "Adoption (45 personnes)" in demo_outputs["audit"]
    assert "45 personnes, réparties selon leur usage" in demo_outputs["report"]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def test_money_and_esrs_lines_of_the_demo(demo_outputs: dict[str, str]) -> None:
    audit = _flat(demo_outputs["audit"])
    # 40 seats × 30 € + 3 × 28 € a month, 45 € and 5 € of API a month: 16 008 € a year, × 211 / 365 days
    assert "coût réel des outils sur la période (fichier entreprise) : 9 254 €" in audit
    report = _flat(demo_outputs["report"])
    assert "Coût API au prix catalogue" in report
    assert "pas la facture de l'entreprise" in report
    assert "ESRS E1-6, émissions brutes de scope 3, catégorie 1" in report
    assert "L'IA générative représente 0,03 % du bilan carbone total de l'entreprise (180 t CO2e en 2024)." in report


def test_demo_prints_dates_and_numbers_in_french(demo_outputs: dict[str, str]) -> None:
    demo = _flat(demo_outputs["demo"])
    assert "31 872 requêtes IA du 2 janvier 2025 au 31 juillet 2025" in demo
    assert "janv. 2025 : 5 368 requêtes" in demo
    assert "Qualité des données : mesuré 7 401, au niveau du jeton 24 471." in demo

