"""anthropic-usage: the Admin API messages usage report."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sobria.errors import UserInputError
from sobria.ingest.formats.anthropic_usage import parse
from sobria.ingest.parsed import ParseOptions
from tests.ingest.formats.helpers import DATA, OPTIONS, errors, rows, write

AUG_1 = datetime(2025, 8, 1, tzinfo=UTC)


def test_usage_report_golden() -> None:
    parsed = parse(DATA / "anthropic-usage" / "usage_report.json", OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, "ts", "person", "provider", "model", "operation", "input_tokens", "output_tokens",
                "cached_input_tokens", "tier", "request_count", "_line") == [
        # 1500 uncached + 1000 (1 h) + 500 (5 min) cache writes + 2000 cache reads; ceil(700 / 350) requests
        {"ts": AUG_1, "person": "apikey_01Rj2N8SVvo6BePZj99NhmiT", "provider": "anthropic",
         "model": "claude-sonnet-4-20250514", "operation": "chat", "input_tokens": 5000, "output_tokens": 700,
         "cached_input_tokens": 2000, "tier": "token-level", "request_count": 2, "_line": 1},
        # no output tokens: at least one request
        {"ts": AUG_1, "person": None, "provider": "anthropic", "model": "claude-3-5-haiku-20241022",
         "operation": "chat", "input_tokens": 300, "output_tokens": 0, "cached_input_tokens": 0,
         "tier": "token-level", "request_count": 1, "_line": 2},
    ]  # record 3 has no usage at all: skipped


def test_request_estimate_follows_the_option() -> None:
    parsed = parse(DATA / "anthropic-usage" / "usage_report.json", ParseOptions(tokens_per_message_out=100))
    assert parsed.frame["request_count"].to_list() == [7, 1]


def _report(**result: Any) -> str:
    base: dict[str, Any] = {"uncached_input_tokens": 10, "cache_creation": {"ephemeral_1h_input_tokens": 0,
                            "ephemeral_5m_input_tokens": 0}, "cache_read_input_tokens": 0, "output_tokens": 5,
                            "model": "claude-opus-4-20250514"}
    bucket = {"starting_at": result.pop("starting_at", "2025-08-01T00:00:00Z"),
              "ending_at": "2025-08-02T00:00:00Z", "results": [{**base, **result}]}
    return json.dumps({"data": [bucket], "has_more": False, "next_page": None})


@pytest.mark.parametrize(("result", "expected"), [
    ({"model": None}, (1, "model", "ingest.missing_model", {})),
    ({"output_tokens": "5k"}, (1, "output_tokens", "ingest.not_integer", {"value": "5k"})),
    ({"cache_read_input_tokens": -1}, (1, "cache_read_input_tokens", "ingest.negative", {"value": "-1"})),
    ({"cache_creation": {"ephemeral_1h_input_tokens": 1.5}},
     (1, "ephemeral_1h_input_tokens", "ingest.not_integer", {"value": "1.5"})),
    ({"starting_at": "août 2025"}, (1, "starting_at", "ingest.bad_timestamp", {"value": "août 2025"})),
])
def test_bad_values_are_row_errors(tmp_path: Path, result: dict[str, Any], expected: tuple[Any, ...]) -> None:
    parsed = parse(write(tmp_path, "report.json", _report(**result)), OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


@pytest.mark.parametrize(("content", "key"), [
    (_report()[:-30], "ingest.truncated_json"),
    ('{"results": []}', "ingest.bad_structure"),
    ('{"data": [{"starting_at": "2025-08-01T00:00:00Z"}]}', "ingest.bad_structure"),
    ('{"data": [{"starting_at": "2025-08-01T00:00:00Z", "results": [3]}]}', "ingest.bad_structure"),
    ("", "ingest.empty_file"),
])
def test_unreadable_reports_are_file_errors(tmp_path: Path, content: str, key: str) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "report.json", content), OPTIONS)
    assert excinfo.value.key == key
    assert excinfo.value.where.file == str(tmp_path / "report.json")


def test_wrong_encoding(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "report.json", _report(model="modèle").encode("utf-16")), OPTIONS)
    assert (excinfo.value.key, excinfo.value.params["offset"]) == ("ingest.bad_encoding", 0)
