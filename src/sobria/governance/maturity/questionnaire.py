"""Reading a maturity questionnaire (YAML or CSV), every problem reported with its line and field.

YAML::

    version: 1
    organisation: TechVert
    date: 2025-01-15
    answers:
      footprint_known: false      # Connaissez-vous l'empreinte carbone de vos usages IA ?
      staff_trained: none         # none | few | half | most | all

CSV: a header ``question,answer`` then one line per question (plus optional ``organisation`` and
``date`` lines). Yes/no answers accept ``true/false`` and ``oui/non``; levels accept the French
words ``aucun, quelques, moitié, majorité, tous``. Every question must be answered.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sobria.errors import Location, UserInputError
from sobria.governance.files import read_user_text
from sobria.governance.maturity.matrix import LEVELS, QUESTION_IDS, QUESTIONS, Answer, Questionnaire
from sobria.ingest.reading import csv_rows
from sobria.yamlfile import parse_yaml

_BOOLS = {"true": True, "false": False, "oui": True, "non": False, "yes": True, "no": False}
_LEVEL_WORDS = {"aucun": "none", "aucune": "none", "quelques": "few", "moitie": "half", "moitié": "half",
                "majorite": "most", "majorité": "most", "tous": "all", "toutes": "all"}
_META = ("version", "organisation", "date", "answers")


def read_questionnaire(path: Path) -> Questionnaire:
    """The questionnaire in ``path`` (``.csv`` or YAML), or one error listing every problem."""
    name = str(path)
    if path.suffix.lower() == ".csv":
        return build_questionnaire(list(_csv_entries(path)), name)
    return build_questionnaire(list(_yaml_entries(read_user_text(path), name)), name)


Entry = tuple[str, Any, int]
"""(field, raw value, line)."""


def build_questionnaire(entries: list[Entry], name: str) -> Questionnaire:
    errors: list[UserInputError] = []
    answers: dict[str, Answer] = {}
    lines: dict[str, int] = {}
    meta = {"organisation": "", "date": ""}
    for key, raw, line in entries:
        if key in ("organisation", "date"):
            meta[key] = str(raw)
            continue
        where = Location(file=name, line=line, field=f"answers.{key}")
        if key in lines:
            errors.append(UserInputError("gov.maturity.duplicate", {"question": key, "first": lines[key]}, where))
            continue
        lines[key] = line
        if key not in QUESTION_IDS:
            close = difflib.get_close_matches(key, QUESTION_IDS, n=1, cutoff=0.6)
            errors.append(UserInputError("gov.maturity.unknown_question",
                                         {"question": key, "hint": close[0] if close else ", ".join(QUESTION_IDS)},
                                         where))
            continue
        value = parse_answer(key, raw)
        if value is None:
            errors.append(_bad_value(key, raw, where))
        else:
            answers[key] = value
    last = max((line for _, _, line in entries), default=1)
    for q in QUESTIONS:
        if q.id not in lines:
            errors.append(UserInputError("gov.maturity.missing", {"question": q.id},
                                         Location(file=name, line=last, field=f"answers.{q.id}")))
    if errors:
        raise UserInputError("gov.maturity.rejected", {"count": len(errors)}, Location(file=name),
                             details=tuple(errors))
    return Questionnaire(meta["organisation"], meta["date"], answers)


def parse_answer(question: str, raw: Any) -> Answer | None:
    kind = next(q.kind for q in QUESTIONS if q.id == question)
    if kind == "bool":
        if isinstance(raw, bool):
            return raw
        return _BOOLS.get(str(raw).strip().lower()) if isinstance(raw, str) else None
    if not isinstance(raw, str):
        return None
    word = raw.strip().lower()
    word = _LEVEL_WORDS.get(word, word)
    return word if word in LEVELS else None


def _bad_value(question: str, raw: Any, where: Location) -> UserInputError:
    kind = next(q.kind for q in QUESTIONS if q.id == question)
    expected = "true, false (oui, non)" if kind == "bool" else ", ".join(LEVELS)
    shown = "null" if raw is None else str(raw).lower() if isinstance(raw, bool) else str(raw)
    return UserInputError("gov.maturity.bad_answer", {"question": question, "value": shown, "expected": expected},
                          where)


def _csv_entries(path: Path) -> Iterator[Entry]:
    """The shared CSV reader's rows: a line with a field too many or too few is refused with its line."""
    name = str(path)
    header, rows, errors = csv_rows(path)
    if [h.lower() for h in header[:2]] != ["question", "answer"]:
        raise UserInputError("gov.maturity.csv_header", {"found": ", ".join(header)},
                             Location(file=name, line=1, field="question"))
    if errors:
        raise UserInputError("gov.maturity.rejected", {"count": len(errors)}, Location(file=name),
                             details=tuple(e.as_error() for e in errors))
    question, answer = header[0], header[1]
    for line, row in rows:
        yield row[question].strip(), row[answer].strip(), line


def _yaml_entries(text: str, name: str) -> Iterator[Entry]:
    document = parse_yaml(text, name)
    top, where = document.data, document.positions
    if not isinstance(top, dict):
        raise UserInputError("gov.maturity.not_mapping", {}, Location(file=name, line=1))
    for key in top:
        if str(key) not in _META:
            raise UserInputError("gov.maturity.unknown_key", {"name": str(key), "expected": ", ".join(_META)},
                                 Location(file=name, line=where.key_line((str(key),)), field=str(key)))
    version = top.get("version")
    if version != 1 or isinstance(version, bool):
        raise UserInputError("gov.maturity.bad_version", {"value": str(version)},
                             Location(file=name, line=where.line(("version",)) or 1, field="version"))
    for key in ("organisation", "date"):
        if key in top:
            value = top[key]
            yield key, value if _is_scalar(value) else None, where.line((key,)) or 1
    answers = top.get("answers")
    if not isinstance(answers, dict):
        raise UserInputError("gov.maturity.no_answers", {},
                             Location(file=name, line=where.key_line(("answers",)) or 1, field="answers"))
    given = [(str(key), value, where.key_line(("answers", str(key))) or 1) for key, value in answers.items()]
    given += [(str(path[1]), answers.get(path[1]), line) for line, path in document.duplicates
              if len(path) == 2 and path[0] == "answers"]
    for key, value, line in sorted(given, key=lambda entry: entry[2]):
        yield key, value if _is_scalar(value) else None, line


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float | bool)


def questionnaire_template(day: dt.date) -> str:
    """The commented French questionnaire, dated ``day``."""
    from importlib import resources

    text = (resources.files("sobria.governance.maturity") / "data" / "maturity_questionnaire_fr.yaml").read_text(
        encoding="utf-8")
    return text.replace("@DATE@", day.isoformat())
