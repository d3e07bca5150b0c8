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
# Mixture-of-experts names: "235b-a22b" (total, active) and "8x7b" (experts x size). Llama 4's
# "17b-16e" gives only the active size: the dense rule reads it (a lower bound, flagged as a guess).
_MOE = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)b[-_]a(\d+(?:\.\d+)?)b(?![a-z])")
_EXPERTS = re.compile(r"(?<![\d.])(\d+)x(\d+(?:\.\d+)?)b(?![a-z])")


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


def moe_sizes_in_name_b(name: str) -> tuple[float, float] | None:
    """(active, total) parameters a mixture-of-experts name advertises, if any.

    ``qwen3-235b-a22b`` -> (22, 235); ``mixtral-8x7b`` -> (2 x 7, 8 x 7) as an upper bound of
    the total (shared layers are counted once per expert) with Mixtral's top-2 routing."""
    match = _MOE.search(name)
    if match:
        total, active = float(match.group(1)), float(match.group(2))
        return (active, total) if active <= total else None
    match = _EXPERTS.search(name)
    if match:
        experts, size = int(match.group(1)), float(match.group(2))
        return min(2, experts) * size, experts * size
    return None


_QUANTISED = re.compile(r"(?:^|[-_/.])(fp8|int8|8bit|w8a8|fp4|int4|4bit|awq|gptq|nvfp4)(?:$|[-_/.])")


def quantisation_bits_in_name(name: str) -> int | None:
    """Weight precision a checkpoint's name declares (``...-Instruct-FP8`` -> 8, ``-AWQ`` -> 4),
    None when it says nothing (EcoLogits then assumes 16-bit weights)."""
    found = _QUANTISED.search(name.lower())
    if found is None:
        return None
    return 8 if found.group(1) in {"fp8", "int8", "8bit", "w8a8"} else 4
