"""Case- and accent-insensitive forms of words, for matching names however they are typed."""

from __future__ import annotations

import re
import string
import unicodedata
from types import MappingProxyType

_LIGATURES = MappingProxyType(str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "’": "'"}))
_NON_WORD = re.compile(r"[\W_]+")
_ASCII_NON_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())

TOKEN_TABLE = bytes.maketrans(
    string.ascii_uppercase.encode() + _ASCII_NON_ALNUM,
    string.ascii_lowercase.encode() + b" " * len(_ASCII_NON_ALNUM),
)
"""Bytes translation: ASCII letters to lower case, ASCII punctuation to spaces."""


def fold(word: str) -> str:
    """Lower case, no accents, ligatures spelt out: 'Lefèvre' -> 'lefevre', 'Œuvre' -> 'oeuvre'."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(_LIGATURES))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def tokens(name: str) -> list[str]:
    """The folded words of a name, punctuation dropped."""
    return [t for t in _NON_WORD.split(fold(name)) if t]


def byte_keys(word: str) -> set[bytes]:
    """The forms of ``word`` that :data:`TOKEN_TABLE` can produce from the ways people type it."""
    forms = {fold(word), word.lower(), word, word.upper(), word.capitalize()}
    return {f.encode("utf-8").translate(TOKEN_TABLE) for f in forms}
