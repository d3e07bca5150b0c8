"""``litellm``: rows of the LiteLLM proxy's ``LiteLLM_SpendLogs`` table, as CSV or JSON.

Columns (the table's own names): ``request_id, call_type, api_key, spend, total_tokens,
prompt_tokens, completion_tokens, startTime, endTime, completionStartTime, model, model_id,
model_group, custom_llm_provider, api_base, user, metadata, cache_hit, cache_key, request_tags,
team_id, end_user, requester_ip_address, messages, response, session_id, status``.
JSON: an array of row objects (what ``GET /spend/logs`` returns) or JSON Lines.

One row is one request, tier ``measured``. ``spend`` is in US dollars: it goes to the extra
column ``_cost_usd`` (the pipeline converts it with the catalogue's rate into ``cost_eur``).
``cache_hit`` goes to ``_cache_hit``: a LiteLLM cache hit made no call to the model.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl

from sobria.events.thread import thread_of
from sobria.ingest.json_input import json_records
from sobria.ingest.messages import message_text
from sobria.ingest.parsed import Parsed, ParseOptions, RowError
from sobria.ingest.reading import TableReader, read_csv_table, read_text, starts_like_json, table_from_records

KIND = "litellm"
COLUMNS = (
    "request_id", "call_type", "api_key", "spend", "total_tokens", "prompt_tokens", "completion_tokens",
    "startTime", "endTime", "completionStartTime", "model", "model_id", "model_group", "custom_llm_provider",
    "api_base", "user", "metadata", "cache_hit", "cache_key", "request_tags", "team_id", "end_user",
    "requester_ip_address", "messages", "response", "session_id", "status",
)
REQUIRED = ("request_id", "call_type", "startTime", "model")
# LiteLLM call types (async variants are the same name prefixed with "a") -> canonical operation.
CALL_TYPES = {
    "completion": "chat", "responses": "chat", "anthropic_messages": "chat", "generate_content": "chat",
    "text_completion": "completion", "embedding": "embedding", "image_generation": "image",
    "image_edit": "image", "transcription": "audio", "speech": "audio",
}


def parse(path: Path, options: ParseOptions) -> Parsed:
    table, errors = _table(path, options.max_line_bytes)
    reader = TableReader(str(path), table, errors)
    reader.require(*REQUIRED)
    start = reader.timestamp("startTime")
    end = reader.timestamp("endTime", required=False)
    operations: list[str | None] = []
    for i, call_type in enumerate(reader.text("call_type", required=True).to_list()):
        operations.append(operation_of(call_type))
        if call_type is not None and operations[-1] is None:
            reader.fail(i, "call_type", "ingest.unknown_call_type", value=call_type,
                        expected=", ".join(sorted(CALL_TYPES)))
    operation = pl.Series(operations, dtype=pl.Utf8())
    model = reader.text("model").fill_null(reader.text("model_group"))
    for i in model.is_null().arg_true().to_list():
        reader.fail(i, "model", "ingest.missing_value")
    person = reader.text("user").fill_null(reader.text("end_user")).fill_null(reader.text("api_key"))
    messages = reader.text("messages").to_list()
    prompts = [None if raw is None else message_text(raw) for raw in messages]
    return reader.result({
        "event_id": reader.text("request_id", required=True), "ts": start, "person": person,
        "tool": options.tool or KIND, "provider": reader.text("custom_llm_provider"),
        "model": model,
        "operation": operation,
        "input_tokens": reader.integer("prompt_tokens"), "output_tokens": reader.integer("completion_tokens"),
        "images": pl.select(pl.when(operation == "image").then(1).otherwise(None)).to_series(),
        "latency_ms": (end - start).dt.total_microseconds() / 1000.0,
        "conversation_id": reader.text("session_id"),
        "thread_turn": pl.Series([thread_turn(raw) for raw in messages], dtype=pl.Int64()),
        "prompt_text": pl.Series(prompts, dtype=pl.Utf8()),
        "source": f"{KIND}:{path.name}", "tier": "measured", "request_count": 1,
        "_cost_usd": reader.number("spend"), "_cache_hit": reader.boolean("cache_hit"),
    })


def thread_turn(raw: str | None) -> int | None:
    """The user turns a logged chat request carried (``events.thread``), from its ``messages`` JSON:
    with the session id, the audit sees a turn sent again (a regeneration or an edit)."""
    if raw is None or not raw.lstrip().startswith("["):
        return None
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    thread = thread_of(value) if isinstance(value, list) else None
    return None if thread is None else thread.turn


def operation_of(call_type: str | None) -> str | None:
    """``acompletion`` -> ``chat``; None for call types that are not model calls (moderation...)."""
    if call_type is None:
        return None
    name = call_type.strip()
    if name in CALL_TYPES:
        return CALL_TYPES[name]
    return CALL_TYPES.get(name[1:]) if name.startswith("a") else None


def _table(path: Path, max_line_bytes: int) -> tuple[pl.DataFrame, list[RowError]]:
    if not starts_like_json(path):
        return read_csv_table(path, max_line_bytes)
    records, errors = json_records(read_text(path), str(path), max_line_bytes)
    return table_from_records(records, list(COLUMNS)), errors
