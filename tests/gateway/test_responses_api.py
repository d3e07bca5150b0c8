"""The OpenAI Responses API through the gateway, with the official ``openai`` SDK (streamed and not):
the event with the measured usage, the footprint headers, the charter on ``input`` and
``instructions``, the conversation from ``previous_response_id``, stored answers passed through."""

from __future__ import annotations

from collections.abc import Iterator

import openai
import polars as pl
import pytest

from sobria.audit.waste import detect_waste
from sobria.catalog import load_catalog
from sobria.events.fingerprint import fingerprint
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from tests.gateway.apis_support import OPENAI_KEY, Apis, apis  # noqa: F401

IBAN = "FR76 3000 6000 0112 3456 7890 189"
BLOCKED = ("Requête refusée : elle contient des identifiants (sécurité sociale, IBAN, carte, SIREN, TVA) (iban) "
           "; ce type de données est interdit dans un outil sous contrat entreprise. Retirez-les avant d'envoyer.")


@pytest.fixture
def client(apis: Apis) -> Iterator[openai.OpenAI]:  # noqa: F811
    with openai.OpenAI(base_url=f"{apis.url}/v1", api_key=apis.key, max_retries=0) as client:
        yield client


def test_not_streamed_usage_cached_tokens_and_footprint(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.responses.with_raw_response.create(model="gpt-4o-mini", instructions="Tu es concis",
                                                    input="Résume ce compte rendu")
    response = raw.parse()
    assert response.output_text == "echo: Résume ce compte rendu"
    assert (raw.headers["x-sobria-model"], raw.headers["x-sobria-decision"]) == ("gpt-4o-mini", "allow")
    event = apis.event(raw.headers["x-sobria-event-id"])
    # 3 + 4 words in, the 3 of the instructions cached; 5 words out
    assert (event["input_tokens"], event["cached_input_tokens"], event["output_tokens"]) == (7, 3, 5)
    assert (event["status_code"], event["operation"], event["tier"], event["reasoning_tokens"]) == (200, "chat",
                                                                                                  "measured", 0)
    direct = estimate_request(Estimator(load_catalog()), Request("openai", "gpt-4o-mini", output_tokens=5,
                                                                 input_tokens=7, cached_input_tokens=3,
                                                                 operation="chat"))
    assert event["gwp_kgco2e_max"] == pytest.approx(direct.gwp_kgco2e.max, rel=1e-9)
    assert float(raw.headers["x-sobria-carbon-g"]) == pytest.approx(direct.gwp_kgco2e.central * 1000, rel=1e-5)
    assert float(raw.headers["x-sobria-energy-wh"]) == pytest.approx(direct.energy_kwh.central * 1000, rel=1e-5)
    assert event["prompt_fingerprint"] == fingerprint("Résume ce compte rendu")
    assert (event["conversation_id"][:3], event["thread_turn"], event["thread_signal"]) == ("gw-", 1, "new")
    assert apis.upstream.headers[-1]["authorization"] == f"Bearer {OPENAI_KEY}"  # the organisation's key


def test_streamed_events_and_usage_from_response_completed(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.responses.with_raw_response.create(
        model="gpt-4o-mini", stream=True,
        input=[{"role": "user", "content": [{"type": "input_text", "text": "un deux trois quatre"}]}])
    kinds, text, usage = [], [], None
    for item in raw.parse():
        kinds.append(item.type)
        if item.type == "response.output_text.delta":
            text.append(item.delta)
        if item.type == "response.completed":
            usage = item.response.usage
    assert "".join(text) == "echo: un deux trois quatre"
    assert kinds[0] == "response.created" and kinds[-1] == "response.completed"
    assert usage is not None and (usage.input_tokens, usage.output_tokens) == (4, 5)
    assert raw.headers["x-sobria-footprint"] == "estimate"
    event = apis.event(raw.headers["x-sobria-event-id"])
    assert (event["input_tokens"], event["output_tokens"], event["status_code"], event["stream"]) == (4, 5, 200,
                                                                                                      True)
    assert "stream_options" not in apis.upstream.received[-1]  # not an OpenAI chat body: nothing added


def test_previous_response_id_links_the_conversation(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    first = client.responses.with_raw_response.create(model="gpt-4o-mini",
                                                      input="Rédige un mail de relance pour la facture 1042")
    follow = client.responses.with_raw_response.create(model="gpt-4o-mini", previous_response_id=first.parse().id,
                                                       input="Ajoute la date d'échéance du 15 mars")
    again = client.responses.with_raw_response.create(model="gpt-4o-mini", previous_response_id=first.parse().id,
                                                      input="Ajoute la date d'échéance du 15 mars")
    shorter = client.responses.with_raw_response.create(model="gpt-4o-mini", previous_response_id=again.parse().id,
                                                        input="plus court")
    rows = [apis.event(r.headers["x-sobria-event-id"]) for r in (first, follow, again, shorter)]
    assert len({r["conversation_id"] for r in rows}) == 1
    assert [(r["thread_turn"], r["thread_signal"]) for r in rows] == [(1, "new"), (2, "new"), (2, "regeneration"),
                                                                      (3, "revision")]
    assert apis.upstream.received[-1]["previous_response_id"] == again.parse().id  # passed on as it is
    ids = [r["event_id"] for r in rows]
    flagged = detect_waste(apis.gw.store.read_events(), load_catalog()).filter(pl.col("event_id").is_in(ids))
    assert dict(zip(flagged["event_id"], flagged["reason"], strict=True)) == {ids[2]: "regeneration",
                                                                             ids[3]: "reformulation"}


def test_previous_response_id_of_another_key_or_process(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    """An answer the gateway did not relay (or another key's) still groups its follow-ups, at turn 2."""
    mine = client.responses.create(model="gpt-4o-mini", input="Quelle est la capitale de l'Australie ?")
    with openai.OpenAI(base_url=f"{apis.url}/v1", api_key=apis.other_key, max_retries=0) as other:
        rows = [apis.event(other.responses.with_raw_response.create(
            model="gpt-4o-mini", previous_response_id=rid, input="et de la Nouvelle-Zélande ?").headers[
                "x-sobria-event-id"]) for rid in (mine.id, mine.id, "resp_unknown_elsewhere")]
    assert [(r["thread_turn"], r["thread_signal"]) for r in rows] == [(2, "new"), (2, "regeneration"), (2, "new")]
    assert rows[0]["conversation_id"] == rows[1]["conversation_id"] != rows[2]["conversation_id"]


def test_personal_data_in_input_parts_or_instructions_blocked_nothing_forwarded(client: openai.OpenAI,
                                                                               apis: Apis) -> None:  # noqa: F811
    before = len(apis.upstream.received)
    cases = [
        {"input": [{"role": "user", "content": [{"type": "input_text", "text": f"Virement sur {IBAN}"}]}]},
        {"input": "Bonjour", "instructions": f"Le compte de l'entreprise est {IBAN}"},
        {"input": [{"type": "function_call_output", "call_id": "call_1", "output": f"IBAN trouvé : {IBAN}"}]},
    ]
    messages: set[str] = set()
    for case in cases:
        with pytest.raises(openai.PermissionDeniedError) as info:
            client.responses.create(model="gpt-4o-mini", **case)  # type: ignore[call-overload]
        assert info.value.code == "policy_blocked"
        messages.add(info.value.body["message"])  # type: ignore[index]
    assert messages == {BLOCKED}
    assert len(apis.upstream.received) == before
    with pytest.raises(openai.PermissionDeniedError):
        client.responses.create(model="gpt-4o-mini", stream=True, input=f"IBAN {IBAN}")
    assert len(apis.upstream.received) == before


def test_email_in_input_redacted_before_it_leaves(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.responses.with_raw_response.create(model="gpt-4o-mini",
                                                    input="Écris à jean.dupont@client.fr pour le devis")
    assert raw.headers["x-sobria-decision"] == "redact"
    forwarded = apis.upstream.received[-1]["input"]
    assert "jean.dupont@client.fr" not in forwarded and "pour le devis" in forwarded


def test_stored_response_retrieved_and_deleted(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    created = client.responses.create(model="gpt-4o-mini", input="Bonjour")
    assert client.responses.retrieve(created.id).output_text == "echo: Bonjour"
    assert client.responses.input_items.list(created.id).data == []
    with (openai.OpenAI(base_url=f"{apis.url}/v1", api_key=apis.other_key, max_retries=0) as other,
          pytest.raises(openai.NotFoundError)):  # another key's answer: the upstream's key is everyone's
        other.responses.retrieve(created.id)
    client.responses.delete(created.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(created.id)
    with (openai.OpenAI(base_url=f"{apis.url}/v1", api_key="sk-wrong", max_retries=0) as wrong,
          pytest.raises(openai.AuthenticationError)):
        wrong.responses.retrieve(created.id)


def test_stream_cut_off_ends_with_an_error_event_and_the_event_stored(client: openai.OpenAI,
                                                                      apis: Apis) -> None:  # noqa: F811
    raw = client.responses.with_raw_response.create(model="gpt-4o-mini", stream=True, input="coupe [fault:cutoff]")
    items = list(raw.parse())
    assert items[-1].type == "error" and items[-1].code == "upstream_cutoff"  # type: ignore[union-attr]
    event = apis.event(raw.headers["x-sobria-event-id"])
    assert (event["status_code"], event["error"]) == (502, "upstream_cutoff")


def test_missing_input_is_a_400_in_french(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        client.responses.create(model="gpt-4o-mini")  # type: ignore[call-overload]
    assert info.value.body == {"message": "champ obligatoire manquant ou invalide : « input »",
                               "type": "invalid_request_error", "param": "input", "code": "missing_field"}


def test_a_streamed_answer_is_linked_too(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    """The id of a streamed answer comes with ``response.created``: its follow-up is turn 2."""
    raw = client.responses.with_raw_response.create(model="gpt-4o-mini", stream=True, input="Liste trois idées")
    answer_id = next(item.response.id for item in raw.parse() if item.type == "response.completed")
    follow = client.responses.with_raw_response.create(model="gpt-4o-mini", previous_response_id=answer_id,
                                                       input="Développe la deuxième")
    rows = [apis.event(r.headers["x-sobria-event-id"]) for r in (raw, follow)]
    assert rows[0]["conversation_id"] == rows[1]["conversation_id"]
    assert [(r["thread_turn"], r["thread_signal"]) for r in rows] == [(1, "new"), (2, "new")]
