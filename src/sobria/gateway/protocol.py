"""The gateway's HTTP/1.1 protocol: uvicorn's httptools protocol with a bounded header phase.

uvicorn reads a request's whole header block before the application sees it, and its keep-alive
timer is reset by every byte received: a client sending 64 MB of headers is buffered in full before
the gateway's 431, and one sending a byte every half second holds its connection for ever. Here the
header phase — from the connection's opening, or from a request's first byte, until its headers are
complete — is bounded in bytes (``max_header_bytes`` plus :data:`LINE_ALLOWANCE`: 431) and in time
(``header_timeout_s``: 408); either answer is the gateway's error JSON, ``connection: close``, and
is counted and logged like the application's rejections. Between requests the keep-alive timeout
still applies, and a request whose headers arrive in one read (nearly all of them) costs no timer.

The byte count is taken at each read, so the header phase may hold up to a read more than the limit
(256,000 bytes with uvloop); for a connection's later requests the read in which one begins is not counted
either (the parser does not say where in it the request began, and a pipelined request must not be
charged for its predecessors' bytes): up to two reads beyond the limit.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from sobria.gateway.apis import error_body
from sobria.gateway.http import GatewayError

if TYPE_CHECKING:
    from asyncio import TimerHandle

    from uvicorn.config import Config
    from uvicorn.server import ServerState

    from sobria.gateway.app import GatewayApp

LINE_ALLOWANCE = 16_384  # the request line and the header lines' separators, beyond max_header_bytes
LINGER_S = 0.5  # after a refusal, time left to the client to read it before the connection is closed


def gateway_protocol(app: GatewayApp) -> type[asyncio.Protocol]:
    """The protocol class serving ``app`` (its limits read from ``app.gw.config`` per connection)."""

    class GatewayHttpToolsProtocol(BoundedHttpToolsProtocol):
        gateway_app = app

    return GatewayHttpToolsProtocol


class BoundedHttpToolsProtocol(HttpToolsProtocol):
    """:class:`HttpToolsProtocol` whose header phase is bounded (see the module's docstring)."""

    gateway_app: GatewayApp   # set by :func:`gateway_protocol`

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        gw_config = self.gateway_app.gw.config
        self.header_limit = gw_config.max_header_bytes + LINE_ALLOWANCE
        self.header_timeout_s = gw_config.header_timeout_s
        self.in_headers = True  # from the connection's opening until the first request's headers end
        self.header_bytes = 0
        self.first_request = True
        self.header_timer: TimerHandle | None = None
        self.refused = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.header_timer = self.loop.call_later(self.header_timeout_s, self._header_timeout)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.refused:
            return
        if self.in_headers:
            self.header_bytes += len(data)
        super().data_received(data)
        if self.in_headers and not self.transport.is_closing():
            if self.header_bytes > self.header_limit:
                self._refuse_headers_too_large()
            elif self.header_timer is None:  # the request began in this read
                self.header_timer = self.loop.call_later(self.header_timeout_s, self._header_timeout)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self.in_headers = True
        if self.first_request:  # it began at the connection's first byte: its count so far is right
            self.first_request = False
        else:
            self.header_bytes = 0

    def on_headers_complete(self) -> None:
        self.in_headers = False
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None
        super().on_headers_complete()

    # the refusals

    def _header_timeout(self) -> None:
        self.header_timer = None
        if not self.in_headers or self.refused or self.transport.is_closing():
            return
        limit = self.header_timeout_s
        message = self.gateway_app.gw.t("gateway.error.header_timeout", limit=limit)
        self._refuse(GatewayError(408, "header_timeout", message))

    def _refuse_headers_too_large(self) -> None:
        limit = self.header_limit - LINE_ALLOWANCE
        message = self.gateway_app.gw.t("gateway.error.headers_too_large", limit=limit)
        self._refuse(GatewayError(431, "headers_too_large", message))

    def _refuse(self, err: GatewayError) -> None:
        """Answer ``err`` and close: nothing more is read (the kernel's buffers fill, the client's
        sending stops), the answer is followed by a FIN, and the connection is closed
        :data:`LINGER_S` later (time for the client to read the answer before the reset that
        closing with unread bytes causes). While an earlier request's response is still being sent
        (a pipelined request), nothing is written in its midst: that response ends, then the
        connection is closed."""
        self.refused = True
        self.in_headers = False
        if self.header_timer is not None:
            self.header_timer.cancel()
            self.header_timer = None
        scope = self._partial_scope()
        try:
            self.gateway_app.rejected(scope, err)  # the security log and sobria_gateway_rejected_total
        except Exception:  # never let the accounting keep the connection open
            self.logger.exception("rejection not recorded")
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            cycle.keep_alive = False  # uvicorn closes the connection once that response is sent
            self.flow.pause_reading()
            return
        body = _body(scope, err)
        content = [STATUS_LINE[err.status]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend([b"content-type: application/json\r\n",
                        b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                        b"connection: close\r\n\r\n", body])
        transport = self.transport
        transport.pause_reading()
        transport.write(b"".join(content))
        if transport.can_write_eof():
            transport.write_eof()
        self.loop.call_later(LINGER_S, transport.close)

    def _partial_scope(self) -> dict[str, Any]:
        """What is known of the refused request: its client, and its method and path once the
        request line has begun (truncated, printable ASCII only: it goes to the security log)."""
        scope: dict[str, Any] = {"client": self.client, "method": "-", "path": "-", "headers": []}
        url = getattr(self, "url", b"")
        if url:
            scope["method"] = self.parser.get_method().decode("ascii", "replace")
            path = url.split(b"?", 1)[0][:200].decode("ascii", "replace")
            scope["path"] = "".join(c if " " < c < "\x7f" else "?" for c in path)
        if self.headers is not None:
            scope["headers"] = [(name, value) for name, value in self.headers if name == b"anthropic-version"]
        return scope


def _body(scope: dict[str, Any], err: GatewayError) -> bytes:
    try:
        return error_body(scope["path"], err, any(name == b"anthropic-version" for name, _ in scope["headers"]))
    except Exception:  # a fixed JSON rather than no answer
        return json.dumps({"error": {"message": err.message, "type": err.kind, "param": None,
                                     "code": err.code}}).encode()
