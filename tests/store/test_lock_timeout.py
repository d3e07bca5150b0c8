"""The store's write lock held by another process past ``SOBRIA_LOCK_TIMEOUT_S``: exit 2 with a
clear message, nothing written, on both write paths (SQLAlchemy and the ADBC bulk loader)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.cli import Sobria, sobria_in

from sobria.store import sqlite_load

HOLDER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.read()
db.execute("ROLLBACK")
"""


@pytest.fixture
def sobria(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Sobria:
    return sobria_in(tmp_path, monkeypatch, capsys)


@pytest.fixture
def locked(sobria: Sobria) -> Iterator[None]:
    """Another process holds the write lock of the store until the test ends."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(sobria.folder / "sobria.db")],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "locked\n"
        yield
    finally:
        holder.communicate("", timeout=30)


@pytest.mark.usefixtures("locked")
@pytest.mark.parametrize("path", ["sqlalchemy", "adbc"])
def test_a_lock_held_past_the_timeout_is_exit_2_and_nothing_is_written(
        sobria: Sobria, monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    if path == "adbc":
        monkeypatch.setattr(sqlite_load, "LOAD_MIN_ROWS", 1)
    monkeypatch.setenv("SOBRIA_LOCK_TIMEOUT_S", "0.3")
    (sobria.folder / "e.csv").write_text("ts,person,model,operation,input_tokens,output_tokens\n"
                                         "2025-01-02T10:00:00Z,a@x.fr,gpt-4o,chat,1,1\n")
    before = sobria.dump_hash()
    started = time.monotonic()
    code, err = sobria("import", "events", "e.csv")
    elapsed = time.monotonic() - started
    assert code == 2 and "Traceback" not in err, err
    assert "paramètre SOBRIA_DB : la base « " in err
    assert "est verrouillée par une autre écriture (import, passerelle) au-delà du délai d'attente" in err
    assert elapsed < 15  # the 0.3 s timeout, not the 30 s default (the rest: loading the catalogue)
    assert sobria.dump_hash() == before


def test_the_lock_timeout_must_be_a_positive_finite_number(sobria: Sobria, monkeypatch: pytest.MonkeyPatch) -> None:
    for value in ("nan", "0", "-1", "inf"):
        monkeypatch.setenv("SOBRIA_LOCK_TIMEOUT_S", value)
        code, err = sobria("import", "events", "e.csv")
        assert code == 2 and "SOBRIA_LOCK_TIMEOUT_S" in err and "Traceback" not in err, err
