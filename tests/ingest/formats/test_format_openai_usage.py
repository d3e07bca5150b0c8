"""openai-usage: Organization Usage API pages and the dashboard CSV export."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sobria.errors import UserInputError
from sobria.ingest.formats.openai_usage import parse
from sobria.ingest.parsed import ParseOptions
from sobria.ingest.reading import stable_id
from tests.ingest.formats.helpers import DATA, OPTIONS, errors, rows, user_error, write

COLUMNS = ("ts", "person", "tool", "provider", "model", "operation", "input_tokens", "output_tokens",
           "cached_input_tokens", "images", "image_size", "tier", "request_count", "_line")
NOV_1 = datetime(2024, 11, 1, tzinfo=UTC)


def test_completions_page_golden() -> None:
    parsed = parse(DATA / "openai-usage" / "completions_page.json", OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, *COLUMNS) == [
        {"ts": NOV_1, "person": "user-dAU7Ud7OljwJvKfi", "tool": "api", "provider": "openai",
         "model": "gpt-4o-2024-08-06", "operation": "chat", "input_tokens": 59200, "output_tokens": 10646,
         "cached_input_tokens": 5760, "images": None, "image_size": None, "tier": "token-level",
         "request_count": 10, "_line": 1},
        # older API version: no input_text_tokens, so audio tokens are added to the text totals
        {"ts": NOV_1, "person": "key_7fGhP2mQ9sLkX1aB", "tool": "api", "provider": "openai",
         "model": "gpt-4o-mini-2024-07-18", "operation": "chat", "input_tokens": 1600, "output_tokens": 400,
         "cached_input_tokens": 0, "images": None, "image_size": None, "tier": "token-level",
         "request_count": 3, "_line": 2},
    ]
    assert parsed.frame["source"].to_list() == ["openai-usage:completions_page.json"] * 2
    assert parsed.frame["event_id"].to_list()[1] == stable_id(
        "openai-usage", NOV_1, "chat", "proj_4BhNtYH0z7dWbBtz", None, "key_7fGhP2mQ9sLkX1aB",
        "gpt-4o-mini-2024-07-18", "true", None, None, None)


def test_event_ids_are_stable_across_reads() -> None:
    path = DATA / "openai-usage" / "completions_page.json"
    assert parse(path, OPTIONS).frame["event_id"].to_list() == parse(path, OPTIONS).frame["event_id"].to_list()


def test_embeddings_and_images_pages_golden() -> None:
    parsed = parse(DATA / "openai-usage" / "embeddings_images.json", ParseOptions(tool="plateforme"))
    assert errors(parsed) == []
    assert rows(parsed, "model", "operation", "tool", "input_tokens", "output_tokens", "images", "image_size",
                "request_count") == [
        {"model": "text-embedding-3-small", "operation": "embedding", "tool": "plateforme", "input_tokens": 16000,
         "output_tokens": None, "images": None, "image_size": None, "request_count": 2},
        {"model": "dall-e-3", "operation": "image", "tool": "plateforme", "input_tokens": None,
         "output_tokens": None, "images": 4, "image_size": "1024x1024", "request_count": 4},
    ]


def test_dashboard_csv_export_golden() -> None:
    parsed = parse(DATA / "openai-usage" / "dashboard_completions.csv", OPTIONS)
    assert errors(parsed) == []  # the empty bucket on line 4 is skipped silently
    assert rows(parsed, "ts", "model", "input_tokens", "output_tokens", "cached_input_tokens", "request_count",
                "_line") == [
        {"ts": datetime(2025, 10, 5, tzinfo=UTC), "model": "gpt-4o-2024-08-06", "input_tokens": 59200,
         "output_tokens": 10646, "cached_input_tokens": 5760, "request_count": 10, "_line": 2},
        {"ts": datetime(2025, 10, 6, tzinfo=UTC), "model": "gpt-5-mini-2025-08-07", "input_tokens": 80992,
         "output_tokens": 274770, "cached_input_tokens": 0, "request_count": 21, "_line": 3},
    ]


def _page(**result: Any) -> str:
    base = {"object": "organization.usage.completions.result", "input_tokens": 100, "output_tokens": 50,
            "num_model_requests": 2, "model": "gpt-4o"}
    bucket = {"object": "bucket", "start_time": result.pop("start_time", 1730419200), "end_time": 1730505600,
              "results": [{**base, **result}]}
    return json.dumps({"object": "page", "data": [bucket], "has_more": False, "next_page": None})


@pytest.mark.parametrize(("result", "expected"), [
    ({"model": None}, (1, "model", "ingest.missing_model", {})),
    ({"input_tokens": "beaucoup"}, (1, "input_tokens", "ingest.not_integer", {"value": "beaucoup"})),
    ({"output_tokens": -5}, (1, "output_tokens", "ingest.negative", {"value": "-5"})),
    ({"start_time": "hier"}, (1, "start_time", "ingest.bad_timestamp", {"value": "hier"})),
    ({"object": "organization.usage.moderations.result"},
     (1, "object", "ingest.unsupported_object", {"object": "organization.usage.moderations.result",
      "expected": "organization.usage.completions.result, organization.usage.embeddings.result, "
                  "organization.usage.images.result"})),
])
def test_bad_api_values_are_row_errors(tmp_path: Path, result: dict[str, Any], expected: tuple[Any, ...]) -> None:
    parsed = parse(write(tmp_path, "usage.json", _page(**result)), OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


def test_zero_request_result_is_skipped(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "usage.json", _page(num_model_requests=0, input_tokens=0, output_tokens=0)),
                   OPTIONS)
    assert (parsed.frame.height, parsed.errors) == (0, [])


HEADER = "start_time,end_time,start_time_iso,end_time_iso,num_model_requests,model,input_tokens,output_tokens\n"
ROW = "1759622400,1759708800,2025-10-05T00:00:00+00:00,2025-10-06T00:00:00+00:00,10.0,gpt-4o,500.0,100.0\n"


def test_csv_missing_column_is_a_file_error(tmp_path: Path) -> None:
    path = write(tmp_path, "export.csv", HEADER.replace(",model", "") + ROW.replace(",gpt-4o", ""))
    with pytest.raises(UserInputError) as excinfo:
        parse(path, OPTIONS)
    assert user_error(excinfo) == ("ingest.missing_column", str(path), None, "model")


def test_csv_truncated_last_row(tmp_path: Path) -> None:
    parsed = parse(write(tmp_path, "export.csv", HEADER + ROW + ROW[:40]), OPTIONS)
    assert errors(parsed) == [(3, None, "ingest.bad_field_count", {"expected": 8, "found": 3})]
    assert parsed.frame["request_count"].to_list() == [10]


def test_csv_bad_timestamp_and_negative_tokens(tmp_path: Path) -> None:
    bad = ROW.replace("2025-10-05T00:00:00+00:00", "05/10/2025").replace("500.0", "-500")
    parsed = parse(write(tmp_path, "export.csv", HEADER + bad), OPTIONS)
    assert errors(parsed) == [(2, "input_tokens", "ingest.negative", {"value": "-500"}),
                              (2, "start_time", "ingest.bad_timestamp", {"value": "05/10/2025"})]


def test_wrong_encoding_and_truncated_json(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "export.csv", (HEADER + ROW.replace("gpt-4o", "modèle")).encode("cp1252")), OPTIONS)
    assert excinfo.value.key == "ingest.bad_encoding"
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "usage.json", _page()[:-40]), OPTIONS)
    assert excinfo.value.key == "ingest.truncated_json"


def test_json_without_data_is_a_structure_error(tmp_path: Path) -> None:
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "usage.json", '{"object": "list", "items": []}'), OPTIONS)
    assert excinfo.value.key == "ingest.bad_structure"
