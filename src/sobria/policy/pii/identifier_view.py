"""Text as the identifier detectors read it: an IBAN is one however it is typed.

Lower-case letters (``fr76 3000 …``), full-width forms (``ＦＲ７６``, typed with a Japanese or Chinese
input method) and the decimal digits of every script (Arabic-Indic ``٧٦``, Devanagari, mathematical
``𝟕𝟔``...) become ASCII capitals and digits, and every space character (the no-break and narrow
no-break spaces French typography puts between groups, thin and figure spaces) a plain space, one
character for one; invisible characters slipped inside a number (Unicode's format characters:
zero-width space and joiners, direction marks and isolates, word joiner, byte-order mark, soft
hyphen, Mongolian vowel separator, tag characters; and the combining grapheme joiner and variation
selectors) are dropped, with a map back to the original offsets so that a finding covers the
original text. The tables are Unicode 14's (a test checks each entry against ``unicodedata``).
"""

from __future__ import annotations

import re
import string
from types import MappingProxyType

# the first code point (digit zero) of each run of ten decimal digits (category Nd) but ASCII's
DIGIT_ZEROS = (0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50,
               0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0,
               0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30,
               0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0,
               0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC,
               0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0)
# the space separators (category Zs) but the ASCII space
SPACES = "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
# the format characters (category Cf), as ranges, then the combining grapheme joiner and the variation selectors
FORMAT_RANGES = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891),
                 (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
                 (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
                 (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001), (0xE0020, 0xE007F))
INVISIBLE_RANGES = (*FORMAT_RANGES, (0x34F, 0x34F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))
_INVISIBLE = frozenset(chr(cp) for low, high in INVISIBLE_RANGES for cp in range(low, high + 1))
_INVISIBLE_RE = re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in INVISIBLE_RANGES) + "]")
_FULL_WIDTH = {chr(zero + i): str(i) for zero in DIGIT_ZEROS for i in range(10)}
_FULL_WIDTH.update({chr(0xFF21 + i): c for i, c in enumerate(string.ascii_uppercase)})
_FULL_WIDTH.update({chr(0xFF41 + i): c for i, c in enumerate(string.ascii_uppercase)})
_FULL_WIDTH.update({space: " " for space in SPACES})
_FULL_WIDTH.update({"\uff0d": "-", "\uff0e": ".", "\uff08": "(", "\uff09": ")", "\uff0b": "+"})
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
