"""The decision function: one request in, one decision out, the same for the audit and the gateway.

:func:`decide` is pure and does no I/O: it reads a :class:`Rules` (the policy compiled once into
sets and mappings with :meth:`Rules.from_policy`) and a :class:`RequestContext`, and returns a
:class:`Decision`. The order in which rules are tried is documented in ``docs/policy.md``:

1. tool not allowed -> block;  2. forbidden data class for the tool tier -> block or redact;
3. images (disabled, forbidden or unlisted purpose -> block, other model -> route);
4. regenerations over the limit -> warn or block;  5. team budget -> block/route/warn at the
limit, warn at each alert threshold;  6. model (forbidden, heavy without an allowed purpose or
a justification -> route to the default model; unlisted -> warn/route/allow).

A block stops the evaluation; the other outcomes add up (redact + route + warn). The main action
is the most severe one fired (block > redact > route > warn > allow).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from sobria.i18n import Translator
from sobria.policy.schema import DATA_CLASSES, TIERS, Policy, Tier

Action = Literal["allow", "route", "redact", "block", "warn"]
RequestKind = Literal["text", "image"]
Param = str | int | float

SEVERITY: Mapping[str, int] = {"allow": 0, "warn": 1, "route": 2, "redact": 3, "block": 4}
_LABELLED_PARAMS = {"data_class": "policy.class.", "tier": "policy.tier."}


@dataclass(frozen=True, slots=True)
class BudgetState:
    """The team's emissions so far in the current budget period."""

    spent_kgco2e: float


@dataclass(frozen=True, slots=True)
class RequestContext:
    """What is known about one AI request when the decision is taken.

    ``data_classes`` holds the kinds of personal data found in the text (detector kinds such as
    ``email`` or ``nir``, or data classes such as ``health``); ``regeneration`` counts how many
    times the same request has been regenerated, this one included (0 for a first request).
    """

    model: str
    tool_tier: Tier = "enterprise"
    tool: str | None = None
    person: str | None = None
    team: str | None = None
    purpose: str | None = None
    kind: RequestKind = "text"
    justification: str | None = None
    data_classes: frozenset[str] = frozenset()
    regeneration: int = 0
    budget: BudgetState | None = None


@dataclass(frozen=True, slots=True)
class Firing:
    """One rule that fired: its id (a path in the policy file), its action and its message."""

    rule: str
    action: Action
    message_key: str
    params: Mapping[str, Param] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Decision:
    """The outcome: the main action, the model to call, what to redact and every rule fired."""

    action: Action
    model: str
    fired: tuple[Firing, ...] = ()
    redact: frozenset[str] = frozenset()

    @property
    def rule(self) -> str | None:
        """The rule behind the main action (None when allowed without any rule firing)."""
        main = self.main
        return main.rule if main is not None else None

    @property
    def main(self) -> Firing | None:
        """The first fired rule whose action is the main action."""
        return next((f for f in self.fired if f.action == self.action), None)

    @property
    def message_key(self) -> str | None:
        main = self.main
        return main.message_key if main is not None else None

    @property
    def params(self) -> Mapping[str, Param]:
        main = self.main
        return main.params if main is not None else {}

    def messages(self, t: Translator) -> list[str]:
        """The person-facing messages, main one first, in the translator's language."""
        ordered = sorted(self.fired, key=lambda f: -SEVERITY[f.action])
        return [firing_message(f, t) for f in ordered]


def firing_message(firing: Firing, t: Translator) -> str:
    """The person-facing message of one fired rule (labels translated, decimals localised)."""
    from babel.numbers import format_decimal

    params: dict[str, Param] = {}
    for name, value in firing.params.items():
        prefix = _LABELLED_PARAMS.get(name)
        if prefix:
            params[name] = t(prefix + str(value))
        elif isinstance(value, float):
            params[name] = format_decimal(value, locale=t.lang)
        else:
            params[name] = value
    return t(firing.message_key, **params)


@dataclass(frozen=True, slots=True)
class Rules:
    """A policy compiled for fast decisions (sets and mappings, built once)."""

    tools: Mapping[str, tuple[Tier, bool]]
    default_model: str
    per_purpose: Mapping[str, str]
    heavy: frozenset[str]
    heavy_purposes: frozenset[str]
    justification_required: bool
    forbidden: frozenset[str]
    listed: frozenset[str]
    unlisted: str
    images_allowed: bool
    image_allowed_purposes: frozenset[str]
    image_forbidden_purposes: frozenset[str]
    image_models: tuple[str, ...]
    detectors: Mapping[str, str]
    purpose_classes: Mapping[str, str]
    class_actions: Mapping[str, Mapping[str, str]]
    team_budgets: Mapping[str, float]
    default_budget: float | None
    thresholds: tuple[int, ...]
    on_budget_exceeded: str
    max_regenerations: int
    on_regenerations_exceeded: str

    @classmethod
    def from_policy(cls, policy: Policy) -> Rules:
        m, images, data, budgets = policy.models, policy.images, policy.data, policy.budgets
        return cls(
            tools={tool.id: (tool.tier, tool.allowed) for tool in policy.tools},
            default_model=m.default, per_purpose=dict(m.per_purpose), heavy=frozenset(m.heavy.models),
            heavy_purposes=frozenset(m.heavy.purposes), justification_required=m.heavy.justification_required,
            forbidden=frozenset(m.forbidden), unlisted=m.unlisted,
            listed=frozenset({m.default, *m.per_purpose.values(), *m.heavy.models}),
            images_allowed=images.allowed, image_allowed_purposes=frozenset(images.allowed_purposes),
            image_forbidden_purposes=frozenset(images.forbidden_purposes), image_models=tuple(images.models),
            detectors=dict(data.detectors), purpose_classes=dict(data.purposes),
            class_actions={tier: getattr(data.by_tier, tier).model_dump() for tier in TIERS},
            team_budgets=dict(budgets.teams), default_budget=budgets.default_kgco2e,
            thresholds=tuple(sorted(budgets.alert_thresholds_percent, reverse=True)),
            on_budget_exceeded=budgets.on_exceeded,
            max_regenerations=policy.regenerations.max_per_request,
            on_regenerations_exceeded=policy.regenerations.on_exceeded,
        )

    def target_model(self, purpose: str | None) -> str:
        """The default model for a purpose (the light model people should use)."""
        return self.per_purpose.get(purpose, self.default_model) if purpose else self.default_model


def decide(rules: Rules, ctx: RequestContext) -> Decision:
    """The decision for one request under ``rules`` (pure, no I/O)."""
    fired: list[Firing] = []
    tier = ctx.tool_tier
    if ctx.tool is not None:
        block = _tool_block(rules, ctx.tool)
        if block is not None:
            return Decision("block", ctx.model, (block,))
        tier = rules.tools[ctx.tool][0]
    model = ctx.model
    redact = _data(rules, ctx, tier, fired)
    if not _blocked(fired) and ctx.kind == "image":
        model = _image(rules, ctx, fired)
    if not _blocked(fired):
        _regenerations(rules, ctx, fired)
    if not _blocked(fired):
        model = _budget(rules, ctx, model, fired)
    if not _blocked(fired) and ctx.kind == "text":
        model = _model(rules, ctx, model, fired)
    if not fired:
        return Decision("allow", ctx.model)
    action = max((f.action for f in fired), key=SEVERITY.__getitem__)
    if action == "block":
        return Decision("block", ctx.model, tuple(fired))
    return Decision(action, model, tuple(fired), redact)


def _blocked(fired: list[Firing]) -> bool:
    return any(f.action == "block" for f in fired)


def _tool_block(rules: Rules, tool: str) -> Firing | None:
    entry = rules.tools.get(tool)
    if entry is None:
        allowed = ", ".join(sorted(t for t, (_, ok) in rules.tools.items() if ok))
        return Firing("tools", "block", "policy.decision.tool_unlisted", {"tool": tool, "allowed": allowed})
    if not entry[1]:
        return Firing("tools.allowed", "block", "policy.decision.tool_forbidden", {"tool": tool})
    return None


def _data(rules: Rules, ctx: RequestContext, tier: str, fired: list[Firing]) -> frozenset[str]:
    actions = rules.class_actions[tier]
    by_class: dict[str, list[str]] = {}
    for kind in ctx.data_classes:
        data_class = rules.detectors.get(kind) or (kind if kind in DATA_CLASSES else None)
        if data_class is not None:
            by_class.setdefault(data_class, []).append(kind)
    redact: set[str] = set()
    for data_class in sorted(by_class):
        action = actions[data_class]
        kinds = sorted(by_class[data_class])
        rule = f"data.by_tier.{tier}.{data_class}"
        params: dict[str, Param] = {"data_class": data_class, "tier": tier, "kinds": ", ".join(kinds)}
        if action == "block":
            fired.append(Firing(rule, "block", "policy.decision.data_block", params))
        elif action == "redact":
            fired.append(Firing(rule, "redact", "policy.decision.data_redact", params))
            redact.update(kinds)
    implied = rules.purpose_classes.get(ctx.purpose) if ctx.purpose else None
    if implied is not None and actions[implied] != "allow":
        params = {"data_class": implied, "tier": tier, "purpose": ctx.purpose or ""}
        rule = f"data.purposes.{ctx.purpose}"
        if actions[implied] == "block":
            fired.append(Firing(rule, "block", "policy.decision.purpose_block", params))
        else:
            fired.append(Firing(rule, "warn", "policy.decision.purpose_warn", params))
    return frozenset(redact)


def _image(rules: Rules, ctx: RequestContext, fired: list[Firing]) -> str:
    purpose = ctx.purpose or ""
    if not rules.images_allowed:
        fired.append(Firing("images.allowed", "block", "policy.decision.images_disabled"))
    elif purpose in rules.image_forbidden_purposes:
        fired.append(Firing("images.forbidden_purposes", "block", "policy.decision.image_forbidden_purpose",
                            {"purpose": purpose}))
    elif rules.image_allowed_purposes and purpose not in rules.image_allowed_purposes:
        allowed = ", ".join(sorted(rules.image_allowed_purposes))
        if purpose:
            fired.append(Firing("images.allowed_purposes", "block", "policy.decision.image_purpose_unlisted",
                                {"purpose": purpose, "allowed": allowed}))
        else:
            fired.append(Firing("images.allowed_purposes", "block", "policy.decision.image_no_purpose",
                                {"allowed": allowed}))
    elif rules.image_models and ctx.model not in rules.image_models:
        target = rules.image_models[0]
        fired.append(Firing("images.models", "route", "policy.decision.image_model",
                            {"model": ctx.model, "target": target}))
        return target
    return ctx.model


def _regenerations(rules: Rules, ctx: RequestContext, fired: list[Firing]) -> None:
    if ctx.regeneration > rules.max_regenerations:
        action: Action = "block" if rules.on_regenerations_exceeded == "block" else "warn"
        fired.append(Firing("regenerations.max_per_request", action,
                            f"policy.decision.regenerations_{action}",
                            {"count": ctx.regeneration, "max": rules.max_regenerations}))


def _budget(rules: Rules, ctx: RequestContext, model: str, fired: list[Firing]) -> str:
    if ctx.budget is None or ctx.team is None:
        return model
    limit = rules.team_budgets.get(ctx.team, rules.default_budget)
    if limit is None:
        return model
    spent = ctx.budget.spent_kgco2e
    percent = spent / limit * 100 if limit > 0 else 100.0  # a zero budget: no AI use planned
    params: dict[str, Param] = {"team": ctx.team, "spent": round(spent, 1), "budget": round(limit, 1),
                                "percent": round(percent)}
    if percent >= 100:
        target = rules.target_model(ctx.purpose)
        on = rules.on_budget_exceeded
        if on == "block":
            fired.append(Firing("budgets.on_exceeded", "block", "policy.decision.budget_block", params))
        elif on == "route" and ctx.kind == "text" and model != target:
            fired.append(Firing("budgets.on_exceeded", "route", "policy.decision.budget_route",
                                {**params, "model": model, "target": target}))
            return target
        else:
            fired.append(Firing("budgets.on_exceeded", "warn", "policy.decision.budget_exceeded", params))
        return model
    crossed = next((t for t in rules.thresholds if percent >= t), None)
    if crossed is not None:
        fired.append(Firing("budgets.alert_thresholds_percent", "warn", "policy.decision.budget_threshold",
                            {**params, "threshold": crossed}))
    return model


def _model(rules: Rules, ctx: RequestContext, model: str, fired: list[Firing]) -> str:
    target = rules.target_model(ctx.purpose)
    if model == target:
        return model
    params: dict[str, Param] = {"model": model, "target": target}
    if model in rules.forbidden:
        fired.append(Firing("models.forbidden", "route", "policy.decision.model_forbidden", params))
        return target
    if model in rules.heavy:
        if ctx.purpose not in rules.heavy_purposes:
            if ctx.purpose:
                fired.append(Firing("models.heavy.purposes", "route", "policy.decision.heavy_purpose",
                                    {**params, "purpose": ctx.purpose}))
            else:
                fired.append(Firing("models.heavy.purposes", "route", "policy.decision.heavy_no_purpose", params))
            return target
        if rules.justification_required and not (ctx.justification or "").strip():
            fired.append(Firing("models.heavy.justification_required", "route",
                                "policy.decision.heavy_justification", params))
            return target
        return model
    if model not in rules.listed and rules.unlisted != "allow":
        action: Action = "route" if rules.unlisted == "route" else "warn"
        fired.append(Firing("models.unlisted", action, f"policy.decision.unlisted_{action}", params))
        return target if action == "route" else model
    return model
