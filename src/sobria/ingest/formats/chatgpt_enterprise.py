"""``chatgpt-enterprise``: the ChatGPT Enterprise / Team / Edu workspace user report (CSV export).

The workspace analytics "Export" writes one row per user and period (weekly or monthly) with
columns such as ``cadence, period_start, period_end, account_id, public_id, name, email, role,
user_role, department, groups, user_status, created_or_invited_date, is_active,
first_day_active_in_period, last_day_active_in_period, messages, messages_rank,
model_to_messages, gpt_messages, gpts_messaged, gpt_to_messages, tool_messages, tools_messaged,
tool_to_messages, project_messages, projects_messaged, project_to_messages, projects_created,
last_day_active``. OpenAI does not publish this schema: these names come from public code that
reads real exports, and accepted variants are ``week_start`` for ``period_start`` and
``public_id`` for ``email`` (see docs/events.md).

``model_to_messages`` is a mapping written as ``{'gpt-4o': 25}`` (Python style) or JSON; each
entry becomes one row per user and model with ``request_count`` = messages and tokens from the
documented per-message assumptions (``options.tokens_per_message_in``/``_out``), tier
``message-level``. A user without a breakdown gets one row for model ``unknown``.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path
from typing import Any

import polars as pl

from sobria.ingest.json_input import decode_json
from sobria.ingest.parsed import DERIVED_ID, Parsed, ParseOptions
from sobria.ingest.reading import TableReader, read_csv_table, stable_id

KIND = "chatgpt-enterprise"
PROVIDER = "openai"
UNKNOWN_MODEL = "unknown"
MAX_MESSAGES = 10**12  # messages of one person and model in one period: more is not a real count
VARIANTS = {"period_start": ("period_start", "week_start"), "email": ("email", "public_id")}


def parse(path: Path, options: ParseOptions) -> Parsed:
    table, errors = read_csv_table(path, options.max_line_bytes)
    for canonical, names in VARIANTS.items():
        found = next((n for n in names if n in table.columns), None)
        if found is not None and found != canonical:
            table = table.rename({found: canonical})
    reader = TableReader(str(path), table, errors)
    reader.require("period_start", "email", "messages")
    ts = reader.timestamp("period_start")
    person = reader.text("email", required=True)
    messages = reader.integer("messages", required=True)
    maps = reader.text("model_to_messages").to_list()
    rows: list[int] = []
    models: list[str] = []
    counts: list[int] = []
    for i, total in enumerate(messages.to_list()):
        breakdown = _model_counts(maps[i])
        if breakdown is None:
            reader.fail(i, "model_to_messages", "ingest.bad_model_map", value=maps[i])
            continue
        if not breakdown and total:
            breakdown = {UNKNOWN_MODEL: total}
        for model, count in breakdown.items():
            rows.append(i)
            models.append(model)
            counts.append(count)
        if not breakdown:
            reader.skip(i)  # no message in the period
    request_count = pl.Series(counts, dtype=pl.Int64())
    starts, persons = ts.to_list(), person.to_list()
    return reader.result({
        "event_id": pl.Series([stable_id(KIND, starts[i], persons[i], m) for i, m in zip(rows, models, strict=True)],
                              dtype=pl.Utf8()),
        "ts": ts.gather(rows), "person": person.gather(rows), "tool": options.tool or KIND,
        "provider": PROVIDER, "model": pl.Series(models, dtype=pl.Utf8()), "operation": "chat",
        "input_tokens": request_count * options.tokens_per_message_in,
        "output_tokens": request_count * options.tokens_per_message_out,
        "source": f"{KIND}:{path.name}", DERIVED_ID: True, "tier": "message-level", "request_count": request_count,
    }, rows)


def _model_counts(raw: str | None) -> dict[str, int] | None:
    """``{model: messages}`` without zero entries; ``{}`` when empty; None when unreadable."""
    if raw is None or raw in ("{}", "0", "[]"):
        return {}
    value: Any
    try:
        value = decode_json(raw)
    except json.JSONDecodeError:
        try:
            value = ast.literal_eval(raw)  # the export writes Python-style dicts: {'gpt-4o': 25}
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return None
    if not isinstance(value, dict):
        return None
    counts: dict[str, int] = {}
    for model, count in value.items():
        if not isinstance(model, str) or isinstance(count, bool) or not isinstance(count, int | float):
            return None
        if not math.isfinite(count) or not 0 <= count < MAX_MESSAGES or count != int(count):
            return None
        if count:
            counts[model.strip()] = int(count)
    return counts
