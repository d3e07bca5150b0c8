"""The ethics committee's log: questions and exception requests, and the decisions taken.

An entry is ``(logged_on, kind, team, text)``; the committee later records its ``decision`` and
``decided_on``. Entries name a team at most, never a person (the committee reviews uses, not people).
The monthly pack shows the entries logged since the last meeting, those decided since then and
every entry still waiting for a decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from sobria.errors import Location, UserInputError
from sobria.store import Store

Kind = Literal["question", "exception"]
KINDS: tuple[Kind, ...] = ("question", "exception")
MAX_TEXT = 2000


@dataclass(frozen=True)
class LogEntry:
    id: int
    logged_on: dt.date
    kind: Kind
    text: str
    team: str | None = None
    decision: str | None = None
    decided_on: dt.date | None = None

    @property
    def open(self) -> bool:
        return self.decision is None


def check_entry(kind: str, text: str) -> Kind:
    """The kind, checked; a bad kind or an empty or overlong text is a user error."""
    if kind not in KINDS:
        raise UserInputError("gov.committee.bad_kind", {"value": kind, "expected": ", ".join(KINDS)},
                             Location(parameter="--kind"))
    if not text.strip():
        raise UserInputError("gov.committee.empty_text", {}, Location(parameter="TEXT"))
    if len(text) > MAX_TEXT:
        raise UserInputError("gov.committee.long_text", {"max": MAX_TEXT, "length": len(text)},
                             Location(parameter="TEXT"))
    return "question" if kind == "question" else "exception"


def add_entry(store: Store, kind: str, text: str, logged_on: dt.date, team: str | None = None) -> int:
    """Log a question or an exception request; returns its number."""
    checked = check_entry(kind, text)
    return store.add_committee_entry(checked, text.strip(), logged_on, team)


def decide_entry(store: Store, entry_id: int, decision: str, decided_on: dt.date) -> None:
    """Record the committee's decision on entry ``entry_id`` (replacing an earlier one)."""
    if not decision.strip():
        raise UserInputError("gov.committee.empty_decision", {}, Location(parameter="DECISION"))
    logged = store.committee_entry_day(entry_id)
    if logged is None:
        raise UserInputError("gov.committee.unknown_entry", {"id": entry_id}, Location(parameter="ID"))
    if decided_on < logged:
        raise UserInputError("gov.committee.decided_before", {"decided": decided_on.isoformat(),
                                                              "logged": logged.isoformat()},
                             Location(parameter="--date"))
    store.decide_committee_entry(entry_id, decision.strip(), decided_on)


def read_entries(store: Store) -> list[LogEntry]:
    return [LogEntry(int(r["id"]), dt.date.fromisoformat(r["logged_on"]),
                     "question" if r["kind"] == "question" else "exception", r["text"], r["team"], r["decision"],
                     dt.date.fromisoformat(r["decided_on"]) if r["decided_on"] else None)
            for r in store.committee_entries()]


def entries_since(entries: Sequence[LogEntry], since: dt.date, until: dt.date) -> list[LogEntry]:
    """Entries logged or decided in [since, until], and those still open (logged before ``until``)."""
    def shown(e: LogEntry) -> bool:
        if e.logged_on > until:
            return False
        decided_now = e.decided_on is not None and since <= e.decided_on <= until
        return e.logged_on >= since or decided_now or e.decided_on is None or e.decided_on > until
    return [e for e in entries if shown(e)]
