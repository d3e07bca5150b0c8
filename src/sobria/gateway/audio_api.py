"""Audio (``/v1/audio/transcriptions``, ``/v1/audio/translations``, ``/v1/audio/speech``) and
``/v1/moderations``, passed through with a usage event whose footprint status is honest.

Their texts (a transcription's ``prompt``, the text to speak and its ``instructions``, the text to
moderate) go through the chat path's charter step (``enforce.enforce_policy``: scanned, redacted or
blocked, the model routed, the budget reserved); the audio itself is not read. The footprint: whisper-1
per second of the duration its answer bills (``call.usage_from``); speech
models without a per-request energy model (tts-1, gpt-4o-transcribe...) get the
methodology's ``modality-not-supported`` status from the estimator (operation ``audio``), token-
billed ones of the catalogue (gpt-4o-mini-tts, gpt-4o-mini-transcribe) are estimated from their
tokens as EcoLogits does; a moderation (operation ``embedding``: input only) is
``modality-not-supported`` (no per-request model of a moderation classifier; omni-moderation is
built on GPT-4o, so an embedding model's figure would understate it). The response header
``X-Sobria-Footprint: modality-not-supported`` says the 0 is no estimate.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sobria.gateway.call import Call, close, finish, usage_from
from sobria.gateway.enforce import enforce_policy
from sobria.gateway.http import GatewayError, Receive, Scope, Send, header, read_body
from sobria.gateway.inbound import Inbound, read_json_body, text_chars
from sobria.gateway.keys import KeyRecord
from sobria.gateway.multipart import FormError, parse_form
from sobria.gateway.relay import Dialect, api_chain, relay
from sobria.gateway.runtime import Gateway

Authenticate = Callable[[Scope], Awaitable[KeyRecord]]
FORMS = ("/v1/audio/transcriptions", "/v1/audio/translations")
SPEECH = "/v1/audio/speech"
MODERATIONS = "/v1/moderations"
DEFAULT_MODERATION_MODEL = "omni-moderation-latest"  # the API's own default


def _text(answer: Any) -> str:
    return answer["text"] if isinstance(answer, dict) and isinstance(answer.get("text"), str) else ""


def _stream_error(err: GatewayError) -> bytes:
    return b"data: " + err.body() + b"\n\n"


def _dialect(path: str, content_type: str | None = None) -> Dialect:
    return Dialect(path=path, answer_usage=usage_from, answer_text=_text, reader=_no_reader,
                   error_body=GatewayError.body, stream_error=_stream_error,
                   headers={"Content-Type": content_type} if content_type else {}, binary=True)


def _no_reader() -> Any:
    raise AssertionError("audio and moderations are relayed as one answer")


def _model(payload: dict[str, Any], gw: Gateway, default: str | None = None) -> str:
    model = payload.get("model", default)
    if not isinstance(model, str) or not model:
        raise GatewayError(400, "missing_field", gw.t("gateway.error.missing_field", field="model"), param="model")
    payload["model"] = model
    return model


@dataclass
class AudioApi:
    gw: Gateway
    authenticate: Authenticate

    async def _body(self, scope: Scope, receive: Receive) -> tuple[float, KeyRecord, bytes]:
        started = self.gw.clock.monotonic()
        key = await self.authenticate(scope)
        return started, key, await read_body(receive, self.gw.config.max_body_bytes, self.gw.config.body_timeout_s)

    async def transcription(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A multipart form: the text fields are the charter's, the file passes untouched."""
        gw = self.gw
        started, key, body = await self._body(scope, receive)
        content_type = header(scope, b"content-type")
        try:
            form = parse_form(body, content_type)
            fields = form.fields()
        except FormError as exc:
            raise GatewayError(400, "invalid_form", gw.t("gateway_apis.bad_form", detail=str(exc))) from None
        payload: dict[str, Any] = dict(fields)
        model = _model(payload, gw)
        chars = text_chars(payload)
        # the files' names are texts the charter reads (a client's name in "contrat_dupont.mp3"), not billed text
        payload.update({name: {"filename": filename} for name, filename in form.filenames().items()
                        if name not in payload})
        inbound = Inbound("audio", payload, model, False, chars, api="audio")
        call = await enforce_policy(gw, scope, key, inbound, started)
        sent = call.inbound.payload
        data = form.with_fields({k: v for k, v in sent.items() if isinstance(v, str)},
                                {k: v["filename"] for k, v in sent.items()
                                 if isinstance(v, dict) and isinstance(v.get("filename"), str)}) \
            if call.rewritten else body
        await self._relay(call, data, send, _dialect(scope["path"].removeprefix("/v1"), content_type))

    async def speech(self, scope: Scope, receive: Receive, send: Send) -> None:
        gw = self.gw
        started, key, body = await self._body(scope, receive)
        payload = read_json_body(body, gw.t)
        model = _model(payload, gw)
        if not isinstance(payload.get("input"), str) or not payload["input"]:
            raise GatewayError(400, "missing_field", gw.t("gateway.error.missing_field", field="input"), param="input")
        inbound = Inbound("audio", payload, model, False, text_chars(payload), api="audio")
        call = await enforce_policy(gw, scope, key, inbound, started)
        data = json.dumps(payload).encode() if call.rewritten else body
        await self._relay(call, data, send, _dialect("/audio/speech"))

    async def moderation(self, scope: Scope, receive: Receive, send: Send) -> None:
        gw = self.gw
        started, key, body = await self._body(scope, receive)
        payload = read_json_body(body, gw.t)
        given = "model" in payload
        model = _model(payload, gw, DEFAULT_MODERATION_MODEL)
        if not isinstance(payload.get("input"), str | list) or not payload["input"]:
            raise GatewayError(400, "missing_field", gw.t("gateway.error.missing_field", field="input"), param="input")
        inbound = Inbound("embedding", payload, model, False, text_chars(payload), api="audio", modelled=False)
        call = await enforce_policy(gw, scope, key, inbound, started)
        data = json.dumps(payload).encode() if call.rewritten or not given else body
        await self._relay(call, data, send, _dialect("/moderations"))

    async def _relay(self, call: Call, data: bytes, send: Send, dialect: Dialect) -> None:
        gw = self.gw
        try:
            chain = api_chain(gw, call, "openai")
            if not chain:
                finish(gw, call, 404, None, error="model_not_found", sent=False)
                raise GatewayError(404, "model_not_found", gw.t("gateway.error.unknown_model", model=call.model),
                                   param="model")
            await relay(gw, call, data, send, dialect, chain)
        finally:
            close(gw, call)
