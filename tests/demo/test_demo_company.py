from __future__ import annotations

import re

import polars as pl

from sobria.demo import DemoData
from sobria.demo.company import Profile, Team, build_roster, email_for
from sobria.demo.dice import Dice
from sobria.demo.timeline import CHARTER, TIME_ZONE


def _local_day() -> pl.Expr:
    return pl.col("ts").dt.convert_time_zone(TIME_ZONE).dt.date()


def test_roster_has_45_people_in_5_teams() -> None:
    roster = build_roster(Dice(2025))
    sizes = {team: sum(p.team is team for p in roster) for team in Team}
    assert sizes == {Team.MARKETING: 9, Team.SALES: 12, Team.SUPPORT: 11, Team.HR: 5, Team.MANAGEMENT: 8}
    assert len({p.identifier for p in roster}) == 45
    assert all(re.fullmatch(r"[a-z-]+\.[a-z-]+@techvert\.fr", p.identifier) for p in roster)


def test_profiles_match_the_case_study() -> None:
    roster = build_roster(Dice(7))
    profiles = [p.profile for p in roster]
    assert sum(not p.uses_ai_before_charter for p in roster) == 12
    assert profiles.count(Profile.NEVER) == 5
    assert profiles.count(Profile.LATE) == 7
    assert profiles.count(Profile.POWER) == 7
    julie = next(p for p in roster if p.display_name == "Julie Morel")
    assert (julie.identifier, julie.team, julie.role, julie.profile) == (
        "julie.morel@techvert.fr", Team.MARKETING, "Responsable marketing", Profile.POWER)


def test_email_drops_accents() -> None:
    assert email_for("Élodie", "Guérin") == "elodie.guerin@techvert.fr"
    assert email_for("Jean Marc", "Le Roux") == "jean-marc.le-roux@techvert.fr"


def test_people_frame(demo: DemoData) -> None:
    assert demo.people.columns == ["identifier", "team", "role", "display_name"]
    assert demo.people.height == 45
    assert demo.people["team"].n_unique() == 5


def test_twelve_people_never_used_ai_before_the_charter(demo: DemoData) -> None:
    people = set(demo.people["identifier"])
    before = set(demo.events.filter(_local_day() < CHARTER)["person"].drop_nulls())
    ever = set(demo.events["person"].drop_nulls())
    assert len(people - before) == 12
    assert len(people - ever) == 5
    assert ever <= people
    assert demo.counts["non_users_before_charter"] == 12
    assert demo.counts["non_users_whole_period"] == 5


def test_power_users_make_most_requests(demo: DemoData) -> None:
    per_person = demo.events.group_by("person").len().drop_nulls("person").sort("len", descending=True)
    power = {p.identifier for p in build_roster(Dice(2025)) if p.profile is Profile.POWER}
    assert set(per_person.head(7)["person"]) == power
    assert (per_person.head(7)["len"].sum(), per_person["len"].sum()) == (11828, 24882)
