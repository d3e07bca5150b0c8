"""Team budget reservations, one conditional UPDATE each, on a connection of their own.

A reservation is ``UPDATE … SET reserved_ug = reserved_ug + :estimate WHERE team = :team AND month =
:month AND spent_ug + reserved_ug + :estimate <= :limit RETURNING …`` committed at once: the
database serialises concurrent updates of the row (SQLite's write lock, PostgreSQL's row lock with
the condition re-checked), so requests in one process or in several sharing a store cannot reserve
past the limit.

It runs on the gateway's request path, so it goes straight to the driver on one long-lived
connection, used by one thread: about 25 µs of CPU on SQLite, against about 950 µs through the
engine (connection checkout, statement building, transaction bookkeeping), measured on the
development machine. A ledger opened with ``wait=False`` (SQLite only) never waits for the write
lock: when another connection holds it (the journal drain writing a batch) it raises
:class:`LedgerBusyError` at once, so that the caller can run it from a thread with a ledger that
waits; it also leaves WAL checkpoints (an fsync) to the other connections.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

from sqlalchemy.engine import Engine

from sobria.store.gateway_store import Reservation

_RESERVE = ("UPDATE gateway_budgets SET reserved_ug = reserved_ug + {p} WHERE team = {p} AND month = {p}"
            " RETURNING spent_ug, reserved_ug")
_RESERVE_WITHIN = ("UPDATE gateway_budgets SET reserved_ug = reserved_ug + {p} WHERE team = {p} AND month = {p}"
                   " AND spent_ug + reserved_ug + {p} <= {p} RETURNING spent_ug, reserved_ug")
_READ = "SELECT spent_ug, reserved_ug FROM gateway_budgets WHERE team = {p} AND month = {p}"
_CREATE = ("INSERT INTO gateway_budgets (team, month, reserved_ug, spent_ug) VALUES ({p}, {p}, 0, 0)"
           " ON CONFLICT (team, month) DO NOTHING")


class LedgerBusyError(Exception):
    """A ledger that does not wait found the store's write lock taken (nothing was reserved)."""


class BudgetLedger:
    """Reserves budget; meant for the one thread that first uses it, which owns the connection."""

    def __init__(self, engine: Engine, wait: bool = True) -> None:
        if not wait and engine.dialect.name != "sqlite":
            raise ValueError("only a SQLite ledger can refuse to wait")
        self._engine = engine
        self.wait = wait
        mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
        self._reserve, self._within, self._read, self._create = (
            sql.format(p=mark) for sql in (_RESERVE, _RESERVE_WITHIN, _READ, _CREATE))
        self._conn: Any = None
        self._owner: int | None = None

    def reserve(self, team: str, month: str, estimate_ug: int, limit_ug: int | None) -> Reservation:
        """Reserve ``estimate_ug`` for the team's month; with a limit, only if the total stays within it."""
        conn = self._connection()
        for _attempt in range(2):
            try:
                cur = conn.cursor()
                if limit_ug is None:
                    cur.execute(self._reserve, (estimate_ug, team, month))
                else:
                    cur.execute(self._within, (estimate_ug, team, month, estimate_ug, limit_ug))
                row = cur.fetchone()
                if row is None:
                    cur.execute(self._read, (team, month))
                    current = cur.fetchone()
                    if current is None:
                        cur.execute(self._create, (team, month))
                        conn.commit()
                        continue
                conn.commit()
            except sqlite3.OperationalError as exc:
                conn.rollback()
                if not self.wait and ("locked" in str(exc) or "busy" in str(exc)):
                    raise LedgerBusyError(str(exc)) from None
                raise
            except BaseException:
                conn.rollback()
                raise
            if row is not None:
                return Reservation(True, int(row[0]), int(row[1]))
            return Reservation(False, int(current[0]), int(current[1]))
        raise RuntimeError("budget row missing after insert")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _connection(self) -> Any:
        if self._conn is None:
            self._conn = self._engine.raw_connection()  # the store's pragmas (busy timeout) apply
            self._owner = threading.get_ident()
            if not self.wait:
                cur = self._conn.cursor()
                cur.execute("PRAGMA busy_timeout=0")
                cur.execute("PRAGMA wal_autocheckpoint=0")
                cur.close()
        if self._owner != threading.get_ident():
            raise RuntimeError("a BudgetLedger is used by the thread that opened it only")
        return self._conn
