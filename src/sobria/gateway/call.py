"""One request in flight, and how it ends: its usage event, its footprint, its response headers."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from sobria.events.fingerprint import fingerprint
from sobria.events.semantic import JOURNAL_TEXT
from sobria.gateway.budgets import month_of
from sobria.gateway.footprint import FIELDS, NOTHING, Footprint
from sobria.gateway.http import Headers
from sobria.gateway.inbound import Inbound, chat_messages, conversation_opening, prompt_text
from sobria.gateway.keys import KeyRecord
from sobria.gateway.runtime import Gateway
from sobria.gateway.upstream import Target
from sobria.impact.request import MAX_MEDIA_SECONDS
from sobria.policy.decision import Decision

log = logging.getLogger("sobria.gateway")


@dataclass(slots=True)
class Call:
    """Everything known about one request between its arrival and its usage event."""

    event_id: str
    ts_us: int
    started: float
    key: KeyRecord
    inbound: Inbound
    purpose: str | None
    decision: Decision
    target: Target | None = None
    reservation: tuple[str, str, float] | None = None
    limit_kgco2e: float | None = None
    estimate: Footprint = NOTHING
    rewritten: bool = False
    finished: bool = False  # its usage event is written
    fallbacks: list[str] = field(default_factory=list)  # "upstream:why" of each upstream that failed first
    strip_usage_chunk: bool = False  # the gateway asked for the stream's usage chunk: not the client's
    prompt_columns: dict[str, Any] | None = None  # the event's prompt fingerprint and thread (prepare_event)
    unjournaled: tuple[dict[str, Any], dict[str, Any]] | None = None  # its event, until ``journal_event``
    purpose_source: str | None = None  # key, checked (declared, the key allows it), unchecked (declared only)
    endpoint: str | None = None  # the API called (``/v1/chat/completions``, ``/v1/responses``, ``/v1/messages``...)

    @property
    def model(self) -> str:
        return self.decision.model


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cached_input_tokens: int = 0
    reasoning_tokens: int | None = None
    images: int = 0
    media_seconds: float | None = None   # audio transcribed (whisper's per-second usage), if said


def usage_from(data: Any) -> Usage | None:
    """The usage block of an OpenAI answer (chat, completion, embeddings), if any."""
    usage = data.get("usage") if isinstance(data, dict) else None
    seconds = _seconds(usage.get("seconds") if isinstance(usage, dict) and usage.get("type") == "duration"
                       else data.get("duration") if isinstance(data, dict) else None)
    if seconds is not None:   # a transcription billed per second (whisper-1), or verbose_json's duration
        return Usage(media_seconds=seconds)
    if not isinstance(usage, dict):
        return None
    prompt = _count(usage.get("prompt_tokens", usage.get("input_tokens")))
    completion = _count(usage.get("completion_tokens", usage.get("output_tokens")))
    # chat and completions name the details prompt/completion, the Responses API input/output
    cached = _count(_details(usage, "prompt_tokens_details", "input_tokens_details").get("cached_tokens"))
    reasoning = _details(usage, "completion_tokens_details", "output_tokens_details").get("reasoning_tokens")
    return Usage(prompt, completion, min(cached, prompt), reasoning if isinstance(reasoning, int) else None)


def _details(usage: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        found = usage.get(name)
        if isinstance(found, dict):
            return found
    return {}


def unmodelled(model: str) -> Footprint:
    """The footprint of a request no per-request energy model covers (moderation classifiers): no
    figure, the methodology's ``modality-not-supported`` status (counted in reports, never an ok 0)."""
    return Footprint(tuple(0.0 for _ in FIELDS), "modality-not-supported", model)


def _seconds(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and 0 < value <= MAX_MEDIA_SECONDS
    return float(value) if ok else None


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _fingerprint(inbound: Inbound) -> str | None:
    """The prompt's fingerprint (never its text), so that the audit's waste detection covers gateway traffic."""
    text = prompt_text(inbound)
    return None if text is None else fingerprint(text)


def conversation_id(key_id: str, inbound: Inbound) -> str | None:
    """A conversation id for chat requests: the one the API set (``previous_response_id``), else a
    hash of the key and of the thread's opening messages, the same for every turn of one thread (the
    audit links retries within a conversation, and treats a similar request in another conversation
    as a paraphrase)."""
    if inbound.conversation is not None:
        return inbound.conversation
    opening = conversation_opening(inbound)
    if opening is None:
        return None
    return "gw-" + hashlib.sha256(f"{key_id}\x1f{opening}".encode()).hexdigest()[:20]


def _thread_columns(gw: Gateway, conversation: str | None, inbound: Inbound, fp: str | None) -> dict[str, Any]:
    """The conversation id and the thread signal (``events.thread``: regeneration, edit, revision,
    new; the revision cue read from the prompt's fingerprint, ``mh3:<cue>:…``)."""
    if conversation is None:
        return {"conversation_id": None, "thread_turn": None, "thread_signal": None}
    signal = inbound.thread_signal
    if signal is None:
        signal = gw.threads.classify(conversation, chat_messages(inbound), fp[4] if fp else "n")
    return {"conversation_id": conversation, "thread_turn": signal.turn if signal else None,
            "thread_signal": signal.signal if signal else None}


def _latency_ms(gw: Gateway, call: Call) -> float | None:
    """Milliseconds since the request arrived; None when no time passed (a clock that was not moved)."""
    elapsed = round((gw.clock.monotonic() - call.started) * 1000, 3)
    return elapsed if elapsed > 0 else None


PROMPT_COLUMNS = ("prompt_fingerprint", "conversation_id", "thread_turn", "thread_signal")


def prepare_event(gw: Gateway, call: Call) -> dict[str, Any]:
    """The event's columns that depend on the prompt only (its fingerprint, conversation and thread
    signal), computed once, when the event is journaled (after the answer: never on its path)."""
    if call.prompt_columns is None:
        fp = _fingerprint(call.inbound)
        call.prompt_columns = {"prompt_fingerprint": fp,
                               **_thread_columns(gw, conversation_id(call.key.id, call.inbound), call.inbound, fp)}
    return call.prompt_columns


def finish(gw: Gateway, call: Call, status: int, usage: Usage | None, error: str | None = None,
           sent: bool = True, journal_now: bool = True) -> Footprint:
    """The usage event of ``call`` and its footprint (for the answer's headers); the event goes to the
    journal now, or with ``journal_now=False`` when the handler's ``close`` runs, once the answer is
    sent: its prompt fingerprint, JSON line and write are then off the answer's path."""
    call.finished = True
    inbound = call.inbound
    if usage is None:
        chars = gw.config.estimates.chars_per_token
        usage = Usage(input_tokens=round(inbound.chars / chars) if sent else 0,
                      images=inbound.images if sent and error is None else 0)
    cfg = call.target.config if call.target is not None else None
    provider, zone = (cfg.provider, cfg.zone) if cfg is not None else (None, None)
    footprint = NOTHING
    if sent and not inbound.modelled:
        footprint = unmodelled(call.model)
    elif sent:
        footprint = gw.footprints.footprint(
            provider, call.model, inbound.operation, input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens, cached_input_tokens=usage.cached_input_tokens,
            images=usage.images, image_size=inbound.image_size, image_quality=inbound.image_quality, zone=zone,
            media_seconds=usage.media_seconds)
    key = call.key
    event: dict[str, Any] = {
        "event_id": call.event_id, "ts_us": call.ts_us, "person": key.person, "team": key.team,
        "tool": gw.config.tool, "provider": provider, "model": call.model, "operation": inbound.operation,
        "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
        "cached_input_tokens": usage.cached_input_tokens, "reasoning_tokens": usage.reasoning_tokens,
        "images": usage.images, "image_size": inbound.image_size, "image_quality": inbound.image_quality,
        "latency_ms": _latency_ms(gw, call), "zone": zone,
        "purpose": call.purpose, "source": "gateway", "tier": "measured", "request_count": 1,
        "batch_id": "gateway", **footprint.columns(),
    }
    decision = call.decision
    outcome = {"status_code": status, "action": decision.action, "rule": decision.rule, "error": error,
               "requested_model": inbound.model, "stream": inbound.stream,
               "upstream": call.target.config.name if call.target is not None else None,
               "fallbacks": ", ".join(call.fallbacks) or None, "purpose_source": call.purpose_source,
               "endpoint": call.endpoint}
    call.unjournaled = (event, {"outcome": outcome, "reservation": call.reservation,
                                "actual_kgco2e": footprint.gwp_kgco2e,
                                **({JOURNAL_TEXT: prompt_text(inbound)} if gw.semantic else {})})
    gw.unjournaled += 1
    if journal_now:
        journal_event(gw, call)
    metrics = gw.metrics
    metrics.inc("sobria_gateway_requests_total", operation=inbound.operation, status=str(status))
    metrics.inc("sobria_gateway_decisions_total", action=decision.action)
    if sent:
        metrics.inc("sobria_gateway_carbon_kgco2e_total", footprint.gwp_kgco2e)
        metrics.inc("sobria_gateway_energy_kwh_total", footprint.energy_wh / 1000)
    if error is not None:
        metrics.inc("sobria_gateway_upstream_errors_total", code=error)
    metrics.observe_duration(gw.clock.monotonic() - call.started)
    return footprint


def answered(gw: Gateway, call: Call, status: int, usage: Usage | None, error: str | None = None,
             sent: bool = True) -> Footprint:
    """``finish`` for a call being answered: its event is journaled by ``close``, after the answer."""
    return finish(gw, call, status, usage, error, sent, journal_now=False)


def journal_event(gw: Gateway, call: Call) -> None:
    """Append the event ``finish`` made to the journal (with its prompt columns), once."""
    if call.unjournaled is None:
        return
    event, outcome = call.unjournaled
    call.unjournaled = None
    try:
        try:
            columns = prepare_event(gw, call)
        except Exception:  # a defect reading the prompt must not lose the usage event (nor its settlement)
            log.exception("event %s: prompt fingerprint and thread not computed", call.event_id)
            columns = dict.fromkeys(PROMPT_COLUMNS)
        gw.record({**event, **columns}, outcome)
    finally:
        gw.unjournaled -= 1


def close(gw: Gateway, call: Call) -> None:
    """The end of a call's handler, whatever happened: a defect or a cancelled request still gets
    its event (a 500, and the budget settled), then the event is journaled."""
    try:
        if not call.finished:
            finish(gw, call, 500, None, error="gateway_internal", journal_now=False)
    finally:
        journal_event(gw, call)


def call_headers(gw: Gateway, call: Call, footprint: Footprint, estimated: bool = False,
                 pending: bool = False) -> Headers:
    """The ``X-Sobria-*`` headers: who answered and why, the footprint (``estimated``: the estimate
    made before the answer, a stream's; ``pending``: that estimate, the response still running in the
    background), the budget left."""
    decision = call.decision
    headers: Headers = [
        (b"x-sobria-event-id", call.event_id.encode()),
        (b"x-sobria-model", call.model.encode()),
        (b"x-sobria-decision", decision.action.encode()),
        (b"x-sobria-energy-wh", f"{footprint.energy_wh:.6g}".encode()),
        (b"x-sobria-carbon-g", f"{footprint.gwp_kgco2e * 1000:.6g}".encode()),
    ]
    if footprint.status == "modality-not-supported":  # 0 here is no estimate: say so
        headers.append((b"x-sobria-footprint", b"modality-not-supported"))
    elif pending:
        headers.append((b"x-sobria-footprint", b"pending"))
    elif estimated:
        headers.append((b"x-sobria-footprint", b"estimate"))
    if decision.fired:  # every rule that fired (redaction and routing too), the main one first
        rules = dict.fromkeys([decision.rule, *(f.rule for f in decision.fired)])
        headers.append((b"x-sobria-rule", ", ".join(r for r in rules if r).encode()))
    if decision.fired:
        text = " | ".join(decision.messages(gw.t))
        headers.append((b"x-sobria-message", message_header(text)))
    if call.limit_kgco2e is not None and call.reservation is not None:
        used = gw.budget_used.get((call.reservation[0], month_of(call.ts_us)), 0.0)
        headers.append((b"x-sobria-budget-left-kgco2e", f"{max(call.limit_kgco2e - used, 0.0):.6g}".encode()))
    return headers


_SAFE = " ,.;:!?()'/-_"
# every byte to itself (the characters quote() leaves alone) or to %XX: quote() in one str.translate
_QUOTED = {b: chr(b) if chr(b) == quote(chr(b), safe=_SAFE) else f"%{b:02X}" for b in range(256)}


def message_header(text: str) -> bytes:
    """The ``X-Sobria-Message`` value of ``text``: ``urllib.parse.quote(text, safe=_SAFE)`` of its
    UTF-8 bytes, in one ``str.translate`` (the message carries counts: it changes per request)."""
    return text.encode("utf-8").decode("latin-1").translate(_QUOTED).encode("ascii")
