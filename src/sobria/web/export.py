"""The explorer's aggregated table as a file: CSV (:mod:`sobria.csvfile`) or XLSX (openpyxl).

Both carry exactly the rows of the page (the masked row included as ``*``, never a smaller
group) and both neutralise text a spreadsheet would run as a formula with the CSV writer's own
rule (:func:`sobria.csvfile.safe_cell`): a team named ``=HYPERLINK(...)`` stays text.
"""

from __future__ import annotations

import io

from openpyxl import Workbook

from sobria.csvfile import Cell, csv_text, safe_cell
from sobria.web.figures import Table

COLUMNS = ("key", "requests", "gwp", "gwp_min", "gwp_max", "energy_min", "energy_max", "cost_eur")
XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(table: Table) -> list[str]:
    return [table.by, *COLUMNS[1:]]


def _short(value: object) -> Cell:
    """Numbers to six significant digits (``5``, ``2.5``), text as text."""
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        rounded = float(f"{value:.6g}")
        return int(rounded) if rounded.is_integer() else rounded
    return str(value)


def table_csv(table: Table) -> str:
    return csv_text(_header(table), [[_short(row[c]) for c in COLUMNS] for row in table.rows])


def table_xlsx(table: Table) -> bytes:
    """One sheet named after the grouping, the header in the first row, numbers as numbers."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(table.by)
    sheet.append([safe_cell(h) for h in _header(table)])
    for row in table.rows:
        sheet.append([safe_cell(row[c] if isinstance(row[c], int | float) else str(row[c])) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
