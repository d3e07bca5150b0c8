"""The OpenAI API through the gateway, with the official ``openai`` SDK (streaming and not)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import openai
import pytest
import sqlalchemy as sa

from sobria.audit.waste import detect_waste
from sobria.catalog import load_catalog
from sobria.events.fingerprint import fingerprint
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from sobria.store.gateway_tables import requests
from sobria.store.tables import events
from tests.gateway.conftest import ADMIN_KEY, Running


@pytest.fixture
def client(running: Running) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{running.url}/v1", api_key=running.key, max_retries=0) as client:
        yield client


def _event(running: Running, event_id: str) -> dict[str, object]:
    running.drain()
    with running.gw.store.engine.connect() as conn:
        row = conn.execute(sa.select(events, requests.c.status_code, requests.c.action, requests.c.error)
                           .join(requests, requests.c.event_id == events.c.event_id)
                           .where(events.c.event_id == event_id)).mappings().one()
    return dict(row)


def test_chat_not_streamed(client: openai.OpenAI, running: Running) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", messages=[{"role": "user", "content": "Résume ce compte rendu"}])
    answer = raw.parse()
    assert answer.choices[0].message.content == "echo: Résume ce compte rendu"
    assert raw.headers["x-sobria-model"] == "gpt-4o-mini"
    assert raw.headers["x-sobria-decision"] == "allow"
    event = _event(running, raw.headers["x-sobria-event-id"])
    assert (event["input_tokens"], event["output_tokens"], event["status_code"]) == (4, 5, 200)
    assert (event["tier"], event["source"], event["team"], event["person"]) == ("measured", "gateway", "commercial",
                                                                              "p_alice")
    direct = estimate_request(Estimator(load_catalog()), Request("openai", "gpt-4o-mini", output_tokens=5,
                                                                 input_tokens=4, operation="chat"))
    assert event["gwp_kgco2e_min"] == pytest.approx(direct.gwp_kgco2e.min, rel=1e-9)
    assert event["gwp_kgco2e_max"] == pytest.approx(direct.gwp_kgco2e.max, rel=1e-9)
    assert event["energy_kwh_max"] == pytest.approx(direct.energy_kwh.max, rel=1e-9)
    assert float(raw.headers["x-sobria-carbon-g"]) == pytest.approx(direct.gwp_kgco2e.central * 1000, rel=1e-5)
    assert float(raw.headers["x-sobria-energy-wh"]) == pytest.approx(direct.energy_kwh.central * 1000, rel=1e-5)
    assert event["prompt_fingerprint"] == fingerprint("Résume ce compte rendu")  # the text itself is not kept
    assert event["prompt_text"] is None


def test_chat_streamed_usage_from_final_chunk(client: openai.OpenAI, running: Running) -> None:
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", stream=True, messages=[{"role": "user", "content": "un deux trois quatre cinq six"}])
    parts = [c.choices[0].delta.content for c in raw.parse() if c.choices and c.choices[0].delta.content]
    assert "".join(parts) == "echo: un deux trois quatre cinq six"
    assert raw.headers["x-sobria-footprint"] == "estimate"
    event = _event(running, raw.headers["x-sobria-event-id"])
    assert (event["input_tokens"], event["output_tokens"], event["status_code"]) == (6, 7, 200)
    assert running.upstream.received[-1]["stream_options"] == {"include_usage": True}


def test_the_usage_chunk_is_removed_unless_the_client_asked_for_it(client: openai.OpenAI, running: Running) -> None:
    text = "un deux trois"
    plain = client.chat.completions.create(model="gpt-4o-mini", stream=True,
                                           messages=[{"role": "user", "content": text}])
    contents = [chunk.choices[0].delta.content for chunk in plain]  # a plain loop: every chunk has a choice
    assert contents == ["echo:", " un", " deux", " trois", None]
    asked = client.chat.completions.create(model="gpt-4o-mini", stream=True, stream_options={"include_usage": True},
                                           messages=[{"role": "user", "content": text}])
    chunks = list(asked)
    assert (chunks[-1].choices, chunks[-1].usage and chunks[-1].usage.completion_tokens) == ([], 4)
    assert running.upstream.received[-1]["stream_options"] == {"include_usage": True}
    refused = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", stream=True, stream_options={"include_usage": False},
        messages=[{"role": "user", "content": text}])
    assert all(c.choices for c in refused.parse())
    assert _event(running, refused.headers["x-sobria-event-id"])["output_tokens"] == 4  # measured all the same


def test_completions_embeddings_images_models(client: openai.OpenAI, running: Running) -> None:
    completion = client.completions.create(model="gpt-4o-mini", prompt="Bonjour")
    assert completion.choices[0].text == "echo: Bonjour"
    embedding = client.embeddings.create(model="text-embedding-3-small", input=["a b", "c"])
    assert [len(d.embedding) for d in embedding.data] == [8, 8]
    assert client.models.retrieve("gpt-4o").id == "gpt-4o"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("gpt-unknown")
    models = [m.id for m in client.models.list()]
    assert models == ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small", "dall-e-3", "gpt-image-1", "gpt-refused"]
    raw = client.images.with_raw_response.generate(model="gpt-image-1", prompt="un logo sobre", n=2,
                                                   extra_headers={"X-Sobria-Purpose": "communication_externe"})
    assert len(raw.parse().data or []) == 2
    event = _event(running, raw.headers["x-sobria-event-id"])
    assert (event["operation"], event["images"], event["model"]) == ("image", 2, "gpt-image-1")
    assert event["prompt_fingerprint"] == fingerprint("un logo sobre")


def test_health_and_metrics(running: Running) -> None:
    health = httpx.get(f"{running.url}/healthz")
    assert health.status_code == 200
    assert health.json()["status"] == "ok"
    metrics = httpx.get(f"{running.url}/metrics", headers={"Authorization": f"Bearer {ADMIN_KEY}"}).text
    assert "# TYPE sobria_gateway_requests_total counter" in metrics
    assert 'sobria_gateway_request_duration_seconds_bucket{le="+Inf"}' in metrics


def test_turns_of_one_chat_thread_share_a_conversation_and_a_retry_is_waste(client: openai.OpenAI,
                                                                               running: Running) -> None:
    first = [{"role": "system", "content": "Tu es l'assistant de TechVert."},
             {"role": "user", "content": "Rédige un mail de relance pour le client Dupont (facture 1042)"}]
    ids = []
    for messages in (first,
                     [*first, {"role": "assistant", "content": "Bonjour Monsieur Dupont…"},
                      {"role": "user", "content": "plus court"}],
                     [{"role": "user", "content": "Quelle est la capitale de l'Australie ?"}]):
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-4o-mini", messages=messages)  # type: ignore[arg-type]
        ids.append(raw.headers["x-sobria-event-id"])
    completion = client.completions.with_raw_response.create(model="gpt-4o-mini", prompt="Bonjour")
    rows = [_event(running, i) for i in [*ids, completion.headers["x-sobria-event-id"]]]
    conversations = [row["conversation_id"] for row in rows]
    assert conversations[0] == conversations[1] != conversations[2]
    assert str(conversations[0]).startswith("gw-") and conversations[3] is None
    flagged = detect_waste(running.gw.store.read_events(), load_catalog())
    retry = flagged.filter(flagged["event_id"] == ids[1])
    assert (retry["reason"].to_list(), retry["chain_id"].to_list()) == (["reformulation"], [ids[0]])
    assert ids[2] not in flagged["event_id"].to_list()
