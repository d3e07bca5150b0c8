"""The client APIs beyond OpenAI's chat, completions, embeddings and images: their routes, and the
shape of their errors (Anthropic's for ``/v1/messages``, OpenAI's for the others)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sobria.gateway import anthropic_api
from sobria.gateway.anthropic_api import COUNT_TOKENS, MESSAGES, AnthropicApi
from sobria.gateway.audio_api import FORMS, MODERATIONS, SPEECH, AudioApi
from sobria.gateway.http import GatewayError, Receive, Scope, Send
from sobria.gateway.responses_api import PATH as RESPONSES
from sobria.gateway.responses_api import Authenticate, ResponsesApi
from sobria.gateway.runtime import Gateway

Handler = Callable[[Scope, Receive, Send], Awaitable[None]]


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


def error_body(path: str, err: GatewayError) -> bytes:
    """An error's body in the shape of the API the client called."""
    if path == MESSAGES or path.startswith(MESSAGES + "/"):
        return anthropic_api.error_body(err)
    return err.body()
