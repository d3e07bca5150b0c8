"""Read an inventory file with line-accurate errors; write the commented French template.

Parsing, duplicate keys and the mapping of schema errors to messages are those of the policy
loader (:mod:`sobria.policy.loader`); this module adds the inventory's own checks (duplicate ids,
unknown or inapplicable obligations, "done" without evidence).
"""

from __future__ import annotations

import difflib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from sobria.errors import Location, UserInputError
from sobria.governance.aiact.classify import assess
from sobria.governance.aiact.regulation import Regulation
from sobria.governance.aiact.usecases import Inventory
from sobria.policy.checks import PolicyIssue, dotted
from sobria.policy.loader import _issue_from_error, _order, _parse, _unique, read_text, schema_field_names
from sobria.yamlfile import PathKey, Positions


def read_inventory_text(text: str, regulation: Regulation) -> tuple[Inventory | None, tuple[PolicyIssue, ...]]:
    """The inventory in ``text`` when valid, and every issue found (sorted by line)."""
    if not text.strip():
        return None, (PolicyIssue(1, "", "aiact.error.empty", {}),)
    parsed = _parse(text)
    if isinstance(parsed, PolicyIssue):
        return None, (parsed,)
    data, positions, issues = parsed
    if not isinstance(data, dict):
        return None, (*issues, PolicyIssue(1, "", "policy.error.not_mapping", {}))
    try:
        inventory = Inventory.model_validate(data)
    except ValidationError as exc:
        issues.extend(_unique(_schema_issue(err, positions) for err in exc.errors()))
        return None, tuple(sorted(issues, key=_order))
    issues.extend(semantic_issues(inventory, positions, regulation))
    return (inventory if not issues else None), tuple(sorted(issues, key=_order))


def load_inventory(path: Path, regulation: Regulation) -> Inventory:
    """The inventory in ``path``; the first issue is raised, the others attached as details."""
    inventory, issues = read_inventory_text(read_text(path), regulation)
    if inventory is None or issues:
        errors = [UserInputError(i.key, dict(i.params), Location(file=str(path), line=i.line, field=i.path or None))
                  for i in issues]
        first = errors[0]
        raise UserInputError(first.key, first.params, first.where, tuple(errors[1:]))
    return inventory


def semantic_issues(inventory: Inventory, positions: Positions, regulation: Regulation) -> list[PolicyIssue]:
    """Duplicate ids, 'none' with other groups, unknown/inapplicable obligations, done without evidence."""
    issues: list[PolicyIssue] = []
    known = regulation.obligation_ids()
    seen: set[str] = set()
    for index, case in enumerate(inventory.use_cases):
        base: PathKey = ("use_cases", index)
        if case.id in seen:
            issues.append(_at(positions, (*base, "id"), "aiact.error.duplicate_id", {"id": case.id}))
        seen.add(case.id)
        if "none" in case.affected and len(case.affected) > 1:
            issues.append(_at(positions, (*base, "affected"), "aiact.error.none_with_others", {}))
        applicable = {o.id for o in assess(case, regulation).obligations}
        for obligation_id, tracked in case.obligations.items():
            path = (*base, "obligations", obligation_id)
            if obligation_id not in known:
                close = difflib.get_close_matches(obligation_id, known, n=3, cutoff=0.5)
                issues.append(PolicyIssue(positions.key_line(path), dotted(path), "aiact.error.unknown_obligation",
                                          {"name": obligation_id, "candidates": ", ".join(close or known)}))
            elif obligation_id not in applicable:
                issues.append(PolicyIssue(positions.key_line(path), dotted(path),
                                          "aiact.error.obligation_not_applicable",
                                          {"name": obligation_id, "id": case.id}))
            if tracked.status == "done" and not (tracked.evidence or "").strip():
                issues.append(_at(positions, (*path, "status"), "aiact.error.done_without_evidence",
                                  {"name": obligation_id}))
    return issues


def _at(positions: Positions, path: PathKey, key: str, params: dict[str, Any]) -> PolicyIssue:
    return PolicyIssue(positions.line(path), dotted(path), key, params)


def _schema_issue(err: ErrorDetails, positions: Positions) -> PolicyIssue:
    """The policy loader's message for a schema error; unknown keys get this schema's suggestions."""
    issue = _issue_from_error(err, positions)
    if err["type"] != "extra_forbidden":
        return issue
    name = str(err["loc"][-1])
    fields = schema_field_names(Inventory, err["loc"][:-1])
    close = difflib.get_close_matches(name, fields, n=3, cutoff=0.6)
    return PolicyIssue(issue.line, issue.path, "aiact.error.unknown_key",
                       {"name": name, "candidates": ", ".join(close or fields)})



def inventory_template() -> str:
    """The commented French inventory template, filled with the case study's uses."""
    folder = resources.files("sobria.governance.aiact") / "templates"
    return (folder / "inventory.fr.yaml").read_text(encoding="utf-8")
