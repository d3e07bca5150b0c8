"""Settings are declared once and documented in docs/settings.md."""

from __future__ import annotations

from pathlib import Path

from sobria.settings import Settings

DOC = Path(__file__).resolve().parents[1] / "docs" / "settings.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [name for name in Settings.model_fields if f"`SOBRIA_{name.upper()}`" not in text]
    assert missing == []


def test_the_minimum_group_size_is_documented_with_its_default() -> None:
    from sobria.privacy.groups import MIN_GROUP

    row = next(line for line in DOC.read_text(encoding="utf-8").splitlines() if "`SOBRIA_MIN_GROUP`" in line)
    assert row.split("|")[3].strip() == f"`{Settings().min_group}`" == f"`{MIN_GROUP}`"
