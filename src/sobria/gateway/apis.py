"""The client APIs beyond OpenAI's chat, completions, embeddings and images: their routes, and the
shape of their errors (Anthropic's for ``/v1/messages``, OpenAI's for the others) and of the
models list (Anthropic's for an Anthropic client)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sobria.gateway import anthropic_api
from sobria.gateway.anthropic_api import COUNT_TOKENS, MESSAGES, AnthropicApi
from sobria.gateway.audio_api import FORMS, MODERATIONS, SPEECH, AudioApi
from sobria.gateway.http import GatewayError, Receive, Scope, Send, header
from sobria.gateway.responses_api import PATH as RESPONSES
from sobria.gateway.responses_api import Authenticate, ResponsesApi
from sobria.gateway.runtime import Gateway

Handler = Callable[[Scope, Receive, Send], Awaitable[None]]
MODELS = "/v1/models"


@dataclass
class ClientApis:
    """Built once per gateway application (the Responses links live here, not in a module)."""

    gw: Gateway
    authenticate: Authenticate
    responses: ResponsesApi = field(init=False)
    anthropic: AnthropicApi = field(init=False)
    audio: AudioApi = field(init=False)

    routes: dict[str, tuple[str, Handler]] = field(init=False)

    def __post_init__(self) -> None:
        self.responses = ResponsesApi(self.gw, self.authenticate)
        self.anthropic = AnthropicApi(self.gw, self.authenticate)
        self.audio = AudioApi(self.gw, self.authenticate)
        self.routes = {
            RESPONSES: ("POST", self.responses.create), MESSAGES: ("POST", self.anthropic.messages),
            COUNT_TOKENS: ("POST", self.anthropic.count_tokens), SPEECH: ("POST", self.audio.speech),
            MODERATIONS: ("POST", self.audio.moderation),
            **{form: ("POST", self.audio.transcription) for form in FORMS},
        }

    def handler(self, path: str, method: str) -> Handler | None:
        """The handler of ``method path``; None for a path of no API here; a 405 for a wrong method."""
        found = self.routes.get(path)
        if found is None and path.startswith(RESPONSES + "/"):
            rest = path.removeprefix(RESPONSES + "/").split("/")
            wanted = {1: ("GET", "DELETE"), 2: {"input_items": ("GET",), "cancel": ("POST",)}.get(rest[-1], ())}
            allowed = wanted.get(len(rest), ()) if rest[0] else ()
            if not allowed:
                return None
            found = (method if method in allowed else allowed[0], self.responses.stored)
        if found is None:
            return None
        if method != found[0]:
            raise GatewayError(405, "method_not_allowed", self.gw.t("gateway.error.method", method=method))
        return found[1]


def error_body(path: str, err: GatewayError, anthropic: bool = False) -> bytes:
    """An error's body in the shape of the API the client called (``anthropic``: an Anthropic client
    on a path both APIs share, ``/v1/models``)."""
    if path == MESSAGES or path.startswith(MESSAGES + "/") or (anthropic and path.startswith(MODELS)):
        return anthropic_api.error_body(err)
    return err.body()


def anthropic_client(scope: Scope) -> bool:
    """An Anthropic SDK or Claude Code sends ``anthropic-version`` on every request."""
    return header(scope, b"anthropic-version") is not None


def model_entry(model: str, anthropic: bool) -> dict[str, Any]:
    """One model of ``/v1/models`` in the shape of the client's API."""
    if anthropic:
        return {"type": "model", "id": model, "display_name": model, "created_at": "1970-01-01T00:00:00Z"}
    return {"id": model, "object": "model", "created": 0, "owned_by": "sobria"}


def model_list(models: Iterable[str], anthropic: bool) -> dict[str, Any]:
    """The models the gateway routes, as OpenAI's list or Anthropic's page (one page: no cursor)."""
    data = [model_entry(m, anthropic) for m in models]
    if anthropic:
        return {"data": data, "has_more": False, "first_id": data[0]["id"] if data else None,
                "last_id": data[-1]["id"] if data else None}
    return {"object": "list", "data": data}
