"""Prompt fingerprints: near-duplicate detection without keeping the text.

A fingerprint (version ``mh3``) has four parts, computed once at import, after which the text is
dropped (docs/waste.md, "Fingerprints and privacy"):

* a MinHash signature of the prompt's character 5-grams after normalisation (lower case, accents
  removed, whitespace collapsed): 32 values of 32 bits. The share of equal positions between two
  signatures estimates the Jaccard similarity of the two prompts' 5-gram sets (standard error
  about 0.09). Same hash family as versions ``mh1`` and ``mh2``, so all signatures compare;
* a cue letter (``events.intent``): ``r`` when the prompt asks for another try of the previous
  answer ("une autre version", "not what I want", "I still get an error", "give me 5 best"), ``c``
  when it asks to go on ("continue", "la suite"), ``n`` otherwise;
* flag bits, one hexadecimal digit (``events.intent``): the prompt asks for a deliverable
  (``REQUEST``), asks for a different take (``VARIATION``);
* a sketch of the prompt's content words (stop words and generic instruction verbs removed, each
  word lightly stemmed and cut to 6 letters, ``stem``): at most 24 distinct 16-bit hashes, the
  smallest ones. The top bit marks a *salient* word (capitalised inside a sentence, with a digit, or
  quoted): names, figures, quoted sentences, what tells "the same request rephrased" from "the same
  template for another client".

Layout: ``mh3:<cue>:<flags>:<256 hex digits>:<4 hex digits per word>``. Nothing in it can be read
back: each MinHash value is the minimum of a hashed CRC-32 over all 5-grams, each word 15 bits of a
CRC; a guess can only be confirmed. Stable across processes and machines (CRC-32, fixed
coefficients). ``parse`` and ``similarity`` also read ``mh1`` (no cue, flags or words) and ``mh2``
(no flags, words not stemmed: they match ``mh3`` words less often) and raise ``ValueError`` on
anything else.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sobria.events.intent import cue_and_flags

VERSION = "mh3"
OLD_VERSIONS = ("mh1", "mh2")
NUM_HASHES = 32
SHINGLE = 5
MAX_WORDS = 24
STEM = 6
SALIENT_BIT = 0x8000
HEX_DIGITS = "0123456789abcdef"
MINHASH_HEX = NUM_HASHES * 8
_RNG = np.random.default_rng(20250101)
# Multiply-shift hashing (Dietzfelbinger et al.): h(x) = ((a * x + b) mod 2^64) >> 32, a odd.
_A = _RNG.integers(1, 2**63, NUM_HASHES, dtype=np.uint64) | np.uint64(1)
_B = _RNG.integers(0, 2**63, NUM_HASHES, dtype=np.uint64)
_SHIFT = np.uint64(32)
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_QUOTED = re.compile(r"[«\"“]([^»\"”]*)[»\"”]")
_SENTENCES = re.compile(r"[.!?:;\n]+")

# Function words and generic request words: never "content" (French and English, accents removed).
_STOPWORD_TEXT = """
le la les un une des du de d l au aux et ou a en dans sur pour par avec sans sous ce cet cette ces
mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs je tu il elle on nous vous ils elles
me te se moi toi lui qui que quoi dont ou est sont etre ai as avons avez ont fait faire peux peut
plus moins tres tout tous toute toutes pas ne ni si mais car donc comme aussi bien merci stp svp
the an of to in on at for by with without from and or is are be was were this that these those it
its my your our their me you we they he she his her them can could would should will please about
into than then so not no yes do does did have has had what which who how why when where there here
redige ecris ecrire rediger fais propose proposer prepare preparer donne donner trouve aide moi
genere generer cree creer mets faut veux voudrais besoin peux pourrais sujet concernant propos
write make create give generate help need want provide tell show explain list using use like just
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())


@dataclass(frozen=True)
class Fingerprint:
    """A parsed fingerprint: MinHash values, cue letter and content-word hashes."""

    minhash: npt.NDArray[np.uint32]
    cue: str
    words: frozenset[int]
    flags: int = 0


def normalise_text(text: str) -> str:
    return _normalised(_fold(text))


def _normalised(folded: str) -> str:
    return _SPACES.sub(" ", folded.lower()).strip()


def _fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def minhash_hex(norm: str) -> str:
    span = range(max(1, len(norm) - SHINGLE + 1))
    if norm.isascii():       # a byte 5-gram is the character 5-gram: same CRCs, faster
        raw = norm.encode()
        grams: set[bytes] = {raw[i:i + SHINGLE] for i in span}
    else:
        grams = {norm[i:i + SHINGLE].encode() for i in span}
    hashes = np.fromiter(map(zlib.crc32, grams), dtype=np.uint64, count=len(grams))
    mixed = np.multiply.outer(hashes, _A)  # uint64 arithmetic wraps modulo 2^64
    mixed += _B
    mixed >>= _SHIFT
    return str(mixed.min(axis=0).astype(">u4").tobytes().hex())


def cue_of(norm: str) -> str:
    """``r`` (asks for another try), ``c`` (asks to go on) or ``n``, for a normalised prompt."""
    return cue_and_flags(norm, salient=False)[0]


def word_hashes(text: str) -> list[int]:
    """Distinct 16-bit hashes of the content words (stemmed), the ``MAX_WORDS`` smallest, sorted
    (the top bit set for salient ones)."""
    return _word_hashes(_fold(text))


def stem(word: str) -> str:
    """A light, language-agnostic stem: plural and -ing/-ed endings off, then the first ``STEM``
    letters ("ideas" and "idea", "idees" and "idee", "abandonment" and "abandoned" agree)."""
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word[-1] in "sx" and word[-2] not in "sui":
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    return word[:STEM]


def _word_hashes(folded: str) -> list[int]:
    quoted = {w.lower() for q in _QUOTED.findall(folded) for w in _WORD.findall(q)} if '"' in folded or \
        "«" in folded or "“" in folded else set()
    found: dict[int, bool] = {}
    for sentence in _SENTENCES.split(folded):
        for index, raw in enumerate(_WORD.findall(sentence)):
            word = raw.lower()
            if word in STOPWORDS:
                continue
            has_digit = not word.isalpha()
            acronym = raw.isupper() and len(raw) > 1
            if len(word) < 3 and not (has_digit or acronym):
                continue
            salient = has_digit or acronym or (index > 0 and raw[0].isupper()) or word in quoted
            key = zlib.crc32(stem(word).encode()) & 0x7FFF
            found[key] = found.get(key, False) or salient
    return [key | (SALIENT_BIT if found[key] else 0) for key in sorted(found)[:MAX_WORDS]]


def fingerprint(text: str) -> str:
    """The fingerprint of ``text`` (see the module docstring for its layout)."""
    folded = _fold(text)
    norm = _normalised(folded)
    hashes = _word_hashes(folded)
    cue, flags = cue_and_flags(norm, salient=any(v & SALIENT_BIT for v in hashes))
    words = "".join(f"{v:04x}" for v in hashes)
    return f"{VERSION}:{cue}:{flags:x}:{minhash_hex(norm)}:{words}"


def parse(fp: str) -> Fingerprint:
    """Read a fingerprint; an ``mh1`` one has no cue (``n``), no flags and no words, an ``mh2`` one
    no flags (and words cut to 6 letters without stemming: they compare less well with ``mh3``)."""
    version, _, rest = fp.partition(":")
    if version == "mh1" and len(rest) == MINHASH_HEX:
        return Fingerprint(_minhash(rest), "n", frozenset())
    parts = rest.split(":")
    if version == "mh2" and len(parts) == 3:
        parts.insert(1, "0")
    if (version not in (VERSION, "mh2") or len(parts) != 4 or len(parts[0]) != 1 or len(parts[1]) != 1
            or parts[1] not in HEX_DIGITS or len(parts[2]) != MINHASH_HEX or len(parts[3]) % 4):
        raise ValueError(f"not a {VERSION} fingerprint: {fp[:16]}...")
    words = frozenset(int(parts[3][i:i + 4], 16) for i in range(0, len(parts[3]), 4))
    return Fingerprint(_minhash(parts[2]), parts[0], words, int(parts[1], 16))


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the prompts behind two fingerprints (0..1)."""
    return float(np.mean(parse(a).minhash == parse(b).minhash))


def _minhash(payload: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(bytes.fromhex(payload), dtype=">u4").astype(np.uint32)
