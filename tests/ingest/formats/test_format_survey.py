"""survey: declared usage from a staff questionnaire, and its French template."""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

import pytest

from sobria.errors import UserInputError
from sobria.ingest.formats.survey import TASKS, parse
from sobria.ingest.parsed import ParseOptions
from tests.ingest.formats.helpers import DATA, errors, rows, user_error, write

MARCH, APRIL = datetime(2025, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)
APRIL_OPTIONS = ParseOptions(survey_month="2025-04")
COLUMNS = ("ts", "person", "team", "tool", "model", "operation", "input_tokens", "output_tokens", "images",
           "tier", "request_count", "_line")


def test_questionnaire_golden() -> None:
    parsed = parse(DATA / "survey" / "questionnaire_mars.csv", APRIL_OPTIONS)
    assert errors(parsed) == []
    assert rows(parsed, *COLUMNS) == [
        # 5 uses a day x 21 days = 105 uses, half writing (200 in / 400 out), half summaries (3000 / 300)
        {"ts": MARCH, "person": "marie.durand@exemple.fr", "team": "Conseil", "tool": "chatgpt", "model": "gpt-4o",
         "operation": "chat", "input_tokens": 168000, "output_tokens": 36750, "images": None, "tier": "declared",
         "request_count": 105, "_line": 2},
        # 0,5 a day x 21 = 10.5 images, rounded half up
        {"ts": MARCH, "person": "j.martin@exemple.fr", "team": "Communication", "tool": "midjourney",
         "model": "unknown", "operation": "image", "input_tokens": None, "output_tokens": None, "images": 11,
         "tier": "declared", "request_count": 11, "_line": 3},
        # no month on the row: the import's month; code and image share 42 uses
        {"ts": APRIL, "person": "p.bernard@exemple.fr", "team": "Conseil", "tool": "copilot", "model": "gpt-4o",
         "operation": "chat", "input_tokens": 31500, "output_tokens": 12600, "images": None, "tier": "declared",
         "request_count": 21, "_line": 4},
        {"ts": APRIL, "person": "p.bernard@exemple.fr", "team": "Conseil", "tool": "copilot", "model": "gpt-4o",
         "operation": "image", "input_tokens": None, "output_tokens": None, "images": 21, "tier": "declared",
         "request_count": 21, "_line": 4},
    ]  # line 5 declares 0 use a day: no row
    assert parsed.frame["event_id"].n_unique() == 4


def test_french_template_parses_with_english_options() -> None:
    template = resources.files("sobria") / "ingest" / "templates" / "questionnaire_fr.csv"
    with resources.as_file(template) as path:
        parsed = parse(path, ParseOptions(working_days_per_month=20))
    assert errors(parsed) == []
    assert rows(parsed, "person", "operation", "request_count", "input_tokens", "images") == [
        {"person": "marie.durand@exemple.fr", "operation": "chat", "request_count": 100, "input_tokens": 160000,
         "images": None},
        {"person": "j.martin@exemple.fr", "operation": "image", "request_count": 10, "input_tokens": None,
         "images": 10},
    ]


def test_english_headers_and_default_task(tmp_path: Path) -> None:
    text = "person,team,tool,uses_per_day,typical_tasks\nana@x.fr,RH,le-chat,1,\nbob@x.fr,RH,le-chat,1,summary\n"
    parsed = parse(write(tmp_path, "survey.csv", text), APRIL_OPTIONS)
    assert rows(parsed, "person", "input_tokens", "output_tokens", "request_count") == [
        {"person": "ana@x.fr", "input_tokens": 21 * TASKS["autre"].input_tokens,
         "output_tokens": 21 * TASKS["autre"].output_tokens, "request_count": 21},
        {"person": "bob@x.fr", "input_tokens": 21 * 3000, "output_tokens": 21 * 300, "request_count": 21}]


HEADER = "identifiant;equipe;outil;usages_par_jour;taches_typiques;mois\n"


@pytest.mark.parametrize(("row", "expected"), [
    ("a@x.fr;RH;chatgpt;souvent;code;2025-04", (2, "usages_par_jour", "ingest.not_number", {"value": "souvent"})),
    ("a@x.fr;RH;chatgpt;-2;code;2025-04", (2, "usages_par_jour", "ingest.negative", {"value": "-2"})),
    ("a@x.fr;RH;chatgpt;2;code;avril", (2, "mois", "ingest.bad_month", {"value": "avril"})),
    ("a@x.fr;RH;chatgpt;2;code;2025-13", (2, "mois", "ingest.bad_month", {"value": "2025-13"})),
    ("a@x.fr;RH;;2;code;2025-04", (2, "outil", "ingest.missing_value", {})),
    ("a@x.fr;RH;chatgpt;2;poésie;2025-04", (2, "taches_typiques", "ingest.unknown_task", {
        "task": "poesie", "known": ", ".join(TASKS)})),
])
def test_bad_answers_are_row_errors(tmp_path: Path, row: str, expected: tuple[object, ...]) -> None:
    parsed = parse(write(tmp_path, "survey.csv", HEADER + row + "\n"), APRIL_OPTIONS)
    assert errors(parsed) == [expected]
    assert parsed.frame.height == 0


def test_month_is_required_somewhere(tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", "identifiant;outil;usages_par_jour\na@x.fr;chatgpt;2\n")
    with pytest.raises(UserInputError) as excinfo:
        parse(path, ParseOptions())
    assert (excinfo.value.key, excinfo.value.where.parameter) == ("ingest.survey_month_missing", "survey_month")
    with pytest.raises(UserInputError) as excinfo:
        parse(path, ParseOptions(survey_month="04/2025"))
    assert (excinfo.value.key, excinfo.value.params) == ("ingest.bad_month", {"value": "04/2025"})


def test_missing_column_truncated_and_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, "survey.csv", "identifiant;outil\na@x.fr;chatgpt\n")
    with pytest.raises(UserInputError) as excinfo:
        parse(path, APRIL_OPTIONS)
    assert user_error(excinfo) == ("ingest.missing_column", str(path), None, "usages_par_jour")
    parsed = parse(write(tmp_path, "cut.csv", HEADER + "a@x.fr;RH;chatgpt;2;code;2025-04\nb@x.fr;RH;chat"),
                   APRIL_OPTIONS)
    assert errors(parsed) == [(3, None, "ingest.bad_field_count", {"expected": 6, "found": 3})]
    assert parsed.frame.height == 1
    with pytest.raises(UserInputError) as excinfo:
        parse(write(tmp_path, "excel.csv", (HEADER + "a@x.fr;RH;chatgpt;2;rédaction;\n").encode("cp1252")),
              APRIL_OPTIONS)
    assert excinfo.value.key == "ingest.bad_encoding"
