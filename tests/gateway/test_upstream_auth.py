"""The provider refusing the *gateway's* key (401, 403, 407) is a 502 with the gateway's own message
and none of the provider's body (it quotes provider key material), on every API, through the
official SDKs; the usage event says ``upstream_auth``."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from sobria.gateway.fake_upstream import FakeUpstream
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import KEY_MATERIAL, AuthFaults, Served, serve_gateway

STATUSES = (401, 403, 407)


def _message(status: int) -> str:
    return (f"le fournisseur a refusé la clé de la passerelle (HTTP {status}) : ce n'est pas votre clé, prévenez "
            "l'administrateur de la passerelle")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, AuthFaults]]:
    folder = tmp_path_factory.mktemp("auth")
    upstream = AuthFaults(FakeUpstream())
    with serve_in_thread(upstream) as url:
        config = (f"policy: {write_policy(folder)}\ntool: passerelle-sobria\nupstreams:\n"
                  f"  - {{name: fake, base_url: '{url}/v1', api_key_env: SOBRIA_TEST_OPENAI_KEY, provider: openai,\n"
                  "     models: [gpt-4o-mini, whisper-1, tts-1, omni-moderation-latest]}\n"
                  f"  - {{name: claude, base_url: '{url}/v1', api: anthropic, api_key_env: SOBRIA_TEST_ANTHROPIC_KEY,\n"
                  "     provider: anthropic, models: [claude-haiku-4-5]}\n")
        with serve_gateway(folder, config) as gateway:
            yield gateway, upstream


@pytest.fixture
def client(served: tuple[Served, AuthFaults]) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{served[0].url}/v1", api_key=served[0].key, max_retries=0) as client:
        yield client


@pytest.fixture
def claude(served: tuple[Served, AuthFaults]) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=served[0].url, api_key=served[0].key, max_retries=0) as client:
        yield client


def _no_key_material(text: str) -> None:
    assert [m for m in KEY_MATERIAL if m in text] == []
    assert "sk-" not in text


def _openai_refusal(info: pytest.ExceptionInfo[openai.APIStatusError], status: int) -> str:
    """The gateway's error (checked) and its event id."""
    assert info.value.status_code == 502
    assert info.value.body == {"message": _message(status), "type": "upstream_error", "param": None,
                               "code": "upstream_auth"}
    _no_key_material(info.value.response.text)
    return info.value.response.headers["x-sobria-event-id"]


def _recorded(served: tuple[Served, AuthFaults], event_id: str) -> tuple[Any, ...]:
    row = served[0].outcome(event_id)
    return row["status_code"], row["error"], row["upstream"]


@pytest.mark.parametrize("status", STATUSES)
def test_chat_streamed_or_not(served: tuple[Served, AuthFaults], client: openai.OpenAI, status: int) -> None:
    for stream in (False, True):
        before = len(served[1].refused)
        with pytest.raises(openai.InternalServerError) as info:
            client.chat.completions.create(model="gpt-4o-mini", stream=stream,
                                           messages=[{"role": "user", "content": f"bonjour [fault:{status}]"}])
        assert served[1].refused[before:] == ["/v1/chat/completions"]  # it did reach the provider
        assert _recorded(served, _openai_refusal(info, status)) == (502, "upstream_auth", "fake")


@pytest.mark.parametrize("status", STATUSES)
def test_responses_streamed_or_not(served: tuple[Served, AuthFaults], client: openai.OpenAI, status: int) -> None:
    for stream in (False, True):
        with pytest.raises(openai.InternalServerError) as info:
            client.responses.create(model="gpt-4o-mini", stream=stream, input=f"bonjour [fault:{status}]")
        assert served[1].refused[-1] == "/v1/responses"
        assert _recorded(served, _openai_refusal(info, status)) == (502, "upstream_auth", "fake")


@pytest.mark.parametrize("status", STATUSES)
def test_messages_streamed_or_not_and_count_tokens(served: tuple[Served, AuthFaults], claude: anthropic.Anthropic,
                                                   status: int) -> None:
    expected = {"type": "error", "error": {"type": "api_error", "message": _message(status)}}
    messages: list[Any] = [{"role": "user", "content": f"bonjour [fault:{status}]"}]
    for stream in (False, True):
        with pytest.raises(anthropic.InternalServerError) as info:
            claude.messages.create(model="claude-haiku-4-5", max_tokens=100, stream=stream, messages=messages)
        assert (info.value.status_code, info.value.body) == (502, expected)
        assert served[1].refused[-1] == "/v1/messages"
        _no_key_material(info.value.response.text)
        event_id = info.value.response.headers["x-sobria-event-id"]
        assert _recorded(served, event_id) == (502, "upstream_auth", "claude")
    with pytest.raises(anthropic.InternalServerError) as counted:
        claude.messages.count_tokens(model="claude-haiku-4-5", messages=messages)
    assert (counted.value.status_code, counted.value.body) == (502, expected)
    assert served[1].refused[-1] == "/v1/messages/count_tokens"
    _no_key_material(counted.value.response.text)


@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # the SDK marks translations deprecated
@pytest.mark.parametrize("status", STATUSES)
def test_audio_and_moderations(served: tuple[Served, AuthFaults], client: openai.OpenAI, status: int) -> None:
    mark = f"[fault:{status}]"
    calls = {
        "/v1/audio/transcriptions": lambda: client.audio.transcriptions.create(
            model="whisper-1", file=("a.wav", io.BytesIO(b"RIFF" * 100), "audio/wav"), prompt=mark),
        "/v1/audio/translations": lambda: client.audio.translations.create(
            model="whisper-1", file=("a.wav", io.BytesIO(b"RIFF" * 100), "audio/wav"), prompt=mark),
        "/v1/audio/speech": lambda: client.audio.speech.create(model="tts-1", voice="alloy", input=f"bonjour {mark}"),
        "/v1/moderations": lambda: client.moderations.create(input=f"bonjour {mark}"),
    }
    for path, call in calls.items():
        with pytest.raises(openai.InternalServerError) as info:
            call()
        assert served[1].refused[-1] == path
        assert _recorded(served, _openai_refusal(info, status)) == (502, "upstream_auth", "fake")


@pytest.mark.parametrize("status", STATUSES)
def test_a_stored_response_get(served: tuple[Served, AuthFaults], client: openai.OpenAI, status: int) -> None:
    """``GET /v1/responses/{id}`` is passed through (no event): the refusal is the same 502."""
    with pytest.raises(openai.InternalServerError) as info:
        client.responses.retrieve(f"resp_fault{status}")
    assert served[1].refused[-1] == f"/v1/responses/resp_fault{status}"
    assert info.value.body == {"message": _message(status), "type": "upstream_error", "param": None,
                               "code": "upstream_auth"}
    _no_key_material(info.value.response.text)
