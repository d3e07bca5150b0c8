"""The HTML report: self-contained, the four cards, valid charts, empty data, golden file."""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as ET

import pytest
from tests.report.make_golden import CLAIMED_T, GOLDEN, golden_html
from tests.report.report_sample import empty_result, sample_result

from sobria.catalog import Catalog
from sobria.i18n import Translator
from sobria.policy.charter import pdf_page_count
from sobria.privacy.groups import OTHERS
from sobria.report import render_html, render_pdf

NBSP = "\u00a0"


def _html(catalog: Catalog, lang: str, claimed: float | None = CLAIMED_T) -> str:
    return render_html(sample_result(), Translator.for_lang(lang), lang, claimed, catalog=catalog)


def _cards(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<p class="value">(.*?)</p>\n<p class="label">(.*?)</p>\n<p class="note">(.*?)</p>', html)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_references_nothing_outside_the_document(catalog: Catalog, lang: str) -> None:
    html = _html(catalog, lang)
    assert "http://" not in html
    assert "https://" not in html
    assert "<script" not in html
    assert "@import" not in html
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', html)
    assert refs == ["#footprint", "#esrs", "#claim", "#charts", "#quality", "#waste", "#adoption", "#scenario",
                    "#comparison", "#money", "#reconciliation", "#methodology", "#recommendations"]
    assert re.findall(r"url\(", html) == []


def test_french_cards_match_the_case_study_layout(catalog: Catalog) -> None:
    assert _cards(_html(catalog, "fr")) == [
        (f"0,02{NBSP}t", "t CO2e/an liées à l&#39;IA", "fourchette 0,01 – 0,03 t, extrapolée à l&#39;année"),
        (f"73{NBSP}%", "de requêtes non essentielles", f"730 requêtes sur 1{NBSP}000".replace(NBSP, "\u202f")),
        ("non", "politique d&#39;usage formalisée",
         "aucun fichier de politique fourni à l&#39;audit (option --policy)"),
        (f"45{NBSP}%", "potentiel de réduction",
         f"en appliquant les règles du cas d&#39;étude, 80{NBSP}% des usages maintenus"),
    ]


def test_english_cards(catalog: Catalog) -> None:
    assert _cards(_html(catalog, "en")) == [
        (f"0.02{NBSP}t", "t CO2e/year from AI", "range 0.01 – 0.03 t, annualised"),
        ("73%", "of requests non-essential", "730 requests out of 1,000"),
        ("no", "formal usage policy", "no policy file given to the audit (--policy option)"),
        ("45%", "reduction potential", "applying the case study&#39;s rules, 80% of usage kept"),
    ]


def test_charts_are_valid_accessible_svg(catalog: Catalog) -> None:
    html = _html(catalog, "fr")
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.DOTALL)
    ids = []
    for svg in svgs:
        root = ET.fromstring(svg)
        assert root.tag == "svg"
        assert [child.tag for child in root[:2]] == ["title", "desc"]
        assert root.get("role") == "img"
        ids.append(root.get("id"))
    assert ids == ["chart-month", "chart-team", "chart-model", "chart-tool", "chart-tier", "chart-waste"]
    month = ET.fromstring(svgs[0])
    assert month[1].text == ("janv. 2025: 2 kgCO2e (1 – 3 kgCO2e); févr. 2025: 1,2 kgCO2e (0,6 – 1,8 kgCO2e); "
                             "mars 2025: 800 gCO2e (400 – 1\u202f200 gCO2e)")
    assert [t.text for t in month.iter("text")] == ["2 kgCO2e", "janv. 2025", "1,2 kgCO2e", "févr. 2025",
                                                    "800 gCO2e", "mars 2025"]


def test_footprint_figures_and_equivalences(catalog: Catalog) -> None:
    html = _html(catalog, "fr")
    assert "<td>Émissions de gaz à effet de serre</td><td>4 kgCO2e</td><td>2 – 6 kgCO2e</td>" in html
    # 4 kg / 0.1423 kg per km = 28.1 km; 20 kWh / 10 W = 2,000 hours
    assert ("Équivalences (valeurs centrales) : 28,1 km en voiture thermique ; une ampoule LED de 10 W allumée "
            "2\u202f000 heures.") in html
    assert "1\u202f000 requêtes IA (800 enregistrements), soit 18,9 requêtes par jour ouvré." in html


def test_small_teams_are_not_detailed(catalog: Catalog) -> None:
    html = _html(catalog, "fr")
    # Direction (3 people) is the only small team: merged alone it is still under 5, so it is hidden
    assert "<td>Direction</td>" not in html and "<td>autres équipes</td>" not in html
    assert "<tr><td>Conseil</td><td>30</td><td>8</td><td>9</td><td>10</td><td>3</td></tr>" in html


def test_claim_section_shows_what_the_claim_would_take(catalog: Catalog) -> None:
    html = _html(catalog, "fr")
    assert "Vérification du chiffre annoncé : 2,4\u00a0t CO2e par an" in html
    assert "Le chiffre annoncé dépasse la fourchette mesurée" in html
    assert "<tr><td>Émissions par requête (au volume mesuré)</td><td>2 – 6 g</td><td>480 g</td></tr>" in html
    assert ("<tr><td>Requêtes par jour ouvré (aux émissions par requête mesurées)</td><td>18,9</td>"
            "<td>1\u202f509 – 4\u202f528</td></tr>") in html
    assert "(gpt-4o, 9 g CO2e par requête au maximum), l&#39;empreinte annuelle serait de 0,045\u00a0t." in html
    assert "id=\"claim\"" not in _html(catalog, "fr", claimed=None)
    consistent = _html(catalog, "fr", claimed=0.02)
    assert "Le chiffre annoncé est dans la fourchette mesurée : il est cohérent avec la méthode." in consistent
    assert "le modèle le plus émetteur" not in consistent


def test_comparison_and_reconciliation(catalog: Catalog) -> None:
    html = _html(catalog, "fr")
    assert ("<tr><td>Requêtes</td><td>20</td><td>17,4</td><td>\u221213\u00a0%</td></tr>") in html
    assert "<th>Avant le 17 février 2025</th>" in html
    assert "L&#39;estimation par les dépenses vaut 8,3 fois l&#39;estimation physique" in html
    assert "<tr><td>Estimation par les dépenses</td><td>26,2 – 40,1 kgCO2e</td></tr>" in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_data_gives_a_clear_page(catalog: Catalog, lang: str) -> None:
    t = Translator.for_lang(lang)
    html = render_html(empty_result(), t, lang, CLAIMED_T, catalog=catalog)
    assert t("report.empty").replace("'", "&#39;") in html
    assert t("report.claim.nothing") in html
    assert "<svg" not in html
    assert _cards(html) == []
    assert 'id="recommendations"' not in html


def test_golden_french_report(catalog: Catalog) -> None:
    expected = GOLDEN.read_text(encoding="utf-8")
    assert golden_html() == expected, "regenerate with: python -m tests.report.make_golden, then review the diff"


def test_pdf_has_a_contents_page_with_page_numbers_and_numbered_pages() -> None:
    import io

    import pypdf

    pdf = render_pdf(GOLDEN.read_text(encoding="utf-8"))
    assert pdf[:5] == b"%PDF-"
    pages = [re.sub(r"\s{3,}", " | ", " ".join(p.extract_text(extraction_mode="layout").split("\n")))
             for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    assert len(pages) == pdf_page_count(pdf) == 9
    lines = [line.strip() for line in pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text(
        extraction_mode="layout").splitlines() if line.strip()]
    contents = lines[lines.index("Sommaire") + 1:]
    entries = [re.split(r"\s{3,}", line) for line in contents]
    # the first page holds the cover, the four cards and the whole contents (not a half-empty cover)
    assert [(title, int(page)) for title, page in entries] == [
        ("Empreinte de l'IA sur la période", 2), ("Dans le bilan carbone de l'entreprise", 3),
        (f"Vérification du chiffre annoncé : 2,4{NBSP}t CO2e par an", 3),
        ("Répartition", 3), ("Qualité des données", 4), ("Requêtes non essentielles", 5),
        ("Adoption et fracture numérique", 6), ("Scénario : la charte appliquée", 6), ("Avant / après", 7),
        ("Ce que coûte l'IA", 7), ("Rapprochement avec les dépenses", 7), ("Méthode et incertitude", 8),
        ("Recommandations", 8)]
    for title, page in entries:
        assert title in pages[int(page) - 1], title
    assert [p.rsplit("|", 1)[-1].strip() for p in pages[1:]] == [f"{n} / 9" for n in range(2, 10)]



def test_team_report_and_names_are_escaped(catalog: Catalog) -> None:
    base = sample_result()
    kpis = dataclasses.replace(base.kpis, by_team=[("<script>R&D</script>", base.kpis.totals),
                                                   (OTHERS, base.kpis.totals)])
    result = dataclasses.replace(base, organisation="A & B <Conseil>", team="Marketing", kpis=kpis)
    html = render_html(result, Translator.for_lang("en"), "en", catalog=catalog)
    assert "<script" not in html
    assert "<p class=\"org\">A &amp; B &lt;Conseil&gt;</p>" in html
    assert "<p class=\"meta\">Team: Marketing</p>" in html
    assert "&lt;script&gt;R&amp;D&lt;/script&gt;" in html
    assert ">other teams</text>" in html
    for svg in re.findall(r"<svg .*?</svg>", html, flags=re.DOTALL):
        ET.fromstring(svg)
