"""The one locale mechanism: message catalogues per language, loaded from package data.

Catalogues live in ``sobria/locales/<lang>/<domain>.json`` as flat ``{"key": "template"}``
objects; templates use ``str.format`` fields. French is the default language.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from sobria.errors import Location, UserInputError

DEFAULT_LANG = "fr"
LANGS = ("fr", "en")


def load_messages(lang: str) -> dict[str, str]:
    """Read every catalogue of ``lang`` into one dictionary (keys must be unique)."""
    if lang not in LANGS:
        raise UserInputError("error.unknown_lang", {"lang": lang, "expected": ", ".join(LANGS)},
                             Location(parameter="--lang"))
    merged: dict[str, str] = {}
    folder = resources.files("sobria") / "locales" / lang
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        data = json.loads(entry.read_text(encoding="utf-8"))
        clash = merged.keys() & data.keys()
        if clash:
            raise ValueError(f"duplicate message keys in {lang}/{entry.name}: {sorted(clash)}")
        merged.update(data)
    return merged


@dataclass(frozen=True)
class Translator:
    """Formats messages for one language."""

    lang: str = DEFAULT_LANG
    messages: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def for_lang(cls, lang: str = DEFAULT_LANG) -> Translator:
        return cls(lang=lang, messages=load_messages(lang))

    def __call__(self, key: str, **params: Any) -> str:
        template = self.messages.get(key)
        if template is None:
            raise KeyError(f"missing message {key!r} in locale {self.lang!r}")
        return template.format(**params)

    def error(self, err: UserInputError) -> str:
        """The full message for a user error, its location first."""
        text = self(err.key, **err.params)
        where = self.location(err.where)
        return f"{where}{text}" if where else text

    def location(self, where: Location) -> str:
        parts: list[str] = []
        if where.file is not None:
            parts.append(where.file if where.line is None else f"{where.file}:{where.line}")
        elif where.line is not None:
            parts.append(self("where.line", line=where.line))
        if where.field is not None:
            parts.append(self("where.field", field=where.field))
        if where.parameter is not None:
            parts.append(self("where.parameter", parameter=where.parameter))
        return ", ".join(parts) + self("where.separator") if parts else ""
