"""The hook the gateway's drain calls once a batch of events is committed to the store: the same
events added to the month partitions when the store has them (idempotent by ``event_id``, so a
replayed batch adds nothing). Called after the commit, so that the partitions never hold an event
the store does not; a crash between the two leaves the partitions short, which the audit sees
(different counts) and answers by reading the store. Each call rewrites the months it touches:
fine for the batches of one install's gateway; a large group's gateway writes to ClickHouse."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from sobria.analytics.partitions import SUFFIX, PartitionSet, event_dtypes
from sobria.store import Store

log = logging.getLogger("sobria.gateway")


def write_drained(store: Store, events: pl.DataFrame | Sequence[Mapping[str, Any]]) -> int:
    """Add the drained ``events`` (store rows: ``ts_us``, impacts, ``batch_id``; a frame or rows) to
    the partitions beside the store, when enabled; return how many were new there."""
    file = store.sqlite_file()
    root = None if file is None else Path(str(file) + SUFFIX)
    if root is None or not root.is_dir() or len(events) == 0:
        return 0
    dtypes = event_dtypes()
    if isinstance(events, pl.DataFrame):
        frame = events.select(pl.col(name).cast(dtype) if name in events.columns else pl.lit(None, dtype).alias(name)
                              for name, dtype in dtypes.items())
    else:
        frame = pl.DataFrame({name: [row.get(name) for row in events] for name in dtypes}, schema=dtypes)
    try:
        return sum(PartitionSet(root).write(frame).values())
    except OSError as err:   # disk full, permissions: the store has the events, the audit will read it
        log.warning("analysis partitions not written (%s): the audit reads the store until "
                    "`sobria partitions enable` rewrites them", err)
        return 0
