"""Read a policy file, keeping the line of every key and value so that each error points at it.

The YAML is composed once into nodes (whose marks carry line numbers), then constructed into
plain data and validated by :class:`sobria.policy.schema.Policy`. Every problem is collected —
syntax, duplicate keys, unknown keys, wrong types, missing fields, then the semantic checks of
:mod:`sobria.policy.checks` — and returned as :class:`~sobria.policy.checks.PolicyIssue` values.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from sobria.errors import Location, UserInputError
from sobria.policy.checks import PolicyIssue, dotted, raw_model_issues, semantic_issues
from sobria.policy.schema import Policy
from sobria.yamlfile import PathKey, Positions, parse_yaml, read_yaml_text

_TYPE_NAMES = {
    "int_type": "int", "int_parsing": "int", "int_from_float": "int",
    "float_type": "number", "float_parsing": "number",
    "bool_type": "bool", "bool_parsing": "bool",
    "string_type": "text", "list_type": "list", "dict_type": "mapping", "model_type": "mapping",
    "model_attributes_type": "mapping", "date_type": "date", "date_parsing": "date",
    "date_from_datetime_parsing": "date", "date_from_datetime_inexact": "date",
}


@dataclass(frozen=True)
class PolicyReport:
    """The outcome of reading a policy file: the policy when valid, and every issue found."""

    policy: Policy | None
    issues: tuple[PolicyIssue, ...]

    @property
    def ok(self) -> bool:
        return self.policy is not None and not self.issues


def read_policy_text(text: str, known_model: Callable[[str], bool] | None = None,
                     candidates: Sequence[str] = ()) -> PolicyReport:
    """Parse, validate and check a policy; ``known_model`` (if given) vets every model name."""
    parsed = _parse(text)
    if isinstance(parsed, PolicyIssue):
        return PolicyReport(None, (parsed,))
    data, positions, issues = parsed
    if not isinstance(data, dict):
        return PolicyReport(None, (*issues, PolicyIssue(1, "", "policy.error.not_mapping", {},
                                                       "policy.suggest.init")))
    try:
        policy = Policy.model_validate(data)
    except ValidationError as exc:
        issues.extend(_unique(_issue_from_error(err, positions) for err in exc.errors()))
        if known_model is not None:
            issues.extend(raw_model_issues(data, positions, known_model, candidates))
        return PolicyReport(None, tuple(sorted(issues, key=_order)))
    issues.extend(semantic_issues(policy, positions, known_model, candidates))
    return PolicyReport(policy if not issues else None, tuple(sorted(issues, key=_order)))


class ModelNames(Protocol):
    """What vetting a policy's model names needs from the catalogue."""

    def knows_model(self, name: str) -> bool: ...

    def model_names(self) -> list[str]: ...


def load_policy(path: Path, catalog: ModelNames | None = None) -> Policy:
    """The policy in ``path``, its model names vetted against ``catalog`` when given; the first
    issue, if any, is raised as a :class:`UserInputError`. Every command, the audit and the
    gateway load a policy file through this one helper."""
    if catalog is None:
        report = read_policy_text(read_text(path))
    else:
        report = read_policy_text(read_text(path), catalog.knows_model, catalog.model_names())
    if report.policy is None or report.issues:
        first = report.issues[0]
        raise UserInputError(first.key, dict(first.params),
                             Location(file=str(path), line=first.line, field=first.path or None))
    return report.policy


def read_text(path: Path) -> str:
    """The policy file's text (the YAML reader's checks: missing, directory, size, encoding)."""
    return read_yaml_text(path)


def _unique(issues: Iterable[PolicyIssue]) -> list[PolicyIssue]:
    """One issue per place: a value failing every branch of ``text | {fr:, en:}`` is one error."""
    seen: set[tuple[int | None, str]] = set()
    kept: list[PolicyIssue] = []
    for issue in issues:
        if (issue.line, issue.path) not in seen:
            seen.add((issue.line, issue.path))
            kept.append(issue)
    return kept


def _order(issue: PolicyIssue) -> tuple[int, str]:
    return (issue.line or 0, issue.path)


def _parse(text: str) -> tuple[Any, Positions, list[PolicyIssue]] | PolicyIssue:
    """The document through the one YAML reader; its first problem (or emptiness) as an issue."""
    if not text.strip():
        return PolicyIssue(1, "", "policy.error.empty", {}, "policy.suggest.init")
    try:
        document = parse_yaml(text, "")
    except UserInputError as err:
        suggestion = "policy.suggest.docs" if err.where.field else "policy.suggest.syntax"
        return PolicyIssue(err.where.line, err.where.field or "", err.key, err.params, suggestion)
    if document.data is None:
        return PolicyIssue(1, "", "policy.error.empty", {}, "policy.suggest.init")
    issues = [PolicyIssue(line, dotted(path), "policy.error.duplicate_key", {"name": str(path[-1])},
                          "policy.suggest.duplicate_key") for line, path in document.duplicates]
    return document.data, document.positions, issues


def _issue_from_error(err: ErrorDetails, positions: Positions) -> PolicyIssue:
    path = _known_prefix(err["loc"], positions)
    kind = err["type"]
    value = _short(err.get("input"))
    if kind == "extra_forbidden":
        key = str(path[-1]) if path else ""
        fields = schema_field_names(Policy, path[:-1])
        close = difflib.get_close_matches(key, fields, n=3, cutoff=0.6)
        return PolicyIssue(positions.key_line(path), dotted(path), "policy.error.unknown_key", {"name": key},
                           *_suggest(close, fields))
    if kind == "missing":
        name = str(err["loc"][-1])
        return PolicyIssue(positions.line(path), dotted((*path, name)), "policy.error.missing",
                           {"field": name}, "policy.suggest.missing", {"field": name})
    if kind == "literal_error" and path == ("version",):
        return PolicyIssue(positions.line(path), "version", "policy.error.bad_version", {"value": value},
                           "policy.suggest.version", {"expected": 1})
    if kind == "literal_error":
        expected = str((err.get("ctx") or {}).get("expected", ""))
        options = [o.strip(" '") for o in expected.replace(" or ", ", ").split(",") if o.strip(" '")]
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
        return PolicyIssue(positions.line(path), dotted(path), "policy.error.bad_choice",
                           {"value": value, "expected": ", ".join(options)}, *_suggest(close, options))
    if kind in _TYPE_NAMES:
        return PolicyIssue(positions.line(path), dotted(path), f"policy.error.type.{_TYPE_NAMES[kind]}",
                           {"value": value}, f"policy.suggest.type.{_TYPE_NAMES[kind]}")
    if kind == "too_short":
        minimum = (err.get("ctx") or {}).get("min_length", 1)
        return PolicyIssue(positions.line(path), dotted(path), "policy.error.too_short", {"minimum": minimum},
                           "policy.suggest.too_short", {"minimum": minimum})
    if kind == "string_pattern_mismatch":
        slug = re.sub(r"[^a-z0-9_.-]+", "-", value.lower()).strip("-_.") or "outil"
        return PolicyIssue(positions.line(path), dotted(path), "policy.error.identifier", {"value": value},
                           "policy.suggest.identifier", {"slug": slug})
    return PolicyIssue(positions.line(path), dotted(path), "policy.error.invalid", {"value": value,
                       "detail": err["msg"]}, "policy.suggest.docs")


def _suggest(close: list[str], options: Sequence[str]) -> tuple[str, dict[str, Any]]:
    if close:
        return "policy.suggest.did_you_mean", {"candidates": ", ".join(close)}
    return "policy.suggest.expected", {"candidates": ", ".join(options)}


def _known_prefix(loc: tuple[int | str, ...], positions: Positions) -> PathKey:
    """The longest part of a pydantic location that exists in the file (drops '[key]' and such)."""
    path: PathKey = ()
    for part in loc:
        for candidate in (part, str(part)):
            if (*path, candidate) in positions.values:
                path = (*path, candidate)
                break
    return path


def schema_field_names(root: type[BaseModel], path: tuple[int | str, ...]) -> list[str]:
    """The keys allowed at ``path`` in the ``root`` schema (for unknown-key suggestions)."""
    current: Any = root
    for part in path:
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(str(part))
            current = field.annotation if field is not None else None
        else:
            args = get_args(current)
            current = args[-1] if get_origin(current) in (list, dict) and args else None
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _short(value: Any) -> str:
    """The offending value as written in YAML, cut to 40 characters."""
    text = "null" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def policy_template(adopted: dt.date) -> str:
    """The commented French policy template, dated ``adopted``."""
    text = (resources.files("sobria") / "policy" / "templates" / "policy.fr.yaml").read_text(encoding="utf-8")
    return text.replace("@DATE@", adopted.isoformat())
