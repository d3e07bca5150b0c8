"""The HTML report on a 375 px phone (Debian's Chromium through Playwright): nothing wider than the screen."""

from __future__ import annotations

from pathlib import Path

from tests.report.make_golden import GOLDEN

CHROMIUM = "/usr/bin/chromium"


def test_cards_reflow_on_a_375_px_phone(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "rapport.html"
    page_file.write_text(GOLDEN.read_text(encoding="utf-8"), encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.goto(page_file.as_uri())
            boxes = page.eval_on_selector_all(".card", "cs => cs.map(c => c.getBoundingClientRect().toJSON())")
            width = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    assert width == 375
    # one card per line, each inside the screen, stacked top to bottom
    assert [round(b["left"]) for b in boxes] == [13] * 4
    assert all(b["right"] <= 375 for b in boxes)
    tops = [b["top"] for b in boxes]
    assert tops == sorted(tops) and len(set(tops)) == 4
