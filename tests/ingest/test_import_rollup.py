"""The import adds each batch's sums to the dashboard's rollup (no re-summing of the months it
touched), and the result is exactly what summing every month again from the events gives: on
SQLite (row by row and through ADBC) and on a real PostgreSQL server, over several batches, one
of them older than the events already stored, and a re-import that adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa

from sobria.catalog import Catalog
from sobria.store import Store
from sobria.store.web_rollup import RefreshCounts, read_rollup, refresh_rollup
from sobria.store.web_tables import ROLLUP_KEYS, ROLLUP_SUMS, web_rollup, web_rollup_months
from tests.ingest.support import STORE_KINDS, chunked_store, import_rows

FIRST = (  # February and March
    "e1,2025-02-03T09:00:00Z,alice@techvert.fr,,chat,openai,gpt-4o,chat,100,200,,Rédige un mail,measured\n"
    "e2,2025-02-03T09:02:00Z,alice@techvert.fr,,chat,openai,gpt-4o,chat,120,210,,Plus court,measured\n"
    "e3,2025-03-04T10:00:00Z,bob@techvert.fr,,images,openai,dall-e-3,image,0,0,,,measured\n"
    "e4,2025-03-05T10:00:00Z,carol@techvert.fr,,chat,openai,gpt-99-preview,chat,10,10,,,measured\n"
    "e5,2025-03-20T10:00:00Z,alice@techvert.fr,,chat,openai,gpt-4o-mini,chat,50,60,,Résume,measured\n"
)
SECOND = (  # March again (older and newer than the first batch's newest event), then April
    "f1,2025-03-01T08:00:00Z,alice@techvert.fr,,chat,openai,gpt-4o,chat,333,777,,,measured\n"
    "f2,2025-03-25T08:00:00Z,alice@techvert.fr,,chat,openai,gpt-4o-mini,chat,1,3,,,measured\n"
    "f3,2025-03-25T09:00:00Z,bob@techvert.fr,,chat,anthropic,claude-sonnet-4-5,chat,70,80,,,token-level\n"
    "f4,2025-04-02T09:00:00Z,carol@techvert.fr,,chat,openai,gpt-99-preview,chat,5,5,,,measured\n"
    "f5,2025-04-30T23:59:59Z,dan@techvert.fr,,chat,openai,gpt-4o,chat,10,20,,,measured\n"
)


@pytest.fixture(params=STORE_KINDS)
def ready(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """An initialised store written in chunks of 2 rows: SQLite row by row, SQLite through ADBC, PostgreSQL."""
    with chunked_store(request, tmp_path, monkeypatch, request.param) as store:
        yield store


def _cells(store: Store) -> dict[tuple[object, ...], tuple[object, ...]]:
    """Each cell's sums as the dashboard reads them (its rows added up), exact."""
    frame = read_rollup(store).group_by("month", *ROLLUP_KEYS).agg(
        pl.col(c).sum() if c == "request_count" else pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum())
        for c in ROLLUP_SUMS)
    return {tuple(r[:6]): tuple(r[6:]) for r in frame.iter_rows()}


def _summed_again(store: Store) -> dict[tuple[object, ...], tuple[object, ...]]:
    with store.engine.begin() as conn:
        conn.execute(sa.delete(web_rollup))
        conn.execute(sa.delete(web_rollup_months))
    assert refresh_rollup(store) == RefreshCounts(rebuilt=3, changed=("2025-02", "2025-03", "2025-04"))
    return _cells(store)


def test_batches_add_exactly_what_summing_the_months_again_gives(ready: Store, catalog: Catalog,
                                                                 tmp_path: Path) -> None:
    assert import_rows(ready, catalog, tmp_path / "a", FIRST) == 5
    assert import_rows(ready, catalog, tmp_path / "b", SECOND) == 5
    assert refresh_rollup(ready) == RefreshCounts(unchanged=3)   # the import left nothing to do
    rows = read_rollup(ready)
    assert import_rows(ready, catalog, tmp_path / "a", FIRST) == 0   # the same file again: nothing added
    assert read_rollup(ready).equals(rows)
    added = _cells(ready)
    assert rows.height > len(added)     # March's cells got a row per batch: added, not summed again
    assert sum(v[0] for v in added.values()) == int(ready.read_events()["request_count"].sum()) == 10
    assert len([k for k, v in added.items() if v[-1] is None]) == 2   # the unknown model has no cost
    assert _summed_again(ready) == added
    assert read_rollup(ready).height == len(added)
