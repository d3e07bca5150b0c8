"""The AI × CSR matrix SVG: self-contained, points where the scores say, and the template answers."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

from sobria.governance.maturity.chart import MARGIN, PLOT, matrix_svg
from sobria.governance.maturity.json_output import assessment_json
from sobria.governance.maturity.matrix import assess
from sobria.governance.maturity.questionnaire import questionnaire_template, read_questionnaire
from sobria.i18n import Translator

DATA = Path(__file__).parent / "data"
SVG = "{http://www.w3.org/2000/svg}"


def test_matrix_places_techvert_before_and_after() -> None:
    t = Translator.for_lang("fr")
    before = assess(read_questionnaire(DATA / "techvert_avant.yaml"))
    after = assess(read_questionnaire(DATA / "techvert_apres.yaml"))
    svg = matrix_svg(after, t, before)
    root = ET.fromstring(svg)
    circles = [(float(c.get("cx", "")), float(c.get("cy", ""))) for c in root.iter(f"{SVG}circle")]
    assert circles == [(round(MARGIN + PLOT * 0.917, 1), float(MARGIN + PLOT)),
                       (round(MARGIN + PLOT * 0.917, 1), round(MARGIN + PLOT * (1 - 0.909), 1))]
    texts = [x.text for x in root.iter(f"{SVG}text")]
    for label in ("Attentistes", "Engagés prudents", "Fonceurs aveugles", "Leaders responsables",
                  "avant (2025-01-15)", "maintenant (2025-07-15)"):
        assert label in texts
    assert "<script" not in svg and "href" not in svg and svg.count("http") == 1  # the xmlns only


def test_english_labels_and_json() -> None:
    t = Translator.for_lang("en")
    result = assess(read_questionnaire(DATA / "techvert_avant.yaml"))
    assert "Blind rushers" in matrix_svg(result, t)
    data = assessment_json(result, t)
    assert (data["profile"], data["profile_label"], data["ai_score"], data["csr_score"]) == (
        "fonceurs_aveugles", "Blind rushers", 91.7, 0.0)
    assert data["actions"][0]["text"] == (
        "measure the footprint of AI use (import exports or use the Sobria gateway)")


def test_template_is_a_valid_questionnaire(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text(questionnaire_template(dt.date(2026, 1, 5)), encoding="utf-8")
    result = assess(read_questionnaire(path))
    assert (result.date, result.ai_score, result.csr_score, result.profile) == ("2026-01-05", 25.0, 0.0,
                                                                               "attentistes")
