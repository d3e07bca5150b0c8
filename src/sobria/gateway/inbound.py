"""What a client asked for: the parsed body of one OpenAI API call, validated, and its texts.

Texts are visited by one function, :func:`map_texts`, used both to scan them for personal data and
to replace them by their redacted form before anything leaves. It visits *every* string the gateway
forwards (message contents and names, tool-call arguments, tool descriptions, ``response_format``,
``user``, ``metadata``, ``suffix``...) except the values of structural fields (model, role, ids,
URLs and inline data), so that a field added by a new API version is scanned by default.

A body the gateway cannot read faithfully — not JSON, nested deeper than :data:`MAX_DEPTH`, or a
string holding a lone UTF-16 surrogate (``"\\ud800"``, which has no UTF-8 form) — is a 400 before
anything leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sobria.events.thread import ThreadSignal
from sobria.gateway.http import GatewayError
from sobria.i18n import Translator
from sobria.impact.terms import pixel_factor

OPERATIONS = {"/v1/chat/completions": "chat", "/v1/completions": "completion", "/v1/embeddings": "embedding",
              "/v1/images/generations": "image"}
_REQUIRED = {"chat": "messages", "completion": "prompt", "embedding": "input", "image": "prompt"}
MAX_DEPTH = 64  # nesting levels of a request body (OpenAI's own bodies need fewer than 20)
# Fields whose values are identifiers, enumerations or inline binary data, not text a person wrote.
STRUCTURAL = frozenset({"model", "role", "type", "id", "tool_call_id", "url", "detail", "data", "file_data",
                        "file_id", "format", "voice", "encoding_format", "stream", "tool_choice", "modalities",
                        "service_tier", "reasoning_effort", "size", "quality", "style", "previous_response_id",
                        # opaque provider blobs (Responses reasoning items, Anthropic thinking blocks): altering
                        # them breaks the request, and they hold no text a person wrote
                        "encrypted_content", "signature", "call_id", "tool_use_id", "media_type"})


@dataclass(slots=True)
class Inbound:
    operation: str
    payload: dict[str, Any]
    model: str
    stream: bool
    chars: int
    images: int = 0
    image_size: str | None = None
    image_quality: str | None = None
    max_tokens: int | None = None
    # the API dialect: only OpenAI's chat and completions take ``stream_options.include_usage``
    api: str = "openai"
    # a chat-shaped view of the thread (role, content) for APIs whose body has no ``messages``
    # (Responses ``input``, Anthropic ``system`` + blocks): fingerprint, conversation, thread signal
    messages_of: Callable[[dict[str, Any]], list[dict[str, Any]]] | None = None
    conversation: str | None = None  # set by the API when it knows the conversation (``previous_response_id``)
    thread_signal: ThreadSignal | None = None  # set with ``conversation`` when the API placed the turn itself
    modelled: bool = True  # False: no per-request energy model (moderation), status ``modality-not-supported``


def read_json_body(body: bytes, t: Translator) -> dict[str, Any]:
    """A request body as a JSON object the gateway can read faithfully, or a 400."""
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise GatewayError(400, "invalid_json", t("gateway.error.invalid_json", detail=str(exc)[:120])) from None
    except RecursionError:
        raise GatewayError(400, "invalid_json", t("gateway.error.too_deep", limit=MAX_DEPTH)) from None
    if not isinstance(payload, dict):
        raise GatewayError(400, "invalid_json", t("gateway.error.not_object"))
    check_readable(payload, t)
    return payload


def text_chars(payload: dict[str, Any]) -> int:
    """Characters of every text the request forwards (the token estimate before an answer exists)."""
    lengths: list[int] = []

    def measure(text: str) -> str:
        lengths.append(len(text))
        return text

    _map_dict(payload, measure)
    return sum(lengths)


def parse_inbound(path: str, body: bytes, t: Translator, default_image_model: str | None) -> Inbound:
    operation = OPERATIONS[path]
    payload = read_json_body(body, t)
    model = payload.get("model")
    if model is None and operation == "image" and default_image_model:
        model = payload["model"] = default_image_model
    if not isinstance(model, str) or not model:
        raise GatewayError(400, "missing_field", t("gateway.error.missing_field", field="model"), param="model")
    required = _REQUIRED[operation]
    if not _valid_texts(operation, payload.get(required)):
        raise GatewayError(400, "missing_field", t("gateway.error.missing_field", field=required), param=required)
    inbound = Inbound(operation, payload, model, payload.get("stream") is True, text_chars(payload))
    inbound.max_tokens = max_tokens_of(payload)
    if operation == "image":
        _image_fields(inbound, t)
    return inbound


def max_tokens_of(payload: dict[str, Any]) -> int | None:
    """The output limit the client set (chat, completions, Responses, Anthropic), if any."""
    value = payload.get("max_completion_tokens", payload.get("max_tokens", payload.get("max_output_tokens")))
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _image_fields(inbound: Inbound, t: Translator) -> None:
    payload = inbound.payload
    count = payload.get("n", 1)
    if not isinstance(count, int) or isinstance(count, bool) or not 1 <= count <= 10:
        raise GatewayError(400, "invalid_value", t("gateway.error.bad_image_count", value=count), param="n")
    size = payload.get("size")
    if size is not None and (not isinstance(size, str) or pixel_factor(size) is None):
        raise GatewayError(400, "invalid_value", t("gateway.error.bad_image_size", value=size), param="size")
    quality = payload.get("quality")
    inbound.images, inbound.image_size = count, size
    inbound.image_quality = quality if isinstance(quality, str) else None


def _valid_texts(operation: str, value: Any) -> bool:
    if operation == "chat":
        return isinstance(value, list) and bool(value) and all(isinstance(m, dict) for m in value)
    if operation == "image":
        return isinstance(value, str) and bool(value)
    return isinstance(value, str) or (isinstance(value, list) and bool(value))


def check_readable(payload: dict[str, Any], t: Translator) -> None:
    """A 400 for a body nested deeper than :data:`MAX_DEPTH` or holding a string with no UTF-8 form."""
    stack: list[tuple[Any, int]] = [(payload, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise GatewayError(400, "invalid_json", t("gateway.error.too_deep", limit=MAX_DEPTH))
        items = value.values() if isinstance(value, dict) else value
        for item in items:
            if isinstance(item, str):
                if not item.isascii():
                    _utf8(item, t)
            elif isinstance(item, dict | list):
                stack.append((item, depth + 1))


def _utf8(text: str, t: Translator) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise GatewayError(400, "invalid_text", t("gateway.error.surrogate")) from None


def map_texts(payload: dict[str, Any], operation: str, fn: Callable[[str], str]) -> None:
    """Apply ``fn`` to every text the request forwards, in place, in a fixed order (``operation`` is
    kept for the callers: every operation is visited the same way)."""
    _map_dict(payload, fn)


def _map_dict(value: dict[str, Any], fn: Callable[[str], str]) -> None:
    for key, item in value.items():
        if key in STRUCTURAL:
            continue
        if isinstance(item, str):
            value[key] = fn(item)
        elif isinstance(item, dict):
            _map_dict(item, fn)
        elif isinstance(item, list):
            _map_list(item, fn)


def _map_list(value: list[Any], fn: Callable[[str], str]) -> None:
    for index, item in enumerate(value):
        if isinstance(item, str):
            value[index] = fn(item)
        elif isinstance(item, dict):
            _map_dict(item, fn)
        elif isinstance(item, list):
            _map_list(item, fn)


def prompt_text(inbound: Inbound) -> str | None:
    """The plain text a person typed (last user message, completion or image prompt), for the
    prompt fingerprint; None for embeddings and for content without text."""
    payload = inbound.payload
    if inbound.operation == "chat":
        content = next((m.get("content") for m in reversed(chat_messages(inbound)) if m.get("role") == "user"), None)
        if isinstance(content, list):
            content = " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
        return content if isinstance(content, str) and content.strip() else None
    if inbound.operation in ("completion", "image"):
        prompt = payload.get("prompt")
        return prompt if isinstance(prompt, str) and prompt.strip() else None
    return None


def chat_messages(inbound: Inbound) -> list[dict[str, Any]]:
    """A chat request's thread as OpenAI chat messages (the body's own, or the API's view of it)."""
    if inbound.messages_of is not None:
        return inbound.messages_of(inbound.payload)
    messages: list[dict[str, Any]] = inbound.payload["messages"]
    return messages


def conversation_opening(inbound: Inbound) -> str | None:
    """What identifies a chat thread: its messages up to the first user message, which a chat client
    sends again with every later turn; None outside chat."""
    if inbound.operation != "chat":
        return None
    opening = []
    for message in chat_messages(inbound):
        opening.append(message)
        if isinstance(message, dict) and message.get("role") == "user":
            break
    return json.dumps(opening, sort_keys=True, ensure_ascii=False)


_NOT_PARAMETERS = frozenset({"messages", "stream", "stream_options", "user", "metadata"})


def last_user_text(inbound: Inbound) -> str:
    """What identifies a request for regeneration counting: its last user message (or prompt) and its
    parameters (model, temperature, tools...) — asking the same thing with other settings is not a
    regeneration."""
    payload = inbound.payload
    required = _REQUIRED.get(inbound.operation, "input")  # audio: the text to speak
    parameters = {k: v for k, v in payload.items() if k not in _NOT_PARAMETERS and k != required}
    text: Any = None
    if inbound.operation == "chat":
        text = next((m.get("content") for m in reversed(chat_messages(inbound)) if m.get("role") == "user"), None)
    else:
        text = payload.get(required)
    return json.dumps([text, parameters], sort_keys=True)
