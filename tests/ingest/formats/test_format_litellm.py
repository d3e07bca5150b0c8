"""litellm: LiteLLM_SpendLogs rows as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.events.revision import default_model
from sobria.ingest.formats.litellm import operation_of, parse, thread_signal
from tests.ingest.formats.helpers import DATA, OPTIONS, errors, rows, user_error, write

GOLDEN = [
    {"event_id": "chatcmpl-9f2b1c3e-7a41-4d0e-9b2a-1f0c5e8d7a61",
     "ts": datetime(2025, 3, 14, 9, 30, 0, 123000, tzinfo=UTC), "person": "marie.durand@exemple.fr",
     "tool": "litellm", "provider": "openai", "model": "gpt-4o-mini",
     "operation": "chat", "input_tokens": 1200, "output_tokens": 250, "images": None, "latency_ms": 2500.0,
     "conversation_id": "sess-42", "prompt_text": "Rédige un courriel de relance\npour le client Dupont.",
     "tier": "measured", "request_count": 1, "_cost_usd": 0.000405, "_cache_hit": False},
    {"event_id": "emb-5b1d2c7e", "ts": datetime(2025, 3, 14, 9, 31, tzinfo=UTC), "person": "app-support",
     "tool": "litellm", "provider": "openai", "model": "text-embedding-3-small", "operation": "embedding",
     "input_tokens": 1000, "output_tokens": 0, "images": None, "latency_ms": 250.0, "conversation_id": None,
     "prompt_text": None, "tier": "measured", "request_count": 1, "_cost_usd": 0.00002, "_cache_hit": None},
    {"event_id": "img-77aa01", "ts": datetime(2025, 3, 14, 9, 35, 10, tzinfo=UTC),
     "person": "88dc28d0f030c55ed4ab77ed8faf098196cb1c05df778539800c9f1243fe6b4b", "tool": "litellm",
     "provider": "openai", "model": "dall-e-3", "operation": "image", "input_tokens": 0, "output_tokens": 0,
     "images": 1, "latency_ms": 12000.0, "conversation_id": None, "prompt_text": None, "tier": "measured",
     "request_count": 1, "_cost_usd": 0.04, "_cache_hit": True},
]


@pytest.mark.parametrize("name", ["spend_logs.csv", "spend_logs.json"])
def test_spend_logs_golden(name: str) -> None:
    parsed = parse(DATA / "litellm" / name, OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, *GOLDEN[0]) == GOLDEN
    assert parsed.frame["_line"].to_list() == ([2, 3, 4] if name.endswith(".csv") else [1, 2, 3])


@pytest.mark.parametrize(("call_type", "operation"), [
    ("acompletion", "chat"), ("completion", "chat"), ("aresponses", "chat"), ("anthropic_messages", "chat"),
    ("atext_completion", "completion"), ("aembedding", "embedding"), ("aimage_generation", "image"),
    ("atranscription", "audio"), ("aspeech", "audio"), ("amoderation", None), ("arerank", None), (None, None),
])
def test_call_types(call_type: str | None, operation: str | None) -> None:
    assert operation_of(call_type) == operation


def _csv(**changes: str) -> str:
    row = {"request_id": "r1", "call_type": "acompletion", "api_key": "k", "spend": "0.01", "prompt_tokens": "10",
           "completion_tokens": "5", "startTime": "2025-03-14 09:30:00", "endTime": "2025-03-14 09:30:01",
           "model": "gpt-4o", "user": "u1", "messages": "{}", "cache_hit": "False", "status": "success"}
    row.update(changes)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    return out.getvalue()


@pytest.mark.parametrize(("changes", "expected"), [
    ({"prompt_tokens": "dix"}, (2, "prompt_tokens", "ingest.not_integer", {"value": "dix"})),
    ({"completion_tokens": "-5"}, (2, "completion_tokens", "ingest.negative", {"value": "-5"})),
    ({"startTime": "14/03/2025 09:30"}, (2, "startTime", "ingest.bad_timestamp", {"value": "14/03/2025 09:30"})),
    ({"spend": "gratuit"}, (2, "spend", "ingest.not_number", {"value": "gratuit"})),
    ({"cache_hit": "peut-être"}, (2, "cache_hit", "ingest.bad_boolean", {"value": "peut-être"})),
    ({"model": ""}, (2, "model", "ingest.missing_value", {})),
    ({"call_type": "amoderation"}, (2, "call_type", "ingest.unknown_call_type", {
        "value": "amoderation", "expected": "anthropic_messages, completion, embedding, generate_content, "
        "image_edit, image_generation, responses, speech, text_completion, transcription"})),
])
def test_bad_values_are_row_errors(tmp_path: Path, changes: dict[str, str], expected: tuple[object, ...]) -> None:
    parsed = parse(write(tmp_path, "logs.csv", _csv(**changes)), OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


def test_a_conversation_gives_each_request_its_own_prompt_not_the_history(tmp_path: Path) -> None:
    """A chat client sends the earlier turns again with each request: only the new user message is the
    request's prompt (otherwise one conversation's requests would look like near-duplicates)."""
    turns = [[{"role": "user", "content": "Quel est le délai légal de préavis ?"}]]
    turns.append([*turns[0], {"role": "assistant", "content": "Un mois."},
                  {"role": "user", "content": "Et pour un CDD ?"}])
    turns.append([*turns[1], {"role": "assistant", "content": "Aucun."}, {"role": "user", "content": "Merci !"}])
    files = [_csv(request_id=f"r{i}", messages=json.dumps(m, ensure_ascii=False)) for i, m in enumerate(turns)]
    body = files[0] + "".join(f.split("\r\n", 1)[1] for f in files[1:])  # one header, three rows
    parsed = parse(write(tmp_path, "logs.csv", body), OPTIONS)
    assert errors(parsed) == []
    assert parsed.frame["prompt_text"].to_list() == ["Quel est le délai légal de préavis ?", "Et pour un CDD ?",
                                                     "Merci !"]
    assert parsed.frame["thread_turn"].to_list() == [1, 2, 3]     # a turn sent again would repeat its number
    assert parsed.frame["thread_signal"].to_list() == ["new", "new", "new"]


@pytest.mark.parametrize(("messages", "turn"), [
    ('[{"role": "system", "content": "x"}]', None), ("Bonjour", None), ("[not json", None), ("{}", None),
    ('[{"role": "user", "content": "a"}, {"role": "assistant", "content": "b"}, {"role": "user", "content": "a"}]', 2),
])
def test_thread_turn_of_logged_messages(messages: str, turn: int | None) -> None:
    signal = thread_signal(messages, default_model())
    assert (None if signal is None else signal.turn) == turn


def test_a_logged_revision_of_the_previous_answer_is_a_thread_signal() -> None:
    """The revision score reads the previous user turn of the logged thread (events.revision)."""
    letter = [{"role": "user", "content": "Write a cover letter for a data analyst job at Airbus"},
              {"role": "assistant", "content": "Dear hiring manager..."}]
    model = default_model()
    revised = thread_signal(json.dumps([*letter, {"role": "user", "content": "make it shorter and more formal"}]),
                            model)
    other = thread_signal(json.dumps([*letter, {"role": "user", "content": "What is the capital of Peru?"}]), model)
    unanswered = thread_signal(json.dumps([letter[0], {"role": "user", "content": "make it shorter"}]), model)
    assert [(s.turn, s.signal) for s in (revised, other, unanswered) if s] == [
        (2, "revision"), (2, "new"), (2, "new")]


def test_missing_column(tmp_path: Path) -> None:
    text = _csv().replace(",startTime", ",debut")
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "logs.csv", text), OPTIONS)
    assert user_error(excinfo) == ("ingest.missing_column", str(tmp_path / "logs.csv"), None, "startTime")


def test_truncated_files(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "logs.csv", _csv() + "r2,acompletion,k,0.01\n"), OPTIONS)
    assert [(e.line, e.key) for e in parsed.errors] == [(3, "ingest.bad_field_count")]
    assert parsed.frame["event_id"].to_list() == ["r1"]
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "logs.json", '[{"request_id": "r1", "call_type": "acompletion"'), OPTIONS)
    assert excinfo.value.key == "ingest.truncated_json"


def test_json_lines_with_a_truncated_last_line(tmp_path: Path) -> None:
    line = ('{"request_id": "r1", "call_type": "acompletion", "startTime": "2025-03-14T09:30:00Z", '
            '"model": "gpt-4o", "prompt_tokens": 3, "completion_tokens": 4, "spend": 0.001}')
    parsed = parse(write(tmp_path, "logs.jsonl", f"{line}\n{line[:30]}"), OPTIONS)
    assert [(e.line, e.key) for e in parsed.errors] == [(2, "ingest.bad_json_line")]
    assert rows(parsed, "event_id", "input_tokens", "output_tokens", "_cost_usd", "latency_ms") == [
        {"event_id": "r1", "input_tokens": 3, "output_tokens": 4, "_cost_usd": 0.001, "latency_ms": None}]


def test_wrong_encoding(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "logs.csv", _csv(user="josé").encode("latin-1")), OPTIONS)
    assert excinfo.value.key == "ingest.bad_encoding"
