"""Normalising model and provider names as real exports spell them."""

from __future__ import annotations

import re

_PREFIX = re.compile(r"^(?:models/|openai/|azure/|anthropic/|mistral/|mistralai/|google/|gemini/|vertex_ai/|"
                     r"bedrock/|anthropic\.|us\.anthropic\.|eu\.anthropic\.)")
_SUFFIXES = (
    re.compile(r"-\d{4}-\d{2}-\d{2}$"),   # gpt-4o-2024-08-06
    re.compile(r"-\d{8}$"),               # claude-3-5-sonnet-20241022
    re.compile(r"@\d{8}$"),               # vertex: claude-3-5-sonnet@20240620
    re.compile(r"-v\d+(?::\d+)?$"),       # bedrock: ...-v1:0
    re.compile(r"-\d{4}$"),               # mistral-large-2411, gpt-4-0613
    re.compile(r"-(?:latest|preview)$"),
)
_SIZE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)b(?![a-z])")


def normalise(name: str) -> str:
    """Lower-case, trimmed, without routing prefixes (``openai/``, ``models/``...)."""
    cleaned = name.strip().lower()
    previous = None
    while previous != cleaned:
        previous = cleaned
        cleaned = _PREFIX.sub("", cleaned)
    return cleaned


def undated_variants(name: str) -> list[str]:
    """Successive names with one version/date suffix removed at a time, most specific first."""
    variants: list[str] = []
    current = name
    changed = True
    while changed:
        changed = False
        for pattern in _SUFFIXES:
            stripped = pattern.sub("", current)
            if stripped != current and stripped:
                variants.append(stripped)
                current = stripped
                changed = True
                break
    return variants


def size_in_name_b(name: str) -> float | None:
    """The parameter count a name advertises (``llama-3-70b`` -> 70.0), if any."""
    match = _SIZE.search(name)
    return float(match.group(1)) if match else None
