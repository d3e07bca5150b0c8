"""Ordered fallbacks through the official SDKs, streamed and not: the first upstreams time out, answer
429 and answer 500 (each a real fake upstream with that fault), the next one answers; the client gets
the right answer and the event names the upstream that answered and why each one before it failed.
Chat (httpx: ``test_fallbacks.py``) covers a refused connection and a 500; here chat gets the timeout
and the 429, and the Responses and Anthropic Messages APIs (``relay.py``) get all three."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anthropic
import openai
import pytest

from sobria.gateway.fake_upstream import FakeOptions, FakeUpstream
from tests.gateway.support import serve_in_thread, write_policy
from tests.gateway.upstreams_support import Served, serve_gateway

TIMEOUT_S = 0.3  # the slow upstream's timeout: each request waits this long once
CHAIN = "slow:upstream_timeout, busy:429, broken:500"


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, FakeUpstream]]:
    folder = tmp_path_factory.mktemp("fallback-apis")
    slow, busy = FakeUpstream(FakeOptions(fault="timeout", timeout_s=1)), FakeUpstream(FakeOptions(fault="429"))
    broken, healthy = FakeUpstream(FakeOptions(fault="500")), FakeUpstream()
    with (serve_in_thread(slow) as slow_url, serve_in_thread(busy) as busy_url,
          serve_in_thread(broken) as broken_url, serve_in_thread(healthy) as healthy_url):
        lines = []
        for prefix, api, provider, models in (("", "openai", "openai", "[gpt-4o-mini]"),
                                              ("a-", "anthropic", "anthropic", "[claude-haiku-4-5]")):
            for name, url in (("slow", slow_url), ("busy", busy_url), ("broken", broken_url),
                              ("backup", healthy_url)):
                lines.append(f"  - {{name: {prefix}{name}, base_url: '{url}/v1', api: {api}, provider: {provider},"
                             f" timeout_s: {TIMEOUT_S if name == 'slow' else 5}, models: {models}}}\n")
        config = f"policy: {write_policy(folder)}\ntool: passerelle-sobria\nupstreams:\n{''.join(lines)}"
        with serve_gateway(folder, config) as served:
            yield served, healthy


@pytest.fixture
def client(chain: tuple[Served, FakeUpstream]) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"{chain[0].url}/v1", api_key=chain[0].key, max_retries=0) as client:
        yield client


@pytest.fixture
def claude(chain: tuple[Served, FakeUpstream]) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=chain[0].url, api_key=chain[0].key, max_retries=0) as client:
        yield client


def _recorded(served: Served, event_id: str) -> tuple[Any, ...]:
    row = served.outcome(event_id)
    return (row["status_code"], row["upstream"], row["fallbacks"], row["provider"], row["input_tokens"],
            row["output_tokens"])


def test_the_pool_orders_each_dialects_chain(chain: tuple[Served, FakeUpstream]) -> None:
    pool = chain[0].gw.upstreams
    assert [t.config.name for t in pool.chain("gpt-4o-mini")] == ["slow", "busy", "broken", "backup"]
    assert [t.config.name for t in pool.chain("claude-haiku-4-5")] == ["a-slow", "a-busy", "a-broken", "a-backup"]


@pytest.mark.parametrize("stream", [False, True])
def test_responses_falls_back_to_the_answering_upstream(chain: tuple[Served, FakeUpstream], client: openai.OpenAI,
                                                        stream: bool) -> None:
    served, healthy = chain
    before = len(healthy.received)
    raw = client.responses.with_raw_response.create(model="gpt-4o-mini", stream=stream, input="trois mots ici")
    if stream:
        items = list(raw.parse())
        text = "".join(i.delta for i in items if i.type == "response.output_text.delta")  # type: ignore[union-attr]
        assert items[-1].type == "response.completed"
    else:
        text = raw.parse().output_text  # type: ignore[union-attr]
    assert text == "echo: trois mots ici"
    assert len(healthy.received) == before + 1  # answered once, by the backup
    assert _recorded(served, raw.headers["x-sobria-event-id"]) == (200, "backup", CHAIN, "openai", 3, 4)


@pytest.mark.parametrize("stream", [False, True])
def test_messages_falls_back_to_the_answering_upstream(chain: tuple[Served, FakeUpstream], claude: anthropic.Anthropic,
                                                       stream: bool) -> None:
    served, healthy = chain
    before = len(healthy.received)
    messages: list[Any] = [{"role": "user", "content": "trois mots ici"}]
    if stream:
        with claude.messages.stream(model="claude-haiku-4-5", max_tokens=100, messages=messages) as answer:
            text = "".join(answer.text_stream)
            event_id = answer.response.headers["x-sobria-event-id"]
            assert answer.get_final_message().usage.output_tokens == 4
    else:
        raw = claude.messages.with_raw_response.create(model="claude-haiku-4-5", max_tokens=100, messages=messages)
        text = raw.parse().content[0].text  # type: ignore[union-attr]
        event_id = raw.headers["x-sobria-event-id"]
    assert text == "echo: trois mots ici"
    assert len(healthy.received) == before + 1
    assert _recorded(served, event_id) == (200, "a-backup", "a-slow:upstream_timeout, a-busy:429, a-broken:500",
                                           "anthropic", 3, 4)


@pytest.mark.parametrize("stream", [False, True])
def test_chat_falls_back_on_a_timeout_and_a_429(chain: tuple[Served, FakeUpstream], client: openai.OpenAI,
                                                stream: bool) -> None:
    served, healthy = chain
    before = len(healthy.received)
    raw = client.chat.completions.with_raw_response.create(
        model="gpt-4o-mini", stream=stream, messages=[{"role": "user", "content": "trois mots ici"}])
    if stream:
        text = "".join(c.choices[0].delta.content or "" for c in raw.parse())  # type: ignore[union-attr]
    else:
        text = raw.parse().choices[0].message.content  # type: ignore[union-attr]
    assert text == "echo: trois mots ici"
    assert len(healthy.received) == before + 1
    assert _recorded(served, raw.headers["x-sobria-event-id"]) == (200, "backup", CHAIN, "openai", 3, 4)


def test_the_last_upstreams_429_reaches_the_client_with_its_retry_after(chain: tuple[Served, FakeUpstream],
                                                                        client: openai.OpenAI) -> None:
    """With no upstream left, the last failure is the answer (a 429 with its ``Retry-After``)."""
    served = chain[0]
    pool = served.gw.upstreams
    targets = pool.targets
    pool.targets = [t for t in targets if t.config.name in ("slow", "busy")]
    try:
        with pytest.raises(openai.RateLimitError) as info:
            client.responses.create(model="gpt-4o-mini", input="encore")
    finally:
        pool.targets = targets
    assert (info.value.status_code, info.value.response.headers["retry-after"]) == (429, "1")
    assert info.value.body["code"] == "upstream_rate_limited"  # type: ignore[index]
    row = served.outcome(info.value.response.headers["x-sobria-event-id"])
    assert (row["status_code"], row["upstream"], row["fallbacks"], row["error"]) == (
        429, "busy", "slow:upstream_timeout", "upstream_rate_limited")
