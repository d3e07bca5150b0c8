"""A generated store with its partitions, shared by the scale tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from sobria.analytics.partitions import PartitionSet
from sobria.store import open_store
from sobria.store.store import BatchRecord, PersonRow, Store
from sobria.store.tables import event_column_names


def stored(path: Path, frame: pl.DataFrame) -> Store:
    """A SQLite store at ``path`` holding ``frame``'s events (a team per person in ``people``)."""
    store = open_store(f"sqlite:///{path}")
    store.migrate()
    store.init_organisation("Groupe", "k" * 64)
    persons = frame.select("person", "team").drop_nulls("person").unique("person").sort("person")
    store.write_batch(BatchRecord("synthetic", "test", "-", 0, frame.height, 0), frame.select(event_column_names()),
                      set(persons["team"].to_list()), [PersonRow(p, t) for p, t in persons.iter_rows()])
    return store


def partitioned(store: Store, path: Path) -> PartitionSet:
    parts = PartitionSet.enable(path)
    events = store.read_events()
    months = sorted(set(events["ts"].dt.strftime("%Y-%m").to_list()))
    parts.refresh(store, months)
    return parts


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, PartitionSet]:
    """The demo company's store (made by ``sobria demo``) and its partitions."""
    folder = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOBRIA_")}
    out = subprocess.run([sys.executable, "-m", "sobria", "demo"], cwd=folder, env=env, capture_output=True,
                         text=True, check=False, timeout=300)
    assert out.returncode == 0, out.stderr
    path = folder / "sobria.db"
    return path, partitioned(open_store(f"sqlite:///{path}"), path)
