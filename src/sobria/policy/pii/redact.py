"""Redaction: each finding replaced by a typed placeholder, the same value by the same one."""

from __future__ import annotations

from collections.abc import Sequence

from sobria.policy.pii.findings import Finding, PiiKind
from sobria.policy.pii.folding import tokens


def placeholder_label(kind: PiiKind) -> str:
    """The word inside a placeholder: 'EMAIL', 'IBAN', 'CLIENT_NAME'..."""
    return kind.value.upper()


def redact(text: str, findings: Sequence[Finding]) -> str:
    """``text`` with every finding replaced by ``[KIND_n]``; n counts distinct values per kind in
    order of first appearance. Overlapping findings after the first are ignored."""
    numbers: dict[tuple[PiiKind, str], int] = {}
    per_kind: dict[PiiKind, int] = {}
    out: list[str] = []
    cursor = 0
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        if f.start < cursor:
            continue
        key = (f.kind, _normalised(f.kind, text[f.start:f.end]))
        if key not in numbers:
            per_kind[f.kind] = per_kind.get(f.kind, 0) + 1
            numbers[key] = per_kind[f.kind]
        out.append(text[cursor:f.start])
        out.append(f"[{placeholder_label(f.kind)}_{numbers[key]}]")
        cursor = f.end
    out.append(text[cursor:])
    return "".join(out)


def _normalised(kind: PiiKind, value: str) -> str:
    if kind is PiiKind.CLIENT_NAME:
        return " ".join(sorted(tokens(value)))
    if kind is PiiKind.EMAIL:
        return value.casefold()
    compact = "".join(ch for ch in value if ch.isalnum()).upper()
    if kind is PiiKind.PHONE:
        return "0" + compact[-9:]
    return compact
