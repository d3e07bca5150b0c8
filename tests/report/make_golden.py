"""Regenerate the report's golden file: ``python -m tests.report.make_golden`` (then look at the diff)."""

from __future__ import annotations

from pathlib import Path

from tests.report.report_sample import sample_result

from sobria.catalog import load_catalog
from sobria.i18n import Translator
from sobria.report import render_html

GOLDEN = Path(__file__).resolve().parents[1] / "data" / "report" / "golden.fr.html"
CLAIMED_T = 2.4


def golden_html() -> str:
    return render_html(sample_result(), Translator.for_lang("fr"), "fr", CLAIMED_T, catalog=load_catalog())


if __name__ == "__main__":
    GOLDEN.parent.mkdir(parents=True, exist_ok=True)
    GOLDEN.write_text(golden_html(), encoding="utf-8")
