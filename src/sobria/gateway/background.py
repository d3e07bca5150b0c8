"""Responses created with ``background: true``: the upstream answers at once (``queued``, no usage)
and the model runs afterwards, so the call's usage event waits for the end of the response.

The gateway does not rely on the client to come back: it polls the upstream that took the request
(``GET /responses/{id}``, every ``background_poll_s`` seconds, doubling up to 30 s) until the
response is finished (``completed``, ``incomplete``, ``failed`` or ``cancelled``); a client's own
``GET`` or ``cancel`` that sees it finished settles it at once. The event then carries the usage the
finished response reports, and the budget reservation, held meanwhile, is settled with it. A
response still running after ``background_max_s``, one the upstream no longer knows (deleted,
expired) and one still pending when the gateway stops are recorded all the same, with the estimate
and an ``error`` saying why (``background_timeout``, ``background_lost``,
``background_unfinished``): every request that reached the upstream has its event.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from sobria.gateway.call import Call, finish, usage_from
from sobria.gateway.runtime import Gateway
from sobria.gateway.upstream import Target

FINISHED = frozenset({"completed", "incomplete", "failed", "cancelled"})
RUNNING = frozenset({"queued", "in_progress"})
_ERRORS = {"failed": "background_failed", "cancelled": "background_cancelled"}
_MAX_POLL_S = 30.0


async def read_stored(target: Target, rest: str, method: str = "GET", query: str = "") -> tuple[int, bytes, str]:
    """``method /responses/{rest}`` on ``target`` with the organisation's key: status, body and
    content type (the client's pass-through and the gateway's own polls); aiohttp's errors raised."""
    url = target.url("/responses/" + rest) + (f"?{query}" if query else "")
    async with target.client().request(method, url, headers=target.headers) as resp:
        return resp.status, await resp.read(), resp.headers.get("Content-Type", "application/json")


def is_running(answer: Any) -> bool:
    """A Responses answer of a background request that has not finished yet."""
    return isinstance(answer, dict) and answer.get("status") in RUNNING


@dataclass
class _Pending:
    call: Call
    target: Target
    task: asyncio.Task[None] | None = None


@dataclass
class BackgroundCalls:
    """The background responses this process relayed and whose usage is not known yet, by id."""

    gw: Gateway
    pending: dict[str, _Pending] = field(default_factory=dict)

    def hold(self, call: Call, answer_id: str, target: Target) -> None:
        """Keep ``call`` open until response ``answer_id`` finishes on ``target``."""
        entry = _Pending(call, target)
        self.pending[answer_id] = entry
        entry.task = asyncio.get_running_loop().create_task(self._watch(answer_id, entry))

    def seen(self, answer_id: str, answer: Any) -> None:
        """A response read by a client (``GET``, ``cancel``): settles its call when it is finished."""
        if answer_id in self.pending and isinstance(answer, dict) and answer.get("status") in FINISHED:
            self._settle(answer_id, answer, None)

    async def close(self) -> None:
        """The gateway stops: every call still waiting gets its event now (the estimate), and the
        polls in flight end before the upstream clients close (no connection left open)."""
        tasks = [entry.task for entry in self.pending.values() if entry.task is not None]
        for answer_id in list(self.pending):
            self._settle(answer_id, None, "background_unfinished")
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _watch(self, answer_id: str, entry: _Pending) -> None:
        cfg = self.gw.config
        deadline = self.gw.clock.monotonic() + cfg.background_max_s
        wait = cfg.background_poll_s
        while self.pending.get(answer_id) is entry:
            await asyncio.sleep(min(wait, max(deadline - self.gw.clock.monotonic(), 0.0)))
            wait = min(wait * 2, max(_MAX_POLL_S, cfg.background_poll_s))
            status, answer = await self._read(entry.target, answer_id)
            if self.pending.get(answer_id) is not entry:
                return  # a client's read settled it meanwhile
            if status == 404:
                self._settle(answer_id, None, "background_lost")
            elif isinstance(answer, dict) and answer.get("status") in FINISHED:
                self._settle(answer_id, answer, None)
            elif self.gw.clock.monotonic() >= deadline:
                self._settle(answer_id, None, "background_timeout")

    @staticmethod
    async def _read(target: Target, answer_id: str) -> tuple[int | None, Any]:
        """The upstream's view of the response (None, None when it could not be read: poll again)."""
        try:
            status, content, _kind = await read_stored(target, answer_id)
        except (TimeoutError, aiohttp.ClientError):
            return None, None
        with contextlib.suppress(ValueError):
            return status, json.loads(content)
        return status, None

    def _settle(self, answer_id: str, answer: Any, error: str | None) -> None:
        entry = self.pending.pop(answer_id)
        if entry.task is not None and entry.task is not asyncio.current_task():
            entry.task.cancel()
        gw, call = self.gw, entry.call
        usage = usage_from(answer)  # None (not reported, not read): the estimate of the request's input
        status = answer.get("status") if isinstance(answer, dict) else None
        finish(gw, call, 200, usage, error=error or _ERRORS.get(str(status)))
