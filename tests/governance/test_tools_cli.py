"""`sobria tools list|show|check` through Typer and through the real main()."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from sobria.events.schema import IMPACT_COLUMNS, conform
from sobria.policy.loader import policy_template
from sobria.store import open_store
from sobria.store.store import BatchRecord
from tests.governance.cli_support import root_app, run_main

SRC = str(Path(__file__).resolve().parents[2] / "src")


def test_list_shows_every_tool() -> None:
    result = CliRunner().invoke(root_app(), ["--lang", "en", "tools", "list"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert "AI tools registry: 18 tools (catalogue 2026-11-28.1)" in result.output
    assert "│ chatgpt-free " in result.output
    assert result.output.rstrip().endswith("see sobria tools show ID for the source.")


def test_show_one_tool_with_sources() -> None:
    result = CliRunner().invoke(root_app(), ["--lang", "en", "tools", "show", "chatgpt-gratuit"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ChatGPT Free (chatgpt-free) — OpenAI; aliases: chatgpt, chatgpt-gratuit"
    assert lines[3] == "  Trains by default: yes"
    assert lines[4].startswith("    source: https://help.openai.com/en/articles/7730893 (recorded 2026-11-28, "
                               "not verified here; ")
    assert len(lines) == 11


def test_show_unknown_tool_exit_code(tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONPATH=SRC)
    env.pop("SOBRIA_LANG", None)
    done = run_main(["--lang", "en", "tools", "show", "chatgtp"], str(tmp_path), env)
    assert done.returncode == 2
    assert done.stderr.startswith("parameter ID: tool not in the registry: 'chatgtp' (known tools: chatgpt-free, ")


def _store_with_events(url: str) -> None:
    rows = [("chatgpt-gratuit", "recrutement", "rh", 3), ("chatgpt-gratuit", "recrutement", "rh", 2),
            ("chatgpt-entreprise", "recrutement", "rh", 9), ("midjourney", "communication_externe", "marketing", 7)]
    base = conform(pl.DataFrame({
        "event_id": [f"e{i}" for i in range(len(rows))],
        "ts": [dt.datetime(2025, 3, 2, 9, i, tzinfo=dt.UTC) for i in range(len(rows))],
        "person": ["p_1"] * len(rows), "team": [r[2] for r in rows], "tool": [r[0] for r in rows],
        "purpose": [r[1] for r in rows], "model": ["gpt-4o"] * len(rows), "operation": ["chat"] * len(rows),
        "source": ["test"] * len(rows), "tier": ["measured"] * len(rows), "request_count": [r[3] for r in rows],
    }))
    impacts = [pl.lit(None, c.dtype).alias(c.name) for c in IMPACT_COLUMNS]
    frame = base.with_columns(*impacts, pl.col("ts").dt.epoch("us").alias("ts_us"), pl.lit("b1").alias("batch_id"))
    store = open_store(url)
    store.migrate()
    store.write_batch(BatchRecord("b1", "events", "f.csv", 0, len(rows), 0), frame, ["rh", "marketing"], [])


def test_check_flags_consumer_tools(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sobria.db'}"
    _store_with_events(url)
    policy = tmp_path / "politique.yaml"
    policy.write_text(policy_template(dt.date(2025, 3, 1)), encoding="utf-8")
    result = CliRunner().invoke(root_app(), ["--lang", "en", "tools", "check", "--policy", str(policy)],
                                env={"SOBRIA_DB": url, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "Consumer-tool usage forbidden by the charter: 12 requests" in result.output
    assert "'hr' data: block in consumer tools" in result.output
    assert "tool refused by the charter" in result.output
    assert "p_1" not in result.output


def test_check_clean_store(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sobria.db'}"
    open_store(url).migrate()
    policy = tmp_path / "politique.yaml"
    policy.write_text(policy_template(dt.date(2025, 3, 1)), encoding="utf-8")
    result = CliRunner().invoke(root_app(), ["--lang", "en", "tools", "check", "--policy", str(policy)],
                                env={"SOBRIA_DB": url})
    assert result.exit_code == 0, result.output
    assert result.output == "No consumer-tool usage forbidden by the charter (0 events read).\n"
