"""What a client asked for: the parsed body of one OpenAI API call, validated, and its texts.

Texts are visited by one function, :func:`map_texts`, used both to scan them for personal data and
to replace them by their redacted form before anything leaves. It visits *every* string the gateway
forwards (message contents and names, tool-call arguments, tool descriptions, ``response_format``
and Responses' ``text.format``, ``user``, ``metadata``, ``suffix``...) except the values of
structural fields (model, role, ids, URLs, enumerations), so that a field added by a new API
version is scanned by default. Also visited: the text of text files sent inline
(``inline_files``), object keys that are not plain field names (a ``metadata`` key, a schema
property holding digits, spaces or accents), and integers long enough to be an identifier inside
objects (a card number sent as a JSON number in tool arguments or metadata; redacted, it becomes
the redacted text; the body's own numbers are parameters: ``max_tokens``, ``seed``).

A body the gateway cannot read faithfully — not JSON, nested deeper than :data:`MAX_DEPTH`, a string
or key holding a lone UTF-16 surrogate (``"\\ud800"``, which has no UTF-8 form), or a prompt sent as
token ids (which it cannot check without the model's tokenizer) — is a 400 before anything leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sobria.events.thread import ThreadSignal
from sobria.gateway.http import GatewayError
from sobria.gateway.inline_files import map_inline_file
from sobria.i18n import Translator
from sobria.impact.terms import pixel_factor

OPERATIONS = {"/v1/chat/completions": "chat", "/v1/completions": "completion", "/v1/embeddings": "embedding",
              "/v1/images/generations": "image"}
_REQUIRED = {"chat": "messages", "completion": "prompt", "embedding": "input", "image": "prompt"}
MAX_DEPTH = 64  # nesting levels of a request body (OpenAI's own bodies need fewer than 20)
# Fields whose values are identifiers, enumerations or inline binary data, not text a person wrote.
STRUCTURAL = frozenset({"model", "role", "type", "id", "tool_call_id", "url", "detail", "data", "file_data",
                        "file_id", "voice", "encoding_format", "stream", "tool_choice", "modalities",
                        "service_tier", "reasoning_effort", "size", "quality", "style", "previous_response_id",
                        # opaque provider blobs (Responses reasoning items, Anthropic thinking blocks): altering
                        # them breaks the request, and they hold no text a person wrote
                        "encrypted_content", "signature", "call_id", "tool_use_id", "media_type"})
# Structural when their value is a string (an enumeration, a URL or an image's data URL); an object
# is visited (Responses' ``text.format``: a schema's name and descriptions)
SCALAR_STRUCTURAL = frozenset({"format", "image_url", "file_url", "audio_url"})
_INLINE = frozenset({"data", "file_data"})   # inline data: read when it is a text file
IDENTIFIER_DIGITS = 10_000_000   # an integer from this many digits (8) may be an identifier: visited as text


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

    _map_dict(payload, measure, top=True)
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
    if _token_ids(payload.get(required)):
        raise GatewayError(400, "token_ids", t("gateway.error.token_ids", field=required), param=required)
    inbound = Inbound(operation, payload, model, payload.get("stream") is True, text_chars(payload))
    inbound.max_tokens = max_tokens_of(payload)
    if operation == "image":
        _image_fields(inbound, t)
    return inbound


def max_tokens_of(payload: dict[str, Any]) -> int | None:
    """The output limit the client set (chat, completions, Responses, Anthropic), if any."""
    value = payload.get("max_completion_tokens", payload.get("max_tokens", payload.get("max_output_tokens")))
    if isinstance(value, float) and value.is_integer() and value >= 0:  # JSON 1e26, 100.0: a count all the same
        return int(value)  # (finite: is_integer() is false for inf and nan); the model's limit caps it
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


def _token_ids(value: Any) -> bool:
    """A prompt or input sent as token ids (``[1, 2]``, ``[[1, 2]]``) rather than text."""
    return isinstance(value, list) and any(isinstance(item, int | list) for item in value)


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
        if isinstance(value, dict):
            for name in value:
                if not name.isascii():
                    _utf8(name, t)
            items = value.values()
        else:
            items = value
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
    _map_dict(payload, fn, top=True)


def _plain_name(key: str) -> bool:
    """A field name of an API (letters, ``_``, ``-``, ``$``), not text a person wrote."""
    return key.isascii() and key.replace("_", "").replace("-", "").replace("$", "").isalpha()


def _map_dict(value: dict[str, Any], fn: Callable[[str], str], top: bool = False) -> None:
    """``top``: the body itself, whose numbers are the API's parameters (``max_tokens``, ``seed``)."""
    renamed: dict[str, str] | None = None
    for key, item in value.items():
        if key in STRUCTURAL:
            if key in _INLINE and isinstance(item, str):
                value[key] = map_inline_file(value, key, item, fn)
            continue
        if isinstance(item, str):
            if key not in SCALAR_STRUCTURAL:
                value[key] = fn(item)
        elif isinstance(item, dict):
            _map_dict(item, fn)
        elif isinstance(item, list):
            _map_list(item, fn)
        elif type(item) is int and abs(item) >= IDENTIFIER_DIGITS and not top:
            value[key] = _map_number(item, fn)
        if key and not _plain_name(key):
            name = fn(key)
            if name != key:
                renamed = renamed if renamed is not None else {}
                renamed[key] = name
    if renamed:
        items = [(renamed.get(k, k), v) for k, v in value.items()]
        value.clear()
        value.update(items)


def _map_list(value: list[Any], fn: Callable[[str], str]) -> None:
    for index, item in enumerate(value):
        if isinstance(item, str):
            value[index] = fn(item)
        elif isinstance(item, dict):
            _map_dict(item, fn)
        elif isinstance(item, list):
            _map_list(item, fn)
        elif type(item) is int and abs(item) >= IDENTIFIER_DIGITS:
            value[index] = _map_number(item, fn)


def _map_number(number: int, fn: Callable[[str], str]) -> int | str:
    text = str(number)
    mapped = fn(text)
    return number if mapped == text else mapped


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


_NOT_PARAMETERS = frozenset({"stream", "stream_options", "user", "metadata"})


def request_identity(inbound: Inbound) -> str:
    """What identifies a request for regeneration counting: the whole prompt (every message of the
    thread, with its tool calls and results, or the prompt, input, instructions) and every parameter
    (model, temperature, tools...), but how the answer is delivered (``stream``) and who asks
    (``user``, ``metadata``). A regeneration sends the same request again; an agent's next step (a
    tool result appended) or the same question under other instructions or settings is another."""
    payload = inbound.payload
    return json.dumps({k: v for k, v in payload.items() if k not in _NOT_PARAMETERS}, sort_keys=True,
                      ensure_ascii=False)
