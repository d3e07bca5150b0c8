"""Text files sent inside a request: a chat ``file`` part or a Responses ``input_file``
(``file_data``, a base64 ``data:`` URL or plain base64 with a ``filename``), an Anthropic
``document`` (``source.data``: plain text for a ``text`` source, base64 with a ``media_type``
otherwise). Their text is forwarded like any message, so it is scanned and redacted like one: the
file is decoded, its text visited, and written back in the same encoding when it changed.

Binary files (PDF, images, office documents) are passed on unread: their text cannot be checked
without a parser for each format (docs/gateway.md says so).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/csv", "application/yaml",
               "application/x-yaml", "application/x-ndjson", "application/javascript", "application/sql")
_TEXT_SUFFIXES = (".txt", ".csv", ".tsv", ".md", ".json", ".jsonl", ".xml", ".yaml", ".yml", ".html", ".htm",
                  ".log", ".sql", ".ini", ".toml", ".py", ".js", ".ts", ".java", ".c", ".h", ".sh", ".rst")


def textual(media_type: str | None, filename: str | None = None) -> bool:
    """A media type (or, when there is none, a file name) of a text file."""
    if media_type:
        return media_type.strip().lower().startswith(_TEXT_TYPES)
    return bool(filename) and str(filename).lower().endswith(_TEXT_SUFFIXES)


def map_inline_file(container: dict[str, Any], key: str, value: str, fn: Callable[[str], str]) -> str:
    """``value`` (the ``data``/``file_data`` field of ``container``) with ``fn`` applied to the text
    of the file it holds; ``value`` itself for a binary file or data that is not a file."""
    if key == "data" and container.get("type") == "text":   # Anthropic: a plain-text document source
        return fn(value)
    if value.startswith("data:"):
        header, comma, payload = value.partition(",")
        if not comma or not textual(header[5:].split(";")[0]):
            return value
        if header.endswith(";base64"):
            return header + "," + _map_base64(payload, fn, payload)
        text = unquote(payload)
        mapped = fn(text)
        return value if mapped == text else header + "," + quote(mapped, safe="")
    media = container.get("media_type") if key == "data" else None
    name = container.get("filename")
    if not textual(media if isinstance(media, str) else None, name if isinstance(name, str) else None):
        return value
    return _map_base64(value, fn, value)


def _map_base64(payload: str, fn: Callable[[str], str], unchanged: str) -> str:
    try:
        text = base64.b64decode(payload, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return unchanged   # not base64 text after all: not a file the gateway can read
    mapped = fn(text)
    return unchanged if mapped == text else base64.b64encode(mapped.encode("utf-8")).decode("ascii")
