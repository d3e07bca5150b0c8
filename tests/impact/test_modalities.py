"""No silent zeros: every operation kind either has a figure above zero or a status saying why not."""

from __future__ import annotations

import pytest

from sobria.catalog import Catalog, resolve
from sobria.impact import Estimator, Request, estimate_request
from sobria.impact.request import OPERATIONS

# A realistic request per operation kind (model as exports name it).
REQUESTS = {
    "chat": Request("openai", "gpt-4o", output_tokens=400, input_tokens=1000, operation="chat"),
    "completion": Request("openai", "gpt-3.5-turbo-instruct", output_tokens=200, operation="completion"),
    "embedding": Request("openai", "text-embedding-3-small", input_tokens=1000, operation="embedding"),
    "image": Request("openai", "dall-e-3", images=1, operation="image"),
    "audio": Request("openai", "whisper-1", operation="audio"),
    "video": Request("openai", "sora-2-pro", operation="video"),
}


def test_every_operation_kind_is_covered() -> None:
    assert set(REQUESTS) == set(OPERATIONS)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_no_operation_returns_zero_with_status_ok(catalog: Catalog, operation: str) -> None:
    imp = estimate_request(Estimator(catalog), REQUESTS[operation])
    assert imp.status == "ok" or imp.energy_kwh.max == 0.0
    assert imp.energy_kwh.min > 0 or imp.status == "modality-not-supported"


@pytest.mark.parametrize(("operation", "model"), [("audio", "tts-1"), ("video", "acme-video-x")])
def test_unsupported_audio_and_video_say_so_and_give_no_figure(catalog: Catalog, operation: str, model: str) -> None:
    imp = estimate_request(Estimator(catalog), Request("openai", model, operation=operation))
    assert (imp.status, imp.kind, imp.energy_kwh.max) == ("modality-not-supported", "unsupported", 0.0)


@pytest.mark.parametrize("name", ["tts-1-hd", "tts-1", "acme-video-x"])
def test_speech_synthesis_and_unknown_video_models_are_not_supported(catalog: Catalog, name: str) -> None:
    res = resolve(catalog, "openai", name, "video" if "video" in name else "chat")
    assert (res.kind, res.status) == ("unsupported", "modality-not-supported")
    what = "video" if "video" in name else "audio or video"
    assert res.note == f"{what}: no sourced per-request energy model for this model (docs/methodology.md)"


@pytest.mark.parametrize(("name", "kind", "model", "status"), [
    ("whisper-1", "audio", "whisper-1", "ok"),
    ("openai/whisper-large-v3", "audio", "whisper-1", "ok"),
    ("sora-2-pro", "video", "sora-2-pro", "ok"),
    ("veo-3.0-generate-001", "video", "veo-3.0", "ok"),
    ("models/veo-3.1-fast-generate-preview", "video", "veo-3.1-fast", "ok"),
    ("sora-2", "video", "sora-2-pro", "model-guessed"),
])
def test_speech_to_text_and_video_models_resolve_to_their_sourced_model(
        catalog: Catalog, name: str, kind: str, model: str, status: str) -> None:
    res = resolve(catalog, "openai", name, "chat")
    assert (res.kind, res.model, res.status) == (kind, model, status)


def test_token_billed_speech_models_of_the_catalogue_are_estimated_from_tokens(catalog: Catalog) -> None:
    imp = estimate_request(Estimator(catalog), Request("openai", "gpt-4o-mini-tts", output_tokens=500,
                                                       operation="audio"))
    assert (imp.status, imp.kind) == ("ok", "llm")
    assert imp.energy_kwh.min > 0


def test_audio_operation_on_an_unknown_model_is_not_supported(catalog: Catalog) -> None:
    imp = estimate_request(Estimator(catalog), Request("acme", "voice-x", output_tokens=50, operation="audio"))
    assert (imp.status, imp.kind, imp.energy_kwh.max, imp.gwp_kgco2e.max) == (
        "modality-not-supported", "unsupported", 0.0, 0.0)
    assert imp.resolution_note == "audio: no sourced per-request energy model for this model (docs/methodology.md)"


def test_vision_input_is_counted_through_its_billed_input_tokens(catalog: Catalog) -> None:
    # A 1024x1024 image sent to gpt-4o at high detail is billed 765 input tokens (OpenAI vision pricing):
    # the usage's prompt tokens include them, so the image weighs like 765 text input tokens.
    e = Estimator(catalog)
    text = estimate_request(e, Request("openai", "gpt-4o", output_tokens=100, input_tokens=100))
    vision = estimate_request(e, Request("openai", "gpt-4o", output_tokens=100, input_tokens=100 + 765, images=1))
    same = estimate_request(e, Request("openai", "gpt-4o", output_tokens=100, input_tokens=865))
    assert vision.energy_kwh == same.energy_kwh
    assert vision.energy_kwh.min > text.energy_kwh.min
