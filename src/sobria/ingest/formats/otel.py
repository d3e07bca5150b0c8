"""``otel``: OpenTelemetry GenAI client spans in OTLP/JSON.

A file is one ``ExportTraceServiceRequest`` (``{"resourceSpans": [...]}``) or JSON Lines of them
(what the collector's file exporter writes). Each ``resourceSpans[].scopeSpans[].spans[]`` span
with a GenAI inference operation becomes one row, tier ``measured``; other spans (HTTP, database,
``execute_tool``, ``invoke_agent``: their model calls are child spans of their own) are skipped.

Attributes are ``[{key, value: {stringValue|intValue|doubleValue|boolValue|arrayValue|kvlistValue}}]``;
resource attributes apply to every span (span attributes win). Read: ``gen_ai.operation.name``,
``gen_ai.provider.name`` (older ``gen_ai.system``), ``gen_ai.request.model`` (else
``gen_ai.response.model``), ``gen_ai.usage.input_tokens``/``output_tokens`` (older
``prompt_tokens``/``completion_tokens``), ``gen_ai.usage.cache_read.input_tokens``,
``gen_ai.usage.reasoning.output_tokens``, ``gen_ai.conversation.id``, ``user.id`` (else
``enduser.id``); prompt text from ``gen_ai.input.messages``, older ``gen_ai.prompt`` or
``gen_ai.prompt.N.content`` attributes, or ``gen_ai.user.message`` span events.
``startTimeUnixNano`` gives ``ts``; end minus start gives ``latency_ms``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import polars as pl

from sobria.errors import Location, UserInputError
from sobria.ingest.json_input import json_documents
from sobria.ingest.messages import message_text
from sobria.ingest.parsed import Parsed, ParseOptions
from sobria.ingest.reading import Record, TableReader, as_dict, as_list, table_from_records

KIND = "otel"
OPERATIONS = {
    "chat": "chat", "generate_content": "chat", "text_completion": "completion", "embeddings": "embedding",
}
NOT_MODEL_CALLS = frozenset({"execute_tool", "invoke_agent", "create_agent"})
ATTRIBUTES = {  # canonical or working column -> attribute names, first found wins
    "operation_name": ("gen_ai.operation.name",),
    "provider": ("gen_ai.provider.name", "gen_ai.system"),
    "model": ("gen_ai.request.model", "gen_ai.response.model"),
    "input_tokens": ("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"),
    "output_tokens": ("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"),
    "cached_input_tokens": ("gen_ai.usage.cache_read.input_tokens",),
    "reasoning_tokens": ("gen_ai.usage.reasoning.output_tokens",),
    "conversation_id": ("gen_ai.conversation.id", "session.id"),
    "person": ("user.id", "enduser.id"),
    "service": ("service.name",),
}
_PROMPT_EVENTS = frozenset({"gen_ai.user.message"})
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def parse(path: Path, options: ParseOptions) -> Parsed:
    documents, errors = json_documents(path, options.max_line_bytes)
    records: list[Record] = []
    for _, document in documents:
        for resource, span in _spans(document, str(path)):
            record = _record(resource, span)
            if record is not None:
                records.append((len(records) + 1, record))
    reader = TableReader(str(path), table_from_records(records, [*ATTRIBUTES, "prompt", "event_id", "start",
                                                                 "end"]), errors)
    start = reader.timestamp("start")
    end = reader.timestamp("end", required=False)
    operations: list[str | None] = []
    for i, name in enumerate(reader.text("operation_name").to_list()):
        operations.append(OPERATIONS.get(name or "chat"))
        if operations[-1] is None:
            reader.fail(i, "gen_ai.operation.name", "ingest.unknown_operation", value=name,
                        expected=", ".join(OPERATIONS))
    columns: dict[str, Any] = {
        name: reader.integer(name) for name in ("input_tokens", "output_tokens", "cached_input_tokens",
                                                "reasoning_tokens")}
    return reader.result({
        **columns, "event_id": reader.text("event_id"), "ts": start, "person": reader.text("person"),
        "tool": options.tool or KIND, "provider": reader.text("provider"),
        "model": reader.text("model", required=True), "operation": pl.Series(operations, dtype=pl.Utf8()),
        "latency_ms": (end - start).dt.total_microseconds() / 1000.0,
        "conversation_id": reader.text("conversation_id"), "prompt_text": reader.text("prompt"),
        "source": f"{KIND}:{path.name}", "tier": "measured", "request_count": 1,
    })


def _spans(document: Mapping[str, Any], name: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    resource_spans = document.get("resourceSpans")
    if not isinstance(resource_spans, list):
        raise UserInputError("ingest.bad_structure", {"expected": '{"resourceSpans": [...]}'}, Location(file=name))
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for entry in map(as_dict, resource_spans):
        resource = attributes(as_dict(entry.get("resource")).get("attributes"))
        for scope in map(as_dict, as_list(entry.get("scopeSpans"))):
            if not isinstance(scope.get("spans", []), list):
                raise UserInputError("ingest.bad_structure", {"expected": '"spans": [...]'},
                                     Location(file=name, field="spans"))
            found.extend((resource, span) for span in as_list(scope.get("spans")) if isinstance(span, dict))
    return found


def _record(resource: dict[str, Any], span: dict[str, Any]) -> dict[str, Any] | None:
    """The span's working columns, or None when it is not a GenAI model call."""
    attrs = {**resource, **attributes(span.get("attributes"))}
    if not any(key.startswith("gen_ai.") for key in attrs) or attrs.get("gen_ai.operation.name") in NOT_MODEL_CALLS:
        return None
    record: dict[str, Any] = {
        column: next((attrs[n] for n in names if attrs.get(n) is not None), None)
        for column, names in ATTRIBUTES.items()}
    record["prompt"] = _prompt(attrs, span)
    record["event_id"] = f"{span.get('traceId', '')}:{span.get('spanId', '')}" if span.get("spanId") else None
    record["start"] = _nanos(span.get("startTimeUnixNano"))
    record["end"] = _nanos(span.get("endTimeUnixNano"))
    return record


def attributes(raw: Any) -> dict[str, Any]:
    """OTLP/JSON ``[{key, value: {...Value}}]`` as a plain mapping."""
    return {item["key"]: any_value(item.get("value")) for item in as_list(raw)
            if isinstance(item, dict) and isinstance(item.get("key"), str)}


def any_value(value: Any) -> Any:
    if not isinstance(value, dict):
        return None
    if "arrayValue" in value:
        return [any_value(v) for v in as_list(as_dict(value["arrayValue"]).get("values"))]
    if "kvlistValue" in value:
        return attributes(as_dict(value["kvlistValue"]).get("values"))
    for kind in ("stringValue", "intValue", "doubleValue", "boolValue", "bytesValue"):
        if kind in value:
            return value[kind]  # intValue is a decimal string in OTLP/JSON: converted later
    return None


def _prompt(attrs: dict[str, Any], span: dict[str, Any]) -> str | None:
    for key in ("gen_ai.input.messages", "gen_ai.prompt"):
        if attrs.get(key) is not None:
            return message_text(attrs[key])
    numbered = sorted(int(k.split(".")[2]) for k in attrs
                      if k.startswith("gen_ai.prompt.") and k.endswith(".content") and k.split(".")[2].isdigit())
    if numbered:  # OpenLLMetry style: gen_ai.prompt.0.role, gen_ai.prompt.0.content...
        return message_text([{"role": attrs.get(f"gen_ai.prompt.{n}.role"),
                               "content": attrs[f"gen_ai.prompt.{n}.content"]} for n in numbered])
    events = [attributes(e.get("attributes")).get("content") for e in as_list(span.get("events"))
              if isinstance(e, dict) and e.get("name") in _PROMPT_EVENTS]
    return message_text([e for e in events if e is not None]) if events else None


def _nanos(raw: Any) -> str | None:
    """Epoch nanoseconds (a decimal string in OTLP/JSON) as ISO 8601; the raw text when unreadable."""
    if raw is None:
        return None
    try:
        return (EPOCH + timedelta(microseconds=int(str(raw)) // 1000)).isoformat()
    except (ValueError, OverflowError, OSError):
        return str(raw)

