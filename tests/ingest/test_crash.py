"""An import killed with SIGKILL mid-way leaves the store exactly as it was."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROWS = 300_000


def _write_events(path: Path, n: int, prefix: str) -> None:
    rng = np.random.default_rng(7)
    pl.DataFrame({
        "event_id": [f"{prefix}{i}" for i in range(n)],
        "ts": pl.datetime_range(pl.datetime(2025, 1, 1, time_zone="UTC"), pl.datetime(2025, 6, 30, time_zone="UTC"),
                                interval="1s", eager=True)[:n],
        "person": [f"user{i % 40}@techvert.fr" for i in range(n)],
        "model": np.where(rng.random(n) < 0.5, "gpt-4o", "gpt-4o-mini"),
        "provider": "openai", "operation": "chat",
        "input_tokens": rng.integers(10, 3000, n), "output_tokens": rng.integers(10, 1000, n),
    }).write_csv(path)


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "SOBRIA_DB": f"sqlite:///{tmp_path / 'sobria.db'}",
            "SOBRIA_SECRET_FILE": str(tmp_path / "secret.key")}


def _rows(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT event_id, output_tokens FROM events ORDER BY event_id").fetchall()


def test_sigkill_during_import_leaves_the_store_unchanged(tmp_path: Path) -> None:
    env = _env(tmp_path)
    sobria = [sys.executable, "-m", "sobria"]
    subprocess.run([*sobria, "init"], env=env, check=True, capture_output=True)
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    _write_events(small, 50, "before-")
    _write_events(big, ROWS, "big-")
    subprocess.run([*sobria, "import", "events", str(small)], env=env, check=True, capture_output=True)
    db = tmp_path / "sobria.db"
    before = _rows(db)
    assert len(before) == 50
    wal = tmp_path / "sobria.db-wal"
    start_size = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen([*sobria, "import", "events", str(big)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > start_size + 4 * 2**20:  # the batch is being written
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the import finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _rows(db) == before
    # and the store still works: the same import now goes through completely
    done = subprocess.run([*sobria, "import", "events", str(big)], env=env, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert len(_rows(db)) == 50 + ROWS
