"""Prompt text from what chat clients send: a string or chat messages, only the request's own turn."""

from __future__ import annotations

import json
from typing import Any

from sobria.ingest.json_input import decode_json

_NOT_ANSWERS = frozenset({"user", "system", "developer", None})  # message roles that are not an answer


def message_text(value: Any) -> str | None:
    """Prompt text from a string or chat messages (OpenAI/LiteLLM ``content``, OTel GenAI ``parts``).

    When messages carry roles, only the request's own prompt is kept: the user messages after the
    last answer (assistant, tool...). A system prompt repeated on every request, or the earlier
    turns a chat client sends again as history, would make the requests of one conversation look
    alike to near-duplicate detection (the gateway fingerprints the last user message too).
    """
    if isinstance(value, str):
        text = value.strip()
        if text[:1] in ("[", "{"):
            try:
                return message_text(decode_json(text))
            except json.JSONDecodeError:
                return text
        return text or None
    if isinstance(value, list):
        items = value
        if any(isinstance(v, dict) and v.get("role") == "user" for v in value):
            answered = [i for i, v in enumerate(value) if isinstance(v, dict) and v.get("role") not in _NOT_ANSWERS]
            items = [v for v in value[answered[-1] + 1 if answered else 0:]
                     if isinstance(v, dict) and v.get("role") == "user"]
        texts = [t for t in (message_text(v) for v in items) if t]
        return "\n".join(texts) or None
    if isinstance(value, dict):
        for key in ("content", "text", "parts"):
            if key in value:
                return message_text(value[key])
    return None
