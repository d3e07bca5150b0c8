"""``survey``: a staff questionnaire (CSV, ``;`` or ``,``), tier ``declared``.

Columns (French template ``sobria/ingest/templates/questionnaire_fr.csv``; English names
accepted): ``identifiant`` (person), ``equipe`` (team, optional), ``outil`` (tool), ``modele``
(model, optional: ``unknown`` when empty), ``usages_par_jour`` (uses per working day, ``2,5``
accepted), ``taches_typiques`` (typical tasks from :data:`TASKS`, separated by ``,`` ``/`` or
``|``; ``autre`` when empty), ``mois`` (YYYY-MM, optional: else ``options.survey_month``).

One answer becomes, for the survey month, one ``chat`` row (and one ``image`` row when image is
among the tasks) per person and tool: uses per month = uses per day x
``options.working_days_per_month``, split equally between the listed tasks; tokens are the sum of
each task's typical tokens per use (docs/events.md gives the table and its rationale).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from sobria.errors import Location, UserInputError
from sobria.ingest.parsed import DERIVED_ID, Parsed, ParseOptions
from sobria.ingest.reading import TableReader, read_csv_table, stable_id

KIND = "survey"
UNKNOWN_MODEL = "unknown"
ALIASES = {"person": "identifiant", "team": "equipe", "tool": "outil", "model": "modele",
           "uses_per_day": "usages_par_jour", "typical_tasks": "taches_typiques", "month": "mois"}


@dataclass(frozen=True)
class Task:
    """Typical tokens for one use of a task (an image task makes one image per use instead)."""

    input_tokens: int
    output_tokens: int
    image: bool = False


TASKS: dict[str, Task] = {
    "redaction": Task(200, 400),       # write an e-mail or a short text from a brief
    "reformulation": Task(500, 450),   # rewrite or correct a pasted text
    "resume": Task(3000, 300),         # summarise a 4-5 page document
    "traduction": Task(700, 800),      # translate about one page
    "analyse": Task(4000, 800),        # analyse a document or a table
    "code": Task(1500, 600),           # write or fix code with some context
    "recherche": Task(100, 500),       # ask a question instead of searching the web
    "image": Task(0, 0, image=True),   # generate one image
    "autre": Task(400, 350),           # anything else: the chatgpt-enterprise per-message default
}
TASK_ALIASES = {"writing": "redaction", "rewriting": "reformulation", "summary": "resume",
                "translation": "traduction", "analysis": "analyse", "search": "recherche", "other": "autre"}
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
MAX_USES_PER_DAY = 10_000  # one person's declared uses of one tool per day: more is not a real answer


def parse(path: Path, options: ParseOptions) -> Parsed:
    table, errors = read_csv_table(path, options.max_line_bytes)
    table = table.rename({k: v for k, v in ALIASES.items() if k in table.columns and v not in table.columns})
    reader = TableReader(str(path), table, errors)
    reader.require("identifiant", "outil", "usages_par_jour")
    default_month = _option_month(options.survey_month)
    if default_month is None and not reader.has("mois"):
        raise UserInputError("ingest.survey_month_missing", {}, Location(file=str(path), parameter="survey_month"))
    person, tool = reader.text("identifiant", required=True), reader.text("outil", required=True)
    uses = reader.number("usages_par_jour", required=True, decimal_comma=True, upper=MAX_USES_PER_DAY)
    months, tasks = reader.text("mois").to_list(), reader.text("taches_typiques").to_list()
    rows: list[int] = []
    out: dict[str, list[object]] = {k: [] for k in ("ts", "operation", "requests", "in", "out", "images")}
    for i in range(reader.table.height):
        month = default_month if months[i] is None else _month(months[i])
        listed = _tasks(tasks[i])
        if month is None:
            reader.fail(i, "mois", "ingest.bad_month", value=months[i])
        elif isinstance(listed, str):
            reader.fail(i, "taches_typiques", "ingest.unknown_task", task=listed, known=", ".join(TASKS))
        elif uses[i] is not None:
            for operation, requests, tokens_in, tokens_out in _split(uses[i] * options.working_days_per_month, listed):
                rows.append(i)
                for key, value in zip(out, (month, operation, requests, tokens_in, tokens_out,
                                            requests if operation == "image" else None), strict=True):
                    out[key].append(value)
    ts = pl.Series(out["ts"], dtype=pl.Datetime("us", "UTC"))
    model = reader.text("modele").fill_null(UNKNOWN_MODEL).gather(rows)
    persons, tools = person.gather(rows), tool.gather(rows)
    ids = [stable_id(KIND, *parts) for parts in zip(ts.to_list(), persons.to_list(), tools.to_list(),
                                                    model.to_list(), out["operation"], strict=True)]
    return reader.result({
        "event_id": pl.Series(ids, dtype=pl.Utf8()), "ts": ts, "person": persons,
        "team": reader.text("equipe").gather(rows), "tool": tools, "model": model,
        "operation": pl.Series(out["operation"], dtype=pl.Utf8()),
        "input_tokens": pl.Series(out["in"], dtype=pl.Int64()),
        "output_tokens": pl.Series(out["out"], dtype=pl.Int64()),
        "images": pl.Series(out["images"], dtype=pl.Int64()), "source": f"{KIND}:{path.name}", DERIVED_ID: True,
        "tier": "declared",
        "request_count": pl.Series(out["requests"], dtype=pl.Int64()),
    }, rows)


def _split(uses: float, tasks: list[Task]) -> list[tuple[str, int, int | None, int | None]]:
    """``(operation, requests, input_tokens, output_tokens)`` rows for ``uses`` uses in the month."""
    share = uses / len(tasks)
    text = [t for t in tasks if not t.image]
    rows: list[tuple[str, int, int | None, int | None]] = []
    if text and _round(share * len(text)) > 0:
        rows.append(("chat", _round(share * len(text)), _round(share * sum(t.input_tokens for t in text)),
                     _round(share * sum(t.output_tokens for t in text))))
    images = _round(share * (len(tasks) - len(text)))
    if images > 0:
        rows.append(("image", images, None, None))
    return rows


def _round(value: float) -> int:
    """Half up (10.5 uses -> 11), not Python's half-to-even."""
    return math.floor(value + 0.5)


def _tasks(raw: str | None) -> list[Task] | str:
    """The listed tasks, or the first unknown task name."""
    names = [_plain(n) for n in re.split(r"[,/|;]", raw or "") if n.strip()] or ["autre"]
    found: list[Task] = []
    for name in names:
        task = TASKS.get(TASK_ALIASES.get(name, name))
        if task is None:
            return name
        found.append(task)
    return found


def _plain(name: str) -> str:
    """Lower case without accents: ``Résumé`` -> ``resume``."""
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _month(raw: str) -> datetime | None:
    match = _MONTH.match(raw.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        return None
    return datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)


def _option_month(raw: str | None) -> datetime | None:
    if raw is None:
        return None
    month = _month(raw)
    if month is None:
        raise UserInputError("ingest.bad_month", {"value": raw}, Location(parameter="survey_month"))
    return month
