"""The fake upstream's other APIs (``fake_upstream``): OpenAI Responses (streamed or not, stored
answers for ``GET``/``DELETE``), Anthropic Messages (streamed or not, ``count_tokens``), audio and
moderations. Deterministic: the answer echoes the request's last user text, usage counts words.

A Responses request with ``background: true`` is answered at once with ``status: "queued"`` and no
usage; it completes ``background_s`` seconds later (``GET`` then gives the finished answer, its
usage included), unless ``POST …/cancel`` comes first (``cancelled``, no usage).

Cache tokens, so that tests can check them: a Responses answer reports the words of
``instructions`` as ``input_tokens_details.cached_tokens``; an Anthropic answer reports the words
of a ``system`` with ``cache_control`` as ``cache_read_input_tokens`` and those of message blocks
with ``cache_control`` as ``cache_creation_input_tokens``.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from sobria.gateway.multipart import FormError, parse_form

Message = MutableMapping[str, Any]
Send = Callable[[Message], Awaitable[None]]
Reply = Callable[[int, dict[str, Any]], Awaitable[None]]
_SSE = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]
RESPONSES = "/v1/responses"
ANTHROPIC = ("/v1/messages", "/v1/messages/count_tokens")
AUDIO = ("/v1/audio/transcriptions", "/v1/audio/translations", "/v1/audio/speech", "/v1/moderations")


def words(text: str) -> int:
    return len(text.split())


def _block_text(content: Any) -> str:
    """The text of a message content: a string, or text blocks/parts (Anthropic, Responses)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = []
    for block in content:
        if isinstance(block, dict):
            if isinstance(block.get("text"), str):
                texts.append(block["text"])
            elif block.get("type") == "tool_result":
                texts.append(_block_text(block.get("content")))
            elif block.get("type") == "tool_use":
                texts.append(json.dumps(block.get("input"), ensure_ascii=False))
    return " ".join(t for t in texts if t)


def request_text(path: str, payload: dict[str, Any]) -> str:
    """Every user-side text of a Responses, Messages, audio or moderation request, joined."""
    parts: list[str] = []
    for name in ("instructions", "prompt"):
        if isinstance(payload.get(name), str):
            parts.append(payload[name])
    parts.append(_block_text(payload.get("system")))
    given = payload.get("input")
    if isinstance(given, str):
        parts.append(given)
    for item in given if isinstance(given, list) else ():
        parts.append(item if isinstance(item, str) else _block_text(item.get("content")) if isinstance(item, dict)
                     else "")
    for message in payload.get("messages") or ():
        if isinstance(message, dict):
            parts.append(_block_text(message.get("content")))
    return "\n".join(p for p in parts if p)


def _last_user(path: str, payload: dict[str, Any]) -> str:
    given = payload.get("input")
    if isinstance(given, str):
        return given
    items = given if isinstance(given, list) else payload.get("messages") or []
    for item in reversed(items):
        if isinstance(item, dict) and item.get("role", "user") == "user":
            return _block_text(item.get("content"))
    return request_text(path, payload)


def _cached(system: Any) -> bool:
    return isinstance(system, list) and any(isinstance(b, dict) and "cache_control" in b for b in system)


@dataclass
class FakeApis:
    """State of the fake's other APIs: the stored Responses answers."""

    stored: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=itertools.count)
    background_s: float = 0.3  # how long a background response takes to complete
    running: dict[str, float] = field(default_factory=dict)  # background response id -> when it completes

    async def answer(self, path: str, method: str, payload: dict[str, Any], fault: str, send: Send,
                     reply: Reply) -> bool:
        """Answer ``path`` if it is one of these APIs (True), else False."""
        if path.startswith(RESPONSES + "/"):
            await self._stored(path, method, reply)
        elif path == RESPONSES:
            response = self._response(payload)
            if payload.get("stream"):
                await _responses_stream(response, fault, send)
            elif payload.get("background") is True:
                self.running[response["id"]] = time.monotonic() + self.background_s
                await reply(200, {**response, "status": "queued", "output": [], "usage": None, "background": True})
            else:
                await reply(200, response)
        elif path == "/v1/messages/count_tokens":
            await reply(200, {"input_tokens": words(request_text(path, payload))})
        elif path == "/v1/messages":
            message = _message(payload, next(self.ids))
            if payload.get("stream"):
                await _messages_stream(message, fault, send)
            else:
                await reply(200, message)
        else:
            return False
        return True

    def _response(self, payload: dict[str, Any]) -> dict[str, Any]:
        text = "echo: " + _last_user(RESPONSES, payload)
        prompt = words(request_text(RESPONSES, payload))
        cached = words(payload["instructions"]) if isinstance(payload.get("instructions"), str) else 0
        rid = f"resp_fake{next(self.ids):06d}"
        response = {
            "id": rid, "object": "response", "created_at": 0, "status": "completed", "model": payload.get("model"),
            "output": [{"type": "message", "id": f"msg_{rid}", "status": "completed", "role": "assistant",
                        "content": [{"type": "output_text", "text": text, "annotations": []}]}],
            "previous_response_id": payload.get("previous_response_id"), "parallel_tool_calls": True,
            "tool_choice": "auto", "tools": [], "error": None, "incomplete_details": None,
            "usage": {"input_tokens": prompt, "input_tokens_details": {"cached_tokens": cached},
                      "output_tokens": words(text), "output_tokens_details": {"reasoning_tokens": 0},
                      "total_tokens": prompt + words(text)}}
        if payload.get("store", True):
            self.stored[rid] = response
        return response

    async def _stored(self, path: str, method: str, reply: Reply) -> None:
        rid = path.removeprefix(RESPONSES + "/").split("/")[0]
        found = self.stored.get(rid)
        if found is None:
            await reply(404, {"error": {"message": f"No response found with id '{rid}'.",
                                        "type": "invalid_request_error", "param": None, "code": None}})
        elif method == "DELETE":
            del self.stored[rid]
            self.running.pop(rid, None)
            await reply(200, {"id": rid, "object": "response.deleted", "deleted": True})
        elif path.endswith("/input_items"):
            await reply(200, {"object": "list", "data": [], "first_id": None, "last_id": None, "has_more": False})
        elif path.endswith("/cancel"):
            if self.running.pop(rid, None) is not None:
                self.stored[rid] = found = {**found, "status": "cancelled", "output": [], "usage": None}
            await reply(200, found)
        elif rid in self.running and time.monotonic() < self.running[rid]:
            await reply(200, {**found, "status": "in_progress", "output": [], "usage": None, "background": True})
        else:
            self.running.pop(rid, None)
            await reply(200, found)

    async def audio(self, path: str, body: bytes, content_type: str | None, reply: Reply, send: Send,
                    record: Callable[[dict[str, Any]], None]) -> None:
        """Answer an audio or moderation request, having recorded what it received (a form's text
        fields) before answering (a test reads it once it has the answer)."""
        if path == "/v1/audio/speech":
            payload = json.loads(body)
            record(payload)
            audio = b"ID3fake-mp3:" + str(payload.get("input", "")).encode()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"audio/mpeg"), (b"content-length", str(len(audio)).encode())]})
            await send({"type": "http.response.body", "body": audio})
            return
        if path == "/v1/moderations":
            payload = json.loads(body)
            record(payload)
            await reply(200, {"id": "modr-fake", "model": payload.get("model"),
                              "results": [{"flagged": False, "categories": {}, "category_scores": {}}]})
            return
        try:
            form = parse_form(body, content_type)
            fields: dict[str, Any] = dict(form.fields())
        except FormError as exc:
            await reply(400, {"error": {"message": str(exc), "type": "invalid_request_error", "param": None,
                                        "code": None}})
            return
        sizes = {p.name: len(p.content) for p in form.parts if p.is_file}
        record({**fields, "_files": sizes, "_filenames": {p.name: p.filename for p in form.parts if p.is_file}})
        text = f"transcription of {sum(sizes.values())} bytes"
        answer: dict[str, Any] = {"text": text}
        if "transcribe" in str(fields.get("model")):  # token-billed models report tokens
            answer["usage"] = {"type": "tokens", "input_tokens": 10, "output_tokens": words(text), "total_tokens":
                               10 + words(text)}
        else:   # whisper-1 is billed per second of audio: 16 kB a second here
            answer["usage"] = {"type": "duration", "seconds": max(1, round(sum(sizes.values()) / 16_000))}
        await reply(200, answer)


def _message(payload: dict[str, Any], index: int) -> dict[str, Any]:
    text = "echo: " + _last_user("/v1/messages", payload)
    system = payload.get("system")
    read = words(_block_text(system)) if _cached(system) else 0
    blocks = [b for m in payload.get("messages") or [] if isinstance(m, dict) and isinstance(m.get("content"), list)
              for b in m["content"] if isinstance(b, dict) and "cache_control" in b]
    created = sum(words(_block_text([b])) for b in blocks)
    fresh = words(request_text("/v1/messages", payload)) - read - created
    return {"id": f"msg_fake{index:06d}", "type": "message", "role": "assistant", "model": payload.get("model"),
            "content": [{"type": "text", "text": text}], "stop_reason": "end_turn", "stop_sequence": None,
            "usage": {"input_tokens": fresh, "cache_creation_input_tokens": created,
                      "cache_read_input_tokens": read, "output_tokens": words(text)}}


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: ".encode() + json.dumps(data).encode() + b"\n\n"


async def _emit(send: Send, events: list[bytes], fault: str) -> None:
    """Send the events, as a real stream; ``cutoff`` ends after the fourth, ``malformed`` breaks it."""
    await send({"type": "http.response.start", "status": 200, "headers": _SSE})
    for index, event in enumerate(events):
        if index == 4 and fault in ("cutoff", "malformed"):
            if fault == "malformed":
                await send({"type": "http.response.body", "body": b"data: {oops\n\n", "more_body": True})
            break
        await send({"type": "http.response.body", "body": event, "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _responses_stream(response: dict[str, Any], fault: str, send: Send) -> None:
    text = response["output"][0]["content"][0]["text"]
    start = {**response, "status": "in_progress", "output": [], "usage": None}
    item = {"type": "message", "id": response["output"][0]["id"], "status": "in_progress", "role": "assistant",
            "content": []}
    chunks = [text[i:i + 8] for i in range(0, len(text), 8)]
    events: list[tuple[str, dict[str, Any]]] = [
        ("response.created", {"response": start}), ("response.in_progress", {"response": start}),
        ("response.output_item.added", {"output_index": 0, "item": item}),
        ("response.content_part.added", {"item_id": item["id"], "output_index": 0, "content_index": 0,
                                         "part": {"type": "output_text", "text": "", "annotations": []}}),
        *(("response.output_text.delta", {"item_id": item["id"], "output_index": 0, "content_index": 0,
                                          "delta": chunk, "logprobs": []}) for chunk in chunks),
        ("response.output_text.done", {"item_id": item["id"], "output_index": 0, "content_index": 0, "text": text,
                                       "logprobs": []}),
        ("response.output_item.done", {"output_index": 0, "item": response["output"][0]}),
        ("response.completed", {"response": response}),
    ]
    await _emit(send, [_event(name, {"type": name, "sequence_number": i, **data})
                       for i, (name, data) in enumerate(events)], fault)


async def _messages_stream(message: dict[str, Any], fault: str, send: Send) -> None:
    text = message["content"][0]["text"]
    usage = message["usage"]
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    chunks = [text[i:i + 8] for i in range(0, len(text), 8)]
    events = [
        _event("message_start", {"type": "message_start", "message": start}),
        _event("content_block_start", {"type": "content_block_start", "index": 0,
                                       "content_block": {"type": "text", "text": ""}}),
        _event("ping", {"type": "ping"}),
        *(_event("content_block_delta", {"type": "content_block_delta", "index": 0,
                                         "delta": {"type": "text_delta", "text": chunk}}) for chunk in chunks),
        _event("content_block_stop", {"type": "content_block_stop", "index": 0}),
        _event("message_delta", {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                                 "usage": {"output_tokens": usage["output_tokens"]}}),
        _event("message_stop", {"type": "message_stop"}),
    ]
    await _emit(send, events, fault)
