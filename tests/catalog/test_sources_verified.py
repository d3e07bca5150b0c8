"""No catalogue value rests on memory: each note says verified, derived, or unverified and why."""

from __future__ import annotations

import json
from importlib import resources


def _notes(value: object) -> list[str]:
    if isinstance(value, dict):
        return [n for v in value.values() for n in _notes(v)]
    if isinstance(value, list):
        return [n for v in value for n in _notes(v)]
    return [value] if isinstance(value, str) else []


def test_no_catalogue_source_is_tagged_from_memory() -> None:
    folder = resources.files("sobria") / "catalog" / "data"
    offenders = []
    for entry in folder.iterdir():
        if entry.name.endswith(".json"):
            for text in _notes(json.loads(entry.read_text(encoding="utf-8"))):
                if "from memory" in text.lower():
                    offenders.append((entry.name, text[:80]))
    assert offenders == []
