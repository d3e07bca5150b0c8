"""otel: OpenTelemetry GenAI spans in OTLP/JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sobria.errors import UserInputError
from sobria.ingest.formats.otel import any_value, parse
from tests.ingest.formats.helpers import DATA, OPTIONS, errors, rows, write

GOLDEN = [
    {"event_id": "5b8efff798038103d269b633813fc60c:eee19b7ec3c1b174",
     "ts": datetime(2025, 3, 14, 9, 30, 0, 123000, tzinfo=UTC), "person": "marie.durand@exemple.fr",
     "provider": "openai", "model": "gpt-4o-mini", "operation": "chat", "input_tokens": 1200, "output_tokens": 250,
     "cached_input_tokens": 1024, "latency_ms": 2500.0, "conversation_id": "conv_5j66UpCpwteGg4YSxUnt7lPY",
     "prompt_text": "Résume ce compte rendu.", "tier": "measured", "request_count": 1, "_line": 1},
    {"event_id": "0af7651916cd43dd8448eb211c80319c:b7ad6b7169203331",
     "ts": datetime(2025, 3, 14, 9, 31, 40, tzinfo=UTC),
     "person": "svc-indexeur", "provider": "openai", "model": "text-embedding-3-small", "operation": "embedding",
     "input_tokens": 800, "output_tokens": None, "cached_input_tokens": None, "latency_ms": 150.0,
     "conversation_id": None, "prompt_text": None, "tier": "measured", "request_count": 1, "_line": 2},
    {"event_id": "0af7651916cd43dd8448eb211c80319c:c7ad6b7169203332",
     "ts": datetime(2025, 3, 14, 9, 33, 20, tzinfo=UTC),
     "person": None, "provider": "openai", "model": "gpt-4o", "operation": "chat", "input_tokens": 50,
     "output_tokens": 20, "cached_input_tokens": None, "latency_ms": 1000.0, "conversation_id": None,
     "prompt_text": "Bonjour", "tier": "measured", "request_count": 1, "_line": 3},
]


def test_spans_golden() -> None:
    """Tool and HTTP spans are skipped; older attribute names (gen_ai.system, prompt_tokens) are read."""
    parsed = parse(DATA / "otel" / "genai_spans.json", OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, *GOLDEN[0]) == GOLDEN


def _span(attributes: dict[str, Any], **fields: Any) -> dict[str, Any]:
    values = [{"key": k, "value": {"intValue" if isinstance(v, int) else "stringValue": str(v)}}
              for k, v in attributes.items()]
    return {"traceId": "t1", "spanId": "s1", "name": "chat", "startTimeUnixNano": "1741944600000000000",
            "endTimeUnixNano": "1741944601000000000", "attributes": values, **fields}


def _export(*spans: dict[str, Any]) -> str:
    return json.dumps({"resourceSpans": [{"resource": {"attributes": []},
                                          "scopeSpans": [{"scope": {"name": "x"}, "spans": list(spans)}]}]},
                      ensure_ascii=False)


BASE = {"gen_ai.operation.name": "chat", "gen_ai.request.model": "mistral-small-latest",
        "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 5}


def test_json_lines_export_and_prompt_events(tmp_path: Path) -> None:
    event = {"name": "gen_ai.user.message", "attributes": [{"key": "content", "value": {"stringValue": "Salut"}}]}
    first = _export(_span(BASE, events=[event]))
    second = _export(_span({**BASE, "gen_ai.usage.output_tokens": 7}, spanId="s2"))
    parsed = parse(write(tmp_path, "traces.jsonl", f"{first}\n{second}\n"), OPTIONS)
    assert rows(parsed, "event_id", "output_tokens", "prompt_text", "tool") == [
        {"event_id": "t1:s1", "output_tokens": 5, "prompt_text": "Salut", "tool": "otel"},
        {"event_id": "t1:s2", "output_tokens": 7, "prompt_text": None, "tool": "otel"}]


@pytest.mark.parametrize(("attributes", "fields", "expected"), [
    ({"gen_ai.request.model": None}, {}, (1, "model", "ingest.missing_value", {})),
    ({"gen_ai.usage.input_tokens": "dix"}, {}, (1, "input_tokens", "ingest.not_integer", {"value": "dix"})),
    ({"gen_ai.usage.output_tokens": -5}, {}, (1, "output_tokens", "ingest.negative", {"value": "-5"})),
    ({}, {"startTimeUnixNano": "hier"}, (1, "start", "ingest.bad_timestamp", {"value": "hier"})),
    ({"gen_ai.operation.name": "rerank"}, {},
     (1, "gen_ai.operation.name", "ingest.unknown_operation",
      {"value": "rerank", "expected": "chat, generate_content, text_completion, embeddings"})),
])
def test_bad_values_are_row_errors(tmp_path: Path, attributes: dict[str, Any], fields: dict[str, Any],
                                   expected: tuple[object, ...]) -> None:
    merged = {k: v for k, v in {**BASE, **attributes}.items() if v is not None}
    parsed = parse(write(tmp_path, "traces.json", _export(_span(merged, **fields))), OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


@pytest.mark.parametrize(("content", "key"), [
    (_export(_span(BASE))[:-25], "ingest.truncated_json"),
    ('{"resourceLogs": []}', "ingest.bad_structure"),
    ("[]", "ingest.bad_structure"),
])
def test_unreadable_exports_are_file_errors(tmp_path: Path, content: str, key: str) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "traces.json", content), OPTIONS)
    assert excinfo.value.key == key


def test_wrong_encoding(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "traces.json", _export(_span({**BASE, "user.id": "zoé"})).encode("latin-1")),
              OPTIONS)
    assert excinfo.value.key == "ingest.bad_encoding"


def test_any_value_kinds() -> None:
    assert any_value({"arrayValue": {"values": [{"stringValue": "a"}, {"intValue": "2"}]}}) == ["a", "2"]
    assert any_value({"kvlistValue": {"values": [{"key": "k", "value": {"boolValue": True}}]}}) == {"k": True}
    assert any_value({"doubleValue": 1.5}) == 1.5
    assert any_value("nu") is None
