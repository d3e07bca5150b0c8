"""What a format parser returns: canonical rows plus the errors found, each with its location.

Contract for every parser in ``sobria.ingest.formats``:

* ``parse(path: Path, options: ParseOptions) -> Parsed``; pure apart from reading ``path``.
  A parser may also offer ``parse_chunks(path, options, rows_per_chunk) -> ParsedChunks``
  (the same rows and errors, chunk by chunk) so that a large file is imported as it is read.
* ``Parsed.frame`` has the canonical columns (``sobria.events.schema.conform``) plus ``_line``
  (the 1-based line, or record number for JSON, in the source file) so that later validation can
  point at the source. ``person`` holds the RAW identifier as the source gives it (an e-mail, a
  user id): the pipeline maps it to a team and pseudonymises it. ``prompt_text`` holds raw prompt
  text when the source has some: the pipeline fingerprints it and drops it unless keeping text is
  enabled. ``event_id`` may be null: the pipeline then derives a stable hash of the row.
* A row that cannot be read is NOT in ``frame``: it is in ``errors`` with file, line, field and a
  message key (``ingest.*`` in the locale catalogues) with its parameters. A file that cannot be
  read at all (missing, wrong encoding, truncated JSON, missing required column) raises
  ``UserInputError`` naming the file.
* A parser that makes ``event_id`` itself from the row's identity (an aggregated source without
  ids: :func:`sobria.ingest.reading.stable_id`) sets the column :data:`DERIVED_ID` to true, so that
  two such rows are reported as identical rows, not as a repeated ``event_id`` the file lacks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl

from sobria.errors import Location, UserInputError

DERIVED_ID = "_id_derived"  # true where the id was made by Sobria (a hash of the row): the file has none


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    field: str | None
    key: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_error(self) -> UserInputError:
        return UserInputError(self.key, self.params, Location(file=self.file, line=self.line, field=self.field))


@dataclass(frozen=True)
class ParseOptions:
    """Options a parser may need. Defaults are documented in docs/events.md."""

    tool: str | None = None
    tokens_per_message_in: int = 400     # chatgpt-enterprise: documented assumption
    tokens_per_message_out: int = 350
    working_days_per_month: int = 21     # survey: uses per day -> events per month
    survey_month: str | None = None      # survey: the month the answers describe, YYYY-MM
    max_line_bytes: int = 1_000_000      # longest line of a CSV or JSON Lines file (SOBRIA_MAX_LINE_BYTES)


@dataclass
class Parsed:
    frame: pl.DataFrame
    errors: list[RowError] = dataclasses.field(default_factory=list)


@dataclass(frozen=True)
class ParsedChunks:
    """A file parsed chunk by chunk (each chunk read when it is needed), in file order.

    ``rows`` is known before the first chunk: the rows to come, or more (a CSV file's data lines,
    blank and bad lines included).
    """

    rows: int
    chunks: Iterator[Parsed]
