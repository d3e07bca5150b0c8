"""The charter document: golden Markdown and HTML in French and English, a two-page PDF."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

import pytest

from sobria.i18n import Translator
from sobria.policy.charter import charter_view, pdf_page_count, render_charter, render_pdf
from sobria.policy.loader import load_policy
from sobria.policy.schema import Policy

DATA = Path(__file__).parents[1] / "data" / "policy"
GOLDEN = DATA / "golden"


def _policy() -> Policy:
    return load_policy(DATA / "valid.yaml")


@pytest.mark.parametrize(("lang", "fmt"), [("fr", "md"), ("fr", "html"), ("en", "md"), ("en", "html")])
def test_golden_charter(lang: str, fmt: str) -> None:
    rendered = render_charter(_policy(), Translator.for_lang(lang), fmt)  # type: ignore[arg-type]
    assert rendered == (GOLDEN / f"charter.{lang}.{fmt}").read_text(encoding="utf-8")


def test_charter_states_the_principle_and_the_case_study_rules() -> None:
    text = render_charter(_policy(), Translator.for_lang("fr"), "md")
    assert "> **L'IA est un outil, pas un réflexe.**" in text
    assert "- Par défaut, un modèle léger : gpt-4o-mini.\n" in text
    assert "- Pas d'images générées pour : documents internes (notes, présentations internes).\n" in text
    assert "**TechVert — version 1.0 du 15 mars 2025**" in text
    assert [s.title for s in charter_view(_policy(), Translator.for_lang("fr")).sections] == [
        "Des outils choisis",
        "Le bon modèle pour le bon usage",
        "Des images avec parcimonie",
        "Des données protégées",
        "Une requête précise plutôt que dix versions",
        "Un budget carbone IA par équipe",
        "Transparence",
        "Conservation et vie privée",
        "Un comité éthique",
        "Une formation pour tous",
    ]


def test_html_is_self_contained() -> None:
    html = render_charter(_policy(), Translator.for_lang("fr"), "html")
    assert re.findall(r"https?://|src=|href=|url\(|@import", html) == []
    assert html.startswith('<!DOCTYPE html>\n<html lang="fr">')


def test_policy_text_is_escaped_in_html() -> None:
    policy = _policy()
    policy = policy.model_copy(
        update={"organisation": policy.organisation.model_copy(update={"name": "<script>x</script> & Cie"})}
    )
    html = render_charter(policy, Translator.for_lang("fr"), "html")
    assert "<script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt; &amp; Cie" in html


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pdf_is_a_valid_two_page_a4_document(lang: str) -> None:
    pdf = render_pdf(_policy(), Translator.for_lang(lang))
    assert pdf.startswith(b"%PDF-1.")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert pdf_page_count(pdf) == 2
    objects = _inflated(pdf)
    assert re.findall(rb"/MediaBox \[0 0 (\d+)\.?\d* (\d+)", objects) == [(b"595", b"841")] * 2  # A4 in points
    fonts = sorted(set(re.findall(rb"/FontName /[A-Z]{6}\+([\w-]+)", objects)))
    assert fonts == [b"DejaVu-Sans", b"DejaVu-Sans-Bold", b"DejaVu-Sans-Oblique"]  # offline fonts, embedded


def _inflated(pdf: bytes) -> bytes:
    """The PDF's Flate-compressed streams, decompressed (font programs may not inflate: skipped)."""
    parts = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def test_pdf_page_count_reads_plain_page_objects() -> None:
    fake = b"%PDF-1.7\n1 0 obj <</Type /Pages /Count 3>>\n2 0 obj <</Type /Page>>\n3 0 obj <</Type/Page>>\n%%EOF"
    assert pdf_page_count(fake) == 2
