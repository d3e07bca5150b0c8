"""Audio's footprint headers to the digit, against the estimator's own figure for the same request,
``/v1/audio/translations`` through the SDK; and a streamed legacy completion: the usage-only chunk
the gateway asked for is stripped unless the client asked for it, the event has the usage anyway."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from sobria.catalog import load_catalog
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import AuthFaults, Served, serve_gateway

AUDIO = b"RIFF" + b"\x00" * 47_996  # 48,000 bytes: 3 s at the fake's 16 kB a second


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, FakeUpstream]]:
    folder = tmp_path_factory.mktemp("audio-completions")
    inner = FakeUpstream()
    with serve_in_thread(AuthFaults(inner)) as url:
        config = (f"policy: {write_policy(folder)}\ntool: passerelle-sobria\nupstreams:\n"
                  f"  - {{name: fake, base_url: '{url}/v1', provider: openai,\n"
                  "     models: [gpt-4o-mini, whisper-1, gpt-4o-mini-transcribe, tts-1]}\n")
        with serve_gateway(folder, config) as gateway:
            yield gateway, inner


@pytest.fixture
def client(served: tuple[Served, FakeUpstream]) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{served[0].url}/v1", api_key=served[0].key, max_retries=0) as client:
        yield client


def _headers_of(request: Request) -> tuple[str, str]:
    """``(x-sobria-energy-wh, x-sobria-carbon-g)`` as the gateway writes them, from the estimator's figure."""
    direct = estimate_request(Estimator(load_catalog()), request)
    energy_wh = (direct.energy_kwh.min + direct.energy_kwh.max) / 2 * 1000
    carbon_g = (direct.gwp_kgco2e.min + direct.gwp_kgco2e.max) / 2 * 1000
    return f"{energy_wh:.6g}", f"{carbon_g:.6g}"


def _sent(raw: Any) -> tuple[str, str]:
    return raw.headers["x-sobria-energy-wh"], raw.headers["x-sobria-carbon-g"]


def test_transcription_headers_are_the_estimate_of_its_seconds(client: openai.OpenAI,
                                                               served: tuple[Served, FakeUpstream]) -> None:
    raw = client.audio.transcriptions.with_raw_response.create(model="whisper-1",
                                                               file=("a.wav", io.BytesIO(AUDIO), "audio/wav"))
    assert raw.parse().text == "transcription of 48000 bytes"
    expected = _headers_of(Request("openai", "whisper-1", operation="audio", media_seconds=3))
    assert _sent(raw) == expected
    assert expected != _headers_of(Request("openai", "whisper-1", operation="audio", media_seconds=1))  # seconds count
    row = served[0].outcome(raw.headers["x-sobria-event-id"])
    assert f"{(row['energy_kwh_min'] + row['energy_kwh_max']) / 2 * 1000:.6g}" == expected[0]


def test_token_billed_transcription_headers(client: openai.OpenAI) -> None:
    raw = client.audio.transcriptions.with_raw_response.create(model="gpt-4o-mini-transcribe",
                                                               file=("a.wav", io.BytesIO(AUDIO), "audio/wav"))
    assert _sent(raw) == _headers_of(Request("openai", "gpt-4o-mini-transcribe", input_tokens=10, output_tokens=4,
                                             operation="audio"))


@pytest.mark.filterwarnings("ignore:deprecated:DeprecationWarning")  # the SDK marks translations deprecated
def test_translation_through_the_sdk_has_its_event(client: openai.OpenAI, served: tuple[Served, FakeUpstream]) -> None:
    gateway, upstream = served
    raw = client.audio.translations.with_raw_response.create(model="whisper-1", prompt="Réunion du comité",
                                                             file=("reunion.wav", io.BytesIO(AUDIO), "audio/wav"))
    assert raw.parse().text == "transcription of 48000 bytes"
    assert upstream.paths[-1] == "/v1/audio/translations"
    received = upstream.received[-1]
    assert (received["_files"], received["prompt"], received["model"]) == ({"file": 48_000}, "Réunion du comité",
                                                                           "whisper-1")
    expected = _headers_of(Request("openai", "whisper-1", operation="audio", media_seconds=3))
    assert _sent(raw) == expected
    row = gateway.outcome(raw.headers["x-sobria-event-id"])
    assert (row["operation"], row["model"], row["status_code"], row["upstream"], row["impact_status"]) == (
        "audio", "whisper-1", 200, "fake", "ok")
    assert row["prompt_fingerprint"] is None and row["person"] == "p_alice"
    assert f"{(row['gwp_kgco2e_min'] + row['gwp_kgco2e_max']) / 2 * 1000:.6g}" == expected[1]


def test_speech_headers_say_no_figure(client: openai.OpenAI) -> None:
    raw = client.audio.speech.with_raw_response.create(model="tts-1", voice="alloy", input="Bonjour")
    assert (*_sent(raw), raw.headers["x-sobria-footprint"]) == ("0", "0", "modality-not-supported")


def _completion_stream(client: openai.OpenAI, **options: Any) -> tuple[list[Any], str]:
    raw = client.completions.with_raw_response.create(model="gpt-4o-mini", prompt="un deux trois", stream=True,
                                                      **options)
    return list(raw.parse()), raw.headers["x-sobria-event-id"]


def test_a_completion_stream_loses_the_usage_chunk_it_did_not_ask_for(client: openai.OpenAI,
                                                                       served: tuple[Served, FakeUpstream]) -> None:
    gateway, upstream = served
    for options in ({}, {"stream_options": {"include_usage": False}}):
        chunks, event_id = _completion_stream(client, **options)
        assert [c.choices[0].text for c in chunks] == ["echo:", " un", " deux", " trois", ""]  # a plain loop works
        assert [c.usage for c in chunks] == [None] * 5
        assert upstream.received[-1]["stream_options"] == {"include_usage": True}  # the gateway asked for it
        row = gateway.outcome(event_id)
        assert (row["operation"], row["input_tokens"], row["output_tokens"], row["status_code"], row["stream"]) == (
            "completion", 3, 4, 200, True)


def test_a_completion_stream_keeps_the_usage_chunk_it_asked_for(client: openai.OpenAI,
                                                                 served: tuple[Served, FakeUpstream]) -> None:
    chunks, event_id = _completion_stream(client, stream_options={"include_usage": True})
    assert [len(c.choices) for c in chunks] == [1, 1, 1, 1, 1, 0]
    usage = chunks[-1].usage
    assert (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (3, 4, 7)
    row = served[0].outcome(event_id)
    assert (row["input_tokens"], row["output_tokens"]) == (3, 4)
