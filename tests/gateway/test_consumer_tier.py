"""A consumer-tier tool (the template charter's ``chatgpt-gratuit``: identifiers blocked): an IBAN
or a card number in *any* text the gateway would forward, in every API, is a 403 and nothing
reaches the upstream (the fake upstream records every body it receives). One case per field."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.gateway.apis_support import Apis, serve_apis

IBAN = "FR76 3000 6000 0112 3456 7890 189"
CARD = 4970101122334455   # passes the Luhn check
TEXT_FILE = base64.b64encode(f"Relevé\nIBAN : {IBAN}\n".encode()).decode()
CHAT, COMPLETIONS, EMBEDDINGS = "/v1/chat/completions", "/v1/completions", "/v1/embeddings"
RESPONSES, MESSAGES, COUNT = "/v1/responses", "/v1/messages", "/v1/messages/count_tokens"


def _chat(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": list(messages) or [{"role": "user", "content": "bonjour"}], **extra}


def _user(content: Any) -> dict[str, Any]:
    return {"role": "user", "content": content}


def _responses(input_: Any = "bonjour", **extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "input": input_, **extra}


def _claude(*messages: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"model": "claude-haiku-4-5", "max_tokens": 50,
            "messages": list(messages) or [_user("bonjour")], **extra}


def _schema(**properties: Any) -> dict[str, Any]:
    return {"type": "object", "properties": properties}


_CALL = {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
    "name": "pay", "arguments": json.dumps({"iban": IBAN})}}]}
_TOOL_USE = {"type": "tool_use", "id": "t1", "name": "pay"}

FIELDS: dict[str, tuple[str, dict[str, Any]]] = {
    # chat completions
    "chat/content": (CHAT, _chat(_user(f"vire sur {IBAN}"))),
    "chat/text part": (CHAT, _chat(_user([{"type": "text", "text": "bonjour"}, {"type": "text", "text": IBAN}]))),
    "chat/name": (CHAT, _chat({"role": "user", "name": IBAN.replace(" ", ""), "content": "bonjour"})),
    "chat/system": (CHAT, _chat({"role": "system", "content": f"Compte de l'entreprise : {IBAN}"}, _user("ok"))),
    "chat/tool_calls arguments": (CHAT, _chat(_user("paie"), _CALL,
                                              {"role": "tool", "tool_call_id": "c1", "content": "ok"})),
    "chat/tool result": (CHAT, _chat(_user("paie"), {**_CALL, "tool_calls": [{"id": "c1", "type": "function",
                                                                              "function": {"name": "pay",
                                                                                           "arguments": "{}"}}]},
                                     {"role": "tool", "tool_call_id": "c1", "content": f"payé sur {IBAN}"})),
    "chat/tool description": (CHAT, _chat(tools=[{"type": "function", "function": {
        "name": "pay", "description": f"Paie sur {IBAN}", "parameters": _schema()}}])),
    "chat/tool parameter description": (CHAT, _chat(tools=[{"type": "function", "function": {
        "name": "pay", "parameters": _schema(compte={"type": "string", "description": f"par défaut {IBAN}"})}}])),
    "chat/tool parameter number": (CHAT, _chat(tools=[{"type": "function", "function": {
        "name": "pay", "parameters": _schema(carte={"type": "integer", "default": CARD})}}])),
    "chat/response_format description": (CHAT, _chat(response_format={"type": "json_schema", "json_schema": {
        "name": "r", "description": f"compte {IBAN}", "schema": _schema()}})),
    "chat/response_format property name": (CHAT, _chat(response_format={"type": "json_schema", "json_schema": {
        "name": "r", "schema": _schema(**{IBAN.replace(" ", ""): {"type": "string"}})}})),
    "chat/user": (CHAT, _chat(user=IBAN)),
    "chat/metadata value": (CHAT, _chat(metadata={"compte": IBAN})),
    "chat/metadata key": (CHAT, _chat(metadata={IBAN.replace(" ", ""): "x"})),
    "chat/file part, data URL": (CHAT, _chat(_user([{"type": "file", "file": {
        "filename": "releve.txt", "file_data": f"data:text/plain;base64,{TEXT_FILE}"}}]))),
    "chat/file part, base64 and a file name": (CHAT, _chat(_user([{"type": "file", "file": {
        "filename": "releve.csv", "file_data": TEXT_FILE}}]))),
    "chat/file name": (CHAT, _chat(_user([{"type": "file", "file": {"filename": f"releve {IBAN}.pdf",
                                                                    "file_data": "JVBERi0xLjQK"}}]))),
    # completions, embeddings
    "completions/prompt": (COMPLETIONS, {"model": "gpt-4o-mini", "prompt": f"Compte {IBAN}"}),
    "completions/prompt list": (COMPLETIONS, {"model": "gpt-4o-mini", "prompt": ["bonjour", IBAN]}),
    "completions/suffix": (COMPLETIONS, {"model": "gpt-4o-mini", "prompt": "bonjour", "suffix": IBAN}),
    "embeddings/input": (EMBEDDINGS, {"model": "text-embedding-3-small", "input": IBAN}),
    "embeddings/input list": (EMBEDDINGS, {"model": "text-embedding-3-small", "input": ["a", IBAN]}),
    # Responses
    "responses/input": (RESPONSES, _responses(f"vire sur {IBAN}")),
    "responses/input_text": (RESPONSES, _responses([_user([{"type": "input_text", "text": IBAN}])])),
    "responses/instructions": (RESPONSES, _responses(instructions=f"Le compte est {IBAN}")),
    "responses/function_call arguments": (RESPONSES, _responses([
        _user("paie"), {"type": "function_call", "call_id": "c1", "name": "pay",
                        "arguments": json.dumps({"iban": IBAN})},
        {"type": "function_call_output", "call_id": "c1", "output": "ok"}])),
    "responses/function_call_output": (RESPONSES, _responses([
        _user("paie"), {"type": "function_call", "call_id": "c1", "name": "pay", "arguments": "{}"},
        {"type": "function_call_output", "call_id": "c1", "output": f"payé sur {IBAN}"}])),
    "responses/reasoning summary": (RESPONSES, _responses([
        _user("paie"), {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text",
                                                                       "text": f"payer {IBAN}"}]}])),
    "responses/tool description": (RESPONSES, _responses(tools=[{"type": "function", "name": "pay",
                                                                 "description": f"Paie sur {IBAN}",
                                                                 "parameters": _schema()}])),
    "responses/text.format description": (RESPONSES, _responses(text={"format": {
        "type": "json_schema", "name": "r", "description": f"compte {IBAN}", "schema": _schema()}})),
    "responses/text.format schema": (RESPONSES, _responses(text={"format": {
        "type": "json_schema", "name": "r", "schema": _schema(c={"type": "string", "description": IBAN})}})),
    "responses/metadata": (RESPONSES, _responses(metadata={"compte": IBAN})),
    "responses/input_file": (RESPONSES, _responses([_user([{"type": "input_file", "filename": "releve.txt",
                                                            "file_data": f"data:text/plain;base64,{TEXT_FILE}"}])])),
    # Anthropic Messages (and count_tokens: the same charter step)
    "messages/text": (MESSAGES, _claude(_user(f"vire sur {IBAN}"))),
    "messages/system string": (MESSAGES, _claude(system=f"Compte : {IBAN}")),
    "messages/system block": (MESSAGES, _claude(system=[{"type": "text", "text": f"Compte : {IBAN}"}])),
    "messages/tool_use input": (MESSAGES, _claude(_user("paie"), {"role": "assistant", "content": [
        {**_TOOL_USE, "input": {"iban": IBAN}}]}, _user([{"type": "tool_result", "tool_use_id": "t1",
                                                          "content": "ok"}]))),
    "messages/tool_use input key": (MESSAGES, _claude(_user("paie"), {"role": "assistant", "content": [
        {**_TOOL_USE, "input": {IBAN.replace(" ", ""): True}}]}, _user([{"type": "tool_result",
                                                                         "tool_use_id": "t1", "content": "ok"}]))),
    "messages/tool_use input number": (MESSAGES, _claude(_user("paie"), {"role": "assistant", "content": [
        {**_TOOL_USE, "input": {"carte": CARD}}]}, _user([{"type": "tool_result", "tool_use_id": "t1",
                                                           "content": "ok"}]))),
    "messages/tool_result": (MESSAGES, _claude(_user("paie"), {"role": "assistant", "content": [
        {**_TOOL_USE, "input": {}}]}, _user([{"type": "tool_result", "tool_use_id": "t1",
                                              "content": [{"type": "text", "text": f"payé sur {IBAN}"}]}]))),
    "messages/tool description": (MESSAGES, _claude(tools=[{"name": "pay", "description": f"Paie sur {IBAN}",
                                                            "input_schema": _schema()}])),
    "messages/tool input_schema": (MESSAGES, _claude(tools=[{"name": "pay", "input_schema": _schema(
        c={"type": "string", "description": IBAN})}])),
    "messages/metadata user_id": (MESSAGES, _claude(metadata={"user_id": IBAN})),
    "messages/text document": (MESSAGES, _claude(_user([{"type": "document", "source": {
        "type": "text", "media_type": "text/plain", "data": f"Relevé : {IBAN}"}}]))),
    "messages/base64 text document": (MESSAGES, _claude(_user([{"type": "document", "source": {
        "type": "base64", "media_type": "text/plain", "data": TEXT_FILE}}]))),
    "count_tokens/text": (COUNT, {"model": "claude-haiku-4-5", "messages": [_user(f"vire sur {IBAN}")]}),
    # audio and moderations (JSON bodies; the multipart forms are below)
    "speech/input": ("/v1/audio/speech", {"model": "tts-1", "voice": "alloy", "input": f"Votre IBAN est {IBAN}"}),
    "moderations/input": ("/v1/moderations", {"input": [f"IBAN {IBAN}"]}),
}


@pytest.fixture(scope="module")
def consumer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Apis]:
    with serve_apis(tmp_path_factory.mktemp("consumer"), tool="chatgpt-gratuit") as served:
        yield served


def _headers(apis: Apis, path: str) -> dict[str, str]:
    if path.startswith(MESSAGES):
        return {"x-api-key": apis.key, "anthropic-version": "2023-06-01"}
    return {"authorization": f"Bearer {apis.key}"}


def _error_code(answer: httpx.Response) -> str:
    error = answer.json()["error"]
    return str(error.get("code") or error.get("type"))


@pytest.mark.parametrize("field", sorted(FIELDS))
def test_an_identifier_in_any_forwarded_text_is_blocked_and_nothing_leaves(consumer: Apis, field: str) -> None:
    path, body = FIELDS[field]
    before = len(consumer.upstream.received)
    answer = httpx.post(consumer.url + path, json=body, headers=_headers(consumer, path))
    assert answer.status_code == 403, answer.text
    assert "IBAN" in answer.text or "carte" in answer.text or "identifiants" in answer.text
    assert len(consumer.upstream.received) == before


@pytest.mark.parametrize("part", ["prompt", "filename"])
def test_an_identifier_in_a_transcription_form_is_blocked_and_nothing_leaves(consumer: Apis, part: str) -> None:
    before = len(consumer.upstream.received)
    name = f"releve {IBAN}.wav" if part == "filename" else "note.wav"
    data = {"model": "whisper-1", **({"prompt": f"Compte {IBAN}"} if part == "prompt" else {})}
    answer = httpx.post(consumer.url + "/v1/audio/transcriptions", data=data,
                        files={"file": (name, b"RIFF0000WAVEfmt ", "audio/wav")}, headers=_headers(consumer, ""))
    assert answer.status_code == 403, answer.text
    assert len(consumer.upstream.received) == before


def test_clean_requests_pass_on_the_same_tier(consumer: Apis) -> None:
    """The same shapes without an identifier are forwarded (the 403s above are the identifier's)."""
    for path, body in (FIELDS["chat/file part, data URL"], FIELDS["messages/text document"],
                       FIELDS["responses/text.format description"]):
        clean = json.loads(json.dumps(body).replace(IBAN, "le compte habituel").replace(
            TEXT_FILE, base64.b64encode("Relevé sans numéro\n".encode()).decode()))
        answer = httpx.post(consumer.url + path, json=clean, headers=_headers(consumer, path))
        assert answer.status_code == 200, answer.text


def test_an_images_data_is_not_read_as_text(consumer: Apis) -> None:
    """An image's base64 (a data URL, in chat and in Responses alike) is not text a person wrote: not
    scanned (random base64 can spell an IBAN), and forwarded byte for byte (never 'redacted')."""
    image = "data:image/png;base64,iVBORw0KGgo/fr7630006000011234567890189/AAAAAA=="
    for path, body in ((CHAT, _chat(_user([{"type": "text", "text": "décris"},
                                           {"type": "image_url", "image_url": {"url": image}}]))),
                       (RESPONSES, _responses([_user([{"type": "input_text", "text": "décris"},
                                                      {"type": "input_image", "image_url": image}])]))):
        answer = httpx.post(consumer.url + path, json=body, headers=_headers(consumer, path))
        assert answer.status_code == 200, answer.text
        assert json.dumps(consumer.upstream.received[-1]).count(image) == 1
