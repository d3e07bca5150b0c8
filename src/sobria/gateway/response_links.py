"""Where a Responses API request stands in its conversation, from ``previous_response_id``.

A chat client sends the whole thread with every request; a Responses client may send only the new
turn and name the answer it follows (``previous_response_id``), the provider keeping the thread. The
gateway then keeps, per answer it relayed, the conversation id and the shape of the thread up to it
(digests of the user turns, never text, ``events.thread.Thread``), so that a follow-up gets the same
conversation id and the next turn number, and a request that redoes a turn (the same
``previous_response_id`` again) is told a regeneration or an edit, as in chat.

This memory is the gateway process's own and bounded (oldest answers forgotten first): a follow-up
of an answer it does not know (relayed by another process, or before a restart) still gets a
conversation id of its own (a hash of the key and of that answer's id, shared by its siblings) and
a turn number counting one unknown turn before it.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from sobria.events.thread import (
    NEW,
    REVISION,
    Thread,
    ThreadSignal,
    is_revision,
    message_text,
    relation_to,
    thread_of,
)
from sobria.gateway.call import conversation_id
from sobria.gateway.inbound import Inbound, chat_messages

MAX_ENTRIES = 50_000
_UNKNOWN_TURN = b"\x00" * 8  # the digest standing for the turns of an answer this process did not relay


@dataclass(frozen=True, slots=True)
class Link:
    """What the gateway remembers of one answer it relayed."""

    conversation: str
    thread: Thread
    key_id: str
    upstream: str | None


@dataclass(frozen=True, slots=True)
class Placed:
    """A request's conversation and thread shape (``thread`` None: no user turn)."""

    conversation: str | None
    thread: Thread | None


@dataclass
class ResponseLinks:
    max_entries: int = MAX_ENTRIES
    _answers: OrderedDict[str, Link] = field(default_factory=OrderedDict)
    _last: OrderedDict[str, Thread] = field(default_factory=OrderedDict)  # per conversation: its latest request

    def place(self, key_id: str, inbound: Inbound, previous_id: str | None, named: str | None) -> Placed:
        """Set ``inbound.conversation`` and ``inbound.thread_signal`` (``named``: a Conversations
        API id, which keeps the thread on the provider's side too)."""
        messages = chat_messages(inbound)
        own = thread_of(messages)
        prior: Thread | None = None
        if previous_id is not None:
            link = self._answers.get(previous_id)
            if link is not None and link.key_id == key_id:
                conversation, prior = link.conversation, link.thread
            else:
                conversation, prior = _hashed(key_id, "previous", previous_id), Thread((_UNKNOWN_TURN,), False)
        elif named is not None:
            conversation = _hashed(key_id, "conversation", named)
            prior = self._last.get(conversation)
        else:
            conversation = conversation_id(key_id, inbound) or _hashed(key_id, "empty", "")
        inbound.conversation = conversation
        if own is None:
            return Placed(conversation, None)
        thread = own if prior is None else Thread(prior.user_turns + own.user_turns, True)
        before = self._last.pop(conversation, None)
        self._last[conversation] = thread
        _bound(self._last, self.max_entries)
        relation = relation_to(thread, before) if before is not None else None
        if relation is None:
            last_user: dict[str, Any] = next((m for m in reversed(messages) if m.get("role") == "user"), {})
            revision = thread.answered and is_revision(message_text(last_user.get("content")))
            relation = REVISION if revision else NEW
        inbound.thread_signal = ThreadSignal(thread.turn, relation)
        return Placed(conversation, thread)

    def remember(self, answer_id: str | None, key_id: str, placed: Placed, upstream: str | None) -> None:
        """Keep what a follow-up of the answer ``answer_id`` needs."""
        if answer_id is None or placed.conversation is None:
            return
        thread = placed.thread or Thread((), False)
        self._answers[answer_id] = Link(placed.conversation, thread, key_id, upstream)
        _bound(self._answers, self.max_entries)

    def get(self, answer_id: str) -> Link | None:
        return self._answers.get(answer_id)

    def forget(self, answer_id: str) -> None:
        self._answers.pop(answer_id, None)


def _hashed(key_id: str, kind: str, value: str) -> str:
    return "gw-" + hashlib.sha256(f"{key_id}\x1f{kind}\x1f{value}".encode()).hexdigest()[:20]


def _bound(table: OrderedDict[str, Any], limit: int) -> None:
    while len(table) > limit:
        table.popitem(last=False)
