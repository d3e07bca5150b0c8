"""Write a generated demo into a directory: people, events (canonical CSV), ground truth, README, charter,
company file (real costs, headcount, total footprint)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from sobria.audit.company import company_template
from sobria.demo.charter import demo_charter_text
from sobria.demo.frames import PROMPT_COLUMN
from sobria.demo.generate import DemoData
from sobria.demo.timeline import CHARTER, END, START
from sobria.i18n import DEFAULT_LANG, Translator

PEOPLE_FILE = "people.csv"
EVENTS_FILE = "events.csv"
TRUTH_FILE = "waste_truth.csv"
README_FILE = "README.txt"
CHARTER_FILE = "charte.yaml"
COMPANY_FILE = "entreprise.yaml"

# Canonical columns the demo fills, in schema order (the importer adds the others as nulls).
EVENT_FILE_COLUMNS = (
    "event_id", "ts", "person", "team", "tool", "provider", "model", "operation", "input_tokens",
    "output_tokens", "images", "image_size", "image_quality", "latency_ms", "purpose", "conversation_id",
    "image_used", "answer_kept", "source", "tier", "request_count", PROMPT_COLUMN,
)
README_PARTS = ("people", "events", "truth", "reasons", "determinism")


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    path.write_bytes(frame.write_csv(line_terminator="\n").encode("utf-8"))


def events_for_file(events: pl.DataFrame) -> pl.DataFrame:
    """The events as written: ISO 8601 UTC timestamps to the second, only the filled columns."""
    return events.select(EVENT_FILE_COLUMNS).with_columns(
        pl.col("ts").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    )


def readme_text(data: DemoData, t: Translator) -> str:
    counts = data.counts
    lines = [
        t("demo.readme.title", seed=data.seed),
        "",
        t("demo.readme.intro", people=counts["people"], teams=counts["teams"], events=counts["events"],
          working_days=counts["working_days"], first=START.isoformat(), last=END.isoformat(),
          charter=CHARTER.isoformat(), non_users=counts["non_users_before_charter"],
          never=counts["non_users_whole_period"]),
    ]
    files = {"people": PEOPLE_FILE, "events": EVENTS_FILE, "truth": TRUTH_FILE}
    for part in README_PARTS:
        lines += ["", t(f"demo.readme.{part}", file=files.get(part, ""), prompt=PROMPT_COLUMN)]
    return "\n".join(lines) + "\n"


def write_demo(data: DemoData, directory: Path, lang: str = DEFAULT_LANG) -> dict[str, Path]:
    """Write the files into ``directory`` (created if needed); same data, same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "people": directory / PEOPLE_FILE,
        "events": directory / EVENTS_FILE,
        "truth": directory / TRUTH_FILE,
        "readme": directory / README_FILE,
        "charter": directory / CHARTER_FILE,
        "company": directory / COMPANY_FILE,
    }
    _write_csv(data.people, paths["people"])
    _write_csv(events_for_file(data.events), paths["events"])
    _write_csv(data.truth, paths["truth"])
    paths["readme"].write_bytes(readme_text(data, Translator.for_lang(lang)).encode("utf-8"))
    paths["charter"].write_bytes(demo_charter_text().encode("utf-8"))
    paths["company"].write_bytes(company_template().encode("utf-8"))
    return paths
