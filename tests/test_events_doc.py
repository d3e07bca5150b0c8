"""docs/events.md documents every column of the canonical schema, with its type."""

from __future__ import annotations

from pathlib import Path

from sobria.events.schema import EVENT_COLUMNS, IMPACT_COLUMNS

DOC = Path(__file__).resolve().parents[1] / "docs" / "events.md"


def test_every_column_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [c.name for c in (*EVENT_COLUMNS, *IMPACT_COLUMNS) if f"| `{c.name}` |" not in text]
    assert missing == []
