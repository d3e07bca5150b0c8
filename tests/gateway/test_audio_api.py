"""Audio and moderations through the gateway, with the official ``openai`` SDK: passed through, an
event whose footprint status is honest (``modality-not-supported``, never an ok 0), the charter on
their texts (a transcription's prompt, the text to speak, the text to moderate)."""

from __future__ import annotations

import io
from collections.abc import Iterator

import httpx
import openai
import pytest

from sobria.catalog import load_catalog
from sobria.gateway.multipart import parse_form
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from tests.gateway.apis_support import Apis, apis  # noqa: F401
from tests.gateway.test_responses_api import IBAN

AUDIO = b"RIFF\x00\x01fake-wave-bytes\r\n--not-a-boundary\r\n" * 4


@pytest.fixture
def client(apis: Apis) -> Iterator[openai.OpenAI]:  # noqa: F811
    with openai.OpenAI(base_url=f"{apis.url}/v1", api_key=apis.key, max_retries=0) as client:
        yield client


def _file() -> tuple[str, io.BytesIO, str]:
    return ("reunion.wav", io.BytesIO(AUDIO), "audio/wav")


def test_transcription_estimated_per_second_of_audio(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    """whisper-1 answers with its billed duration (``usage: {"type": "duration", "seconds": N}``):
    the footprint is the methodology's per-second speech-to-text model for those N seconds."""
    raw = client.audio.transcriptions.with_raw_response.create(model="whisper-1", file=_file(),
                                                               prompt="Compte rendu du comité")
    assert raw.parse().text == f"transcription of {len(AUDIO)} bytes"
    assert "x-sobria-footprint" not in raw.headers   # an estimate, not the unsupported status
    event = apis.event(raw.headers["x-sobria-event-id"])
    assert (event["operation"], event["impact_status"], event["status_code"], event["upstream"]) == (
        "audio", "ok", 200, "fake")
    seconds = max(1, round(len(AUDIO) / 16_000))
    direct = estimate_request(Estimator(load_catalog()), Request("openai", "whisper-1", operation="audio",
                                                                 media_seconds=seconds))
    assert (event["energy_kwh_min"], event["energy_kwh_max"]) == pytest.approx(
        (direct.energy_kwh.min, direct.energy_kwh.max), rel=1e-12)
    received = apis.upstream.received[-1]
    assert received["_files"] == {"file": len(AUDIO)}  # the file's bytes untouched
    assert (received["prompt"], received["model"]) == ("Compte rendu du comité", "whisper-1")
    longer = client.audio.transcriptions.with_raw_response.create(   # 20 s: the length counts, not one clip
        model="whisper-1", file=("long.wav", io.BytesIO(b"\x00" * 320_000), "audio/wav"))
    twenty = estimate_request(Estimator(load_catalog()), Request("openai", "whisper-1", operation="audio",
                                                                 media_seconds=20))
    assert apis.event(longer.headers["x-sobria-event-id"])["energy_kwh_max"] == pytest.approx(
        twenty.energy_kwh.max, rel=1e-12)
    assert twenty.energy_kwh.max != direct.energy_kwh.max


def test_token_billed_transcription_estimated_from_its_tokens(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.audio.transcriptions.with_raw_response.create(model="gpt-4o-mini-transcribe", file=_file())
    event = apis.event(raw.headers["x-sobria-event-id"])
    assert (event["input_tokens"], event["output_tokens"]) == (10, 4)
    direct = estimate_request(Estimator(load_catalog()), Request("openai", "gpt-4o-mini-transcribe", input_tokens=10,
                                                                 output_tokens=4, operation="audio"))
    assert event["impact_status"] == direct.status
    assert event["gwp_kgco2e_max"] == pytest.approx(direct.gwp_kgco2e.max, rel=1e-9)


def test_transcription_prompt_redacted_or_blocked(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.audio.transcriptions.with_raw_response.create(
        model="whisper-1", file=_file(), prompt="Noms : jean.dupont@client.fr")
    assert raw.headers["x-sobria-decision"] == "redact"
    received = apis.upstream.received[-1]
    assert "jean.dupont@client.fr" not in received["prompt"] and received["_files"] == {"file": len(AUDIO)}
    before = len(apis.upstream.received)
    with pytest.raises(openai.PermissionDeniedError):
        client.audio.transcriptions.create(model="whisper-1", file=_file(), prompt=f"Compte {IBAN}")
    assert len(apis.upstream.received) == before


def test_the_file_name_is_read_by_the_charter(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    """A file's name is a text a person chose: redacted in the forwarded form (its bytes untouched),
    or the whole request blocked before anything leaves."""
    raw = client.audio.transcriptions.with_raw_response.create(
        model="whisper-1", file=("appel - jean.dupont@client.fr - 12 mars.wav", io.BytesIO(AUDIO), "audio/wav"))
    assert raw.headers["x-sobria-decision"] == "redact"
    received = apis.upstream.received[-1]
    assert received["_files"] == {"file": len(AUDIO)}
    assert received["_filenames"] == {"file": "appel - [EMAIL_1] - 12 mars.wav"}
    before = len(apis.upstream.received)
    with pytest.raises(openai.PermissionDeniedError):
        client.audio.transcriptions.create(model="whisper-1", file=(f"releve {IBAN}.wav", io.BytesIO(AUDIO),
                                                                    "audio/wav"))
    assert len(apis.upstream.received) == before


def test_a_form_renames_a_file_and_keeps_its_bytes() -> None:
    body = (b'--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nwhisper-1\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="a b.wav"\r\n'
            b"Content-Type: audio/wav\r\n\r\n" + AUDIO + b"\r\n--b--\r\n")
    form = parse_form(body, "multipart/form-data; boundary=b")
    assert (form.fields(), form.filenames()) == ({"model": "whisper-1"}, {"file": "a b.wav"})
    assert form.with_fields({}, {"file": "a b.wav"}) == body
    renamed = parse_form(form.with_fields({}, {"file": 'x "[EMAIL]"\r\n.wav'}), "multipart/form-data; boundary=b")
    assert renamed.filenames() == {"file": "x %22[EMAIL]%22%0D%0A.wav"}
    assert renamed.parts[1].content == AUDIO and renamed.fields() == {"model": "whisper-1"}


def test_speech_passed_through(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.audio.speech.with_raw_response.create(model="tts-1", voice="alloy", input="Bonjour à tous")
    assert raw.content == "ID3fake-mp3:Bonjour à tous".encode()
    assert raw.headers["content-type"] == "audio/mpeg"
    assert raw.headers["x-sobria-footprint"] == "modality-not-supported"
    event = apis.event(raw.headers["x-sobria-event-id"])
    assert (event["operation"], event["impact_status"], event["input_tokens"]) == ("audio", "modality-not-supported",
                                                                                  4)  # 14 characters / 4
    before = len(apis.upstream.received)
    with pytest.raises(openai.PermissionDeniedError):
        client.audio.speech.create(model="tts-1", voice="alloy", input=f"Votre IBAN est {IBAN}")
    assert len(apis.upstream.received) == before


def test_moderation_has_no_energy_model(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.moderations.with_raw_response.create(input="Un texte à vérifier")
    assert raw.parse().results[0].flagged is False
    assert raw.headers["x-sobria-footprint"] == "modality-not-supported"
    event = apis.event(raw.headers["x-sobria-event-id"])
    assert (event["operation"], event["model"], event["impact_status"], event["gwp_kgco2e_max"]) == (
        "embedding", "omni-moderation-latest", "modality-not-supported", 0.0)
    assert apis.upstream.received[-1] == {"input": "Un texte à vérifier", "model": "omni-moderation-latest"}
    before = len(apis.upstream.received)
    with pytest.raises(openai.PermissionDeniedError):
        client.moderations.create(input=[f"IBAN {IBAN}"])
    assert len(apis.upstream.received) == before


def test_a_form_the_gateway_cannot_read_is_a_400(apis: Apis) -> None:  # noqa: F811
    answer = httpx.post(f"{apis.url}/v1/audio/transcriptions", content=b"model=whisper-1",
                        headers={"authorization": f"Bearer {apis.key}",
                                 "content-type": "application/x-www-form-urlencoded"})
    assert answer.status_code == 400
    assert answer.json()["error"]["message"] == ("formulaire multipart illisible (not multipart/form-data) : "
                                                 "envoyez le fichier audio en multipart/form-data")


def test_multipart_round_trip_keeps_every_other_byte() -> None:
    body = (b"--xyz\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nbonjour\r\n"
            b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n"
            b"Content-Type: audio/wav\r\n\r\n" + AUDIO + b"\r\n--xyz--\r\n")
    form = parse_form(body, "multipart/form-data; boundary=xyz")
    assert form.fields() == {"prompt": "bonjour"}
    assert form.with_fields({"prompt": "bonjour"}) == body
    assert form.with_fields({"prompt": "salut"}) == body.replace(b"bonjour", b"salut")
