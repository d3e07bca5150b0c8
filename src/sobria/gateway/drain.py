"""Draining the journal into the store, in batches, off the request path.

Each batch of lines becomes events through the import's own builder and checks
(:func:`sobria.ingest.event_rows.event_rows`); one transaction (:meth:`Store.write_gateway_batch`)
stores the new events, the outcome of every request, the budget settlements of those new
requests only, and the checkpoint (generation, offset) of the slot. A request already stored is
skipped, so a replay after a crash adds nothing; a crash anywhere leaves either all of it or none.
An event the checks reject (a provider reporting ten billion tokens) is not stored: its outcome row
says why, its reservation is settled all the same, and the log names the field.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sobria.analytics.drained import write_drained
from sobria.events.semantic import SemanticModel, fill_from_journal
from sobria.gateway.budgets import Settlement
from sobria.ingest.event_rows import event_rows
from sobria.store import BudgetMove, GatewayBatch, Store
from sobria.store.records import PersonRow

log = logging.getLogger("sobria.gateway")
REJECTED_ERROR = "invalid_event"


class Slot(Protocol):
    """What the drain needs of a journal slot (the appending :class:`Journal` or a reader)."""

    @property
    def name(self) -> str: ...

    def current_generation(self) -> str: ...

    def size(self) -> int: ...

    def read(self, offset: int) -> tuple[list[bytes], int]: ...


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Drainer:
    """Moves journal lines into the store; remembers how far it got."""

    store: Store
    journal: Slot
    batch_lines: int = 2000
    offset: int = -1
    generation: str = ""
    stored: int = 0
    skipped: int = 0
    rejected: int = 0
    now: Callable[[], dt.datetime] = field(default=_utc_now, repr=False)
    semantic: SemanticModel | None = None

    def load_checkpoint(self) -> None:
        self.generation = self.journal.current_generation()
        row = self.store.checkpoint(self.journal.name)
        same = row is not None and row[0] == self.generation and row[1] <= self.journal.size()
        self.offset = row[1] if same and row is not None else 0

    def drain_once(self) -> int:
        """Store the next batch of complete lines; returns the lines consumed (0: caught up)."""
        if self.offset < 0 or self.journal.current_generation() != self.generation:
            self.load_checkpoint()
        lines, end = self.journal.read(self.offset)
        if not lines:
            return 0
        lines = lines[: self.batch_lines]
        if len(lines) == self.batch_lines:
            end = self.offset + sum(len(line) + 1 for line in lines)
        parsed = [(n, _parse(line)) for n, line in enumerate(lines)]
        fill_from_journal([r for _, r in parsed if r is not None], self.semantic)  # journalled text off
        records = [(n, r) for n, r in parsed if r is not None]
        batch = self._batch([r for _, r in records], [n for n, _ in records], end)
        inserted, known = self.store.write_gateway_batch(batch)
        write_drained(self.store, batch.events)  # analysis partitions, once committed
        self.offset = end
        self.stored += inserted
        self.skipped += known
        return len(lines)

    def _batch(self, records: Sequence[dict[str, Any]], lines: Sequence[int], end: int) -> GatewayBatch:
        """The events (checked as any import), outcomes, budget moves and people of ``records``."""
        events, errors = event_rows([r["event"] for r in records], self.journal.name, lines, self.now())
        # a line journaled before a column existed lacks it: every row has every column
        outcomes = [{"event_id": r["event"]["event_id"], "purpose_source": None, "endpoint": None,
                     **r["gw"]["outcome"]}
                    for r in records]
        by_line = dict(zip(lines, outcomes, strict=True))
        for error in errors:  # never an event the checks refuse, but the request's outcome all the same
            outcome = by_line[error.line]
            log.warning("journal: event %s not stored (%s: %s %s)", outcome["event_id"], error.field, error.key,
                        error.params)
            outcome["error"] = (outcome.get("error") or f"{REJECTED_ERROR}:{error.field}")[:64]
        self.rejected += len({e.line for e in errors})
        persons = {str(r["event"]["person"]): r["event"].get("team") for r in records if r["event"].get("person")}
        return GatewayBatch(events=events, outcomes=outcomes, moves=_moves(records),
                            persons=[PersonRow(p, t) for p, t in sorted(persons.items())],
                            journal=self.journal.name, generation=self.generation, offset=end)


def _moves(records: Sequence[dict[str, Any]]) -> dict[str, BudgetMove]:
    moves = {}
    for r in records:
        reservation = r["gw"].get("reservation")
        if reservation:
            team, month, estimate = reservation
            moves[str(r["event"]["event_id"])] = Settlement(str(team), str(month), float(estimate),
                                                            float(r["gw"]["actual_kgco2e"])).move()
    return moves


def _parse(line: bytes) -> dict[str, Any] | None:
    if not line.strip():
        return None
    try:
        record = json.loads(line)
    except ValueError:
        log.warning("journal: skipped a damaged line (%d bytes)", len(line))
        return None
    return record if isinstance(record, dict) and "event" in record else None
