"""Small helpers shared by the format parser tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sobria.errors import UserInputError
from sobria.ingest.parsed import Parsed, ParseOptions

DATA = Path(__file__).parents[2] / "data" / "ingest"
OPTIONS = ParseOptions()


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def errors(parsed: Parsed) -> list[tuple[int, str | None, str, dict[str, Any]]]:
    return [(e.line, e.field, e.key, e.params) for e in parsed.errors]


def rows(parsed: Parsed, *columns: str) -> list[dict[str, Any]]:
    return parsed.frame.select(*columns).to_dicts()


def user_error(excinfo: pytest.ExceptionInfo[UserInputError]) -> tuple[str, str | None, int | None, str | None]:
    err = excinfo.value
    return err.key, err.where.file, err.where.line, err.where.field
