"""Does a user turn revise the previous one? A small learned score over text-free pair features.

Where the previous user turn of the thread is at hand — the gateway (a chat request carries its
thread), an import whose records carry the messages (LiteLLM spend logs) — the pair (previous user
turn, this turn) is read once, reduced to twenty numbers (``pair_features``: shared content
words, lengths, the intent cue, wording that refers to the previous answer, edits, pushing back,
a complaint stated as a fact, a new question or deliverable, the turn's position…), scored by a
logistic regression whose coefficients ship as data
(``data/revision_model.json``, trained by ``benchmarks/train_revision.py`` on the development
samples only) and kept as one word: the thread signal ``revision`` or ``new``. Neither text nor
features are stored. docs/waste.md, "Revision score", gives the features, the training and the
evaluation.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import OrderedDict
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from importlib import resources
from itertools import pairwise
from typing import Any

from sobria.events.fingerprint import STOPWORDS, _fold, _normalised, normalise_text, stem
from sobria.events.intent import REQUEST, cue_and_flags

FEATURES = (
    "cue_retry", "cue_continue", "log_length_ratio", "jaccard", "refers_back", "edit_lead", "question", "request",
    "previous_request", "new_salient", "previous_revision", "edit_request", "marker_swap", "earlier_jaccard",
    "pushback", "pasted_both", "coherence", "position", "new_deliverable", "complaint",
)
MOMENTUM_DEPTH = 3     # turns back whose own decision feeds ``previous_revision``
EARLIER_TURNS = 2      # user turns before the previous request compared for ``earlier_jaccard``
COHERENCE_TURNS = 12   # user turns before this one whose consecutive pairs give ``coherence``
POSITION_CAP = 13      # ``position``: user turns before this one, counted up to this (the samples' longest thread)
_WORD = re.compile(r"\w+")
_REFERS = re.compile(
    r"\b(it|this|that|them|these|those|above|previous|your|you|last|same|ca|cela|ceci|le texte|ta reponse|"
    r"ton texte|precedent\w*)\b")
_EDIT = re.compile(
    r"^(?:(?:ok(?:ay)?|yes|oui|now|so|but|mais|and|et|please|can you|could you|peux-tu|pourrais-tu|great|thanks)"
    r"[,.!]? )*(add|change|update|modify|remove|replace|include|use|make|fix|adjust|don'?t|do not|without|"
    r"not|no|also|instead|what about|how about|only|keep|put|rewrite|ajoute|change|modifie|enleve|utilise|"
    r"garde|mets|sans|pas|plus|moins|aussi|except|exclude|avoid|limit|focus)\b")
_QUESTION = re.compile(r"^(what|why|how|who|when|where|which|is|are|do|does|can i|quel\w*|pourquoi|comment|qui)\b")
_LEADS = (r"^(?:(?:ok(?:ay)?|yes|oui|now|so|but|mais|and|et|please|great|thanks|also|then|can you|could you|"
          r"can we|could we|let'?s|let us|we need to|i want (?:you )?to|i need (?:you )?to|i would like (?:you )?to|"
          r"peux-tu|pourrais-tu|on peut)[,.!]? )*")
_EDIT_REQUEST = re.compile(
    _LEADS + r"(add|change|update|modify|remove|replace|include|use|make|fix|adjust|don'?t|do not|without|take out|"
    r"delete|put|shorten|expand|rephrase|rewrite|reword|try|also|instead|what about|how about|only|keep|ajoute|"
    r"change|modifie|enleve|supprime|utilise|garde|mets|sans)\b")
_PUSHBACK = re.compile(
    r"^(no\b|nope|but\b|actually|are you sure|you'?re right|that'?s not|not quite|hmm|wait\b|i think|"
    r"i don'?t think|i meant|sorry|are you|is that|really)")
# a new deliverable: "now …", "next …", "another", "new" ("now write a new poem": the guideline's "one
# more", "another one" after a finished one, "now add comments" are not re-asks)
_NEW_DELIVERABLE = re.compile(
    r"^(?:(?:ok(?:ay)?|great|thanks?|thank you|perfect|good|nice|cool|merci|parfait|super|bien)[,.!]* )*"
    r"(now|next|then|maintenant|ensuite)\b|\b(another|new|next|une autre|un autre|nouveau|nouvelle|suivant\w*)\b")
# a correction or complaint stated as a fact: "that doesn't work", "is not correct", "wrong", "a bug",
# "ne marche pas", "c'est faux", "erreur"
_COMPLAINT = re.compile(
    r"\b(doesn'?t|does not|didn'?t|did not|isn'?t|is not|not|won'?t|can'?t|cannot) (work\w*|compil\w*|run\w*|"
    r"correct|right|what i|show\w*|display\w*|chang\w*|load\w*|fix\w*|solv\w*)\b|\b(wrong|incorrect|"
    r"mistake|bug|broken)\b|\bne (marche|fonctionne|compile|s'?affiche) (pas|plus)\b|\btoujours pas\b|"
    r"\bc'?est faux\b|\berreur\b|\bmarche pas\b")
LONG_TURN = 300        # characters: both turns this long, a text or code pasted again (``pasted_both``)
_ORDINAL = re.compile(r"\b(first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|next|last|premier|"
                      r"premiere|deuxieme|troisieme|quatrieme|cinquieme|\d+)\b")
_CAPITAL = re.compile(r"\b([IVX]{1,5}|[A-Z])\b|(?<=[a-z,;] )([A-Z][a-z]+|[A-Z]{2,})")
_SALIENT = re.compile(r"(?<=[a-z,;] )([A-Z][a-z]+|[A-Z]{2,})|\d+")


@dataclass(frozen=True)
class RevisionModel:
    """Logistic regression over ``FEATURES``: ``intercept + coefficients · x`` > ``threshold``."""

    intercept: float
    coefficients: tuple[float, ...]
    threshold: float

    def probability(self, features: tuple[float, ...]) -> float:
        z = self.intercept + sum(c * x for c, x in zip(self.coefficients, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def default_model() -> RevisionModel:
    """The shipped coefficients (``sobria/events/data/revision_model.json``): read it once per
    import or evaluation and pass it on."""
    raw = json.loads(resources.files("sobria.events").joinpath("data/revision_model.json").read_text("utf-8"))
    coefficients = tuple(float(raw["coefficients"][name]) for name in FEATURES)
    return RevisionModel(float(raw["intercept"]), coefficients, float(raw["threshold"]))


def _content(norm: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(norm) if w not in STOPWORDS and (len(w) >= 3 or not w.isalpha())}


def _markers(text: str, folded_text: str | None = None) -> set[str]:
    """What names the subject of a templated request: numbers, ordinals ("the second scenario"),
    roman numerals and single capitals ("section IV"), capitalised words inside a sentence
    (``folded_text``: ``_fold(text)`` when known, used when the text is short enough)."""
    folded = folded_text if folded_text is not None and len(text) <= 600 else _fold(text[:600])
    return ({m.group(0) for m in _ORDINAL.finditer(_normalised(folded))}
            | {m.group(0) for m in _CAPITAL.finditer(folded)})


def _jaccard(a: AbstractSet[object], b: AbstractSet[object]) -> float:
    """Word Jaccard of two word sets (the words themselves or their hashes)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


@dataclass(frozen=True, slots=True)
class TurnFeatures:
    """What the revision score reads of one user turn, with no text in it: counts, flags and the
    turn's words as keyed hashes (Python's per-process string hash), so that a gateway process may
    keep them across the requests of a conversation (each re-sends its earlier turns)."""

    chars: int
    words: int                          # of the normalised text
    cue: str                            # intent cue of the normalised text
    flags: int
    continues: bool                     # a "continue" turn (cue of its first 200 characters)
    mine: frozenset[int]                # content words as the later turn of a pair (the head of a long turn)
    salient: frozenset[int]             # salient words of the first 600 folded characters
    salient_head: tuple[int, ...]       # salient words of the first 160 folded characters
    markers: frozenset[int]             # subject markers (_markers)
    refers: bool
    edit_lead: bool
    question: bool
    edit_request: bool
    pushback: bool
    new_deliverable: bool
    complaint: bool


def _hashed(words: set[str]) -> frozenset[int]:
    return frozenset(hash(w) for w in words)


def turn_content(text: str) -> frozenset[int]:
    """The content words of a turn's first 600 normalised characters (hashed): what ``coherence``
    and ``earlier_jaccard`` read of the turns around a pair, and the earlier turn of a pair."""
    return _hashed(_content(_normalised(_fold(text))[:600]))


def read_turn(text: str, content: frozenset[int] | None = None) -> tuple[TurnFeatures, frozenset[int]]:
    """The :class:`TurnFeatures` of one user turn and its :func:`turn_content` (``content``: when
    already known), the text folded and normalised once."""
    folded = _fold(text)
    norm = _normalised(folded)
    head = norm[:160]
    if content is None:
        content = _hashed(_content(norm[:600]))
    cue, flags = cue_and_flags(norm, salient=False)
    start = cue if len(text) <= 200 else cue_and_flags(normalise_text(text[:200]), salient=False)[0]  # short: same
    features = TurnFeatures(
        chars=len(text), words=norm.count(" ") + 1, cue=cue, flags=flags, continues=start == "c",
        mine=_hashed(_content(head)) if len(norm) > 600 else content,
        salient=frozenset(hash(w) for w in _SALIENT.findall(folded[:600])),
        salient_head=tuple(hash(w) for w in _SALIENT.findall(folded[:160])),
        markers=_hashed(_markers(text, folded)),
        refers=_REFERS.search(" ".join(head.split()[:8])) is not None,
        edit_lead=_EDIT.search(head) is not None, question=_QUESTION.search(head) is not None and "?" in head,
        edit_request=_EDIT_REQUEST.search(head) is not None, pushback=_PUSHBACK.search(head) is not None,
        new_deliverable=_NEW_DELIVERABLE.search(head) is not None, complaint=_COMPLAINT.search(head) is not None)
    return features, content


TURN_CACHE = 20_000    # turns whose features a ``Turns`` cache keeps (the oldest forgotten first)


class Turns:
    """What the revision score has read of each user turn, read once: within one decision
    (``thread_revision`` scores up to ``MOMENTUM_DEPTH`` + 1 pairs of one thread, with ``coherence``
    over the same turns) and, with ``keep=True``, across calls: keyed by a 16-byte BLAKE2b digest of
    the turn, bounded (``TURN_CACHE`` turns), holding no text (hashed words, flags, counts): the
    gateway's ``ThreadMemory`` keeps one, so that a conversation's earlier turns, re-sent with each
    request, are not read again. Call :meth:`done` after each decision (texts are forgotten)."""

    __slots__ = ("_content", "_digests", "_features", "_keep")

    def __init__(self, keep: bool = False) -> None:
        self._keep = keep
        self._digests: dict[str, bytes] = {}   # kept: per decision, text -> its digest
        self._content: OrderedDict[bytes | str, frozenset[int]] = OrderedDict()
        self._features: OrderedDict[bytes | str, TurnFeatures] = OrderedDict()

    def _key(self, text: str) -> bytes | str:
        """The text itself within one call; its digest (computed once per decision) when kept."""
        if not self._keep:
            return text
        key = self._digests.get(text)
        if key is None:
            key = self._digests[text] = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=16).digest()
        return key

    def content(self, text: str) -> frozenset[int]:
        key = self._key(text)
        found = self._content.get(key)
        if found is None:
            found = self._content[key] = turn_content(text)
            _bound(self._content)
        elif self._keep:
            self._content.move_to_end(key)
        return found

    def of(self, text: str) -> TurnFeatures:
        key = self._key(text)
        found = self._features.get(key)
        if found is None:
            found, content = read_turn(text, self._content.get(key))
            self._features[key] = found
            if key not in self._content:
                self._content[key] = content
                _bound(self._content)
            _bound(self._features)
        elif self._keep:
            self._features.move_to_end(key)
        return found

    def done(self) -> None:
        """End of one decision: forget the texts (a kept cache keeps its text-free entries)."""
        self._digests.clear()
        if not self._keep:
            self._content.clear()
            self._features.clear()


def _bound(cache: OrderedDict[bytes | str, Any]) -> None:
    while len(cache) > TURN_CACHE:
        cache.popitem(last=False)


def coherence(thread: Sequence[str], turns: Turns | None = None) -> float:
    """How much a thread's user turns stay on one thing: the mean word Jaccard of its consecutive
    user turns (the last ``COHERENCE_TURNS``); 0 with fewer than two. A thread that keeps refining
    one deliverable scores high, a string of unrelated questions low."""
    memo = turns or Turns()
    words = [memo.content(t) for t in thread[-COHERENCE_TURNS:]]
    if len(words) < 2:
        return 0.0
    return sum(_jaccard(a, b) for a, b in pairwise(words)) / (len(words) - 1)


def pair_features(previous: str, text: str, previous_revision: bool = False,
                  earlier: Sequence[str] = (), thread: Sequence[str] = (),
                  turns: Turns | None = None) -> tuple[float, ...]:
    """The ``FEATURES`` of ``text`` following ``previous`` (two user turns of one thread);
    ``previous_revision``: ``previous`` itself revised the request before it (a chain under way);
    ``earlier``: the user turns just before ``previous`` (``EARLIER_TURNS`` at most), whose best
    word Jaccard with ``text`` says whether the request goes back further than the previous turn;
    ``thread``: all the user turns before ``text``, in order (``coherence``; their number, up to
    ``POSITION_CAP``, is ``position``); ``turns``: the turns already read (:class:`Turns`)."""
    memo = turns or Turns()
    now, before = memo.of(text), memo.of(previous)
    mine, theirs = now.mine, memo.content(previous)
    new_salient = any(s not in before.salient for s in now.salient_head)
    jaccard = _jaccard(mine, theirs)
    return (
        float(now.cue == "r"), float(now.cue == "c"),
        math.log((1 + now.words) / (1 + before.words)), jaccard,
        float(now.refers), float(now.edit_lead), float(now.question),
        float(bool(now.flags & REQUEST)), float(bool(before.flags & REQUEST)), float(new_salient),
        float(previous_revision), float(now.edit_request),
        # the same request again with its subject swapped: "…the second scenario" after "…the first scenario"
        float(bool(now.markers - before.markers) and bool(before.markers - now.markers) and jaccard >= 0.3),
        max((_jaccard(mine, memo.content(e)) for e in earlier[-EARLIER_TURNS:]), default=0.0),
        # pushing back on the answer ("no, …", "are you sure", "you're right, but…")
        float(now.pushback),
        float(now.chars > LONG_TURN and before.chars > LONG_TURN),
        coherence(thread, memo),
        math.log1p(min(len(thread), POSITION_CAP)),
        float(now.new_deliverable), float(now.complaint),
    )


def previous_request(user_turns: Sequence[str], turns: Turns | None = None) -> int | None:
    """The index of the user turn the last one follows: the one before it, skipping "continue"
    turns (a revision redoes what they continued); None for a thread's first turn."""
    memo = turns or Turns()
    for index in range(len(user_turns) - 2, -1, -1):
        if not memo.of(user_turns[index]).continues:
            return index
    return None


def thread_revision(user_turns: Sequence[str], model: RevisionModel, depth: int = MOMENTUM_DEPTH,
                    turns: Turns | None = None) -> bool:
    """Does the last of a thread's user turns revise the request before it (``previous_request``)?
    Whether that one was itself a revision is decided the same way, ``depth`` turns back at most
    (the turns read once for all these decisions: ``Turns``)."""
    memo = turns or Turns()
    previous = previous_request(user_turns, memo)
    if previous is None:
        return False
    chained = depth > 0 and thread_revision(user_turns[:previous + 1], model, depth - 1, memo)
    earlier = user_turns[max(0, previous - EARLIER_TURNS):previous]
    features = pair_features(user_turns[previous], user_turns[-1], chained, earlier, user_turns[:-1], memo)
    return model.probability(features) >= model.threshold


def revision_probability(previous: str, text: str, model: RevisionModel, previous_revision: bool = False,
                         earlier: Sequence[str] = (), thread: Sequence[str] = ()) -> float:
    return model.probability(pair_features(previous, text, previous_revision, earlier, thread))


def is_revision_of(previous: str, text: str, model: RevisionModel, previous_revision: bool = False,
                   earlier: Sequence[str] = (), thread: Sequence[str] = ()) -> bool:
    """Does ``text`` ask again for what ``previous`` asked (a retry, an edit, a correction, a
    changed constraint), by the model's threshold? ``earlier``: the turns before ``previous``;
    ``thread``: all the user turns before ``text``."""
    return model.probability(pair_features(previous, text, previous_revision, earlier, thread)) >= model.threshold
