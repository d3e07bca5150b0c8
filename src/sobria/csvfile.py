"""The one CSV writer: every CSV file Sobria writes (training evidence, reject files...) goes here.

Cells that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return: ``=HYPERLINK(...)``, ``+cmd|' /C calc'!A0``) get a leading apostrophe,
as OWASP recommends for CSV injection; numbers are written as numbers. A file is written whole
or not at all: into a temporary file beside it, then renamed over the target.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from sobria.errors import Location, UserInputError

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def safe_cell(value: Cell) -> Cell:
    """``value``, with an apostrophe before text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The CSV document (``\\n`` line ends), every cell through :func:`safe_cell`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # so that a cell holding a bare CR is quoted too
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue().replace("\r\n", "\n")


def check_writable(path: Path, parameter: str | None = None) -> None:
    """Refuse, before any work, a target that is a directory or in a folder that does not exist."""
    where = Location(file=str(path), parameter=parameter)
    if path.is_dir():
        raise UserInputError("csv.is_directory", {"path": str(path)}, where)
    if not path.parent.is_dir():
        raise UserInputError("csv.no_folder", {"path": str(path.parent)}, where)


def write_text_atomically(path: Path, text: str, parameter: str | None = None) -> None:
    """Write ``text`` to ``path`` whole or not at all (temporary file beside it, then renamed)."""
    check_writable(path, parameter)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]],
              parameter: str | None = None) -> None:
    """:func:`csv_text` written to ``path`` atomically."""
    write_text_atomically(path, csv_text(header, rows), parameter)
