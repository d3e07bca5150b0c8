"""Client names from a CRM export, found in text case- and accent-insensitively, one typo allowed.

Matching is in three steps, the first of which does almost all the work in C:

1. the text's words (ASCII-lowered UTF-8 bytes split on punctuation) are intersected with every
   written form of every name word: exact matches, any case, with or without accents;
2. only if a name word was seen (or the list has one-word names of
   :data:`SINGLE_WORD_FUZZY` letters or more), the text's capitalised words that are not common
   French words are compared with the name words of ``fuzzy_min_length`` letters or more sharing
   their first two or last two letters (one edit always leaves one of these pairs intact); an
   optimal-string-alignment distance of 1 (one substitution, insertion, deletion or swap) counts
   if every other word of that client was seen exactly (one typo per name);
3. for the clients whose every word was seen, filed under their rarest word, a small pattern finds
   the spans: the words in order (or "NOM Prénom" for two-word names) with punctuation or
   particles between.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import OSA
from rapidfuzz.process import extract

from sobria.policy.pii.folding import TOKEN_TABLE, byte_keys, fold, tokens
from sobria.policy.pii.frwords import COMMON_WORDS, NAME_PARTICLES

_CAPITALISED = re.compile(r"[A-ZÀ-ÖØ-ÞŒ][A-Za-zÀ-ÖØ-öø-ÿœŒ]{3,}")
# Non-ASCII spaces and punctuation (UTF-8) that must split words like ASCII punctuation does.
# Grouped by their UTF-8 lead bytes, so that text without any of them is searched only twice.
_UTF8_SEPARATORS = (
    (b"\xc2", tuple(s.encode("utf-8") for s in ("\u00a0", "«", "»"))),
    (b"\xe2\x80", tuple(s.encode("utf-8") for s in ("\u202f", "’", "–", "—", "…", "“", "”"))),
)
_SEPARATOR = r"(?:[\W_]{1,3}(?:(?:et|de|du|des|la|le|les|d|l|y)[\W_]{1,3})?)"
MIN_SINGLE_WORD = 4
"""A one-word client name shorter than this is never matched (too many accidental hits)."""
SINGLE_WORD_FUZZY = 8
"""A one-word client name tolerates a typo only from this length (a longer name for less context)."""


@dataclass(frozen=True, slots=True)
class _Client:
    words: tuple[str, ...]
    strict_case: bool


@dataclass(frozen=True)
class NameIndex:
    """Every client name prepared for matching; build it once with :meth:`build`."""

    clients: tuple[_Client, ...]
    keys: Mapping[bytes, str]
    key_set: frozenset[bytes]
    fuzzy_skip: frozenset[str]
    fuzzy_lengths: frozenset[int]
    fuzzy_words: frozenset[str]
    single_fuzzy_words: frozenset[str]
    folded_words: frozenset[str]
    by_prefix: Mapping[str, tuple[str, ...]]
    by_suffix: Mapping[str, tuple[str, ...]]
    clients_by_word: Mapping[str, tuple[int, ...]]
    clients_by_anchor: Mapping[str, tuple[int, ...]]
    fuzzy_min_length: int

    @classmethod
    def build(cls, names: Iterable[str], fuzzy_min_length: int = 6) -> NameIndex:
        clients: list[_Client] = []
        keys: dict[bytes, str] = {}
        by_word: defaultdict[str, list[int]] = defaultdict(list)
        for name in dict.fromkeys(n.strip() for n in names):
            client = _client_of(name)
            if client is None:
                continue
            for raw, folded in zip(_raw_words(name), tokens(name), strict=False):
                if folded in client.words:
                    keys.update(dict.fromkeys(byte_keys(raw), folded))
            for word in set(client.words):
                by_word[word].append(len(clients))
            clients.append(client)
        folded_words = frozenset(by_word)
        fuzzy_words = frozenset(w for w in folded_words if len(w) >= fuzzy_min_length and w.isalpha())
        singles = {c.words[0] for c in clients if len(c.words) == 1 and len(c.words[0]) >= SINGLE_WORD_FUZZY}
        return cls(
            clients=tuple(clients),
            keys=keys,
            key_set=frozenset(keys),
            fuzzy_skip=_fuzzy_skip(),
            fuzzy_lengths=frozenset(n + d for n in map(len, fuzzy_words) for d in (-1, 0, 1)),
            fuzzy_words=fuzzy_words,
            single_fuzzy_words=frozenset(singles & fuzzy_words),
            folded_words=folded_words,
            by_prefix=_buckets(fuzzy_words, lambda w: w[:2]),
            by_suffix=_buckets(fuzzy_words, lambda w: w[-2:]),
            clients_by_word={w: tuple(ids) for w, ids in by_word.items()},
            clients_by_anchor=_by_anchor(clients, by_word),
            fuzzy_min_length=fuzzy_min_length,
        )

    def find(self, text: str) -> list[tuple[int, int]]:
        """Spans of client names in ``text``."""
        data = text.encode("utf-8").translate(TOKEN_TABLE)
        for lead, seps in _UTF8_SEPARATORS:
            if lead in data:
                for sep in seps:
                    data = data.replace(sep, b" ")
        seen: dict[str, set[str]] = {}
        for key in self.key_set.intersection(data.split()):
            seen.setdefault(self.keys[key], set()).add(key.decode("utf-8"))
        if self.fuzzy_lengths and (seen or self.single_fuzzy_words):
            exact = frozenset(seen)
            for word in set(_CAPITALISED.findall(text)).difference(self.fuzzy_skip):
                target = self._fuzzy(word, exact)
                if target is not None:
                    seen.setdefault(target, set()).add(word)
        if not seen:
            return []
        ids = sorted({i for word in seen for i in self.clients_by_anchor.get(word, ())})
        return [span for i in ids if all(w in seen for w in self.clients[i].words)
                for span in _spans(self.clients[i], seen, text)]

    def _fuzzy(self, word: str, exact: frozenset[str]) -> str | None:
        """The name word ``word`` is one typo away from, if that completes a client whose other
        words were all seen exactly (one typo per name), or is a long one-word name."""
        if len(word) not in self.fuzzy_lengths:
            return None
        folded = word.lower() if word.isascii() else fold(word)
        if folded in self.folded_words or folded in COMMON_WORDS:
            return None
        # One edit leaves the first two or the last two letters of a 5+ letter word intact.
        candidates = self.by_prefix.get(folded[:2], ()) + self.by_suffix.get(folded[-2:], ())
        if not candidates:
            return None
        for name_word, _, _ in extract(folded, candidates, scorer=OSA.distance, score_cutoff=1, limit=None):
            if name_word in self.single_fuzzy_words or any(
                    len(self.clients[i].words) > 1 and all(w == name_word or w in exact for w in self.clients[i].words)
                    for i in self.clients_by_word[name_word]):
                return str(name_word)
        return None


def _raw_words(name: str) -> list[str]:
    return [w for w in re.split(r"[\W_]+", name.replace("’", "'")) if w]


def _client_of(name: str) -> _Client | None:
    words = tuple(t for t in tokens(name) if t not in NAME_PARTICLES)
    if not words or (len(words) == 1 and len(words[0]) < MIN_SINGLE_WORD):
        return None
    strict = len(words) == 1 and words[0] in COMMON_WORDS
    return _Client(words=words, strict_case=strict)


def _fuzzy_skip() -> frozenset[str]:
    """Capitalised and upper-case forms of common words: never looked up for typos."""
    return frozenset(f for w in COMMON_WORDS for f in (w.capitalize(), w.upper()))


def _buckets(words: Iterable[str], key: Callable[[str], str]) -> dict[str, tuple[str, ...]]:
    buckets: defaultdict[str, list[str]] = defaultdict(list)
    for word in sorted(words):
        buckets[key(word)].append(word)
    return {k: tuple(v) for k, v in buckets.items()}


def _by_anchor(clients: list[_Client], by_word: Mapping[str, list[int]]) -> dict[str, tuple[int, ...]]:
    """Each client filed under its rarest word: a client is complete only if that word was seen,
    so common first names do not make every client with that first name a candidate."""
    anchored: defaultdict[str, list[int]] = defaultdict(list)
    for i, client in enumerate(clients):
        anchored[min(client.words, key=lambda w: (len(by_word[w]), w))].append(i)
    return {w: tuple(ids) for w, ids in anchored.items()}


def _spans(client: _Client, seen: Mapping[str, set[str]], text: str) -> Iterator[tuple[int, int]]:
    parts = ["(?:" + "|".join(re.escape(f) for f in sorted(seen[w], key=len, reverse=True)) + ")"
             for w in client.words]
    body = _SEPARATOR.join(parts)
    if len(parts) == 2:
        body = f"(?:{body}|{parts[1]}{_SEPARATOR}{parts[0]})"
    if client.strict_case:
        pattern = re.compile(rf"(?<!\w)(?:{_title_or_upper(client.words[0], seen)})(?!\w)")
    else:
        pattern = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
    for match in pattern.finditer(text):
        yield match.start(), match.end()


def _title_or_upper(word: str, seen: Mapping[str, set[str]]) -> str:
    forms = {f for form in seen[word] for f in (form.capitalize(), form.upper())}
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
