"""Regression tests for the outside probe (issue 13): each reproduces one finding, then holds it."""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

import httpx
import pytest
import sqlalchemy as sa

from sobria.gateway.keys import create_key
from sobria.store.gateway_tables import budgets, requests
from sobria.store.tables import events
from tests.gateway.conftest import ADMIN_KEY, Running

IBAN = "FR76 3000 6000 0112 3456 7890 189"


def _post(running: Running, body: dict[str, Any] | bytes, path: str = "/v1/chat/completions",
          **headers: str) -> httpx.Response:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{running.url}{path}", content=content,
                      headers={"Authorization": f"Bearer {running.key}", "Content-Type": "application/json",
                               **headers})


def _chat(text: str = "bonjour", **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": text}], **extra}


def test_a_lone_surrogate_is_a_400_before_anything_leaves(running: Running) -> None:
    before = len(running.upstream.received)
    for stream in (False, True):
        body = b'{"model": "gpt-4o-mini", "stream": %s, "messages": [{"role": "user", "content": "x \\ud800"}]}' % (
            b"true" if stream else b"false")
        r = _post(running, body)
        assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_text")
        assert r.json()["error"]["message"] == ("le corps de la requête contient un caractère invalide (demi-paire "
                                                "UTF-16 isolée, « \\ud800 » par exemple) : corrigez le texte envoyé")
    assert len(running.upstream.received) == before
    paired = _post(running, b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "\\ud83d\\ude00"}]}')
    assert paired.status_code == 200  # a well-formed pair (an emoji) is text like any other


@pytest.mark.parametrize("body", [b"[" * 30_000 + b"]" * 30_000,
                                  json.dumps(_chat(metadata=json.loads('{"a":' * 70 + "1" + "}" * 70))).encode()])
def test_deep_json_is_a_400(running: Running, body: bytes) -> None:
    r = _post(running, body)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_json")


TEXT_FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    "tool_call_arguments": ("/v1/chat/completions", _chat(messages=[
        {"role": "user", "content": "paie"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "pay", "arguments": json.dumps({"iban": IBAN})}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "ok"}])),
    "tool_description": ("/v1/chat/completions", _chat(tools=[{"type": "function", "function": {
        "name": "pay", "description": f"Paie toujours sur {IBAN}", "parameters": {"type": "object"}}}])),
    "response_format": ("/v1/chat/completions", _chat(response_format={"type": "json_schema", "json_schema": {
        "name": "r", "schema": {"type": "object", "description": f"compte {IBAN}"}}})),
    "user": ("/v1/chat/completions", _chat(user=IBAN)),
    "metadata": ("/v1/chat/completions", _chat(metadata={"compte": IBAN})),
    "name": ("/v1/chat/completions", _chat(messages=[{"role": "user", "name": IBAN.replace(" ", ""),
                                                      "content": "bonjour"}])),
    "text_part": ("/v1/chat/completions", _chat(messages=[{"role": "user", "content": [
        {"type": "text", "text": "bonjour"}, {"type": "text", "text": IBAN}]}])),
    "suffix": ("/v1/completions", {"model": "gpt-4o-mini", "prompt": "bonjour", "suffix": IBAN}),
    "embedding_input": ("/v1/embeddings", {"model": "text-embedding-3-small", "input": ["a", IBAN]}),
}


@pytest.mark.parametrize("field", sorted(TEXT_FIELDS))
def test_an_iban_in_any_forwarded_text_is_blocked_and_nothing_leaves(running: Running, field: str) -> None:
    path, body = TEXT_FIELDS[field]
    before = len(running.upstream.received)
    r = _post(running, body, path)
    assert (r.status_code, r.json()["error"]["code"]) == (403, "policy_blocked")
    assert len(running.upstream.received) == before


def test_an_email_in_tool_call_arguments_is_redacted(running: Running) -> None:
    arguments = json.dumps({"to": "jean.dupont@client.fr", "objet": "relance"})
    body = _chat(messages=[{"role": "user", "content": "relance"}, {
        "role": "assistant", "content": None,
        "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "send", "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "envoyé"}])
    r = _post(running, body)
    assert (r.status_code, r.headers["x-sobria-decision"]) == (200, "redact")
    sent = running.upstream.received[-1]["messages"][1]["tool_calls"][0]
    assert json.loads(sent["function"]["arguments"]) == {"to": "[EMAIL_1]", "objet": "relance"}
    assert (sent["id"], sent["type"]) == ("c1", "function")  # structural fields untouched


def test_max_tokens_is_capped_at_the_models_limit_and_the_reservation_released(running: Running) -> None:
    r = _post(running, _chat("une phrase", max_tokens=10**26, stream=True))
    assert r.status_code == 200
    gw = running.gw
    # gpt-4o-mini writes at most 16,384 tokens (catalog/data/output_limits.json): the reservation's cap
    cap = gw.footprints.footprint("openai", "gpt-4o-mini", "chat", input_tokens=round(len("une phrase") / 4),
                                  output_tokens=16_384)
    assert float(r.headers["x-sobria-carbon-g"]) == pytest.approx(cap.gwp_kgco2e * 1000, rel=1e-5)
    running.drain()
    with gw.store.engine.connect() as conn:
        reserved = conn.execute(sa.select(budgets.c.reserved_ug).where(budgets.c.team == "commercial")).all()
    assert [row[0] for row in reserved] == [0]


def test_a_declared_purpose_must_be_one_the_key_allows(running: Running) -> None:
    _record, token = create_key(running.gw.store, "Recrutement", "p_rh", "rh", purpose="recrutement, email_rh")
    auth = {"Authorization": f"Bearer {token}"}
    refused = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(),
                         headers={**auth, "X-Sobria-Purpose": "email"})
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "purpose_not_allowed")
    assert refused.json()["error"]["message"] == (
        "l'usage « email » n'est pas autorisé pour cette clé (usages permis : recrutement, email_rh)")
    default = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(), headers=auth)
    declared = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(),
                          headers={**auth, "X-Sobria-Purpose": "email_rh"})
    # a key that names no purpose: whatever is declared is the client's word, recorded as such
    unchecked = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(),
                           headers={"Authorization": f"Bearer {running.key}", "X-Sobria-Purpose": "email"})
    silent = _post(running, _chat())
    running.drain()
    with running.gw.store.engine.connect() as conn:
        rows = [tuple(conn.execute(sa.select(events.c.purpose, requests.c.purpose_source)
                                   .join(requests, requests.c.event_id == events.c.event_id)
                                   .where(events.c.event_id == r.headers["x-sobria-event-id"])).one())
                for r in (default, declared, unchecked, silent)]
    assert rows == [("recrutement", "key"), ("email_rh", "checked"), ("email", "unchecked"), (None, None)]


@pytest.mark.parametrize(("name", "value"), [("X-Sobria-Justification", "ligne%0D%0AX-Admin: 1"),
                                             ("X-Sobria-Purpose", "p" * 65),
                                             ("X-Sobria-Justification", "j" * 501)])
def test_header_values_are_validated(running: Running, name: str, value: str) -> None:
    r = _post(running, _chat(), **{name: value})
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_header")


def test_the_upstream_refusing_the_gateways_key_is_a_502_without_key_material(running: Running) -> None:
    for stream in (False, True):
        r = _post(running, _chat("bonjour [fault:401]", stream=stream))
        assert (r.status_code, r.json()["error"]["code"]) == (502, "upstream_auth")
        assert "sk-" not in r.text
        assert r.json()["error"]["message"] == ("le fournisseur a refusé la clé de la passerelle (HTTP 401) : ce "
                                                "n'est pas votre clé, prévenez l'administrateur de la passerelle")
        running.drain()
        with running.gw.store.engine.connect() as conn:
            row = conn.execute(sa.select(requests.c.status_code, requests.c.error)
                               .where(requests.c.event_id == r.headers["x-sobria-event-id"])).one()
        assert tuple(row) == (502, "upstream_auth")


def test_a_key_without_a_team_spends_its_own_default_budget(running: Running) -> None:
    record, token = create_key(running.gw.store, "Sans équipe", "p_solo", None)
    r = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(), headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200
    assert float(r.headers["x-sobria-budget-left-kgco2e"]) == pytest.approx(3.0, rel=1e-3)
    running.drain()
    with running.gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(budgets.c.spent_ug, budgets.c.reserved_ug)
                           .where(budgets.c.team == f"key:{record.id}")).one()
    assert row[0] > 0 and row[1] == 0


@pytest.mark.parametrize("name", ["authorization", "x-api-key", "api-key"])
def test_the_key_headers_clients_send(running: Running, name: str) -> None:
    value = f"Bearer {running.key}" if name == "authorization" else running.key
    r = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(), headers={name: value})
    assert r.status_code == 200
    lower = httpx.post(f"{running.url}/v1/chat/completions", json=_chat(),
                       headers={"authorization": f"bearer {running.key}"})
    assert lower.status_code == 200


@pytest.mark.parametrize(("value", "status"), [(f"Bearer {ADMIN_KEY}", 200), (f"bearer {ADMIN_KEY}", 200),
                                               (f"BEARER  {ADMIN_KEY}", 200), (ADMIN_KEY, 401), ("", 401)])
def test_admin_auth_follows_rfc_6750_and_protects_metrics(running: Running, value: str, status: int) -> None:
    for path in ("/admin/keys", "/metrics"):
        r = httpx.get(f"{running.url}{path}", headers={"Authorization": value} if value else {})
        assert r.status_code == status, path
    if status == 200:
        assert "# TYPE sobria_gateway_requests_total counter" in httpx.get(
            f"{running.url}/metrics", headers={"Authorization": value}).text


def test_rejected_requests_are_in_the_security_log_with_the_key_id(running: Running,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    key_id = running.gw.keys.by_hash[next(iter(k for k, v in running.gw.keys.by_hash.items()
                                                if v.name == "Alice"))].id
    with caplog.at_level(logging.WARNING, logger="sobria.gateway.security"):
        _post(running, b"{not json")
        _post(running, _chat(model="no-such-model"))
        httpx.post(f"{running.url}/v1/chat/completions", json=_chat(), headers={"Authorization": "Bearer nope"})
    lines = [r.getMessage() for r in caplog.records if r.name == "sobria.gateway.security"]
    assert [line.split(" client=")[0] for line in lines] == [
        f"rejected status=400 code=invalid_json method=POST path=/v1/chat/completions key={key_id}",
        f"rejected status=404 code=model_not_found method=POST path=/v1/chat/completions key={key_id}",
        "rejected status=401 code=invalid_api_key method=POST path=/v1/chat/completions key=-"]


def test_oversized_headers_are_a_431(running: Running) -> None:
    r = _post(running, _chat(), **{"X-Padding": "a" * 40_000})
    assert (r.status_code, r.json()["error"]["code"]) == (431, "headers_too_large")


def test_a_body_sent_too_slowly_is_a_408(running: Running) -> None:
    gw = running.gw
    config = gw.config
    gw.config = config.model_copy(update={"body_timeout_s": 0.2})
    host, port = running.url.removeprefix("http://").split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=5) as conn:
            conn.sendall(f"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {running.key}\r\n"
                         "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{".encode())
            chunks = []
            while chunk := conn.recv(65536):  # the gateway closes the connection after its answer
                chunks.append(chunk)
            answer = b"".join(chunks).decode()
    finally:
        gw.config = config
    assert answer.startswith("HTTP/1.1 408 ")
    assert '"code": "body_timeout"' in answer


def test_a_request_that_fails_inside_the_gateway_still_has_its_event(running: Running,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("defect")

    monkeypatch.setattr("sobria.gateway.forward.usage_from", broken)
    before = running.gw.journal.size()
    assert _post(running, _chat("bonjour")).status_code == 500  # uvicorn's answer to a defect
    monkeypatch.undo()
    assert running.gw.journal.size() > before
    running.drain()
    with running.gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(requests.c.status_code, requests.c.error)
                           .order_by(requests.c.event_id.desc()).limit(1)).one()
        reserved = conn.execute(sa.select(budgets.c.reserved_ug).where(budgets.c.team == "commercial")).scalar()
    assert tuple(row) == (500, "gateway_internal")
    assert reserved == 0


@pytest.mark.parametrize("body", [
    b'{"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "bonjour", "\\ud800": "x"}]}',
    b'{"model": "gpt-4o-mini", "stream": true, "messages": [{"role": "user", "content": '
    b'[{"type": "text", "text": "bonjour", "\\udfff": 1}]}]}',
    b'{"model": "gpt-4o-mini", "metadata": {"\\ud800cl\\u00e9": "x"}, "messages": [{"role": "user", "content": "a"}]}',
])
def test_a_lone_surrogate_in_a_key_is_a_400_before_anything_leaves(running: Running, body: bytes) -> None:
    before = len(running.upstream.received)
    r = _post(running, body)
    assert (r.status_code, r.json()["error"]["code"]) == (400, "invalid_text")
    assert len(running.upstream.received) == before


def test_a_defect_reading_the_prompt_still_writes_the_event(running: Running,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The prompt's columns (fingerprint, conversation, thread signal) are computed after the answer;
    whatever fails there, the usage event is written and the reservation settled."""
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise UnicodeEncodeError("utf-8", "x", 0, 1, "surrogates not allowed")

    monkeypatch.setattr("sobria.gateway.call.fingerprint", broken)
    r = _post(running, _chat("Résume la réunion de lundi"))
    monkeypatch.undo()
    assert r.status_code == 200
    running.drain()
    with running.gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(events.c.input_tokens, events.c.output_tokens, events.c.prompt_fingerprint,
                                     events.c.conversation_id, requests.c.status_code)
                           .join(requests, requests.c.event_id == events.c.event_id)
                           .where(events.c.event_id == r.headers["x-sobria-event-id"])).one()
        reserved = conn.execute(sa.select(budgets.c.reserved_ug).where(budgets.c.team == "commercial")).scalar()
    usage = r.json()["usage"]
    assert tuple(row) == (usage["prompt_tokens"], usage["completion_tokens"], None, None, 200)
    assert reserved == 0


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/completions", {"model": "gpt-4o-mini", "prompt": [1212, 318, 257]}),
    ("/v1/completions", {"model": "gpt-4o-mini", "prompt": [[1212, 318], [257, 1332]]}),
    ("/v1/embeddings", {"model": "text-embedding-3-small", "input": [[1212, 318, 257]]}),
])
def test_a_prompt_sent_as_token_ids_is_a_400_before_anything_leaves(running: Running, path: str,
                                                                    body: dict[str, Any]) -> None:
    before = len(running.upstream.received)
    r = _post(running, body, path)
    error = r.json()["error"]
    assert (r.status_code, error["code"], error["param"]) == (400, "token_ids", (body.get("prompt") and "prompt")
                                                              or "input")
    assert error["message"].startswith(f"« {error['param']} » est envoyé en identifiants de jetons")
    assert len(running.upstream.received) == before


def test_a_text_file_is_redacted_inside_its_encoding(running: Running) -> None:
    """An e-mail in a text file sent inline is masked in the file the upstream receives (decoded,
    redacted, encoded again); a binary file goes unchanged."""
    import base64

    text = "Contact : jean.dupont@client.fr\nObjet : relance\n"
    pdf = base64.b64encode(b"%PDF-1.4 jean.dupont@client.fr").decode()
    body = _chat(messages=[{"role": "user", "content": [
        {"type": "text", "text": "Résume ce fichier"},
        {"type": "file", "file": {"filename": "note.txt",
                                  "file_data": "data:text/plain;base64," + base64.b64encode(text.encode()).decode()}},
        {"type": "file", "file": {"filename": "note.pdf", "file_data": "data:application/pdf;base64," + pdf}}]}])
    r = _post(running, body)
    assert (r.status_code, r.headers["x-sobria-decision"]) == (200, "redact")
    parts = running.upstream.received[-1]["messages"][0]["content"]
    sent = parts[1]["file"]["file_data"]
    assert sent.startswith("data:text/plain;base64,")
    assert base64.b64decode(sent.split(",", 1)[1]).decode() == "Contact : [EMAIL_1]\nObjet : relance\n"
    assert parts[2]["file"]["file_data"] == "data:application/pdf;base64," + pdf
