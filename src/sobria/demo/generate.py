"""The timeline: every working day from January to July 2025, each person's episodes, the API
tools, and the charter of 17 March 2025 that changes habits (see timeline.Regime)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from sobria.demo.channels import chatbot_drafts, cv_drafts, recruiter
from sobria.demo.company import ACTIVITY, Person, Profile, build_roster
from sobria.demo.dice import Dice, Weighted
from sobria.demo.draft import Draft, Ids
from sobria.demo.episode import Context, single
from sobria.demo.frames import events_frame, people_frame, truth_frame
from sobria.demo.tasks import TEAM_TASKS, TRIVIAL, Kind, Task
from sobria.demo.timeline import CHARTER, Regime, regime_for, working_days
from sobria.demo.waste import (
    MAX_REWRITES,
    continuation_lookalike,
    image_episode,
    label_accidental_repeats,
    regeneration_chain,
    rewrite_chain,
    rewrite_probability,
    same_template_lookalike,
)

DEFAULT_SEED = 2025
PRESENCE = 0.93                     # share of working days a person is at work (leave, training...)
CHATBOT_SHARE = (0.18, 0.26)        # share of a day's requests answered by the support chatbot


@dataclass(frozen=True)
class DemoData:
    seed: int
    people: pl.DataFrame        # identifier, team, role, display_name
    events: pl.DataFrame        # canonical columns (schema order) plus the raw prompt text
    truth: pl.DataFrame         # ground truth of planted waste and look-alikes
    counts: dict[str, int]


def draw_task(ctx: Context) -> Task:
    """A task of the person's team; internal images are mostly given up after the charter."""
    for _ in range(4):
        task = ctx.dice.weighted(TEAM_TASKS[ctx.person.team])
        if task.kind is not Kind.IMAGE_INTERNAL or ctx.dice.chance(ctx.regime.internal_images):
            return task
    return TRIVIAL


def episode(ctx: Context, task: Task, limit: int) -> list[Draft]:
    """One need of one person: a single request, a waste chain or a look-alike, at most ``limit``."""
    dice, regime = ctx.dice, ctx.regime
    if task.kind in (Kind.IMAGE_EXTERNAL, Kind.IMAGE_INTERNAL):
        extra = dice.geometric(1 / (1 + regime.image_variants), 1, 7) - 1
        return image_episode(ctx, task, min(limit, 1 + extra))
    if limit >= 2 and task.kind is Kind.TEXT:
        if task.rewritable and dice.chance(rewrite_probability(ctx)):
            extra = dice.geometric(1 / regime.rewrite_mean_extra, 1, MAX_REWRITES - 1)
            return rewrite_chain(ctx, task, min(limit, 1 + extra))
        if dice.chance(regime.regeneration):
            return regeneration_chain(ctx, task, min(limit, dice.integer(2, 3)))
        if task.long and dice.chance(0.3):
            return continuation_lookalike(ctx, task, min(limit, dice.integer(2, 3)))
        if task.batch and dice.chance(0.2):
            return same_template_lookalike(ctx, task, min(limit, dice.integer(2, 4)))
    return single(ctx, task)


def present_users(dice: Dice, roster: tuple[Person, ...], regime: Regime) -> Weighted[Person]:
    pairs = []
    for person in roster:
        at_work = dice.chance(PRESENCE)
        active = person.uses_ai_before_charter or (person.profile is Profile.LATE and regime.late_adopters)
        if at_work and active:
            pairs.append((person, ACTIVITY[person.profile]))
    return Weighted.of(pairs)


def day_drafts(dice: Dice, ids: Ids, roster: tuple[Person, ...], day: dt.date, regime: Regime) -> list[Draft]:
    """Exactly one day's requests: the chatbot's, the CV screening's, then people's episodes."""
    total = dice.integer(regime.daily_low, regime.daily_high)
    drafts = chatbot_drafts(dice, ids, regime, round(total * dice.uniform(*CHATBOT_SHARE)))
    drafts += cv_drafts(dice, ids, day, recruiter(roster))
    users = present_users(dice, roster, regime)
    while len(drafts) < total:
        ctx = Context(dice, regime, ids, dice.weighted(users))
        drafts += episode(ctx, draw_task(ctx), total - len(drafts))
    label_accidental_repeats(drafts, ids)
    return drafts


def generate_demo(seed: int = DEFAULT_SEED) -> DemoData:
    """The demo company's people, requests and waste ground truth; same seed, same data."""
    dice = Dice(seed)
    ids = Ids()
    roster = build_roster(dice)
    days = working_days()
    dated: list[tuple[dt.date, Draft]] = []
    charter_index = next(i for i, d in enumerate(days) if d >= CHARTER)
    for index, day in enumerate(days):
        regime = regime_for(day, index - charter_index)
        dated.extend((day, draft) for draft in day_drafts(dice, ids, roster, day, regime))
    events, event_ids = events_frame(dated)
    truth = truth_frame([draft for _, draft in dated], event_ids)
    counts = {
        "people": len(roster),
        "teams": len({p.team for p in roster}),
        "non_users_before_charter": sum(not p.uses_ai_before_charter for p in roster),
        "non_users_whole_period": sum(p.profile is Profile.NEVER for p in roster),
        "power_users": sum(p.profile is Profile.POWER for p in roster),
        "working_days": len(days),
        "events": events.height,
        "waste_events": truth.filter(pl.col("waste"))["event_id"].n_unique(),
        "lookalike_events": truth.filter(pl.col("not_waste_lookalike"))["event_id"].n_unique(),
    }
    return DemoData(seed=seed, people=people_frame(roster), events=events, truth=truth, counts=counts)
