"""The validation table of docs/methodology.md is exactly what the code computes today."""

from __future__ import annotations

from pathlib import Path

import pytest

from sobria.catalog import Catalog
from sobria.impact.validation import REFERENCES, markdown_table, rows

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"
START, END = "<!-- validation-table:start -->\n", "<!-- validation-table:end -->"


def embedded_table() -> str:
    text = DOC.read_text(encoding="utf-8")
    return text[text.index(START) + len(START):text.index(END)].rstrip("\n")


def test_methodology_embeds_the_current_table(catalog: Catalog) -> None:
    assert embedded_table() == markdown_table(catalog), "run: python benchmarks/validation_table.py"


def test_every_reference_named_in_issue_15_is_in_the_table() -> None:
    labels = " ".join(r.label for r in REFERENCES)
    for source in ("Google", "OpenAI", "Epoch AI", "Jegham", "Mistral AI LCA", "ML.ENERGY v3", "AI Energy Score",
                   "Luccioni", "MIT Technology Review"):
        assert source in labels


def test_inside_count_and_golden_ratios(catalog: Catalog) -> None:
    table = {r.reference.label: r for r in rows(catalog)}
    assert sum(r.inside for r in table.values()) == 5
    assert sum(r.ratio > 2 for r in table.values()) == 9
    assert sum(r.measured_inside for r in table.values()) == 15
    assert [r.reference.label for r in table.values() if r.measured_ratio > 2] == [
        "Google, Aug 2025: median Gemini Apps prompt, water"]
    fp8 = table["ML.ENERGY v3: Llama 3.1 405B FP8, per output token"]
    assert fp8.ratio == pytest.approx(3.79, abs=0.005)   # 8 GPUs for FP8 weights, not EcoLogits' 16
    assert (fp8.measured.min, fp8.measured.max) == pytest.approx((2.063, 8.434), rel=1e-3)
    sdxl = table["ML.ENERGY v2: SDXL 1024², 50 steps"]
    assert (sdxl.sobria.min, sdxl.sobria.central, sdxl.sobria.max) == pytest.approx((0.60, 0.99, 1.64))
    google_water = table["Google, Aug 2025: median Gemini Apps prompt, water"]
    assert google_water.sobria.min == pytest.approx(0.396, rel=2e-3)
