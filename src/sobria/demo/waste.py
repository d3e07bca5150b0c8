"""Planted waste with its ground truth, and the look-alikes a waste detector must not flag.

Waste: reformulation chains (the same person asking again for essentially the same thing within
minutes: a paraphrase, a changed constraint, "une autre version", "plus court"), regenerations
(the exact same prompt again), generated images never used, images for internal documents, and
a heavy model on trivial tasks (labelled in ``episode.text_draft``). Look-alikes: "continue"
follow-ups of a long answer, and one template filled for several clients or subjects.
"""

from __future__ import annotations

import itertools

from sobria.demo.draft import Draft, Ids, Label, Reason
from sobria.demo.episode import (
    REWRITE_PROPENSITY,
    Context,
    choose_model,
    follow_up,
    gap_seconds,
    start_seconds,
    text_draft,
)
from sobria.demo.prompts import (
    CONSTRAINTS,
    CONTINUATIONS,
    RETRIES,
    SLOTS,
    draw_slots,
    image_variation,
    other_variant,
    render,
    template_fields,
)
from sobria.demo.tasks import CHAT_ASSISTANT, DALLE, IMAGE_MIDJOURNEY, MIDJOURNEY, Kind, Task

MAX_REWRITES = 10          # "je demandais 10 versions à ChatGPT" (Julie, head of marketing)
REPEAT_WINDOW_S = 15 * 60  # the same prompt again within this delay is a regeneration
PRIMARY_SLOTS = ("client", "poste", "sujet", "concurrent", "theme_interne")


def rewrite_probability(ctx: Context) -> float:
    return min(0.95, ctx.regime.rewrite_chain * REWRITE_PROPENSITY[ctx.person.profile])


def _chain_labels(drafts: list[Draft], chain_id: str, reasons: list[Reason]) -> None:
    for position, (draft, reason) in enumerate(zip(drafts, reasons, strict=True)):
        draft.labels.append(Label(reason, chain_id, position))


def _keep_last(drafts: list[Draft]) -> None:
    for draft in drafts:
        draft.answer_kept = False
    drafts[-1].answer_kept = True


def rewrite_chain(ctx: Context, task: Task, length: int) -> list[Draft]:
    """The original request then ``length - 1`` new tries at essentially the same thing.

    A try whose text is exactly an earlier one of the chain is a regeneration (same input size);
    any other try (a retry in the conversation, a paraphrase, a changed constraint) a reformulation.
    """
    dice = ctx.dice
    variant = dice.integer(0, 9)
    slots = draw_slots(dice, task.key)
    first_prompt = render(task.key, variant, slots)
    model = choose_model(dice, ctx.regime, task)
    drafts = [text_draft(ctx, task, first_prompt, start_seconds(dice), model, ctx.ids.conversation())]
    reasons = [Reason.ORIGINAL]
    sent = {first_prompt: drafts[0]}           # prompts sent in a fresh conversation
    for _ in range(length - 1):
        previous = drafts[-1]
        seconds = previous.seconds + gap_seconds(dice, 110)
        mode = dice.uniform()
        if mode < 0.35:      # "une autre version", "plus court"... in the same conversation
            drafts.append(follow_up(ctx, previous, task, dice.pick(RETRIES), seconds))
            reasons.append(Reason.REFORMULATION)
            continue
        if mode < 0.65:      # the same request in other words
            variant = other_variant(dice, task.key, variant)
            prompt = render(task.key, variant, slots)
        elif mode < 0.85:    # the same request with a changed constraint
            prompt = render(task.key, variant, slots) + dice.pick(CONSTRAINTS)
        else:                # the exact first prompt again
            prompt = first_prompt
        earlier = sent.get(prompt)
        if earlier is None:
            drafts.append(text_draft(ctx, task, prompt, seconds, model, ctx.ids.conversation()))
            sent[prompt] = drafts[-1]
            reasons.append(Reason.REFORMULATION)
        else:
            drafts.append(text_draft(ctx, task, prompt, seconds, model, earlier.conversation_id))
            drafts[-1].input_tokens = earlier.input_tokens
            reasons.append(Reason.REGENERATION)
    _chain_labels(drafts, ctx.ids.chain(), reasons)
    _keep_last(drafts)
    return drafts


def regeneration_chain(ctx: Context, task: Task, length: int) -> list[Draft]:
    """The same prompt sent again (the "regenerate" button), seconds apart."""
    dice = ctx.dice
    prompt = render(task.key, dice.integer(0, 9), draw_slots(dice, task.key))
    model = choose_model(dice, ctx.regime, task)
    first = text_draft(ctx, task, prompt, start_seconds(dice), model, ctx.ids.conversation())
    drafts = [first]
    for _ in range(length - 1):
        again = text_draft(ctx, task, prompt, drafts[-1].seconds + gap_seconds(dice, 35), model,
                           first.conversation_id)
        again.input_tokens = first.input_tokens
        drafts.append(again)
    _chain_labels(drafts, ctx.ids.chain(), [Reason.ORIGINAL] + [Reason.REGENERATION] * (length - 1))
    _keep_last(drafts)
    return drafts


def continuation_lookalike(ctx: Context, task: Task, length: int) -> list[Draft]:
    """A long answer cut short and "continue"d: every part is needed, not waste."""
    dice = ctx.dice
    prompt = render(task.key, dice.integer(0, 9), draw_slots(dice, task.key))
    model = choose_model(dice, ctx.regime, task)
    drafts = [text_draft(ctx, task, prompt, start_seconds(dice), model, ctx.ids.conversation())]
    for _ in range(length - 1):
        previous = drafts[-1]
        drafts.append(follow_up(ctx, previous, task, dice.pick(CONTINUATIONS),
                                previous.seconds + gap_seconds(dice, 70)))
    _chain_labels(drafts, ctx.ids.chain(), [Reason.CONTINUATION] * length)
    return drafts


def same_template_lookalike(ctx: Context, task: Task, length: int) -> list[Draft]:
    """One template filled for ``length`` different clients or subjects, minutes apart."""
    dice = ctx.dice
    variant = dice.integer(0, 9)
    slots = draw_slots(dice, task.key)
    primary = next(name for name in PRIMARY_SLOTS if name in template_fields(task.key))
    seen = {slots[primary]}
    model = choose_model(dice, ctx.regime, task)
    seconds = start_seconds(dice)
    drafts: list[Draft] = []
    for index in range(length):
        if index:
            seconds += gap_seconds(dice, 240)
            slots = {**slots, primary: _fresh(ctx, primary, seen)}
        drafts.append(text_draft(ctx, task, render(task.key, variant, slots), seconds, model,
                                 ctx.ids.conversation()))
    _chain_labels(drafts, ctx.ids.chain(), [Reason.SAME_TEMPLATE] * length)
    return drafts


def _fresh(ctx: Context, slot: str, seen: set[str]) -> str:
    value = ctx.dice.pick([v for v in SLOTS[slot] if v not in seen])
    seen.add(value)
    return value


def image_episode(ctx: Context, task: Task, count: int) -> list[Draft]:
    """``count`` images for one need (first idea, then variations); at most the last is used."""
    dice = ctx.dice
    midjourney = dice.chance(0.4)
    internal = task.kind is Kind.IMAGE_INTERNAL
    conversation = ctx.ids.conversation()
    seconds = start_seconds(dice)
    prompt = render(task.key, dice.integer(0, 9), draw_slots(dice, task.key))
    used_last = dice.chance(ctx.regime.image_used * (0.6 if internal else 1.0))
    drafts: list[Draft] = []
    for index in range(count):
        if index:
            seconds += gap_seconds(dice, 90)
            prompt = image_variation(dice)
        wide = dice.chance(0.35)
        draft = Draft(
            seconds=seconds, person=ctx.person.identifier, team=ctx.person.team.value,
            tool=IMAGE_MIDJOURNEY if midjourney else CHAT_ASSISTANT,
            model=MIDJOURNEY if midjourney else DALLE, operation="image", prompt=prompt,
            purpose=task.purpose, conversation_id=conversation,
            images=4 if midjourney else 1,
            image_size="1792x1024" if wide and not midjourney else "1024x1024",
            image_quality=None if midjourney else ("hd" if dice.chance(0.2) else "standard"),
            image_used=used_last and index == count - 1,
        )
        if not draft.image_used:
            draft.labels.append(Label(Reason.UNUSED_IMAGE))
        if internal:
            draft.labels.append(Label(Reason.INTERNAL_IMAGE))
        drafts.append(draft)
    return drafts


def label_accidental_repeats(drafts: list[Draft], ids: Ids) -> None:
    """Two separate episodes can, by chance, send one person's exact same prompt minutes apart:
    that is a regeneration too, so the ground truth says so (the pair becomes a chain)."""
    context_dependent = frozenset(RETRIES) | frozenset(CONTINUATIONS)
    candidates = sorted(
        (d for d in drafts if d.person and d.operation == "chat" and d.prompt not in context_dependent),
        key=lambda d: (d.person or "", d.prompt, d.seconds),
    )
    for earlier, later in itertools.pairwise(candidates):
        if (earlier.person, earlier.prompt) != (later.person, later.prompt):
            continue
        if later.seconds - earlier.seconds > REPEAT_WINDOW_S or _same_chain(earlier, later):
            continue
        chain = ids.chain()
        earlier.labels.append(Label(Reason.ORIGINAL, chain, 0))
        later.labels.append(Label(Reason.REGENERATION, chain, 1))


def _same_chain(first: Draft, second: Draft) -> bool:
    chains = {label.chain_id for label in first.labels if label.chain_id}
    return any(label.chain_id in chains for label in second.labels)
