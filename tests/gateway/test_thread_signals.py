"""Thread signals through the gateway with the official ``openai`` SDK: a regeneration (the same
thread re-sent), an edit-and-resend (an earlier turn changed, history cut after it) and a revision
request ("plus court") are recorded on the event as fields (never the text), and the audit links
them; a new question is not linked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import openai
import pytest
import sqlalchemy as sa

from sobria.audit.waste import detect_waste
from sobria.catalog import load_catalog
from sobria.events.thread import is_revision
from sobria.store.tables import events
from tests.gateway.conftest import Running

SYSTEM = {"role": "system", "content": "Tu es l'assistant de TechVert."}


@pytest.fixture
def client(running: Running) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{running.url}/v1", api_key=running.key, max_retries=0) as client:
        yield client


def _send(client: openai.OpenAI, messages: list[dict[str, Any]]) -> str:
    raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini", messages=messages)  # type: ignore[arg-type]
    return raw.headers["x-sobria-event-id"]


def _rows(running: Running, ids: list[str]) -> list[tuple[Any, ...]]:
    running.drain()
    with running.gw.store.engine.connect() as conn:
        found = {r[0]: tuple(r[1:]) for r in conn.execute(
            sa.select(events.c.event_id, events.c.conversation_id, events.c.thread_turn, events.c.thread_signal,
                      events.c.prompt_text).where(events.c.event_id.in_(ids)))}
    return [found[i] for i in ids]


def _user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def _answer(text: str) -> dict[str, str]:
    return {"role": "assistant", "content": text}


def test_regeneration_edit_revision_and_new_question(client: openai.OpenAI, running: Running) -> None:
    opening = [SYSTEM, _user("Rédige un mail de relance pour le client Dupont (facture 1042)")]
    second = [*opening, _answer("Bonjour Monsieur Dupont…"),
              _user("Ajoute la date d'échéance du 15 mars et un lien de paiement")]
    ids = [
        _send(client, opening),                                              # turn 1: new
        _send(client, second),                                               # turn 2: new (an edit, missed)
        _send(client, second),                                               # turn 2 again: regeneration
        _send(client, [*opening, _answer("Bonjour Monsieur Dupont…"),
                       _user("Ajoute la date d'échéance du 31 mars")]),      # turn 2 edited: edit
        _send(client, [*second, _answer("Bonjour, voici le mail…"), _user("plus court")]),   # revision
        _send(client, [*second, _answer("Bonjour, voici le mail…"), _user("plus court"),
                       _answer("Voici une version courte."),
                       _user("Quelle est la capitale de l'Australie ?")]),   # turn 4: a new question
    ]
    rows = _rows(running, ids)
    conversation = rows[0][0]
    assert str(conversation).startswith("gw-") and {r[0] for r in rows} == {conversation}
    # turn 2 adds to the drafted mail: an edit of the deliverable, which the labelling guideline
    # counts as a re-ask (tests/data/waste/README.md); the revision score of 2026-12-04 (threshold
    # 0.40) flagged it, the one of issue 17 (threshold 0.45, chosen by leave-one-sample-out over
    # seven samples) scores it 0.38 and misses it (docs/waste.md, "Seven samples")
    assert [(r[1], r[2]) for r in rows] == [(1, "new"), (2, "new"), (2, "regeneration"), (2, "edit"),
                                            (3, "revision"), (4, "new")]
    assert {r[3] for r in rows} == {None}          # no text is kept
    flagged = detect_waste(running.gw.store.read_events(), load_catalog()).filter(
        pl_in(ids))
    reasons = dict(zip(flagged["event_id"], flagged["reason"], strict=True))
    assert reasons == {ids[2]: "regeneration", ids[3]: "reformulation", ids[4]: "reformulation"}
    assert set(flagged["chain_id"]) == {ids[1]}          # the chain starts at turn 2, the edit missed


def test_signals_from_the_thread_alone_when_the_previous_request_is_unknown(client: openai.OpenAI,
                                                                               running: Running) -> None:
    """Another gateway process (or a restart) saw the first request: the regeneration is still told
    by the audit, from the turn number and the fingerprint."""
    thread = [SYSTEM, _user("Traduis en anglais le slogan « La sobriété numérique, c'est maintenant »")]
    first = _send(client, thread)
    running.gw.wait_drained()        # the first answer's thread memory is written after its last byte
    running.gw.threads = type(running.gw.threads)()        # a fresh process: no memory of the thread
    again = _send(client, thread)
    assert [(r[1], r[2]) for r in _rows(running, [first, again])] == [(1, "new"), (1, "new")]
    flagged = detect_waste(running.gw.store.read_events(), load_catalog()).filter(pl_in([again]))
    assert (flagged["reason"].to_list(), flagged["chain_id"].to_list()) == (["regeneration"], [first])


def test_the_signal_costs_no_text_for_non_chat_requests(client: openai.OpenAI, running: Running) -> None:
    raw = client.completions.with_raw_response.create(model="gpt-4o-mini", prompt="Bonjour")
    assert _rows(running, [raw.headers["x-sobria-event-id"]]) == [(None, None, None, None)]


def pl_in(ids: list[str]) -> Any:
    import polars as pl
    return pl.col("event_id").is_in(ids)


def test_a_revision_is_read_by_the_revision_score_as_in_an_import(client: openai.OpenAI, running: Running) -> None:
    """A changed constraint with no retry word ("…, plus poli") is a revision by the revision score
    (``events.revision``, the one imports use), which the intent cue alone misses; another second
    turn sent in its place is an edit."""
    first = _user("Rédige un e-mail de relance pour le client Dupont")
    again = _user("Rédige un e-mail de relance pour le client Dupont, plus poli")
    assert not is_revision(again["content"])       # the cue alone would not see it
    ids = [_send(client, [first]),
           _send(client, [first, _answer("Bonjour Monsieur Dupont…"), again]),
           _send(client, [first, _answer("Bonjour Monsieur Dupont…"), _user("Et la capitale de l'Australie ?")])]
    assert [(r[1], r[2]) for r in _rows(running, ids)] == [(1, "new"), (2, "revision"), (2, "edit")]
