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

import csv
import datetime as dt
import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from sobria.errors import Location, UserInputError
from sobria.governance.files import read_user_text
from sobria.governance.maturity import LEVELS, QUESTION_IDS, QUESTIONS, Answer, Questionnaire

_BOOLS = {"true": True, "false": False, "oui": True, "non": False, "yes": True, "no": False}
_LEVEL_WORDS = {"aucun": "none", "aucune": "none", "quelques": "few", "moitie": "half", "moitié": "half",
                "majorite": "most", "majorité": "most", "tous": "all", "toutes": "all"}
_META = ("version", "organisation", "date", "answers")


def read_questionnaire(path: Path) -> Questionnaire:
    """The questionnaire in ``path`` (``.csv`` or YAML), or one error listing every problem."""
    name = str(path)
    text = read_user_text(path)
    entries = list(_csv_entries(text, name) if path.suffix.lower() == ".csv" else _yaml_entries(text, name))
    return build_questionnaire(entries, name)


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


def _csv_entries(text: str, name: str) -> Iterator[Entry]:
    reader = csv.reader(text.splitlines())
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:2] != ["question", "answer"]:
        raise UserInputError("gov.maturity.csv_header", {"found": ", ".join(header)},
                             Location(file=name, line=1, field="question"))
    for line, row in enumerate(reader, start=2):
        if not row or not "".join(row).strip():
            continue
        if len(row) < 2:
            raise UserInputError("gov.maturity.csv_row", {}, Location(file=name, line=line, field="answer"))
        yield row[0].strip(), row[1].strip(), line


def _yaml_entries(text: str, name: str) -> Iterator[Entry]:
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise UserInputError("gov.maturity.syntax", {"detail": exc.problem or str(exc)},
                             Location(file=name, line=mark.line + 1 if mark else None)) from None
    finally:
        loader.dispose()
    if not isinstance(root, yaml.MappingNode):
        raise UserInputError("gov.maturity.not_mapping", {}, Location(file=name, line=1))
    top = {str(k.value): (k, v) for k, v in root.value}
    for key, (key_node, _value) in top.items():
        if key not in _META:
            raise UserInputError("gov.maturity.unknown_key", {"name": key, "expected": ", ".join(_META)},
                                 Location(file=name, line=key_node.start_mark.line + 1, field=key))
    version = _scalar(top["version"][1]) if "version" in top else None
    if version != 1:
        line = top["version"][1].start_mark.line + 1 if "version" in top else 1
        raise UserInputError("gov.maturity.bad_version", {"value": str(version)},
                             Location(file=name, line=line, field="version"))
    for key in ("organisation", "date"):
        if key in top:
            value = _scalar(top[key][1])
            yield key, value.isoformat() if isinstance(value, dt.date) else value, top[key][1].start_mark.line + 1
    answers = top.get("answers")
    if answers is None or not isinstance(answers[1], yaml.MappingNode):
        line = answers[0].start_mark.line + 1 if answers else 1
        raise UserInputError("gov.maturity.no_answers", {}, Location(file=name, line=line, field="answers"))
    for key_node, value_node in answers[1].value:
        yield str(key_node.value), _scalar(value_node), key_node.start_mark.line + 1


def _scalar(node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        return None
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)
    finally:
        loader.dispose()


def questionnaire_template(day: dt.date) -> str:
    """The commented French questionnaire, dated ``day``."""
    from importlib import resources

    text = (resources.files("sobria.governance") / "data" / "maturity_questionnaire_fr.yaml").read_text(
        encoding="utf-8")
    return text.replace("@DATE@", day.isoformat())
