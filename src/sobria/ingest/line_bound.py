"""The longest line a CSV file may have, checked while streaming the file, before it is read whole.

A file of one 200 MB line is not a usage export: reading it would take gigabytes (the text, then
the csv module's buffers) to end with a misleading "quote may be unclosed". The file is scanned
in blocks of at most ``limit + 1`` bytes (memory stays at one block, ``BLOCK_BYTES`` at most) and
the first line longer than the bound is refused with its number and the bound
(``SOBRIA_MAX_LINE_BYTES``, docs/events.md).
"""

from __future__ import annotations

from pathlib import Path

from sobria.errors import Location, UserInputError

MAX_LINE_BYTES = 1_000_000   # the longest line of a real export is ~100 kB (LiteLLM rows with messages)
BLOCK_BYTES = 1 << 24        # the largest block read at a time


def check_line_lengths(path: Path, limit: int = MAX_LINE_BYTES) -> None:
    """Raise :class:`UserInputError` naming the first line of ``path`` longer than ``limit`` bytes.

    A line that starts and ends inside one block is at most ``len(block) - 2 < limit`` bytes long,
    so only the line under way at each block boundary is counted: ``find``, ``count`` and ``rfind``
    per block, no line is ever split out.
    """
    current = 0   # bytes of the line under way
    line = 1      # its number
    with path.open("rb") as handle:
        while block := handle.read(min(limit + 1, BLOCK_BYTES)):
            first = block.find(b"\n")
            if first < 0:
                current += len(block)
                if current > limit:
                    _refuse(path, line, limit)
                continue
            if current + first > limit:
                _refuse(path, line, limit)
            line += block.count(b"\n")
            current = len(block) - block.rfind(b"\n") - 1
    if current > limit:
        _refuse(path, line, limit)


def _refuse(path: Path, line: int, limit: int) -> None:
    raise UserInputError("ingest.line_over_bound", {"line": line, "limit": limit},
                         Location(file=str(path), line=line))
