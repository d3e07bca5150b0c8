"""``openai-usage``: OpenAI Organization Usage API JSON and the usage dashboard's CSV export.

API (``GET /v1/organization/usage/{completions,embeddings,images}``): a ``page`` object (or a
JSON array of pages) whose ``data`` holds ``bucket`` objects (``start_time``, ``end_time`` in epoch
seconds) whose ``results`` are ``organization.usage.completions.result``, ``...embeddings.result``
or ``...images.result`` objects. The dashboard CSV export has one row per bucket and group with
the same field names plus ``start_time_iso``/``end_time_iso``; it writes counts as ``10.0`` and
empty buckets as rows with every field after the dates empty (skipped here).

One result becomes one row: ``request_count = num_model_requests``, token totals, tier
``token-level``, ``event_id`` = a stable hash of the bucket start and the result's identity.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from sobria.errors import Location, UserInputError
from sobria.ingest.json_input import load_json
from sobria.ingest.parsed import DERIVED_ID, Parsed, ParseOptions, RowError
from sobria.ingest.reading import (
    Record,
    TableReader,
    read_csv_table,
    stable_id,
    starts_like_json,
    table_from_records,
)

KIND = "openai-usage"
PROVIDER = "openai"
OPERATIONS = {
    "organization.usage.completions.result": "chat",
    "organization.usage.embeddings.result": "embedding",
    "organization.usage.images.result": "image",
}
FIELDS = (
    "object", "start_time", "input_tokens", "output_tokens", "input_cached_tokens", "input_text_tokens",
    "output_text_tokens", "input_audio_tokens", "output_audio_tokens", "num_model_requests", "project_id",
    "user_id", "api_key_id", "model", "batch", "service_tier", "images", "size", "source",
)
IDENTITY = ("project_id", "user_id", "api_key_id", "model", "batch", "service_tier", "size", "source")


def parse(path: Path, options: ParseOptions) -> Parsed:
    if starts_like_json(path):
        return _convert(path, *_api_table(path), options, epoch=True)
    table, errors = read_csv_table(path, options.max_line_bytes)
    table = table.with_columns(pl.lit(_csv_object(table.columns)).alias("object"))
    if "start_time_iso" in table.columns:
        table = table.drop("start_time", strict=False).rename({"start_time_iso": "start_time"})
    return _convert(path, table, errors, options, epoch=True)


def _csv_object(columns: list[str]) -> str:
    """The dashboard exports one file per endpoint: its columns tell which."""
    if "images" in columns:
        return "organization.usage.images.result"
    if "output_tokens" not in columns:
        return "organization.usage.embeddings.result"
    return "organization.usage.completions.result"


def _api_table(path: Path) -> tuple[pl.DataFrame, list[RowError]]:
    name, document = str(path), load_json(path)
    pages = document if isinstance(document, list) else [document]
    records: list[Record] = []
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise UserInputError("ingest.bad_structure", {"expected": '{"object": "page", "data": [...]}'},
                                 Location(file=name))
        for bucket in page["data"]:
            results = bucket.get("results") if isinstance(bucket, dict) else None
            if not isinstance(results, list):
                raise UserInputError("ingest.bad_structure", {"expected": '{"object": "bucket", "results": [...]}'},
                                     Location(file=name))
            for result in results:
                number = len(records) + 1
                fields: dict[str, Any] = dict(result) if isinstance(result, dict) else {"object": repr(result)}
                records.append((number, {**fields, "start_time": bucket.get("start_time")}))
    return table_from_records(records, list(FIELDS)), []


def _convert(path: Path, table: pl.DataFrame, errors: list[RowError], options: ParseOptions, *,
             epoch: bool) -> Parsed:
    reader = TableReader(str(path), table, errors)
    reader.require("start_time", "model", "num_model_requests", "input_tokens" if reader.has("output_tokens")
                   or not reader.has("images") else "images")
    objects = reader.text("object").to_list()
    model = reader.text("model")
    raw_requests = reader.text("num_model_requests")
    requests = reader.integer("num_model_requests")
    ints = {name: reader.integer(name) for name in (
        "input_tokens", "output_tokens", "input_cached_tokens", "input_text_tokens", "output_text_tokens",
        "input_audio_tokens", "output_audio_tokens", "images")}
    ts = reader.timestamp("start_time", epoch=epoch)
    operations: list[str | None] = []
    for i, obj in enumerate(objects):
        operation = OPERATIONS.get(obj or "")
        operations.append(operation)
        if operation is None:
            reader.fail(i, "object", "ingest.unsupported_object", object=obj, expected=", ".join(OPERATIONS))
        elif model[i] is None and raw_requests[i] is None:
            reader.skip(i)  # an empty bucket
        elif model[i] is None:
            reader.fail(i, "model", "ingest.missing_model")
        elif raw_requests[i] is None:
            reader.fail(i, "num_model_requests", "ingest.missing_value")
        elif requests[i] == 0:
            reader.skip(i)  # a result with no request
    identity = zip(*(reader.text(c).to_list() for c in IDENTITY), strict=True)
    person = reader.text("user_id").fill_null(reader.text("api_key_id"))
    return reader.result({
        "event_id": pl.Series([stable_id(KIND, t, op, *ident) for t, op, ident in
                               zip(ts.to_list(), operations, identity, strict=True)]),
        "ts": ts, "person": person, "tool": options.tool or "api", "provider": PROVIDER, "model": model,
        "operation": pl.Series(operations, dtype=pl.Utf8()),
        "input_tokens": _with_audio(ints["input_tokens"], ints["input_text_tokens"], ints["input_audio_tokens"]),
        "output_tokens": _with_audio(ints["output_tokens"], ints["output_text_tokens"],
                                     ints["output_audio_tokens"]),
        "cached_input_tokens": ints["input_cached_tokens"], "images": ints["images"],
        "image_size": reader.text("size"), "source": f"{KIND}:{path.name}", DERIVED_ID: True, "tier": "token-level",
        "request_count": requests,
    })


def _with_audio(total: pl.Series, text_only: pl.Series, audio: pl.Series) -> pl.Series:
    """Older API versions count text tokens in ``input_tokens`` and audio apart; newer ones (which
    also report ``input_text_tokens``) include every modality in the total."""
    return pl.select(pl.when(text_only.is_null() & total.is_not_null())
                     .then(total + audio.fill_null(0)).otherwise(total)).to_series().alias(total.name)
