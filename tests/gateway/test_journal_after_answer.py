"""The usage event is made before the answer (its footprint is in the headers) and journaled right
after the answer's last byte: the prompt fingerprint, the JSON line and the write are off the
client's latency. Whatever happens while the answer is sent (the client gone), the event is
journaled all the same, once."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sobria.gateway.app import GatewayApp
from sobria.gateway.fake_upstream import FakeUpstream
from sobria.gateway.runtime import Gateway
from sobria.gateway.transport import ASGITransport, ManualClock
from tests.gateway.test_injected import JAN_31_LAST_SECOND, _gateway, _journal


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[tuple[Gateway, str]]:
    gw, key = _gateway(tmp_path, ASGITransport(app=FakeUpstream()), ManualClock(wall=JAN_31_LAST_SECOND))
    yield gw, key
    gw.budgets.close()


def _call(gw: Gateway, key: str, payload: dict[str, Any], on_last_byte: Any) -> list[dict[str, Any]]:
    """Drive the ASGI app with ``payload``; ``on_last_byte`` runs when the answer's last byte is sent."""
    body = json.dumps(payload).encode()
    scope = {"type": "http", "method": "POST", "path": "/v1/chat/completions", "client": ("127.0.0.1", 1),
             "headers": [(b"content-type", b"application/json"), (b"authorization", f"Bearer {key}".encode())]}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            on_last_byte()

    asyncio.run(GatewayApp(gw)(scope, receive, send))
    return sent


def _chat(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Résume la réunion de lundi"}], **extra}


@pytest.mark.parametrize("stream", [False, True])
def test_the_event_is_journaled_after_the_last_byte(gateway: tuple[Gateway, str], stream: bool) -> None:
    gw, key = gateway
    at_last_byte: list[tuple[int, int]] = []
    sent = _call(gw, key, _chat(stream=stream), lambda: at_last_byte.append((len(_journal(gw)), gw.unjournaled)))
    assert sent[0]["status"] == 200
    headers = dict(sent[0]["headers"])
    assert at_last_byte == [(0, 1)]          # not yet journaled, one event waiting
    [record] = _journal(gw)
    assert gw.unjournaled == 0
    event = record["event"]
    assert event["event_id"] == headers[b"x-sobria-event-id"].decode()
    assert event["prompt_fingerprint"].startswith("mh3:")   # computed after the answer, in the line
    assert (event["thread_turn"], event["thread_signal"]) == (1, "new")
    assert record["gw"]["outcome"]["status_code"] == 200


@pytest.mark.parametrize("stream", [False, True])
def test_a_client_gone_at_the_last_byte_still_has_its_event(gateway: tuple[Gateway, str], stream: bool) -> None:
    gw, key = gateway

    def gone() -> None:
        raise OSError("the client closed the connection")

    with pytest.raises(OSError):
        _call(gw, key, _chat(stream=stream), gone)
    [record] = _journal(gw)
    assert gw.unjournaled == 0
    assert record["gw"]["outcome"]["status_code"] == 200    # the answer was made (and its usage measured)
    assert record["gw"]["reservation"][:2] == ["commercial", "2026-01"]
    assert record["event"]["prompt_fingerprint"].startswith("mh3:")


def test_a_defect_before_the_answer_is_journaled_at_once(gateway: tuple[Gateway, str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    gw, key = gateway

    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise RuntimeError("defect")

    monkeypatch.setattr("sobria.gateway.forward.usage_from", broken)
    with pytest.raises(RuntimeError):
        _call(gw, key, _chat(), lambda: None)
    [record] = _journal(gw)
    assert (record["gw"]["outcome"]["status_code"], record["gw"]["outcome"]["error"]) == (500, "gateway_internal")
    assert gw.unjournaled == 0


def test_waiting_for_the_drain_waits_for_unjournaled_events(gateway: tuple[Gateway, str]) -> None:
    gw, _key = gateway
    gw.unjournaled = 1          # an answer being sent: its event is not in the journal yet
    with pytest.raises(TimeoutError):
        gw.wait_drained(timeout_s=0.05)
    gw.unjournaled = 0
