"""An unbounded output limit (``max_tokens`` of 10**26 or 10**300, as an integer or as the JSON float
``1e26`` / ``1e300``) on chat, Responses (``max_output_tokens``) and Messages, streamed and not,
through the official SDKs: never a crash; the reservation is the model's cap (a whole number of
tokens, written as an integer or as a float); the event is written; the reservation is
settled exactly (``reserved_ug`` back to its value, ``spent_ug`` up by exactly the event's carbon).
A key without a team spends a budget of its own (``key:<id>``) with the charter's default limit, to the
microgram."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from sobria.catalog import load_catalog
from sobria.catalog.output_limits import output_limit
from sobria.gateway.budgets import micrograms
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.keys import create_key
from sobria.impact.estimator import Estimator
from sobria.impact.request import Request, estimate_request
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import Served, serve_gateway

TEXT = "une phrase"  # 10 characters: 2 tokens for the estimate, 2 words for the fake's usage
HUGE = [10**26, 10**300, 1e26, 1e300]
CAP = 128_000  # estimates.max_output_tokens


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, FakeUpstream]]:
    folder = tmp_path_factory.mktemp("max-tokens")
    upstream = FakeUpstream()
    with serve_in_thread(upstream) as url:
        config = (f"policy: {write_policy(folder)}\ntool: passerelle-sobria\nupstreams:\n"
                  f"  - {{name: fake, base_url: '{url}/v1', provider: openai, models: [gpt-4o-mini]}}\n"
                  f"  - {{name: claude, base_url: '{url}/v1', api: anthropic, provider: anthropic,"
                  " models: [claude-haiku-4-5]}\n")
        with serve_gateway(folder, config) as gateway:
            yield gateway, upstream


def _send(served: Served, api: str, stream: bool, limit: Any) -> tuple[str, str, str, str]:
    """The event id, carbon and budget-left headers of one request, and its answer's text (all read)."""
    if api == "messages":
        # an explicit timeout: else the SDK itself refuses a non-streamed request for that many tokens
        with anthropic.Anthropic(base_url=served.url, api_key=served.key, max_retries=0, timeout=30) as client:
            raw: Any = client.messages.with_raw_response.create(model="claude-haiku-4-5", max_tokens=limit,
                                                                stream=stream,
                                                                messages=[{"role": "user", "content": TEXT}])
            answer = raw.parse()
            text = ("".join(e.delta.text for e in answer if e.type == "content_block_delta") if stream
                    else answer.content[0].text)
    else:
        with openai.OpenAI(base_url=f"{served.url}/v1", api_key=served.key, max_retries=0) as client_:
            if api == "chat":
                raw = client_.chat.completions.with_raw_response.create(
                    model="gpt-4o-mini", max_tokens=limit, stream=stream,
                    messages=[{"role": "user", "content": TEXT}])
                answer = raw.parse()
                text = ("".join(c.choices[0].delta.content or "" for c in answer) if stream
                        else answer.choices[0].message.content)
            else:
                raw = client_.responses.with_raw_response.create(model="gpt-4o-mini", max_output_tokens=limit,
                                                                 stream=stream, input=TEXT)
                answer = raw.parse()
                text = ("".join(e.delta for e in answer if e.type == "response.output_text.delta") if stream
                        else answer.output_text)
    headers = raw.headers
    return headers["x-sobria-event-id"], headers["x-sobria-carbon-g"], headers["x-sobria-budget-left-kgco2e"], text


@pytest.mark.parametrize("limit", HUGE, ids=["int-1e26", "int-1e300", "float-1e26", "float-1e300"])
@pytest.mark.parametrize("stream", [False, True], ids=["once", "streamed"])
@pytest.mark.parametrize("api", ["chat", "responses", "messages"])
def test_an_unbounded_output_limit_is_capped_and_settled_exactly(served: tuple[Served, FakeUpstream], api: str,
                                                                 stream: bool, limit: Any) -> None:
    gateway, upstream = served
    team = "commercial"
    spent, reserved = gateway.budget(team)
    event_id, carbon_g, left, text = _send(gateway, api, stream, limit)
    assert text == "echo: une phrase"
    field = "max_output_tokens" if api == "responses" else "max_tokens"
    assert upstream.received[-1][field] == limit  # passed on as the client wrote it
    row = gateway.outcome(event_id)
    assert (row["status_code"], row["error"], row["input_tokens"], row["output_tokens"]) == (200, None, 2, 3)
    actual = (row["gwp_kgco2e_min"] + row["gwp_kgco2e_max"]) / 2
    provider, model = ("anthropic", "claude-haiku-4-5") if api == "messages" else ("openai", "gpt-4o-mini")
    # the limit is capped at the model's published output limit (catalog/data/output_limits.json)
    output = output_limit(model) or CAP
    estimate = gateway.gw.footprints.footprint(provider, model, "chat", input_tokens=2, output_tokens=output)
    # what was reserved: the team's 6 kg less what it had spent and reserved, less this estimate
    assert left == f"{6 - (spent + reserved + micrograms(estimate.gwp_kgco2e)) / 1e9:.6g}"
    if stream:  # the answer's headers carry the estimate made before forwarding
        assert carbon_g == f"{estimate.gwp_kgco2e * 1000:.6g}"
    else:
        assert carbon_g == f"{actual * 1000:.6g}"
    assert gateway.budget(team) == (spent + micrograms(actual), reserved)
    assert reserved == 0



def _direct_ug(input_tokens: int, output_tokens: int) -> int:
    """The central carbon of a gpt-4o-mini chat request, by the estimator itself, in micrograms."""
    direct = estimate_request(Estimator(load_catalog()), Request("openai", "gpt-4o-mini", input_tokens=input_tokens,
                                                                 output_tokens=output_tokens, operation="chat"))
    return micrograms((direct.gwp_kgco2e.min + direct.gwp_kgco2e.max) / 2)


def test_a_key_without_a_team_spends_its_own_default_budget_exactly(served: tuple[Served, FakeUpstream]) -> None:
    gateway = served[0]
    record, token = create_key(gateway.gw.store, "Sans équipe", "p_solo", None)
    assert gateway.gw.rules.default_budget == 3.0  # the charter's budgets.default_kgco2e (write_policy)
    actual = _direct_ug(1, 2)  # "bonjour": 1 word in, "echo: bonjour" 2 words out
    estimate = _direct_ug(2, 500)  # 7 characters / 4, and the default 500 output tokens (estimates.output_tokens)
    lefts = []
    with openai.OpenAI(base_url=f"{gateway.url}/v1", api_key=token, max_retries=0) as client:
        for turn in (1, 2):
            raw = client.chat.completions.with_raw_response.create(model="gpt-4o-mini",
                                                                   messages=[{"role": "user", "content": "bonjour"}])
            lefts.append(raw.headers["x-sobria-budget-left-kgco2e"])
            row = gateway.outcome(raw.headers["x-sobria-event-id"])
            assert (row["team"], row["person"], row["input_tokens"], row["output_tokens"]) == (None, "p_solo", 1, 2)
            assert micrograms((row["gwp_kgco2e_min"] + row["gwp_kgco2e_max"]) / 2) == actual
            assert gateway.budget(f"key:{record.id}") == (turn * actual, 0)
    # the budget left when each was forwarded: 3 kg less what was spent and reserved then
    assert lefts == [f"{3 - estimate / 1e9:.6g}", f"{3 - (actual + estimate) / 1e9:.6g}"]
    assert gateway.budget("key:") == (0, 0) and gateway.budget(record.id) == (0, 0)  # no other row took it


def test_an_output_limit_is_a_whole_number_of_tokens_whatever_its_json_type() -> None:
    from sobria.gateway.inbound import max_tokens_of

    assert [max_tokens_of({"max_tokens": v}) for v in (100, 100.0, 1e26, 0, 0.0)] == [100, 100, int(1e26), 0, 0]
    assert [max_tokens_of({"max_tokens": v}) for v in (100.5, -1, -1.0, True, "100", None)] == [None] * 6
    assert max_tokens_of({"max_output_tokens": 2e3}) == max_tokens_of({"max_completion_tokens": 2000}) == 2000
