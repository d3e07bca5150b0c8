"""`sobria committee` and `sobria policy violations` on the demo company, through the real main()."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from tests.governance.gov_cli import sobria

DATA = Path(__file__).parent / "data"
POLICY = str(DATA / "politique_techvert.yaml")
CHARTER = "demo/charte.yaml"                      # the charter `sobria demo` writes and audits with


@pytest.mark.slow
def test_log_decide_and_monthly_pack_on_the_demo(tmp_path: Path) -> None:
    demo = sobria(["demo", "--dir", "demo"], tmp_path)     # the demo's purposes are its charter's (template) ids
    assert demo.returncode == 0, demo.stderr
    march = int(re.sub(r"\D", "", re.search(r"mars 2025 : ([\d\u202f]+) requêtes",  # type: ignore[union-attr]
                                             demo.stdout).group(1)))
    logged = sobria(["committee", "log", "Peut-on utiliser Midjourney pour les visuels clients ?", "--date",
                     "2025-03-04", "--team", "marketing"], tmp_path)
    assert (logged.returncode, logged.stdout) == (0, "entrée n° 1 enregistrée (question)\n")
    sobria(["committee", "log", "GPT-4o pour l'appel d'offres Région", "--kind", "exception", "--date",
            "2025-03-10"], tmp_path)
    decided = sobria(["committee", "decide", "2", "Accordé pour mars", "--date", "2025-03-24"], tmp_path)
    assert (decided.returncode, decided.stdout) == (0, "décision enregistrée pour l'entrée n° 2\n")
    pack = sobria(["committee", "pack", "--month", "2025-03", "--policy", CHARTER], tmp_path)
    assert (pack.returncode, pack.stdout) == (0, "dossier du comité écrit dans comite_2025-03.html\n"), pack.stderr
    page = (tmp_path / "comite_2025-03.html").read_text(encoding="utf-8")
    text = unescape(re.sub(r"<[^>]+>", " ", page))
    assert re.search(r"(src|href)=|https?://|<script", page) is None
    total = re.search(r"Total\s+([\d\u202f\u00a0 ]+)\s", text).group(1)  # type: ignore[union-attr]
    assert int(re.sub(r"\D", "", total)) == march
    assert f"La charte rejouée sur les {format(march, ',').replace(',', chr(0x202f))} requêtes" in text
    for expected in ("image pour un usage interdit", "modèle lourd sans justification", "2025-01", "2025-02",
                     "Peut-on utiliser Midjourney pour les visuels clients ?", "Accordé pour mars",
                     "Modèles d'IA à usage général, gouvernance et sanctions"):
        assert expected in text
    _pack_as_pdf_has_the_same_content_and_numbered_pages(tmp_path, march)
    violations = sobria(["policy", "violations", CHARTER, "--month", "2025-03"], tmp_path)
    assert violations.returncode == 0
    assert violations.stdout.splitlines()[0] == f"Écarts à la charte — 2025-03 ({march} requêtes rejouées)"


def _pack_as_pdf_has_the_same_content_and_numbered_pages(folder: Path, march: int) -> None:
    import io

    import pypdf

    done = sobria(["committee", "pack", "--month", "2025-03", "--policy", CHARTER, "--pdf"], folder)
    assert (done.returncode, done.stdout) == (0, "dossier du comité écrit dans comite_2025-03.pdf\n"), done.stderr
    pdf = (folder / "comite_2025-03.pdf").read_bytes()
    assert pdf[:5] == b"%PDF-"
    pages = pypdf.PdfReader(io.BytesIO(pdf)).pages
    texts = [re.sub(r"[\s\u202f\u00a0]+", " ", p.extract_text()) for p in pages]
    assert len(pages) >= 2
    assert [t.rstrip().rsplit(" ", 3)[-3:] for t in texts] == [[str(n), "/", str(len(pages))]
                                                             for n in range(1, len(pages) + 1)]
    whole = " ".join(texts)
    assert "Comité éthique IA — TechVert (démo) — 2025-03" in whole
    assert f"La charte rejouée sur les {format(march, ',').replace(',', ' ')} requêtes" in whole
    assert "image pour un usage interdit" in whole
    same = sobria(["committee", "pack", "--month", "2025-03", "--policy", CHARTER, "--out", "pack.pdf"], folder)
    assert same.returncode == 0 and (folder / "pack.pdf").read_bytes()[:5] == b"%PDF-"
    bad = sobria(["committee", "pack", "--month", "2025-03", "--policy", CHARTER, "--format", "docx"], folder)
    assert (bad.returncode, bad.stderr) == (2, "paramètre --format : valeur « docx » inconnue ; attendu : html, pdf\n")


def test_bad_committee_input(tmp_path: Path) -> None:
    bad_kind = sobria(["committee", "log", "texte", "--kind", "demande"], tmp_path)
    assert (bad_kind.returncode, bad_kind.stderr) == (
        2, "paramètre --kind : type « demande » inconnu ; attendu : question, exception\n")
    unknown = sobria(["committee", "decide", "7", "oui"], tmp_path)
    assert (unknown.returncode, unknown.stderr) == (2, "paramètre ID : aucune entrée n° 7 dans le registre du comité\n")
    month = sobria(["committee", "pack", "--month", "03/2025", "--policy", POLICY], tmp_path)
    assert (month.returncode, month.stderr) == (
        2, "paramètre --month : mois invalide « 03/2025 » : attendu AAAA-MM, par exemple 2025-03\n")
    (tmp_path / "bad.yaml").write_text("version: 1\nuse_cases: 3\n", encoding="utf-8")
    inventory = sobria(["committee", "pack", "--month", "2025-03", "--policy", POLICY, "--inventory", "bad.yaml"],
                       tmp_path)
    assert (inventory.returncode, inventory.stdout) == (2, "")
    assert inventory.stderr.splitlines()[-1] == (
        "  bad.yaml:2, champ « use_cases » : type incorrect : « 3 » n'est pas une liste")
    assert not (tmp_path / "comite_2025-03.html").exists()
    entries = sobria(["committee", "entries"], tmp_path)
    assert entries.stdout == "registre vide\n"


def test_pack_lists_the_inventory_obligations_due(tmp_path: Path) -> None:
    from sobria.governance.aiact.inventory import inventory_template

    (tmp_path / "inventaire.yaml").write_text(inventory_template(), encoding="utf-8")
    done = sobria(["committee", "pack", "--month", "2026-06", "--policy", POLICY, "--inventory", "inventaire.yaml",
                   "--out", "pack.html"], tmp_path)
    assert (done.returncode, done.stdout) == (0, "dossier du comité écrit dans pack.html\n"), done.stderr
    text = unescape(re.sub(r"<[^>]+>", " ", (tmp_path / "pack.html").read_text(encoding="utf-8")))
    assert "Aucun usage enregistré ce mois-ci." in text
    section = text[text.index("5. Règlement européen"):text.index("6. Questions")]
    rows = re.findall(r"(\d{1,2} \w+ 20\d\d)\s+(.+?)\s+(Art\. [^·]+?) · ([\w-]+)", section)
    # open obligations of the TechVert inventory due before 2027-07-01 (overdue AI literacy included)
    assert [(day, ref) for day, _t, ref, _u in rows].count(("2 février 2025", "Art. 4")) == 8
    assert ("2 août 2026", "Informer les personnes qu'elles échangent avec une IA", "Art. 50(1)",
            "chatbot-support") in rows
