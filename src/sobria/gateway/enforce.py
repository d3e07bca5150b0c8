"""The policy enforced on one request (the charter document compiled by sobria.policy): scan, decide,
reserve the budget, redact, route.

Everything here runs before anything leaves the company. A block ends the request with a 403
(the person-facing French message of the decision) and a usage event that says so.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import unquote

from sobria.catalog.output_limits import output_limit
from sobria.gateway.budgets import month_of
from sobria.gateway.call import Call, call_headers, finish
from sobria.gateway.footprint import NOTHING
from sobria.gateway.http import GatewayError, Scope, header
from sobria.gateway.inbound import Inbound, map_texts, request_identity
from sobria.gateway.keys import KeyRecord
from sobria.gateway.runtime import Gateway
from sobria.policy.decision import BudgetState, Decision, RequestContext, decide
from sobria.policy.pii import Finding, redact

PURPOSE_CHARS = 64
JUSTIFICATION_CHARS = 500


async def enforce_policy(gw: Gateway, scope: Scope, key: KeyRecord, inbound: Inbound, started: float,
                        metered: bool = True) -> Call:
    """The call to forward (model routed, texts redacted, budget reserved), or a GatewayError.
    ``metered=False`` (Anthropic's ``count_tokens``: no model runs): the same scan, decision and
    redaction, but no usage: no regeneration counted, no budget reserved, no event for a block."""
    findings: list[list[Finding]] = []

    def scan(text: str) -> str:
        findings.append(gw.clean_texts.scan(gw.scanner, text))
        return text

    map_texts(inbound.payload, inbound.operation, scan)
    kinds = frozenset(str(f.kind) for fs in findings for f in fs)
    purpose, purpose_source = _purpose(gw, key, _header_text(gw, scope, b"x-sobria-purpose", PURPOSE_CHARS))
    # SDKs send ASCII: a justification in French comes percent-encoded
    justification = _header_text(gw, scope, b"x-sobria-justification", JUSTIFICATION_CHARS, decode=True) or ""
    ts_us = gw.clock.wall_us()
    month = month_of(ts_us)
    team = budget_team(key)
    limit = gw.rules.team_budgets.get(key.team, gw.rules.default_budget) if key.team else gw.rules.default_budget
    used = gw.budget_used.get((team, month)) if limit is not None else None
    ctx = RequestContext(
        model=inbound.model, tool=gw.config.tool, person=key.person, team=key.team, purpose=purpose,
        kind="image" if inbound.operation == "image" else "text",
        justification=justification, data_classes=kinds,
        regeneration=gw.regenerations.count(key.id, request_identity(inbound), gw.clock.monotonic()) if metered else 0,
        budget=BudgetState(used) if used is not None else (BudgetState(0.0) if limit is not None else None))
    call = Call(gw.new_event_id(), ts_us, started, key, inbound, purpose, decide(gw.rules, ctx), limit_kgco2e=limit,
                purpose_source=purpose_source, endpoint=str(scope.get("path", ""))[:64] or None)
    if call.decision.action == "block":
        raise _blocked(gw, call, metered)
    call.target = gw.upstreams.route(call.model)
    if call.target is None:
        raise GatewayError(404, "model_not_found", gw.t("gateway.error.unknown_model", model=call.model),
                           param="model")
    cfg = call.target.config
    estimates = gw.config.estimates
    output = inbound.max_tokens if inbound.max_tokens is not None else estimates.output_tokens
    # the model cannot write more than its limit (the upstream's setting, else the model's published one)
    output = min(output, cfg.max_output_tokens or output_limit(call.model) or estimates.max_output_tokens)
    if inbound.operation == "embedding":
        output = 0
    call.estimate = gw.footprints.footprint(
        cfg.provider, call.model, inbound.operation,
        input_tokens=round(inbound.chars / gw.config.estimates.chars_per_token),
        output_tokens=output, images=inbound.images, image_size=inbound.image_size,
        image_quality=inbound.image_quality, zone=cfg.zone)
    if limit is not None and metered:
        await _reserve(gw, call, ctx, team, month, limit)
    call.rewritten = _rewrite(call, findings)
    return call


def _header_text(gw: Gateway, scope: Scope, name: bytes, limit: int, decode: bool = False) -> str | None:
    """A declared header value, refused (400) with a line break or control character or over ``limit``."""
    value = header(scope, name)
    if value is None:
        return None
    text = unquote(value) if decode else value
    if len(text) > limit or any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise GatewayError(400, "invalid_header", gw.t("gateway.error.bad_header", name=name.decode(), limit=limit))
    return text.strip() or None


def budget_team(key: KeyRecord) -> str:
    """Whose budget a key spends: its team's, or for a key without a team its own (``key:<id>``, with
    the default budget) — a key without a team does not escape budgets."""
    return key.team if key.team else f"key:{key.id}"


def allowed_purposes(key: KeyRecord) -> tuple[str, ...]:
    """The purposes a key may declare: its ``purpose`` field, a comma-separated list (empty: any)."""
    return tuple(p.strip() for p in (key.purpose or "").split(",") if p.strip())


def _purpose(gw: Gateway, key: KeyRecord, declared: str | None) -> tuple[str | None, str | None]:
    """The request's purpose: the declared one if the key allows it (a 403 otherwise), else the key's
    first; and where it comes from (recorded with the request): ``key`` (the key's own), ``checked``
    (declared, among the key's purposes), ``unchecked`` (declared, the key names none to check it
    against: the client's word only)."""
    allowed = allowed_purposes(key)
    if declared is None:
        return (allowed[0], "key") if allowed else (None, None)
    if allowed and declared not in allowed:
        raise GatewayError(403, "purpose_not_allowed", gw.t("gateway.error.purpose_not_allowed", purpose=declared,
                                                            allowed=", ".join(allowed)), kind="permission_error")
    return declared, "checked" if allowed else "unchecked"


async def _reserve(gw: Gateway, call: Call, ctx: RequestContext, team: str, month: str, limit: float) -> None:
    estimate = call.estimate.gwp_kgco2e
    hard = gw.rules.on_budget_exceeded == "block"
    result = await gw.budgets.reserve(team, month, estimate, limit if hard else None)
    if result is None:  # the store was busy and nothing could be refused: the drain settles it alone
        gw.budget_used[(team, month)] = gw.budget_used.get((team, month), 0.0) + estimate
        call.reservation = (team, month, 0.0)
        return
    gw.budget_used[(team, month)] = result.used_kgco2e
    if not result.granted:
        over = replace(ctx, budget=BudgetState(max(result.used_kgco2e, limit)))
        call.decision = decide(gw.rules, over)
        raise _blocked(gw, call)
    call.reservation = (team, month, estimate)


def _blocked(gw: Gateway, call: Call, metered: bool = True) -> GatewayError:
    decision: Decision = call.decision
    if metered:
        finish(gw, call, 403, None, sent=False)
    messages = decision.messages(gw.t)
    code = "budget_exceeded" if decision.rule == "budgets.on_exceeded" else "policy_blocked"
    return GatewayError(403, code, messages[0] if messages else code, kind="policy_error",
                        headers=call_headers(gw, call, NOTHING))


def _rewrite(call: Call, findings: list[list[Finding]]) -> bool:
    """Redact what the decision says and name the routed model, in the payload to forward."""
    payload = call.inbound.payload
    wanted = call.decision.redact
    changed = bool(wanted) or call.model != call.inbound.model or call.inbound.stream
    if wanted:
        queue = iter(findings)

        def hide(text: str) -> str:
            mine = [f for f in next(queue) if str(f.kind) in wanted]
            return redact(text, mine) if mine else text

        map_texts(payload, call.inbound.operation, hide)
    if call.model != call.inbound.model:
        payload["model"] = call.model
    options = payload.get("stream_options")
    options = options if isinstance(options, dict) else {}
    if call.inbound.stream and call.inbound.api == "openai" and options.get("include_usage") is not True:
        # the event needs the usage; the client did not ask for it, so the extra usage-only chunk is
        # removed on the way back (a plain ``chunk.choices[0]`` loop keeps working)
        payload["stream_options"] = {**options, "include_usage": True}
        call.strip_usage_chunk = True
    return changed
