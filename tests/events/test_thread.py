"""The thread classifier: turn numbers and signals from the messages alone and against the
previous request of the same conversation."""

from __future__ import annotations

from typing import Any

import pytest

from sobria.events.thread import ThreadMemory, ThreadSignal, classify, is_revision, thread_of


def u(text: str) -> dict[str, Any]:
    return {"role": "user", "content": text}


def a(text: str) -> dict[str, Any]:
    return {"role": "assistant", "content": text}


SYSTEM = {"role": "system", "content": "You are helpful."}
T1 = [SYSTEM, u("Write a haiku about the sea")]
T2 = [*T1, a("Waves..."), u("Now one about the mountains")]


def test_first_turn_and_follow_up_are_new() -> None:
    assert classify(T1) == ThreadSignal(1, "new")
    assert classify(T2) == ThreadSignal(2, "new")
    assert classify(T2, T1) == ThreadSignal(2, "new")


def test_same_thread_again_is_a_regeneration() -> None:
    assert classify(T2, T2) == ThreadSignal(2, "regeneration")
    assert classify(T1, T2) == ThreadSignal(1, "regeneration")   # back to turn 1, same text: redone


def test_changed_turn_with_history_cut_is_an_edit() -> None:
    edited = [*T1, a("Waves..."), u("Now one about the hills")]
    assert classify(edited, T2) == ThreadSignal(2, "edit")
    assert classify([SYSTEM, u("Write a haiku about the moon")], T2) == ThreadSignal(1, "edit")


def test_another_thread_is_not_related() -> None:
    other = [SYSTEM, u("Translate 'bonjour'"), a("Hello"), u("And 'merci'?")]
    assert classify(other, T2) == ThreadSignal(2, "new")


@pytest.mark.parametrize(("text", "signal"), [
    ("plus court", "revision"), ("make it more formal", "revision"), ("une autre version stp", "revision"),
    ("that doesn't work, I still get an error", "revision"), ("continue", "new"),
    ("Quelle est la capitale de l'Australie ?", "new"),
])
def test_revision_requests_need_an_answer_before_them(text: str, signal: str) -> None:
    assert classify([*T1, a("Waves..."), u(text)]) == ThreadSignal(2, signal)
    assert classify([u(text)]) == ThreadSignal(1, "new")      # nothing to revise yet


def test_content_parts_and_threads_without_user_turns() -> None:
    parts = [{"role": "user", "content": [{"type": "text", "text": "Write a haiku about the sea"}]}]
    assert thread_of(parts) == thread_of([u("Write a haiku about the sea")])
    assert classify([SYSTEM]) is None and classify([]) is None
    assert is_revision("shorter") and not is_revision("Write a haiku")


def test_memory_remembers_each_conversation_and_forgets_the_oldest() -> None:
    memory = ThreadMemory(max_entries=2)
    assert memory.classify("c1", T2) == ThreadSignal(2, "new")
    assert memory.classify("c1", T2) == ThreadSignal(2, "regeneration")
    assert memory.classify(None, T2) == ThreadSignal(2, "new")       # no conversation: nothing remembered
    memory.classify("c2", T1)
    memory.classify("c3", T1)                                          # c1 is forgotten
    assert memory.classify("c1", T2) == ThreadSignal(2, "new")
    assert memory.classify("c3", T1) == ThreadSignal(1, "regeneration")
