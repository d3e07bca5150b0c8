"""The two API tools of the case: the customer support chatbot and the CV screening tool.

Both are called through the API (their events are measured, with latencies). The chatbot
answers TechVert's clients: many short requests, no employee behind them (``person`` is empty,
the team is support). CV screening runs during recruitment campaigns, with long inputs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sobria.demo.company import ACTIVITY, Person, Team
from sobria.demo.dice import Dice
from sobria.demo.draft import Draft, Ids, Label, Reason
from sobria.demo.episode import gap_seconds, input_tokens, latency_ms, output_tokens
from sobria.demo.prompts import SLOTS, draw_slots, render
from sobria.demo.tasks import CHATBOT, CHATBOT_FOLLOWUP, CV, CV_SCREENING, HEAVY, LIGHT, SUPPORT_CHATBOT, Task
from sobria.demo.timeline import Regime


@dataclass(frozen=True)
class Campaign:
    first: dt.date
    last: dt.date
    position: str          # one of prompts.SLOTS["poste"]


CAMPAIGNS = (
    Campaign(dt.date(2025, 2, 3), dt.date(2025, 2, 14), "consultant data"),
    Campaign(dt.date(2025, 4, 14), dt.date(2025, 4, 25), "chef de projet digital"),
    Campaign(dt.date(2025, 6, 10), dt.date(2025, 6, 20), "développeur full-stack"),
)


def _api_draft(dice: Dice, task: Task, prompt: str, seconds: int, model: str, person: Person | None,
               conversation: str | None, tool_is_cv: bool) -> Draft:
    tokens_in = input_tokens(dice, task)
    tokens_out = output_tokens(dice, task)
    return Draft(
        seconds=seconds, person=person.identifier if person else None,
        team=person.team.value if person else Team.SUPPORT.value,
        tool=CV_SCREENING if tool_is_cv else SUPPORT_CHATBOT, model=model, operation="chat", prompt=prompt,
        purpose=task.purpose, conversation_id=conversation, input_tokens=tokens_in, output_tokens=tokens_out,
        answer_kept=True if tool_is_cv else None, latency_ms=latency_ms(dice, model, tokens_in, tokens_out),
    )


def chatbot_drafts(dice: Dice, ids: Ids, regime: Regime, total: int) -> list[Draft]:
    """``total`` chatbot requests in sessions of one to a few turns, 8h to 20h."""
    model = HEAVY if dice.chance(regime.chatbot_heavy) else LIGHT
    drafts: list[Draft] = []
    while len(drafts) < total:
        conversation = ids.conversation()
        seconds = dice.integer(8 * 3600, 20 * 3600 - 1)
        turns = min(total - len(drafts), dice.geometric(0.6, 1, 5))
        prompt = render(CHATBOT.key, dice.integer(0, 9), draw_slots(dice, CHATBOT.key))
        drafts.append(_api_draft(dice, CHATBOT, prompt, seconds, model, None, conversation, False))
        for _ in range(turns - 1):
            seconds += gap_seconds(dice, 60)
            prompt = render(CHATBOT_FOLLOWUP.key, dice.integer(0, 9), draw_slots(dice, CHATBOT_FOLLOWUP.key))
            drafts.append(_api_draft(dice, CHATBOT_FOLLOWUP, prompt, seconds, model, None, conversation, False))
    return drafts


def recruiter(roster: tuple[Person, ...]) -> Person:
    """The HR person who runs CV screening: the most active AI user of HR (first if tied)."""
    hr = [p for p in roster if p.team is Team.HR and p.uses_ai_before_charter]
    return max(hr, key=lambda p: ACTIVITY[p.profile])


def cv_drafts(dice: Dice, ids: Ids, day: dt.date, person: Person) -> list[Draft]:
    """CV screening on campaign days: 8 to 20 CVs analysed one by one in a batch, one prompt
    template for different candidates (a look-alike, not waste)."""
    campaign = next((c for c in CAMPAIGNS if c.first <= day <= c.last), None)
    if campaign is None:
        return []
    seconds = dice.integer(9 * 3600, 16 * 3600)
    chain = ids.chain()
    first_application = 100 + 20 * (day - campaign.first).days
    drafts = []
    for index in range(dice.integer(8, 20)):
        seconds += dice.integer(20, 90)
        slots = {"poste": campaign.position, "pages": dice.pick(SLOTS["pages"]),
                 "candidature": str(first_application + index)}
        draft = _api_draft(dice, CV, render(CV.key, 0, slots), seconds, HEAVY, person, None, True)
        draft.labels.append(Label(Reason.SAME_TEMPLATE, chain, index))
        drafts.append(draft)
    return drafts
