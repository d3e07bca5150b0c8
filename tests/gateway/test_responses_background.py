"""Responses created with ``background: true`` (the ``openai`` SDK): answered at once with no usage,
the event written when the response finishes — with the usage the finished response reports —
whether the client polls, cancels, or never comes back; the budget reservation held until then."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import sqlalchemy as sa

from sobria.catalog import load_catalog
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from sobria.store.gateway_tables import budgets
from tests.gateway.apis_support import OPENAI_KEY, Apis, apis, serve_apis  # noqa: F401

PROMPT = "Analyse les trois offres et recommande la moins chère"   # 9 words


@pytest.fixture
def client(apis: Apis) -> Iterator[openai.OpenAI]:  # noqa: F811
    with openai.OpenAI(base_url=f"{apis.url}/v1", api_key=apis.key, max_retries=0) as client:
        yield client


def _reserved_ug(apis: Apis) -> int:  # noqa: F811
    with apis.gw.store.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.coalesce(sa.func.sum(budgets.c.reserved_ug), 0)))
                   .scalar_one())


def _written(apis: Apis, event_id: str) -> bool:  # noqa: F811
    apis.gw.wait_drained()
    with apis.gw.store.engine.connect() as conn:
        return bool(conn.execute(sa.text("SELECT count(*) FROM events WHERE event_id = :e"), {"e": event_id})
                    .scalar_one())


def test_polled_by_the_client_the_event_has_the_finished_usage(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    before = _reserved_ug(apis)
    apis.upstream.apis.background_s = 3600.0
    try:
        raw = client.responses.with_raw_response.create(model="gpt-4o-mini", input=PROMPT, background=True)
    finally:
        apis.upstream.apis.background_s = 0.3
    queued = raw.parse()
    assert (queued.status, queued.usage) == ("queued", None)
    assert (raw.headers["x-sobria-footprint"], raw.headers["x-sobria-decision"]) == ("pending", "allow")
    event_id = raw.headers["x-sobria-event-id"]
    assert not _written(apis, event_id), apis.event(event_id)   # its usage is not known yet: no event
    assert _reserved_ug(apis) > before    # the reservation is held meanwhile
    assert client.responses.retrieve(queued.id).status == "in_progress"
    apis.upstream.apis.running[queued.id] = 0.0   # the model finishes now
    response = queued
    deadline = time.monotonic() + 10
    while response.status in ("queued", "in_progress") and time.monotonic() < deadline:
        time.sleep(0.05)
        response = client.responses.retrieve(queued.id)
    assert response.status == "completed" and response.output_text == f"echo: {PROMPT}"
    event = apis.settled_event(event_id)
    # 9 words in, "echo: " + 9 words out: the finished response's usage, not the queued answer's
    assert (event["input_tokens"], event["output_tokens"], event["status_code"], event["error"]) == (9, 10, 200,
                                                                                                   None)
    direct = estimate_request(Estimator(load_catalog()), Request("openai", "gpt-4o-mini", input_tokens=9,
                                                                 output_tokens=10, operation="chat"))
    assert event["gwp_kgco2e_max"] == pytest.approx(direct.gwp_kgco2e.max, rel=1e-9)
    assert (event["tier"], event["stream"], event["upstream"]) == ("measured", False, "fake")
    assert _reserved_ug(apis) == before    # settled at its actual value


def test_never_polled_the_gateway_polls_and_writes_the_event(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    raw = client.responses.with_raw_response.create(model="gpt-4o-mini", input=PROMPT, background=True)
    assert raw.parse().status == "queued"
    event = apis.settled_event(raw.headers["x-sobria-event-id"])
    assert (event["input_tokens"], event["output_tokens"], event["error"]) == (9, 10, None)
    gets = [p for p in apis.upstream.paths if p == f"/v1/responses/{raw.parse().id}"]
    assert gets   # the gateway read the finished response itself


def test_cancelled_before_it_ran_is_recorded_as_cancelled(client: openai.OpenAI, apis: Apis) -> None:  # noqa: F811
    apis.upstream.apis.background_s = 30.0
    try:
        raw = client.responses.with_raw_response.create(model="gpt-4o-mini", input=PROMPT, background=True)
        cancelled = client.responses.cancel(raw.parse().id)
    finally:
        apis.upstream.apis.background_s = 0.3
    assert cancelled.status == "cancelled"
    event = apis.settled_event(raw.headers["x-sobria-event-id"])
    # no usage reported: the request's input as estimated (9 words at 4 characters a token), no output
    assert (event["input_tokens"], event["output_tokens"], event["error"]) == (round(len(PROMPT) / 4), 0,
                                                                               "background_cancelled")


def test_a_response_the_upstream_no_longer_knows_is_recorded_as_lost(client: openai.OpenAI,
                                                                     apis: Apis) -> None:  # noqa: F811
    apis.upstream.apis.background_s = 30.0
    try:
        raw = client.responses.with_raw_response.create(model="gpt-4o-mini", input=PROMPT, background=True)
        gone = httpx.delete(f"{apis.upstream_url}/v1/responses/{raw.parse().id}",
                            headers={"authorization": f"Bearer {OPENAI_KEY}"})
        assert gone.status_code == 200
        event = apis.settled_event(raw.headers["x-sobria-event-id"])
    finally:
        apis.upstream.apis.background_s = 0.3
    assert (event["input_tokens"], event["output_tokens"], event["error"]) == (round(len(PROMPT) / 4), 0,
                                                                               "background_lost")


def test_still_running_when_the_gateway_stops_is_recorded_as_unfinished(tmp_path: Path) -> None:
    with serve_apis(tmp_path) as served:
        served.upstream.apis.background_s = 30.0
        with openai.OpenAI(base_url=f"{served.url}/v1", api_key=served.key, max_retries=0) as client:
            raw = client.responses.with_raw_response.create(model="gpt-4o-mini", input=PROMPT, background=True)
            event_id = raw.headers["x-sobria-event-id"]
            assert not _written(served, event_id)
    # the gateway stopped (its shutdown drained the journal): the event is in the store
    with served.gw.store.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT e.input_tokens, e.output_tokens, r.error FROM events e JOIN "
                                   "gateway_requests r ON r.event_id = e.event_id WHERE e.event_id = :e"),
                           {"e": event_id}).one()
        reserved = conn.execute(sa.select(sa.func.sum(budgets.c.reserved_ug))).scalar_one()
    assert tuple(row) == (round(len(PROMPT) / 4), 0, "background_unfinished")
    assert reserved == 0   # its reservation settled too
