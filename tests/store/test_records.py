"""People have two meanings, one per writer: the roster replaces, everything else adds the missing."""

from __future__ import annotations

import datetime as dt

import polars as pl

from sobria.store import Store
from sobria.store.records import PersonRow, TrainingRow
from sobria.store.store import BatchRecord


def test_the_roster_replaces_and_other_writers_only_add_the_missing(store: Store) -> None:
    store.add_missing_people([PersonRow("p1", "ventes"), PersonRow("p2", None)])
    store.add_missing_people([PersonRow("p1", "rh"), PersonRow("p3", "rh", "stagiaire")])
    assert store.people_teams() == {"p1": "ventes", "p2": None, "p3": "rh"}
    assert store.teams() == {"ventes", "rh"}
    store.write_batch(BatchRecord("b1", "test", "x.csv", 0, 0, 0), pl.DataFrame(), ["conseil"],
                      [PersonRow("p1", "conseil", "associée")])   # sobria import with its people file
    assert store.people_teams() == {"p1": "conseil", "p2": None, "p3": "rh"}
    assert store.event_span_us() == (None, None)


def test_training_records_and_committee_log(store: Store) -> None:
    day = dt.date(2025, 3, 3)
    assert store.write_training([TrainingRow("p9", "sobriete", day, "completed")], [PersonRow("p9", "rh")]) == 1
    store.write_training([TrainingRow("p9", "sobriete", day, "attended", "s1")], [])
    assert store.training_records() == [TrainingRow("p9", "sobriete", day, "attended", "s1")]
    assert store.people_teams() == {"p9": "rh"}
    entry = store.add_committee_entry("question", "Peut-on utiliser X ?", day, "rh")
    assert store.committee_entry_day(entry) == day and store.committee_entry_day(entry + 1) is None
    store.decide_committee_entry(entry, "Oui", day)
    (row,) = store.committee_entries()
    assert (row["kind"], row["team"], row["decision"], row["decided_on"]) == ("question", "rh", "Oui", "2025-03-03")
