"""What a chat request does to its thread, read from the messages it carries (never stored).

A chat client sends the whole thread with every request, so the request itself tells where it
stands: how many user turns it carries (``turn``) and whether its last user turn asks to redo the
previous answer. With the previous request of the same conversation (when the caller keeps it),
it also tells a regeneration from an edit. The result is a signal, one of ``SIGNALS``:

* ``regeneration``: the same thread re-sent with the same last user turn (the "regenerate" button,
  or the same message sent again);
* ``edit``: an earlier user turn changed and the history cut after it ("edit and resend"), or the
  last user turn replaced before any answer to it was kept (same turn number, other text);
* ``revision``: a new user turn that asks again for what the previous one asked ("plus court",
  "more formal", "une autre version", the same request with a changed constraint), with an answer
  before it in the thread: the revision score of ``events.revision`` with the previous user turn
  (``ThreadMemory``'s default, as imports do: ``logged_signal``), or the intent cue ``r`` of
  ``events.intent`` alone without a model;
* ``new``: anything else (a first turn, a follow-up, a new question).

Without the previous request only ``revision`` and ``new`` can be told; the audit (``audit.chains``)
then compares consecutive events of one conversation by their ``thread_turn`` and fingerprints:
the same turn number with the same fingerprint is a regeneration, a turn number not above the
previous one an edit. Only the signal and the turn number are kept: digests of the turns are used
in memory, for the comparison with the previous request, and dropped.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sobria.events.fingerprint import normalise_text
from sobria.events.intent import cue_and_flags
from sobria.events.messages import content_text
from sobria.events.revision import RevisionModel, Turns, default_model, thread_revision

NEW = "new"
REVISION = "revision"
REGENERATION = "regeneration"
EDIT = "edit"
SIGNALS = (NEW, REVISION, REGENERATION, EDIT)
_ANSWER_ROLES = frozenset({"assistant", "tool", "function"})


@dataclass(frozen=True, slots=True)
class Thread:
    """The shape of one request's thread: a digest per user turn (in order) and whether an answer
    comes before the last user turn. Digests are 8-byte BLAKE2b of the turn's text: compared in
    memory with the previous request's, never written."""

    user_turns: tuple[bytes, ...]
    answered: bool

    @property
    def turn(self) -> int:
        return len(self.user_turns)


@dataclass(frozen=True, slots=True)
class ThreadSignal:
    turn: int
    signal: str


def thread_of(messages: Sequence[Any]) -> Thread | None:
    """The thread shape of a chat ``messages`` list; None when it has no user turn."""
    turns = [hashlib.blake2b(content_text(m.get("content")).encode("utf-8", "replace"), digest_size=8).digest()
             for m in messages if isinstance(m, dict) and m.get("role") == "user"]
    if not turns:
        return None
    return Thread(tuple(turns), _answer_before_last_user(messages))


def _answer_before_last_user(messages: Sequence[Any]) -> bool:
    seen_user = False
    for message in reversed(messages):
        if not isinstance(message, dict):
            continue
        role = message.get("role")
        if role == "user":
            seen_user = True
        elif seen_user and role in _ANSWER_ROLES:
            return True
    return False


def last_user_text(messages: Sequence[Any]) -> str | None:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return content_text(message.get("content"))
    return None


def user_texts(messages: Sequence[Any]) -> list[str]:
    """The text of each user turn of a ``messages`` list, in order."""
    return [content_text(m.get("content")) for m in messages if isinstance(m, dict) and m.get("role") == "user"]


def logged_signal(messages: Sequence[Any], model: RevisionModel) -> ThreadSignal | None:
    """The turn number and signal of a logged chat request (an import: no previous request at hand,
    so ``revision`` or ``new`` only): ``revision`` when an answer comes before the last user turn
    and the revision score (``events.revision``, with the previous user turn) says so; None
    without a user turn."""
    thread = thread_of(messages)
    if thread is None:
        return None
    revision = thread.answered and thread_revision(user_texts(messages), model)
    return ThreadSignal(thread.turn, REVISION if revision else NEW)


def classify(messages: Sequence[Any], previous: Sequence[Any] | Thread | None = None,
             cue: str | None = None) -> ThreadSignal | None:
    """The turn number and signal of a chat request's ``messages``, given the previous request of
    the same conversation (its messages or its ``Thread``) when known; None without a user turn.
    ``cue``: the intent cue of the last user turn when the caller already has it (the prompt
    fingerprint's), so that the wording is not read twice."""
    thread = thread_of(messages)
    if thread is None:
        return None
    return _classified(thread, messages, previous, cue)


def _classified(thread: Thread, messages: Sequence[Any], previous: Sequence[Any] | Thread | None,
                cue: str | None, model: RevisionModel | None = None, turns: Turns | None = None) -> ThreadSignal:
    before = previous if isinstance(previous, Thread) or previous is None else thread_of(previous)
    if before is not None:
        relation = relation_to(thread, before)
        if relation is not None:
            return ThreadSignal(thread.turn, relation)
    if not thread.answered:
        return ThreadSignal(thread.turn, NEW)
    if model is not None:   # the revision score, with the previous user turn (as an import's)
        try:
            revision = thread_revision(user_texts(messages), model, turns=turns)
        finally:
            if turns is not None:
                turns.done()    # no text kept past the decision
    else:
        revision = is_revision(last_user_text(messages) or "") if cue is None else cue == "r"
    return ThreadSignal(thread.turn, REVISION if revision else NEW)


def relation_to(thread: Thread, before: Thread) -> str | None:
    """``regeneration`` or ``edit`` when ``thread`` redoes a turn of ``before``, else None (a later
    turn, or another thread)."""
    n = thread.turn
    if n > before.turn:
        return None
    if thread.user_turns[:n - 1] != before.user_turns[:n - 1]:
        return None          # the history before the last turn differs: another thread
    return REGENERATION if thread.user_turns[n - 1] == before.user_turns[n - 1] else EDIT


def is_revision(text: str) -> bool:
    """Does this user turn ask for another take on the previous answer (intent cue ``r``)?"""
    return cue_and_flags(normalise_text(text), salient=False)[0] == "r"


@dataclass
class ThreadMemory:
    """The last thread shape seen per conversation id (digests only, never text), bounded: the
    caller's own state (a gateway process keeps one), so that a regeneration or an edit is told
    from the previous request of its conversation. Oldest conversations are forgotten first."""

    max_entries: int = 50_000
    model: RevisionModel | None = field(default_factory=default_model)  # the revision score; None: the cue alone
    _last: OrderedDict[str, Thread] = field(default_factory=OrderedDict)
    # the revision score's reading of the turns met (text-free, by digest): a conversation's earlier
    # turns, re-sent with each request, are read once
    _turns: Turns = field(default_factory=lambda: Turns(keep=True))

    def classify(self, conversation: str | None, messages: Sequence[Any],
                 cue: str | None = None) -> ThreadSignal | None:
        """``classify`` against this conversation's previous request, then remember this one; a new
        turn after an answer is a ``revision`` by the revision score (``model``) when there is one,
        else by the intent cue (``cue``, or read from the last user turn)."""
        thread = thread_of(messages)
        if thread is None:
            return None
        if conversation is None:
            return _classified(thread, messages, None, cue, self.model, self._turns)
        previous = self._last.pop(conversation, None)
        self._last[conversation] = thread
        while len(self._last) > self.max_entries:
            self._last.popitem(last=False)
        return _classified(thread, messages, previous, cue, self.model, self._turns)
