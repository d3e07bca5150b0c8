"""Semantic checks of a schema-valid policy: model names, purposes, signs and contradictions.

Each check returns :class:`PolicyIssue` values carrying the line of the offending value (looked
up in :class:`Positions`), a message key and a suggestion key; nothing is raised, so that
``sobria policy check`` can report every problem at once.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sobria.policy.schema import DATA_ACTION_RANK, DATA_CLASSES, Policy
from sobria.yamlfile import PathKey, Positions


@dataclass(frozen=True)
class PolicyIssue:
    """One problem in a policy file, with where it is and what to do about it."""

    line: int | None
    path: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    suggestion_key: str = "policy.suggest.docs"
    suggestion_params: Mapping[str, Any] = field(default_factory=dict)


def semantic_issues(policy: Policy, positions: Positions,
                    known_model: Callable[[str], bool] | None = None,
                    candidates: Sequence[str] = ()) -> list[PolicyIssue]:
    """Every semantic problem of ``policy``; model names are vetted only if ``known_model`` is given."""
    def at(path: PathKey, key: str, params: Mapping[str, Any], suggestion: str,
           suggestion_params: Mapping[str, Any] | None = None) -> PolicyIssue:
        return PolicyIssue(positions.line(path), dotted(path), key, params, suggestion,
                           suggestion_params or {})

    issues: list[PolicyIssue] = []
    if known_model is not None:
        issues += [_unknown_model(at, path, name, candidates)
                   for path, name in model_references(policy) if not known_model(name)]
    issues += _purpose_issues(policy, at)
    issues += _detector_issues(policy, at)
    issues += _negative_issues(policy, at)
    issues += _threshold_issues(policy, at)
    issues += _model_contradictions(policy, at)
    issues += _other_contradictions(policy, at)
    return issues


_At = Callable[..., PolicyIssue]


def model_references(policy: Policy) -> Iterator[tuple[PathKey, str]]:
    """Every model name written in the policy, with its path."""
    models = policy.models
    yield ("models", "default"), models.default
    for purpose, name in models.per_purpose.items():
        yield ("models", "per_purpose", purpose), name
    for i, name in enumerate(models.heavy.models):
        yield ("models", "heavy", "models", i), name
    for i, name in enumerate(models.forbidden):
        yield ("models", "forbidden", i), name
    for i, name in enumerate(policy.images.models):
        yield ("images", "models", i), name


def raw_model_issues(data: Mapping[str, Any], positions: Positions, known_model: Callable[[str], bool],
                     candidates: Sequence[str]) -> list[PolicyIssue]:
    """Unknown model names in a file that failed schema validation (so all errors show at once)."""
    def at(path: PathKey, key: str, params: Mapping[str, Any], suggestion: str,
           suggestion_params: Mapping[str, Any] | None = None) -> PolicyIssue:
        return PolicyIssue(positions.line(path), dotted(path), key, params, suggestion,
                           suggestion_params or {})

    return [_unknown_model(at, path, name, candidates)
            for path, name in _raw_model_references(data) if not known_model(name)]


def _raw_model_references(data: Mapping[str, Any]) -> Iterator[tuple[PathKey, str]]:
    def get(*keys: str) -> Any:
        node: Any = data
        for key in keys:
            node = node.get(key) if isinstance(node, Mapping) else None
        return node

    found: list[tuple[PathKey, Any]] = [(("models", "default"), get("models", "default"))]
    per_purpose = get("models", "per_purpose")
    if isinstance(per_purpose, Mapping):
        found += [(("models", "per_purpose", str(k)), v) for k, v in per_purpose.items()]
    for keys in (("models", "heavy", "models"), ("models", "forbidden"), ("images", "models")):
        names = get(*keys)
        if isinstance(names, list):
            found += [((*keys, i), v) for i, v in enumerate(names)]
    return ((path, name) for path, name in found if isinstance(name, str))


def _unknown_model(at: _At, path: PathKey, name: str, candidates: Sequence[str]) -> PolicyIssue:
    close = difflib.get_close_matches(name, list(candidates), n=3, cutoff=0.6)
    if close:
        return at(path, "policy.error.unknown_model", {"model": name}, "policy.suggest.did_you_mean",
                  {"candidates": ", ".join(close)})
    return at(path, "policy.error.unknown_model", {"model": name}, "policy.suggest.catalog")


def _purpose_references(policy: Policy) -> Iterator[tuple[PathKey, str]]:
    for purpose in policy.models.per_purpose:
        yield ("models", "per_purpose", purpose), purpose
    for i, purpose in enumerate(policy.models.heavy.purposes):
        yield ("models", "heavy", "purposes", i), purpose
    for i, purpose in enumerate(policy.images.allowed_purposes):
        yield ("images", "allowed_purposes", i), purpose
    for i, purpose in enumerate(policy.images.forbidden_purposes):
        yield ("images", "forbidden_purposes", i), purpose
    for purpose in policy.data.purposes:
        yield ("data", "purposes", purpose), purpose


def _purpose_issues(policy: Policy, at: _At) -> Iterator[PolicyIssue]:
    declared = list(policy.purposes)
    for path, purpose in _purpose_references(policy):
        if purpose in policy.purposes:
            continue
        close = difflib.get_close_matches(purpose, declared, n=3, cutoff=0.6)
        if close:
            yield at(path, "policy.error.unknown_purpose", {"purpose": purpose},
                     "policy.suggest.did_you_mean", {"candidates": ", ".join(close)})
        else:
            yield at(path, "policy.error.unknown_purpose", {"purpose": purpose},
                     "policy.suggest.declare_purpose", {"purpose": purpose})


def _detector_issues(policy: Policy, at: _At) -> Iterator[PolicyIssue]:
    from sobria.policy.pii.findings import PiiKind

    known = sorted(kind.value for kind in PiiKind)
    for kind in policy.data.detectors:
        if kind not in known:
            close = difflib.get_close_matches(kind, known, n=3, cutoff=0.6)
            suggestion = "policy.suggest.did_you_mean" if close else "policy.suggest.expected"
            yield at(("data", "detectors", kind), "policy.error.unknown_detector", {"kind": kind}, suggestion,
                     {"candidates": ", ".join(close or known)})


def _numbers(policy: Policy) -> Iterator[tuple[PathKey, float, float]]:
    """(path, value, minimum) for every number with a lower bound."""
    budgets = policy.budgets
    if budgets.default_kgco2e is not None:
        yield ("budgets", "default_kgco2e"), budgets.default_kgco2e, 0
    for team, amount in budgets.teams.items():
        yield ("budgets", "teams", team), amount, 0
    yield ("regenerations", "max_per_request"), policy.regenerations.max_per_request, 0
    yield ("retention", "usage_events_days"), policy.retention.usage_events_days, 1
    yield ("retention", "prompt_days"), policy.retention.prompt_days, 0
    yield ("ethics_committee", "meets_every_months"), policy.ethics_committee.meets_every_months, 1
    yield ("ethics_committee", "meeting_minutes"), policy.ethics_committee.meeting_minutes, 1
    yield ("training", "within_weeks"), policy.training.within_weeks, 1


def _negative_issues(policy: Policy, at: _At) -> Iterator[PolicyIssue]:
    for path, value, minimum in _numbers(policy):
        if value < minimum:
            key = "policy.error.negative" if value < 0 else "policy.error.too_small"
            yield at(path, key, {"value": _num(value), "minimum": _num(minimum)},
                     "policy.suggest.minimum", {"minimum": _num(minimum)})


def _threshold_issues(policy: Policy, at: _At) -> Iterator[PolicyIssue]:
    thresholds = policy.budgets.alert_thresholds_percent
    base = ("budgets", "alert_thresholds_percent")
    for i, value in enumerate(thresholds):
        if not 1 <= value <= 100:
            yield at((*base, i), "policy.error.threshold_range", {"value": value},
                     "policy.suggest.threshold_range")
    for i in range(1, len(thresholds)):
        if thresholds[i] <= thresholds[i - 1]:
            yield at((*base, i), "policy.error.thresholds_order",
                     {"values": ", ".join(str(v) for v in thresholds)},
                     "policy.suggest.thresholds_order",
                     {"values": ", ".join(str(v) for v in sorted(set(thresholds)))})
            break


def _model_contradictions(policy: Policy, at: _At) -> Iterator[PolicyIssue]:
    models = policy.models
    forbidden = set(models.forbidden)
    defaults: dict[PathKey, str] = {("models", "default"): models.default}
    defaults.update({("models", "per_purpose", p): m for p, m in models.per_purpose.items()})
    for path, name in defaults.items():
        if name in forbidden:
            yield at(path, "policy.error.default_forbidden", {"model": name},
                     "policy.suggest.default_forbidden")
    default_names = set(defaults.values())
    for i, name in enumerate(models.heavy.models):
        heavy_path: PathKey = ("models", "heavy", "models", i)
        if name in forbidden:
            yield at(heavy_path, "policy.error.heavy_forbidden", {"model": name},
                     "policy.suggest.heavy_forbidden")
        if name in default_names:
            yield at(heavy_path, "policy.error.heavy_is_default", {"model": name},
                     "policy.suggest.heavy_is_default")
    for i, name in enumerate(policy.images.models):
        if name in forbidden:
            yield at(("images", "models", i), "policy.error.image_model_forbidden", {"model": name},
                     "policy.suggest.heavy_forbidden")


def _other_contradictions(policy: Policy, at: _At) -> Iterator[PolicyIssue]:
    images = policy.images
    for i, purpose in enumerate(images.forbidden_purposes):
        if purpose in images.allowed_purposes:
            yield at(("images", "forbidden_purposes", i), "policy.error.image_purpose_both",
                     {"purpose": purpose}, "policy.suggest.image_purpose_both")
    if not images.allowed and images.allowed_purposes:
        yield at(("images", "allowed_purposes"), "policy.error.images_disabled", {},
                 "policy.suggest.images_disabled")
    tiers = policy.data.by_tier
    for data_class in DATA_CLASSES:
        consumer, enterprise = getattr(tiers.consumer, data_class), getattr(tiers.enterprise, data_class)
        if DATA_ACTION_RANK[consumer] < DATA_ACTION_RANK[enterprise]:
            yield at(("data", "by_tier", "consumer", data_class), "policy.error.consumer_looser",
                     {"data_class": data_class, "consumer": consumer, "enterprise": enterprise},
                     "policy.suggest.consumer_looser", {"action": enterprise})
    retention = policy.retention
    if not retention.store_prompts and retention.prompt_days > 0:
        yield at(("retention", "prompt_days"), "policy.error.prompt_retention",
                 {"days": retention.prompt_days}, "policy.suggest.prompt_retention")
    seen: set[str] = set()
    for i, tool in enumerate(policy.tools):
        if tool.id in seen:
            yield at(("tools", i, "id"), "policy.error.duplicate_tool", {"tool": tool.id},
                     "policy.suggest.duplicate_tool")
        seen.add(tool.id)


def _num(value: float) -> str:
    return f"{value:g}"


def dotted(path: PathKey) -> str:
    """``('models', 'heavy', 'models', 1)`` as ``models.heavy.models[1]``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
