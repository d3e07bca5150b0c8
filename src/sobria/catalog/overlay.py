"""Load and validate Sobria's catalogue overlay from package data."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from pydantic import ValidationError

from sobria.catalog.schema import ModelClasses, Overlay

OVERLAY_FILES = (
    "providers", "llm_models", "image_models", "audio_models", "embedding_models", "aliases",
    "prices", "monetary_factors", "fallback_classes", "constants", "model_classes",
)


class CatalogDataError(ValueError):
    """The packaged catalogue is inconsistent: a packaging bug, reported with the file and path."""


def read_overlay() -> Overlay:
    """Read every overlay file and validate the whole overlay at once."""
    folder = resources.files("sobria") / "catalog" / "data"
    raw: dict[str, Any] = {}
    for name in OVERLAY_FILES:
        text = (folder / f"{name}.json").read_text(encoding="utf-8")
        raw[name] = json.loads(text)[name]
    try:
        return Overlay.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        path = ".".join(str(p) for p in first["loc"])
        raise CatalogDataError(f"catalog/data/{first['loc'][0]}.json: {path}: {first['msg']}") from exc


def read_model_classes() -> ModelClasses:
    """Only the model classes (light/heavy models, internal purposes), for code without a catalogue."""
    text = (resources.files("sobria") / "catalog" / "data" / "model_classes.json").read_text(encoding="utf-8")
    return ModelClasses.model_validate(json.loads(text)["model_classes"])
