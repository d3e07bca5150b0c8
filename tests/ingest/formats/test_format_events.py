"""events: the canonical format as CSV, JSON Lines and Parquet, round-tripped."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polars as pl
import pytest

from sobria.errors import UserInputError
from sobria.events.schema import EVENT_COLUMNS, conform
from sobria.ingest.formats.events import parse
from sobria.ingest.parsed import ParseOptions
from tests.ingest.formats.helpers import DATA, OPTIONS, errors, rows, user_error, write


def _canonical() -> pl.DataFrame:
    return conform(pl.DataFrame({
        "event_id": ["e1", "e2"],
        "ts": [datetime(2025, 3, 14, 9, 30, 0, 250000, tzinfo=UTC), datetime(2025, 3, 15, tzinfo=UTC)],
        "person": ["marie.durand@exemple.fr", None], "team": ["Conseil", None], "tool": ["gateway", "api"],
        "provider": ["openai", "mistral"], "model": ["gpt-4o-mini", "mistral-small-latest"],
        "operation": ["chat", "image"], "input_tokens": [1200, None], "output_tokens": [250, None],
        "cached_input_tokens": [1024, None], "reasoning_tokens": [0, None], "images": [None, 2],
        "image_size": [None, "1024x1024"], "image_quality": [None, "hd"], "latency_ms": [2500.5, None],
        "zone": ["FR", None], "purpose": ["client", "internal"], "conversation_id": ["c1", None],
        "image_used": [None, False], "answer_kept": [True, None], "prompt_fingerprint": [None, None],
        "prompt_text": ["Rédige un courriel,\n« urgent »", None], "cost_eur": [0.0004, 0.08],
        "source": ["gateway:2025-03", "gateway:2025-03"], "tier": ["measured", "token-level"],
        "request_count": [1, 3],
    }))


@pytest.mark.parametrize("suffix", ["csv", "jsonl", "parquet"])
def test_round_trip(tmp_path: Path, suffix: str) -> None:
    frame, path = _canonical(), tmp_path / f"events.{suffix}"
    if suffix == "csv":
        frame.write_csv(path)
    elif suffix == "jsonl":
        frame.write_ndjson(path)
    else:
        frame.write_parquet(path)
    parsed = parse(path, OPTIONS)
    assert errors(parsed) == []
    assert parsed.frame.select(c.name for c in EVENT_COLUMNS).equals(frame)
    assert parsed.frame["_line"].to_list() == ([2, 4] if suffix == "csv" else [1, 2])  # the prompt spans 2 lines


def test_events_csv_golden_with_prompt_and_defaults() -> None:
    parsed = parse(DATA / "events" / "events.csv", ParseOptions(tool="import-manuel"))
    assert errors(parsed) == []
    assert rows(parsed, "event_id", "ts", "tool", "input_tokens", "output_tokens", "latency_ms", "answer_kept",
                "prompt_text", "cost_eur", "source", "tier", "request_count", "_line") == [
        {"event_id": "evt-1", "ts": datetime(2025, 3, 14, 9, 30, tzinfo=UTC), "tool": "gateway",
         "input_tokens": 1200, "output_tokens": 250, "latency_ms": 2500.5, "answer_kept": True,
         "prompt_text": "Rédige un courriel de relance", "cost_eur": 0.0004, "source": "events:events.csv",
         "tier": "measured", "request_count": 1, "_line": 2},
        {"event_id": "evt-2", "ts": datetime(2025, 3, 14, 10, 0, tzinfo=UTC), "tool": "gateway",
         "input_tokens": 300, "output_tokens": None, "latency_ms": None, "answer_kept": None,
         "prompt_text": None, "cost_eur": None, "source": "events:events.csv", "tier": "measured",
         "request_count": 1, "_line": 3},
    ]


HEADER = "ts,model,operation,input_tokens,answer_kept\n"


@pytest.mark.parametrize(("row", "expected"), [
    ("2025-03-14T09:30:00Z,gpt-4o,chat,mille,", (2, "input_tokens", "ingest.not_integer", {"value": "mille"})),
    ("2025-03-14T09:30:00Z,gpt-4o,chat,-12,", (2, "input_tokens", "ingest.negative", {"value": "-12"})),
    ("14/03/2025,gpt-4o,chat,12,", (2, "ts", "ingest.bad_timestamp", {"value": "14/03/2025"})),
    (",gpt-4o,chat,12,", (2, "ts", "ingest.missing_value", {})),
    ("2025-03-14T09:30:00Z,,chat,12,", (2, "model", "ingest.missing_value", {})),
    ("2025-03-14T09:30:00Z,gpt-4o,chat,12,bof", (2, "answer_kept", "ingest.bad_boolean", {"value": "bof"})),
])
def test_bad_values_are_row_errors(tmp_path: Path, row: str, expected: tuple[object, ...]) -> None:
    parsed = parse(write(tmp_path, "events.csv", HEADER + row + "\n"), OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


def test_missing_ts_column(tmp_path: Path) -> None:
    path = write(tmp_path, "events.csv", "model,operation\ngpt-4o,chat\n")
    with pytest.raises(UserInputError) as excinfo:
        parse(path, OPTIONS)
    assert user_error(excinfo) == ("ingest.missing_column", str(path), None, "ts")


def test_truncated_files(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "events.jsonl", '{"ts": "2025-03-14", "model": "m", "operation": "chat"}\n'
                                                  '{"ts": "2025-03-14", "mo'), OPTIONS)
    assert [(e.line, e.key) for e in parsed.errors] == [(2, "ingest.bad_json_line")]
    assert parsed.frame.height == 1
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "events.json", '[{"ts": "2025-03-14", "model": "m"'), OPTIONS)
    assert excinfo.value.key == "ingest.truncated_json"
    _canonical().write_parquet(tmp_path / "full.parquet")
    write(tmp_path, "cut.parquet", (tmp_path / "full.parquet").read_bytes()[:-30])
    with pytest.raises(UserInputError) as excinfo:
        parse(tmp_path / "cut.parquet", OPTIONS)
    assert user_error(excinfo) == ("ingest.bad_parquet", str(tmp_path / "cut.parquet"), None, None)


def test_wrong_encoding_and_unknown_format(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "events.csv", (HEADER + "2025-03-14,modèle,chat,1,\n").encode("latin-1")), OPTIONS)
    assert excinfo.value.key == "ingest.bad_encoding"
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "events.xlsx", "x"), OPTIONS)
    assert (excinfo.value.key, excinfo.value.params["suffix"]) == ("ingest.unknown_format", ".xlsx")
