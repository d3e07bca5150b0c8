"""``anthropic-usage``: the Admin API usage report (``GET /v1/organizations/usage_report/messages``).

A page ``{"data": [bucket...], "has_more", "next_page"}`` (or a JSON array of pages); a bucket has
``starting_at``/``ending_at`` (RFC 3339) and ``results`` with ``uncached_input_tokens``,
``cache_creation.{ephemeral_1h_input_tokens, ephemeral_5m_input_tokens}``,
``cache_read_input_tokens``, ``output_tokens``, ``server_tool_use.web_search_requests`` and the
group-by fields ``api_key_id``, ``workspace_id``, ``model``, ``service_tier``, ``context_window``.

``input_tokens`` = uncached + cache creation (1 h and 5 min) + cache read;
``cached_input_tokens`` = cache read. The report has no request count: it is estimated as
``ceil(output_tokens / options.tokens_per_message_out)`` (at least 1), i.e. the same "one answer is
350 tokens" assumption as the ChatGPT importer, documented in docs/events.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from sobria.errors import Location, UserInputError
from sobria.ingest.json_input import load_json
from sobria.ingest.parsed import DERIVED_ID, Parsed, ParseOptions
from sobria.ingest.reading import Record, TableReader, stable_id, table_from_records

KIND = "anthropic-usage"
PROVIDER = "anthropic"
TOKENS = ("uncached_input_tokens", "ephemeral_1h_input_tokens", "ephemeral_5m_input_tokens",
          "cache_read_input_tokens", "output_tokens")
IDENTITY = ("api_key_id", "workspace_id", "model", "service_tier", "context_window")


def parse(path: Path, options: ParseOptions) -> Parsed:
    records = _records(path)
    reader = TableReader(str(path), table_from_records(records, ["starting_at", *TOKENS, *IDENTITY]))
    ts = reader.timestamp("starting_at")
    model = reader.text("model")
    tokens = {name: reader.integer(name).fill_null(0) for name in TOKENS}
    input_tokens = (tokens["uncached_input_tokens"] + tokens["ephemeral_1h_input_tokens"]
                    + tokens["ephemeral_5m_input_tokens"] + tokens["cache_read_input_tokens"])
    output = tokens["output_tokens"]
    for i in range(reader.table.height):
        if input_tokens[i] == 0 and output[i] == 0:
            reader.skip(i)  # no usage in this group
        elif model[i] is None:
            reader.fail(i, "model", "ingest.missing_model")
    per_answer = max(1, options.tokens_per_message_out)
    requests = pl.select(((output + per_answer - 1) // per_answer).clip(lower_bound=1)).to_series()
    identity = zip(*(reader.text(c).to_list() for c in IDENTITY), strict=True)
    return reader.result({
        "event_id": pl.Series([stable_id(KIND, t, *ident) for t, ident in zip(ts.to_list(), identity, strict=True)]),
        "ts": ts, "person": reader.text("api_key_id"), "tool": options.tool or "api", "provider": PROVIDER,
        "model": model, "operation": "chat", "input_tokens": input_tokens, "output_tokens": output,
        "cached_input_tokens": tokens["cache_read_input_tokens"], "source": f"{KIND}:{path.name}", DERIVED_ID: True,
        "tier": "token-level", "request_count": requests,
    })


def _records(path: Path) -> list[Record]:
    name, document = str(path), load_json(path)
    pages = document if isinstance(document, list) else [document]
    records: list[Record] = []
    for page in pages:
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise UserInputError("ingest.bad_structure", {"expected": '{"data": [...], "has_more": ...}'},
                                 Location(file=name))
        for bucket in page["data"]:
            results = bucket.get("results") if isinstance(bucket, dict) else None
            if not isinstance(results, list):
                raise UserInputError("ingest.bad_structure", {"expected": '{"starting_at": ..., "results": [...]}'},
                                     Location(file=name))
            for result in results:
                if not isinstance(result, dict):
                    raise UserInputError("ingest.bad_structure", {"expected": '{"model": ..., "output_tokens": ...}'},
                                         Location(file=name))
                records.append((len(records) + 1, {**_flat(result), "starting_at": bucket.get("starting_at")}))
    return records


def _flat(result: dict[str, Any]) -> dict[str, Any]:
    creation = result.get("cache_creation")
    nested = creation if isinstance(creation, dict) else {}
    return {**result, "ephemeral_1h_input_tokens": nested.get("ephemeral_1h_input_tokens"),
            "ephemeral_5m_input_tokens": nested.get("ephemeral_5m_input_tokens")}
