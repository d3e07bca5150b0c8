"""Text as the identifier detectors read it: an IBAN is one however it is typed.

Lower-case letters (``fr76 3000 …``) and full-width forms (``ＦＲ７６``, typed with a Japanese or Chinese
input method) become ASCII capitals and digits, one character for one; invisible characters
(zero-width space, joiners, word joiner, byte-order mark, soft hyphen) slipped inside a number are
dropped, with a map back to the original offsets so that a finding covers the original text.
"""

from __future__ import annotations

import re
import string
from types import MappingProxyType

_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_FULL_WIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULL_WIDTH.update({chr(0xFF21 + i): c for i, c in enumerate(string.ascii_uppercase)})
_FULL_WIDTH.update({chr(0xFF41 + i): c for i, c in enumerate(string.ascii_uppercase)})
_FULL_WIDTH.update({"\u3000": " ", "\uff0d": "-", "\uff0e": ".", "\uff08": "(", "\uff09": ")", "\uff0b": "+"})
_TABLE = MappingProxyType(str.maketrans({**dict(zip(string.ascii_lowercase, string.ascii_uppercase, strict=True)),
                                         **_FULL_WIDTH}))


def identifier_view(text: str) -> tuple[str, list[int] | None]:
    """The text to search for identifiers, and for each of its characters the offset in ``text``
    (None when the offsets are the same)."""
    if text.isascii():
        return text.upper(), None
    view = text.translate(_TABLE)
    if _INVISIBLE_RE.search(view) is None:
        return view, None
    positions = [i for i, ch in enumerate(view) if ch not in _INVISIBLE]
    return "".join(view[i] for i in positions), positions


def original_span(start: int, end: int, positions: list[int] | None) -> tuple[int, int]:
    """A span of the view as a span of the original text."""
    if positions is None:
        return start, end
    return positions[start], positions[end - 1] + 1
