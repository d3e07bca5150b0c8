"""Candidate numbers: runs of digits with the separators people type between groups.

:mod:`sobria.policy.pii.candidates` finds runs of digits and separators ending with a digit;
:func:`parse_run` trims it, checks that it stands alone (not inside a word, a decimal or a
reference such as ``FA-0612345678``) and splits it into groups for the format checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SEPARATORS = " .-\u00a0\u202f"
_SPLIT = re.compile(r"[ .\-\u00a0\u202f]")
_BAD_BEFORE = frozenset("_-/@#")
_BAD_AFTER = frozenset("_/@#-")


@dataclass(frozen=True, slots=True)
class DigitRun:
    """A trimmed candidate: its span, whether it started with '+', its groups and separators."""

    start: int
    end: int
    plus: bool
    body: str
    groups: tuple[str, ...]

    @property
    def compact(self) -> str:
        return "".join(self.groups)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(map(len, self.groups))

    @property
    def separators(self) -> frozenset[str]:
        return frozenset(self.body).intersection(_SEPARATORS)


def parse_run(text: str, start: int, end: int) -> DigitRun | None:
    """The run ``text[start:end]`` trimmed and split, or None when it is not a standalone number."""
    while end > start and not text[end - 1].isdigit():
        end -= 1
    end = _before_date(text, start, end)
    if end - start < 8 or not _stands_alone(text, start, end):
        return None
    raw = text[start:end]
    plus = raw.startswith("+")
    body = raw[1:] if plus else raw
    if "(" in body or ")" in body:
        if not (plus or body.startswith("00")) or body.count("(0)") != 1 or body.count("(") != 1:
            return None
        body = body.replace("(0)", " ")
    groups = tuple(p for p in _SPLIT.split(body) if p)
    return DigitRun(start, end, plus, body, groups)


def _before_date(text: str, start: int, end: int) -> int:
    """A run followed by '/' whose last group has one or two digits ends with the start of a date
    or an expiry ("4111 1111 1111 1111 09/27", "06 12 34 56 78 12/05"): cut that group off."""
    if end >= len(text) or text[end] != "/":
        return end
    cut = end
    while cut > start and text[cut - 1].isdigit():
        cut -= 1
    if end - cut > 2 or cut - start < 2 or text[cut - 1] != " ":
        return end
    return cut - 1


def _stands_alone(text: str, start: int, end: int) -> bool:
    if start > 0:
        prev = text[start - 1]
        if prev.isalnum() or prev in _BAD_BEFORE:
            return False
        if prev in ".," and start > 1 and text[start - 2].isdigit():
            return False
    if end < len(text):
        nxt = text[end]
        if nxt.isalnum() or nxt in _BAD_AFTER:
            return False
        if nxt in ".," and end + 1 < len(text) and text[end + 1].isdigit():
            return False
    return True
