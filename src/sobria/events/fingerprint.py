"""Prompt fingerprints: near-duplicate detection without keeping the text.

A fingerprint (version ``mh2``) has three parts, computed once at import, after which the text is
dropped (docs/waste.md, "Fingerprints and privacy"):

* a MinHash signature of the prompt's character 5-grams after normalisation (lower case, accents
  removed, whitespace collapsed): 32 values of 32 bits. The share of equal positions between two
  signatures estimates the Jaccard similarity of the two prompts' 5-gram sets (standard error
  about 0.09). Same hash family as version ``mh1``, so old and new signatures compare;
* a cue letter: ``r`` when a short prompt asks for another try ("une autre version", "plus court",
  "rewrite it"), ``c`` when it asks to go on ("continue", "la suite"), ``n`` otherwise;
* a sketch of the prompt's content words (stop words and generic instruction verbs removed, each
  word cut to 6 letters): at most 24 distinct 16-bit hashes, the smallest ones. The top bit marks a
  *salient* word (capitalised inside a sentence, with a digit, or quoted): names, figures, quoted
  sentences, what tells "the same request rephrased" from "the same template for another client".

Layout: ``mh2:<cue>:<256 hex digits>:<4 hex digits per word>``. Nothing in it can be read back:
each MinHash value is the minimum of a hashed CRC-32 over all 5-grams, each word 15 bits of a CRC;
a guess can only be confirmed. Stable across processes and machines (CRC-32, fixed coefficients).
``parse`` and ``similarity`` read ``mh1`` and ``mh2`` values and raise ``ValueError`` otherwise.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

VERSION = "mh2"
OLD_VERSIONS = ("mh1",)
NUM_HASHES = 32
SHINGLE = 5
MAX_WORDS = 24
STEM = 6
SALIENT_BIT = 0x8000
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

# Cues (matched on normalised text: lower case, no accents), French and English. A short prompt
# that asks to go on; a short prompt that asks for another try; a strong "try again" phrase near
# the start of any prompt.
CONTINUATION = re.compile(
    r"^(please,? |ok,? |yes,? |correct,? |merci,? |oui,? )*(continue\w*|la suite|suite|termine|finis|acheve|"
    r"poursuis|go on|keep going|carry on|go ahead|finish|proceed|more|next)\b|"
    r"\b(tu t'es arrete|you stopped|where you left off|continue (a partir|from|with|writing|to))\b")
RETRY = re.compile(
    r"\b(une? autre|autre version|encore une?|reformule\w*|recommence\w*|refais|refaire|reessaie|"
    r"plus (court|courte|long|longue|simple|formel|formelle|percutant\w*|dynamique|concis\w*|clair\w*)|"
    r"moins (long|formel|commercial|technique)|change le ton|another|again|rewrite|rephrase|reword|"
    r"regenerate|redo|try once more|one more|shorter|longer|simpler|more (formal|casual|concise|exciting)|"
    r"less (formal|wordy)|different version|new version|(some )?other (ideas|options|suggestions|versions)|"
    r"d'autres (idees|propositions|versions))\b")
STRONG_RETRY = re.compile(
    r"\b(try again|redo|rewrite (it|this|that)|rephrase|regenerate|reformule\w*|recommence\w*|refais|"
    r"not what i (want|asked|meant|need)\w*|ce n'est pas ce que|(write|do|give me) the same \w+ (but|in|with)|"
    r"une autre version|another version|make it (shorter|longer|simpler)|too (long|big|short)|"
    r"start (again|over|from the beginn?ing)|depuis le debut)\b")
CUE_MAX_WORDS = 15          # only a short prompt can be a bare "again"
CONTINUATION_MAX_WORDS = 8
STRONG_RETRY_SPAN = 120     # characters from the start where a strong "try again" phrase counts
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
    words = norm.count(" ") + 1
    if words <= CONTINUATION_MAX_WORDS and CONTINUATION.search(norm):
        return "c"
    if (words <= CUE_MAX_WORDS and RETRY.search(norm)) or STRONG_RETRY.search(norm[:STRONG_RETRY_SPAN]):
        return "r"
    return "n"


def word_hashes(text: str) -> list[int]:
    """Distinct 16-bit hashes of the content words, the ``MAX_WORDS`` smallest, sorted (the top
    bit set for salient ones)."""
    return _word_hashes(_fold(text))


def _word_hashes(folded: str) -> list[int]:
    quoted = {w.lower() for q in _QUOTED.findall(folded) for w in _WORD.findall(q)}
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
            key = zlib.crc32(word[:STEM].encode()) & 0x7FFF
            found[key] = found.get(key, False) or salient
    return [key | (SALIENT_BIT if found[key] else 0) for key in sorted(found)[:MAX_WORDS]]


def fingerprint(text: str) -> str:
    """The fingerprint of ``text`` (see the module docstring for its layout)."""
    folded = _fold(text)
    norm = _normalised(folded)
    words = "".join(f"{v:04x}" for v in _word_hashes(folded))
    return f"{VERSION}:{cue_of(norm)}:{minhash_hex(norm)}:{words}"


def parse(fp: str) -> Fingerprint:
    """Read a fingerprint; an ``mh1`` one has no cue (``n``) and no words."""
    version, _, rest = fp.partition(":")
    if version in OLD_VERSIONS and len(rest) == MINHASH_HEX:
        return Fingerprint(_minhash(rest), "n", frozenset())
    parts = rest.split(":")
    if version != VERSION or len(parts) != 3 or len(parts[1]) != MINHASH_HEX or len(parts[2]) % 4:
        raise ValueError(f"not a {VERSION} fingerprint: {fp[:16]}...")
    words = frozenset(int(parts[2][i:i + 4], 16) for i in range(0, len(parts[2]), 4))
    return Fingerprint(_minhash(parts[1]), parts[0], words)


def similarity(a: str, b: str) -> float:
    """Estimated Jaccard similarity of the prompts behind two fingerprints (0..1)."""
    return float(np.mean(parse(a).minhash == parse(b).minhash))


def _minhash(payload: str) -> npt.NDArray[np.uint32]:
    return np.frombuffer(bytes.fromhex(payload), dtype=">u4").astype(np.uint32)
