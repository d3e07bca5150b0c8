"""E-mail addresses, found from their '@' so that prose without one costs a single search."""

from __future__ import annotations

import re
from collections.abc import Iterator

_LOCAL_TAIL = re.compile(r"[\w.+\-'%]{1,64}\Z")
_DOMAIN = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}")
_NOT_AFTER = frozenset("_@-")


def find_emails(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the e-mail addresses in ``text``."""
    at = text.find("@")
    while at != -1:
        span = _email_at(text, at)
        if span is not None:
            yield span
        at = text.find("@", at + 1)


def _email_at(text: str, at: int) -> tuple[int, int] | None:
    local = _LOCAL_TAIL.search(text, max(0, at - 64), at)
    domain = _DOMAIN.match(text, at + 1)
    if local is None or domain is None:
        return None
    start = local.start()
    while start < at and not text[start].isalnum():
        start += 1
    local_part = text[start:at]
    if not local_part or local_part.endswith(".") or ".." in local_part:
        return None
    end = domain.end()
    if end < len(text) and (text[end].isalnum() or text[end] in _NOT_AFTER):
        return None
    return start, end
