"""Building blocks of an episode (one person's requests around one need): model choice, sizes,
timing and the single request; waste.py builds the chains on top of them."""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from sobria.demo.company import Person, Profile
from sobria.demo.dice import Dice, Weighted
from sobria.demo.draft import Draft, Ids, Label, Reason
from sobria.demo.prompts import draw_slots, render
from sobria.demo.tasks import CHAT_ASSISTANT, HEAVY, HEAVY_MODELS, LEGACY_HEAVY, LIGHT, Kind, Task, Tool
from sobria.demo.timeline import Regime

# When episodes start: weight of each local hour from 8h to 19h (coffee, lunch and evening dips).
HOURS: Weighted[int] = Weighted.of([(8, 3), (9, 9), (10, 11), (11, 10), (12, 5), (13, 5), (14, 9),
                                    (15, 10), (16, 10), (17, 7), (18, 3), (19, 1)])
MAX_INPUT_TOKENS = 60_000
MAX_OUTPUT_TOKENS = 4_096
MS_PER_OUTPUT_TOKEN = MappingProxyType({HEAVY: 16.0, LEGACY_HEAVY: 28.0, LIGHT: 8.0})

# How much more (or less) than average a profile polishes and regenerates.
REWRITE_PROPENSITY = MappingProxyType({Profile.POWER: 1.3, Profile.REGULAR: 1.0, Profile.OCCASIONAL: 0.7,
                      Profile.LATE: 0.5, Profile.NEVER: 0.0})


@dataclass(frozen=True)
class Context:
    dice: Dice
    regime: Regime
    ids: Ids
    person: Person


def start_seconds(dice: Dice) -> int:
    return dice.weighted(HOURS) * 3600 + dice.integer(0, 3599)


def gap_seconds(dice: Dice, median: float) -> int:
    """Seconds between two requests of one episode: log-normal, a few seconds to a few minutes."""
    return dice.lognormal_int(median, 0.6, 8, 900)


def choose_model(dice: Dice, regime: Regime, task: Task) -> str:
    heavy = dice.chance(regime.heavy_complex if task.complex else regime.heavy_simple)
    if not heavy:
        return LIGHT
    return LEGACY_HEAVY if dice.chance(regime.legacy_heavy) else HEAVY


def input_tokens(dice: Dice, task: Task) -> int:
    median, sigma = task.tokens_in
    return dice.lognormal_int(median, sigma, 5, MAX_INPUT_TOKENS)


def output_tokens(dice: Dice, task: Task) -> int:
    median, sigma = task.tokens_out
    return dice.lognormal_int(median, sigma, 3, MAX_OUTPUT_TOKENS)


def latency_ms(dice: Dice, model: str, tokens_in: int, tokens_out: int) -> float:
    """A measured latency for API tools: time to first token plus generation, with noise."""
    base = 300.0 + 0.04 * tokens_in + MS_PER_OUTPUT_TOKEN.get(model, 16.0) * tokens_out
    return round(base * dice.lognormal_int(100, 0.2, 50, 300) / 100, 1)


def text_draft(ctx: Context, task: Task, prompt: str, seconds: int, model: str,
               conversation: str | None, tool: Tool = CHAT_ASSISTANT) -> Draft:
    """A chat request of ``task``, sized from the task's distributions."""
    tokens_in = input_tokens(ctx.dice, task)
    tokens_out = output_tokens(ctx.dice, task)
    draft = Draft(
        seconds=seconds, person=ctx.person.identifier, team=ctx.person.team.value, tool=tool, model=model,
        operation="chat", prompt=prompt, purpose=task.purpose, conversation_id=conversation,
        input_tokens=tokens_in, output_tokens=tokens_out, answer_kept=True,
    )
    if tool.tier == "measured":
        draft.latency_ms = latency_ms(ctx.dice, model, tokens_in, tokens_out)
    if task.kind is Kind.TRIVIAL and model in HEAVY_MODELS:
        draft.labels.append(Label(Reason.HEAVY_MODEL_TRIVIAL))
    return draft


def follow_up(ctx: Context, previous: Draft, task: Task, prompt: str, seconds: int) -> Draft:
    """A request in the same conversation: the whole exchange so far is sent again as input."""
    draft = text_draft(ctx, task, prompt, seconds, previous.model, previous.conversation_id, previous.tool)
    draft.input_tokens = min(MAX_INPUT_TOKENS, (previous.input_tokens or 0) + (previous.output_tokens or 0)
                             + max(4, len(prompt) // 4))
    return draft


def single(ctx: Context, task: Task) -> list[Draft]:
    variant = ctx.dice.integer(0, 9)
    prompt = render(task.key, variant, draw_slots(ctx.dice, task.key))
    model = choose_model(ctx.dice, ctx.regime, task)
    draft = text_draft(ctx, task, prompt, start_seconds(ctx.dice), model, ctx.ids.conversation())
    draft.answer_kept = ctx.dice.chance(0.93)
    return [draft]
