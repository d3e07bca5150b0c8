"""Text from what chat clients send (a string, OpenAI/LiteLLM messages, OTel GenAI parts), and the
bounded JSON decoder it needs for messages logged as a JSON string.

One reading for every caller: the gateway's thread signals (``events.thread``: the text of each
user turn) and the importers (``ingest``: the request's own prompt). Nothing here is stored.
"""

from __future__ import annotations

import json
import math
from typing import Any

_NOT_ANSWERS = frozenset({"user", "system", "developer", None})  # message roles that are not an answer


def content_text(content: Any) -> str:
    """The text of one message's ``content``: a string, content parts (``{"type": "text", "text":
    …}``, OTel GenAI ``{"content": …}``) or a message-like dict; ``""`` without text."""
    if isinstance(content, str):
        return content.strip()
    if isinstance(content, list):
        return "\n".join(t for t in map(content_text, content) if t)
    if isinstance(content, dict):
        for key in ("content", "text", "parts"):
            if key in content:
                return content_text(content[key])
    return ""


def message_text(value: Any) -> str | None:
    """Prompt text from a string (possibly chat messages logged as JSON) or chat messages.

    When messages carry roles, only the request's own prompt is kept: the user messages after the
    last answer (assistant, tool...). A system prompt repeated on every request, or the earlier
    turns a chat client sends again as history, would make the requests of one conversation look
    alike to near-duplicate detection (the gateway fingerprints the last user message too).
    """
    if isinstance(value, str):
        text = value.strip()
        if text[:1] not in ("[", "{"):
            return text or None
        try:
            value = decode_json(text)
        except json.JSONDecodeError:
            return text
    if isinstance(value, list) and any(isinstance(v, dict) and v.get("role") == "user" for v in value):
        answered = [i for i, v in enumerate(value) if isinstance(v, dict) and v.get("role") not in _NOT_ANSWERS]
        own = value[answered[-1] + 1 if answered else 0:]
        value = [v for v in own if isinstance(v, dict) and v.get("role") == "user"]
    return content_text(value) or None


def decode_json(text: str) -> Any:
    """``json.loads`` for untrusted text: nesting past Python's stack, ``NaN``/``Infinity``, numbers
    that overflow a float (``1e999``) and integers of thousands of digits are decoding errors."""
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, 0) from None


def _no_constant(name: str) -> Any:
    raise json.JSONDecodeError(f"{name} is not a number", name, 0)


def _finite_float(raw: str) -> float:
    value = float(raw)
    if not math.isfinite(value):
        raise json.JSONDecodeError(f"{raw[:20]} is not a finite number", raw, 0)
    return value


def _bounded_int(raw: str) -> int | float:
    """An integer; one too long for Int64 stays a (finite) float, so it is reported as too large."""
    if len(raw.lstrip("-")) <= 19:
        return int(raw)
    return _finite_float(raw)
