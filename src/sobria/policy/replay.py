"""The decision function replayed over stored events: one :class:`Decision` per event.

This is how everything after the fact applies the charter — the audit's charter scenario and the
committee's violation counts alike — so that they agree with each other and with the gateway,
which calls :func:`~sobria.policy.decision.decide` live. Each event becomes a
:class:`~sobria.policy.decision.RequestContext`: tool, model, team, purpose, image or text, how
many times the same prompt was already sent in the conversation, and the team's emissions so far
in the month. What cannot be known after the fact is left out: personal data in prompts (not
stored) and heavy-model justifications (not logged), so data rules fire only through purposes, and
heavy models without a justification count as routed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import polars as pl

from sobria.policy.decision import BudgetState, Decision, RequestContext, Rules, decide

_COLUMNS = ("event_id", "team", "tool", "model", "operation", "purpose", "request_count", "_regeneration",
            "_spent")


@dataclass(frozen=True, slots=True)
class Replayed:
    """One event and the decision the charter takes for it."""

    event_id: str
    team: str | None
    requests: int
    decision: Decision


def replay_columns(events: pl.DataFrame) -> pl.DataFrame:
    """Add ``_regeneration`` (earlier sends of the same prompt in the conversation) and ``_spent``
    (the team's central kgCO2e earlier in the same month), in time order."""
    ts = event_time(events)
    central = ((pl.col("gwp_kgco2e_min").fill_null(0.0) + pl.col("gwp_kgco2e_max").fill_null(0.0)) / 2)
    day = pl.from_epoch(ts, time_unit="us")     # the month as YYYYMM (the same groups as "%Y-%m", no string per event)
    month = day.dt.year().cast(pl.Int32) * 100 + day.dt.month().cast(pl.Int32)
    timed = events.with_columns(_ts=ts, _month=month, _gwp=central)
    ordered = timed if in_time_order(timed, pl.col("_ts")) else timed.sort("_ts", "event_id")
    regeneration = (pl.when(pl.col("prompt_fingerprint").is_null()).then(0)
                    .otherwise(_occurrence(ordered, ("person", "conversation_id", "prompt_fingerprint"))))
    spent = (pl.col("_gwp").cum_sum().over("team", "_month") - pl.col("_gwp"))
    return ordered.with_columns(_regeneration=regeneration, _spent=spent)


def event_time(events: pl.DataFrame) -> pl.Expr:
    """The events' time in microseconds, the replay's order with ``event_id``."""
    return pl.col("ts_us") if "ts_us" in events.columns else pl.col("ts").dt.epoch("us")


def in_time_order(frame: pl.DataFrame, time: pl.Expr) -> bool:
    """Strictly sorted by (``ts``, ``event_id``) (so each id once), as the partitions and most
    stores give the events: sorting again would leave them as they are."""
    ids = pl.col("event_id")
    later = (time > time.shift(1)) | ((time == time.shift(1)) & (ids > ids.shift(1)))
    return frame.height < 2 or bool(frame.select(later.fill_null(False).slice(1).all()).item())


def _occurrence(frame: pl.DataFrame, keys: tuple[str, ...]) -> pl.Series:
    """Per row, how many earlier rows have the same ``keys`` (``int_range(len).over(keys)``, as a
    group-by on one integer per row and an explode: several times faster with many small groups and
    long strings such as fingerprints). The integer combines the strings' codes in one dictionary
    (exact: one code per distinct string, nulls a code of their own), when their product fits."""
    categories = pl.Categories.random()   # integer codes, exact (a dictionary of the strings), freed with it
    codes = frame.select(pl.col(k).cast(pl.Categorical(categories)).to_physical().cast(pl.Int64) for k in keys)
    size = int(codes.select(pl.max_horizontal(pl.all().max())).item() or 0) + 2   # codes, then null
    if size ** len(keys) < 2**62:
        key: pl.Expr = pl.lit(0, pl.Int64)
        for k in keys:
            key = key * size + pl.col(k).fill_null(size - 1)
        codes = codes.select(key.alias("_key"))
        keys = ("_key",)
    positions = (codes.with_row_index("_pos").group_by(*keys).agg("_pos")
                 .select("_pos", pl.int_ranges(pl.col("_pos").list.len()).alias("_n"))
                 .explode("_pos", "_n").sort("_pos"))
    return positions["_n"].cast(pl.Int64)


def quantised_spent(rules: Rules, team: str | None, spent: float) -> float:
    """The spend at the last alert level crossed: the decision only depends on that level."""
    limit = rules.team_budgets.get(team, rules.default_budget) if team is not None else None
    if limit is None or limit <= 0:
        return 0.0
    percent = spent / limit * 100
    crossed = [level for level in (*rules.thresholds, 100) if percent >= level]
    return limit * max(crossed) / 100 if crossed else 0.0


def context_of(rules: Rules, team: str | None, tool: str | None, model: str, operation: str | None,
               purpose: str | None, regeneration: int, spent: float) -> RequestContext:
    """The context of one stored event, as :func:`replay` builds it."""
    budget = BudgetState(quantised_spent(rules, team, spent)) if team is not None else None
    return RequestContext(model=model, tool=tool, team=team, purpose=purpose,
                          kind="image" if operation == "image" else "text", regeneration=regeneration,
                          budget=budget)


def replay(events: pl.DataFrame, rules: Rules) -> Iterator[Replayed]:
    """The decision for every event (with impact columns), in time order."""
    frame = replay_columns(events)
    cache: dict[RequestContext, Decision] = {}
    for event_id, team, tool, model, operation, purpose, count, regen, spent in frame.select(_COLUMNS).iter_rows():
        ctx = context_of(rules, team, tool, model, operation, purpose, int(regen), spent)
        decision = cache.get(ctx)
        if decision is None:
            decision = cache[ctx] = decide(rules, ctx)
        yield Replayed(event_id, team, int(count), decision)


def quantised_spent_expr(rules: Rules) -> pl.Expr:
    """:func:`quantised_spent` of the ``team`` and ``_spent`` columns, vectorised (same floats)."""
    limits = {team: float(limit) for team, limit in rules.team_budgets.items()}
    default = None if rules.default_budget is None else float(rules.default_budget)
    limit = pl.col("team").replace_strict(limits, default=pl.lit(default, pl.Float64), return_dtype=pl.Float64)
    percent = pl.col("_spent") / limit * 100
    levels = sorted({*rules.thresholds, 100}, reverse=True)
    quantised: pl.Expr = pl.lit(0.0)
    for level in reversed(levels):          # the highest level crossed wins: built last, tried first
        quantised = pl.when(percent >= level).then(limit * level / 100).otherwise(quantised)
    return (pl.when(pl.col("team").is_null() | limit.is_null() | (limit <= 0) | percent.is_nan()).then(pl.lit(0.0))
            .otherwise(quantised).alias("_quantised"))


CONTEXT = ("team", "tool", "model", "_image", "purpose", "_regeneration", "_quantised")
_DECIDED = {"action": pl.Utf8, "rule": pl.Utf8, "target": pl.Utf8, "rules": pl.Utf8}


def context_frame(events: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """:func:`replay_columns` of the columns a decision reads, with the context's columns
    (``CONTEXT``): the image flag, the spend quantised to the alert level crossed and the
    regeneration count (past the allowed count, a regeneration's decision no longer depends on the
    count, only the message's parameter does, which is not returned here: fewer distinct contexts)."""
    needed = [c for c in ("event_id", "ts", "ts_us", "person", "conversation_id", "prompt_fingerprint", "team",
                          "tool", "model", "operation", "purpose", "gwp_kgco2e_min", "gwp_kgco2e_max")
              if c in events.columns]
    regeneration = pl.col("_regeneration").clip(upper_bound=rules.max_regenerations + 1)
    return replay_columns(events.select(needed)).with_columns(
        (pl.col("operation") == "image").fill_null(False).alias("_image"), quantised_spent_expr(rules),
        regeneration)


def decide_contexts(contexts: pl.DataFrame, rules: Rules) -> list[Decision]:
    """:func:`decide` for each row of ``contexts`` (columns ``CONTEXT``), in their order."""
    decided = []
    for team, tool, model, image, purpose, regeneration, spent in contexts.select(CONTEXT).iter_rows():
        ctx = RequestContext(model=model, tool=tool, team=team, purpose=purpose, kind="image" if image else "text",
                             regeneration=int(regeneration),
                             budget=BudgetState(spent) if team is not None else None)
        decided.append(decide(rules, ctx))
    return decided


def decision_frame(events: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per event: ``event_id``, ``action``, ``rule`` (of the main action), ``target``
    (the model the charter sends the request to) and ``rules`` (every rule fired, ``|``-joined).

    The same decisions as :func:`replay`, computed once per distinct context (a few thousand for
    millions of events) and joined back: no Python work per event."""
    frame = context_frame(events, rules)
    contexts = frame.select(CONTEXT).unique()
    decided = [(d.action, d.rule, d.model, fired_rules(d)) for d in decide_contexts(contexts, rules)]
    table = contexts.hstack(pl.DataFrame(decided, schema=_DECIDED, orient="row"))
    return frame.select("event_id", *CONTEXT).join(table, on=list(CONTEXT), how="left", nulls_equal=True,
                                                     maintain_order="left").select("event_id", *_DECIDED)


def fired_rules(decision: Decision) -> str:
    """Every rule the decision fired, ``|``-joined (the ``rules`` column)."""
    return "|".join(f.rule for f in decision.fired)
