"""TechVert, the demo company of the case study: 45 people in 5 teams, their roles and habits.

Twelve people never used AI before the charter (the case's "réfractaires"); the training that
followed the charter brought most of them on board (``late``). A few power users do most of
the work with AI, and the most prolific of them (Julie, head of marketing) asked for ten
versions of everything.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from sobria.demo.dice import Dice

DOMAIN = "techvert.fr"


class Team(StrEnum):
    MARKETING = "marketing"
    SALES = "commercial"
    SUPPORT = "support"
    HR = "rh"
    MANAGEMENT = "direction"


class Profile(StrEnum):
    """How a person uses AI. ``never``: not before the charter nor after; ``late``: not before
    the charter, a little after the training."""

    POWER = "power"
    REGULAR = "regular"
    OCCASIONAL = "occasional"
    LATE = "late"
    NEVER = "never"


ACTIVITY: Mapping[Profile, float] = MappingProxyType({   # relative requests per working day
    Profile.POWER: 4.0,
    Profile.REGULAR: 1.6,
    Profile.OCCASIONAL: 0.5,
    Profile.LATE: 0.35,
    Profile.NEVER: 0.0,
})


@dataclass(frozen=True)
class Person:
    identifier: str          # prenom.nom@techvert.fr
    display_name: str
    team: Team
    role: str
    profile: Profile

    @property
    def uses_ai_before_charter(self) -> bool:
        return self.profile not in (Profile.LATE, Profile.NEVER)


@dataclass(frozen=True)
class TeamPlan:
    team: Team
    roles: tuple[str, ...]          # first roles are the named characters' or the managers'
    profiles: tuple[Profile, ...]   # one per member, in role order after shuffling


def _profiles(power: int, regular: int, occasional: int, late: int, never: int) -> tuple[Profile, ...]:
    return ((Profile.POWER,) * power + (Profile.REGULAR,) * regular + (Profile.OCCASIONAL,) * occasional
            + (Profile.LATE,) * late + (Profile.NEVER,) * never)


# 45 people; 12 non-users before the charter (late + never), 7 power users.
TEAM_PLANS: tuple[TeamPlan, ...] = (
    TeamPlan(Team.MARKETING, (
        "Responsable marketing", "Chargé·e de communication", "Chargé·e de communication", "Content manager",
        "Community manager", "Graphiste", "Chargé·e d'études", "Chef·fe de produit", "Assistant·e marketing",
    ), _profiles(2, 4, 2, 1, 0)),
    TeamPlan(Team.SALES, (
        "Directeur·rice commercial·e", "Ingénieur·e d'affaires", "Ingénieur·e d'affaires", "Ingénieur·e d'affaires",
        "Consultant·e avant-vente", "Consultant·e avant-vente", "Chargé·e de comptes", "Chargé·e de comptes",
        "Business developer", "Business developer", "Assistant·e commercial·e", "Chargé·e de comptes",
    ), _profiles(2, 5, 2, 2, 1)),
    TeamPlan(Team.SUPPORT, (
        "Responsable support", "Technicien·ne support", "Technicien·ne support", "Technicien·ne support",
        "Technicien·ne support", "Chargé·e de relation client", "Chargé·e de relation client",
        "Analyste support N2", "Analyste support N2", "Technicien·ne support", "Coordinateur·rice support",
    ), _profiles(1, 4, 3, 2, 1)),
    TeamPlan(Team.HR, (
        "Responsable RH", "Chargé·e de recrutement", "Chargé·e de recrutement", "Gestionnaire paie",
        "Assistant·e RH",
    ), _profiles(1, 2, 0, 1, 1)),
    TeamPlan(Team.MANAGEMENT, (
        "Directeur général", "Directrice administrative et financière", "Directeur·rice des opérations",
        "Directeur·rice associé·e", "Contrôleur·se de gestion", "Responsable RSE", "Office manager",
        "Assistant·e de direction",
    ), _profiles(1, 3, 1, 1, 2)),
)

# The case study's characters keep their first names, their roles and their habits.
CHARACTERS: Mapping[tuple[Team, str], tuple[str, str, Profile]] = MappingProxyType({
    (Team.MARKETING, "Responsable marketing"): ("Julie", "Morel", Profile.POWER),
    (Team.MANAGEMENT, "Directeur général"): ("Marc", "Aubert", Profile.REGULAR),
    (Team.MANAGEMENT, "Directrice administrative et financière"): ("Sophie", "Garnier", Profile.REGULAR),
})

FIRST_NAMES = (
    "Camille", "Thomas", "Léa", "Nicolas", "Chloé", "Julien", "Manon", "Antoine", "Emma", "Maxime",
    "Sarah", "Alexandre", "Inès", "Romain", "Pauline", "Hugo", "Clara", "Mathieu", "Laura", "Kevin",
    "Élodie", "Benoît", "Anaïs", "Guillaume", "Marion", "Yassine", "Aurélie", "Sébastien", "Lucie",
    "Damien", "Océane", "Florian", "Amandine", "Karim", "Justine", "Quentin", "Mélanie", "Adrien",
    "Nadia", "Vincent", "Émilie", "Jérôme", "Fatima", "Olivier", "Charlotte", "Baptiste",
)
LAST_NAMES = (
    "Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Leroy", "Moreau", "Simon", "Laurent",
    "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier", "Girard", "Bonnet",
    "Dupont", "Lambert", "Fontaine", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
    "Nicolas", "Perrin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Masson", "Marchand",
    "Denis", "Lemaire", "Duval", "Benali", "Chevalier", "Faure", "Mercier", "Brun", "Barbier",
    "Arnaud", "Giraud", "Rolland", "Picard", "Colin",
)


def email_for(first: str, last: str) -> str:
    """``prenom.nom@techvert.fr`` in lower-case ASCII (accents dropped, spaces to hyphens)."""
    raw = f"{first}.{last}".lower().replace(" ", "-")
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode("ascii")
    return f"{ascii_only}@{DOMAIN}"


def build_roster(dice: Dice) -> tuple[Person, ...]:
    """The 45 people, in team order; names and who-has-which-habit drawn from ``dice``."""
    taken_firsts = {first for first, _, _ in CHARACTERS.values()}
    taken_lasts = {last for _, last, _ in CHARACTERS.values()}
    firsts = [f for f in dice.shuffled(FIRST_NAMES) if f not in taken_firsts]
    lasts = [n for n in dice.shuffled(LAST_NAMES) if n not in taken_lasts]
    people: list[Person] = []
    for plan in TEAM_PLANS:
        if len(plan.roles) != len(plan.profiles):
            raise ValueError(f"team {plan.team}: {len(plan.roles)} roles for {len(plan.profiles)} profiles")
        profiles = list(plan.profiles)
        fixed = {role: CHARACTERS[(plan.team, role)] for role in plan.roles if (plan.team, role) in CHARACTERS}
        for _, _, profile in fixed.values():
            profiles.remove(profile)
        profiles = dice.shuffled(profiles)
        for role in plan.roles:
            if role in fixed:
                first, last, profile = fixed[role]
            else:
                first, last, profile = firsts.pop(), lasts.pop(), profiles.pop()
            people.append(Person(email_for(first, last), f"{first} {last}", plan.team, role, profile))
    return tuple(people)
