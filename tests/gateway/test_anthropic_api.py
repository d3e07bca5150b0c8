"""Anthropic's Messages API through the gateway, native, with the official ``anthropic`` SDK
(streamed and not, ``count_tokens``): the gateway key as ``x-api-key``, the organisation's key and
``anthropic-version`` to the upstream, cache tokens in the event, the charter on ``system`` and on
every block, errors in Anthropic's shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import pytest

from sobria.catalog import load_catalog
from sobria.events.fingerprint import fingerprint
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from tests.gateway.apis_support import ANTHROPIC_KEY, Apis, apis  # noqa: F401
from tests.gateway.test_responses_api import BLOCKED, IBAN

MODEL = "claude-haiku-4-5"
SYSTEM = [{"type": "text", "text": "Tu es l'assistant juridique de TechVert", "cache_control": {"type": "ephemeral"}}]


@pytest.fixture
def client(apis: Apis) -> Iterator[anthropic.Anthropic]:  # noqa: F811
    with anthropic.Anthropic(base_url=apis.url, api_key=apis.key, max_retries=0) as client:
        yield client


def _user(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def test_not_streamed_with_cache_tokens(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    messages = [{"role": "user", "content": [{"type": "text", "text": "Contrat de 40 pages",
                                              "cache_control": {"type": "ephemeral"}},
                                             {"type": "text", "text": "Résume ce contrat"}]}]
    raw = client.messages.with_raw_response.create(model=MODEL, max_tokens=300, system=SYSTEM,
                                                   messages=messages)  # type: ignore[arg-type]
    message = raw.parse()
    assert message.content[0].text == "echo: Contrat de 40 pages Résume ce contrat"  # type: ignore[union-attr]
    usage = message.usage
    assert (usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens) == (3, 4, 6)
    assert (raw.headers["x-sobria-model"], raw.headers["x-sobria-decision"]) == (MODEL, "warn")  # unlisted model
    event = apis.event(raw.headers["x-sobria-event-id"])
    # input = 3 uncached + 4 written to the cache + 6 read from it; cached = the 6 read
    assert (event["input_tokens"], event["cached_input_tokens"], event["output_tokens"]) == (13, 6, 8)
    assert (event["provider"], event["upstream"], event["status_code"], event["impact_status"]) == (
        "anthropic", "claude", 200, "ok")
    direct = estimate_request(Estimator(load_catalog()), Request("anthropic", MODEL, output_tokens=8,
                                                                 input_tokens=13, cached_input_tokens=6,
                                                                 operation="chat"))
    assert event["gwp_kgco2e_max"] == pytest.approx(direct.gwp_kgco2e.max, rel=1e-9)
    assert float(raw.headers["x-sobria-carbon-g"]) == pytest.approx(direct.gwp_kgco2e.central * 1000, rel=1e-5)
    assert float(raw.headers["x-sobria-energy-wh"]) == pytest.approx(direct.energy_kwh.central * 1000, rel=1e-5)
    assert event["prompt_fingerprint"] == fingerprint("Contrat de 40 pages Résume ce contrat")
    sent = apis.upstream.headers[-1]  # the client's anthropic-version is passed on (it knows its body's format)
    assert (sent["x-api-key"], sent["anthropic-version"]) == (ANTHROPIC_KEY, client.default_headers[
        "anthropic-version"])
    assert "authorization" not in sent and apis.key not in str(sent)  # the person's gateway key stays here
    httpx.post(f"{apis.url}/v1/messages", headers={"x-api-key": apis.key}, json={
        "model": MODEL, "max_tokens": 10, "messages": [_user("Bonjour")]}).raise_for_status()
    assert apis.upstream.headers[-1]["anthropic-version"] == "2023-06-01"  # else the configured one
    httpx.post(f"{apis.url}/v1/messages?beta=true", headers={"x-api-key": apis.key, "anthropic-beta": "x-2025"},
               json={"model": MODEL, "max_tokens": 10, "messages": [_user("Bonjour")]}).raise_for_status()
    assert (apis.upstream.headers[-1][":query"], apis.upstream.headers[-1]["anthropic-beta"]) == ("beta=true",
                                                                                                "x-2025")


def test_streamed_usage_from_message_start_and_delta(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    with client.messages.stream(model=MODEL, max_tokens=100, system=SYSTEM,  # type: ignore[arg-type]
                                messages=[_user("un deux trois quatre")]) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
        event_id = stream.response.headers["x-sobria-event-id"]
        assert stream.response.headers["x-sobria-footprint"] == "estimate"
    assert text == "echo: un deux trois quatre"
    assert (final.usage.input_tokens, final.usage.cache_read_input_tokens, final.usage.output_tokens) == (4, 6, 5)
    event = apis.event(event_id)
    assert (event["input_tokens"], event["cached_input_tokens"], event["output_tokens"]) == (10, 6, 5)
    assert (event["status_code"], event["stream"]) == (200, True)
    assert "stream_options" not in apis.upstream.received[-1]  # an Anthropic body: nothing OpenAI's added
    events = client.messages.create(model=MODEL, max_tokens=100, stream=True, messages=[_user("bonjour")])
    assert [e.type for e in events] == ["message_start", "content_block_start", "content_block_delta",
                                        "content_block_delta", "content_block_stop", "message_delta", "message_stop"]


def test_count_tokens_is_charter_checked_but_no_usage(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    before = apis.event_count()
    counted = client.messages.count_tokens(model=MODEL, system="Sois bref", messages=[_user("Résume ce contrat")])
    assert counted.input_tokens == 5
    assert apis.upstream.received[-1]["system"] == "Sois bref"
    with pytest.raises(anthropic.PermissionDeniedError):
        client.messages.count_tokens(model=MODEL, messages=[_user(f"IBAN {IBAN}")])
    assert apis.event_count() == before  # no model ran: no event, no budget


def test_personal_data_in_every_block_blocked_nothing_forwarded(client: anthropic.Anthropic,
                                                                apis: Apis) -> None:  # noqa: F811
    before = len(apis.upstream.received)
    tool_use = {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_1", "name": "virement",
                                                  "input": {"compte": IBAN}}]}
    tool_result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
                                                "content": [{"type": "text", "text": f"compte {IBAN}"}]}]}
    cases: list[dict[str, Any]] = [
        {"system": f"Le compte est {IBAN}", "messages": [_user("Bonjour")]},
        {"messages": [{"role": "user", "content": [{"type": "text", "text": f"Virement {IBAN}"}]}]},
        {"messages": [_user("Fais le virement"), tool_use, _user("ok")]},
        {"messages": [_user("Fais le virement"), {"role": "assistant", "content": "ok"}, tool_result]},
    ]
    for case in cases:
        with pytest.raises(anthropic.PermissionDeniedError) as info:
            client.messages.create(model=MODEL, max_tokens=50, **case)
        assert info.value.body == {"type": "error", "error": {"type": "permission_error", "message": BLOCKED}}
    with pytest.raises(anthropic.PermissionDeniedError):
        client.messages.create(model=MODEL, max_tokens=50, stream=True, messages=[_user(f"IBAN {IBAN}")])
    assert len(apis.upstream.received) == before


def test_email_redacted_in_text_and_tool_result(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    raw = client.messages.with_raw_response.create(model=MODEL, max_tokens=50, messages=[
        _user("Trouve le contact"), {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_2", "name": "annuaire", "input": {"q": "Dupont"}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_2",
                                      "content": "jean.dupont@client.fr"}]}])
    assert raw.headers["x-sobria-decision"] == "redact"
    forwarded = apis.upstream.received[-1]["messages"][2]["content"][0]
    assert forwarded["tool_use_id"] == "toolu_2" and "jean.dupont@client.fr" not in forwarded["content"]


def test_errors_in_anthropic_shape(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    with (anthropic.Anthropic(base_url=apis.url, api_key="sk-wrong", max_retries=0) as wrong,
          pytest.raises(anthropic.AuthenticationError) as info):
        wrong.messages.create(model=MODEL, max_tokens=10, messages=[_user("Bonjour")])
    assert info.value.body == {"type": "error", "error": {"type": "authentication_error",
                                                          "message": "clé d'API inconnue"}}
    with pytest.raises(anthropic.NotFoundError):
        client.messages.create(model="gpt-4o-mini", max_tokens=10, messages=[_user("Bonjour")])
    with pytest.raises(anthropic.PermissionDeniedError) as routed:  # heavy model without justification
        client.messages.create(model="claude-sonnet-4-5", max_tokens=10, messages=[_user("Bonjour")])
    assert "gpt-4o-mini" in routed.value.body["error"]["message"]  # type: ignore[index]
    bad = httpx.post(f"{apis.url}/v1/messages", content=b"{", headers={"x-api-key": apis.key})
    assert bad.status_code == 400 and bad.json()["type"] == "error"
    assert bad.json()["error"]["type"] == "invalid_request_error"
    with pytest.raises(anthropic.InternalServerError) as down:  # the only upstream of the model refuses connections
        client.messages.create(model="claude-opus-4-1", max_tokens=10, messages=[_user("Bonjour")])
    assert down.value.status_code == 502
    assert down.value.body["error"]["type"] == "api_error"  # type: ignore[index]


def test_models_listed_in_anthropic_shape(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    """Claude Code and the SDK list and look up models with ``anthropic-version``: Anthropic's page."""
    page = client.models.list()
    ids = [m.id for m in page.data]
    assert MODEL in ids and "gpt-4o-mini" in ids and page.has_more is False
    assert (page.first_id, page.last_id) == (ids[0], ids[-1])
    info = client.models.retrieve(MODEL)
    assert (info.id, info.type, info.display_name, info.created_at.year) == (MODEL, "model", MODEL, 1970)
    with pytest.raises(anthropic.NotFoundError) as missing:
        client.models.retrieve("claude-unknown")
    assert missing.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
    openai_style = httpx.get(f"{apis.url}/v1/models", headers={"authorization": f"Bearer {apis.key}"})
    assert openai_style.json()["object"] == "list" and openai_style.json()["data"][0]["object"] == "model"


def test_stream_cut_off_ends_with_an_error_event(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    stream = client.messages.create(model=MODEL, max_tokens=50, stream=True, messages=[_user("coupe [fault:cutoff]")])
    event_id = stream.response.headers["x-sobria-event-id"]
    with pytest.raises(anthropic.APIStatusError) as info:
        list(stream)
    assert info.value.body["error"]["type"] == "api_error"  # type: ignore[index]
    event = apis.event(event_id)
    assert (event["status_code"], event["error"]) == (502, "upstream_cutoff")


def test_thread_signals_from_the_anthropic_messages(client: anthropic.Anthropic, apis: Apis) -> None:  # noqa: F811
    opening = [_user("Rédige une clause de confidentialité")]
    second = [*opening, {"role": "assistant", "content": "Voici la clause."}, _user("plus court")]
    ids = [client.messages.with_raw_response.create(model=MODEL, max_tokens=50, system="Juriste",
                                                    messages=m).headers["x-sobria-event-id"]  # type: ignore[arg-type]
           for m in (opening, second, second)]
    rows = [apis.event(i) for i in ids]
    assert len({r["conversation_id"] for r in rows}) == 1
    assert [(r["thread_turn"], r["thread_signal"]) for r in rows] == [(1, "new"), (2, "revision"),
                                                                      (2, "regeneration")]
