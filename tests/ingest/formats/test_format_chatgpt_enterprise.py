"""chatgpt-enterprise: the workspace user report (messages per user and model, no tokens)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.ingest.formats.chatgpt_enterprise import parse
from sobria.ingest.parsed import ParseOptions
from tests.ingest.formats.helpers import DATA, OPTIONS, errors, rows, user_error, write

APRIL = datetime(2025, 4, 1, tzinfo=UTC)


def test_monthly_report_golden() -> None:
    parsed = parse(DATA / "chatgpt-enterprise" / "monthly_user_report.csv", OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, "ts", "person", "tool", "provider", "model", "operation", "input_tokens", "output_tokens",
                "tier", "request_count", "_line") == [
        {"ts": APRIL, "person": "marie.durand@exemple.fr", "tool": "chatgpt-enterprise", "provider": "openai",
         "model": "gpt-4o", "operation": "chat", "input_tokens": 40000, "output_tokens": 35000,
         "tier": "message-level", "request_count": 100, "_line": 2},
        {"ts": APRIL, "person": "marie.durand@exemple.fr", "tool": "chatgpt-enterprise", "provider": "openai",
         "model": "o3", "operation": "chat", "input_tokens": 8000, "output_tokens": 7000,
         "tier": "message-level", "request_count": 20, "_line": 2},
        {"ts": APRIL, "person": "jean.martin@exemple.fr", "tool": "chatgpt-enterprise", "provider": "openai",
         "model": "unknown", "operation": "chat", "input_tokens": 12000, "output_tokens": 10500,
         "tier": "message-level", "request_count": 30, "_line": 3},
    ]  # line 4: an inactive user with 0 messages, no row
    assert parsed.frame["event_id"].n_unique() == 3


def test_per_message_assumptions_come_from_the_options() -> None:
    parsed = parse(DATA / "chatgpt-enterprise" / "monthly_user_report.csv",
                   ParseOptions(tokens_per_message_in=1000, tokens_per_message_out=500, tool="chatgpt-team"))
    assert rows(parsed, "tool", "input_tokens", "output_tokens")[0] == {
        "tool": "chatgpt-team", "input_tokens": 100000, "output_tokens": 50000}


def test_weekly_variant_with_json_breakdown_and_public_id(tmp_path: Path) -> None:
    text = ('cadence;week_start;public_id;messages;model_to_messages\n'
            'Weekly;2025-03-30;user-Ab12;7;"{""gpt-4o-mini"": 7, ""gpt-4o"": 0}"\n')
    parsed = parse(write(tmp_path, "weekly.csv", text), OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, "ts", "person", "model", "request_count") == [
        {"ts": datetime(2025, 3, 30, tzinfo=UTC), "person": "user-Ab12", "model": "gpt-4o-mini", "request_count": 7}]


HEADER = "period_start,email,messages,model_to_messages\n"


@pytest.mark.parametrize(("row", "expected"), [
    ('2025-04-01,a@x.fr,douze,"{\'gpt-4o\': 12}"', (2, "messages", "ingest.not_integer", {"value": "douze"})),
    ('2025-04-01,a@x.fr,-3,', (2, "messages", "ingest.negative", {"value": "-3"})),
    ('avril 2025,a@x.fr,12,', (2, "period_start", "ingest.bad_timestamp", {"value": "avril 2025"})),
    ('2025-04-01,,12,', (2, "email", "ingest.missing_value", {})),
    ('2025-04-01,a@x.fr,12,"{\'gpt-4o\': -12}"',
     (2, "model_to_messages", "ingest.bad_model_map", {"value": "{'gpt-4o': -12}"})),
    ('2025-04-01,a@x.fr,12,gpt-4o=12', (2, "model_to_messages", "ingest.bad_model_map", {"value": "gpt-4o=12"})),
])
def test_bad_values_are_row_errors(tmp_path: Path, row: str, expected: tuple[object, ...]) -> None:
    parsed = parse(write(tmp_path, "report.csv", HEADER + row + "\n"), OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


def test_missing_column(tmp_path: Path) -> None:
    path = write(tmp_path, "report.csv", "period_start,email\n2025-04-01,a@x.fr\n")
    with pytest.raises(UserInputError) as excinfo:
        parse(path, OPTIONS)
    assert user_error(excinfo) == ("ingest.missing_column", str(path), None, "messages")
    assert excinfo.value.params["found"] == "period_start, email"


def test_truncated_and_wrongly_encoded_files(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "report.csv", HEADER + "2025-04-01,a@x.fr,12,\n2025-04-01,b@x"), OPTIONS)
    assert errors(parsed) == [(3, None, "ingest.bad_field_count", {"expected": 4, "found": 2})]
    assert parsed.frame["request_count"].to_list() == [12]
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "r.csv", (HEADER + "2025-04-01,hélène@x.fr,1,\n").encode("cp1252")), OPTIONS)
    assert excinfo.value.key == "ingest.bad_encoding"
